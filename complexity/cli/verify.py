"""mbcalc verify: a spec against a real model, layer by layer."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from complexity.cli.arguments import one_resolution, parse_sets, positive
from complexity.cli.delivery import Format, deliver
from complexity.cli.group import (
    EXIT_MISMATCH,
    Alpha,
    Debug,
    Fmt,
    Force,
    Framework,
    Model,
    Output,
    Resolution,
    Rho,
    Sets,
    app,
    user_errors,
)


def _progress(message: str) -> None:
    print(f"mbcalc: {message}", file=sys.stderr, flush=True)


@app.command(help="Check a spec against a real model, layer by layer; exit 0 only if all match, "
             "3 if not.\n\nThe model is your own (--reference, which imports and runs your "
             "Python file) or mbcalc's reference of a zoo network. Layers are paired by shapes "
             "and counts, every parameter of the model counts, and MAdds are measured twice "
             "(torch's FlopCounterMode, and each conv's and linear's shapes).")
@user_errors
def verify(
    model: Model,
    alpha: Alpha = "1",
    rho: Rho = None,
    resolution: Resolution = None,
    framework: Annotated[
        Framework, typer.Option(metavar="FRAMEWORK",
                                help="Without --reference: torch, mbcalc's hand-written "
                                "reference of a zoo network; keras, keras.applications.")
    ] = Framework.torch,
    reference: Annotated[
        str | None, typer.Option(
            metavar="REF",
            help="Your own model: FILE.py:CALLABLE or package.module:CALLABLE returning a "
            "torch.nn.Module or a Keras model. This IMPORTS AND RUNS that Python code "
            "(a spec file never runs code).")
    ] = None,
    reference_arg: Annotated[
        list[str] | None, typer.Option(
            "--reference-arg", metavar="NAME=VALUE",
            help="A keyword argument for the --reference callable: "
            "NAME=VALUE (repeatable).")
    ] = None,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Check a spec against a real model, layer by layer (the help text is above)."""
    from complexity.api import verify as run_verify
    from complexity.reference.user import parse_arguments
    from complexity.render.comparisons import first_differences

    rho_value, size = one_resolution(rho, resolution)
    arguments = parse_arguments(reference_arg or [])
    if arguments and reference is None:
        from complexity.errors import MbcalcError

        raise MbcalcError("--reference-arg needs --reference FILE.py:CALLABLE")
    check = run_verify(model, reference, alpha=positive("alpha", alpha) or 1, rho=rho_value,
                       resolution=size, sets=parse_sets(sets or []), arguments=arguments,
                       framework=framework.value, progress=_progress)
    if fmt is Format.json:
        deliver(fmt, output, force, text=check.to_json())
    else:
        deliver(fmt, output, force, tables=check.tables())
    if not check.ok:
        print(f"mismatch: {first_differences(check.result)}", file=sys.stderr)
        raise typer.Exit(EXIT_MISMATCH)
