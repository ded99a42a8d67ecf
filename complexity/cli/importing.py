"""mbcalc import: a PyTorch model or an ONNX file → a spec in mbcalc's format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from complexity.cli.group import EXIT_MISMATCH, Debug, Force, app, user_errors
from complexity.errors import MbcalcError


@app.command("import")
@user_errors
def import_model(
    torch_ref: Annotated[str | None, typer.Option(
        "--torch", metavar="REF",
        help="A PyTorch model: FILE.py:CALLABLE or MODULE:CALLABLE returning a torch.nn.Module. "
             "This imports and runs that Python file.")] = None,
    onnx_file: Annotated[Path | None, typer.Option(
        "--onnx", metavar="FILE.onnx",
        help="An ONNX file (read with the onnx package and its shape inference only).")] = None,
    reference_arg: Annotated[list[str] | None, typer.Option(
        "--reference-arg", help="KEY=VALUE passed to the --torch callable (repeatable).")] = None,
    input: Annotated[str | None, typer.Option(
        "--input", help="The traced input C×H×W, e.g. 3x224x224 (--torch default 3x224x224; "
                        "--onnx: the file's own input size).")] = None,
    output: Annotated[Path | None, typer.Option(
        help="Write the spec to this file instead of printing it.")] = None,
    force: Force = False,
    width_rule: Annotated[str, typer.Option(
        "--width-rule", help="How α rounds the imported widths: floor (default: int(c·α), "
                             "every width exact at α = 1), floor:MIN, divisible or divisible:N "
                             "(only where every width is a multiple of N).")] = "floor",
    opaque: Annotated[bool, typer.Option(
        "--opaque", help="Keep an op the format cannot express as a row measured at the traced "
                         "size (not analytic: it does not scale with ρ or α) instead of failing."
    )] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Count the spec and the model side by side at the traced size and at "
                        "5/7 of it; exit 3 on any difference.")] = False,
    debug: Debug = False,
) -> None:
    """Import a PyTorch model or an ONNX file as a spec (YAML) that every command can read."""
    from complexity.importers import import_onnx, import_torch

    if (torch_ref is None) == (onnx_file is None):
        raise MbcalcError("give exactly one of --torch REF and --onnx FILE.onnx")
    shape = _shape(input) if input else None
    if torch_ref is not None:
        from complexity.reference.user import build_model, framework_of, parse_arguments

        model = build_model(torch_ref, parse_arguments(reference_arg or []))
        if framework_of(model) != "torch":
            raise MbcalcError(f"{torch_ref} built a Keras model: export it to ONNX "
                              f"(tf2onnx) and use --onnx")
        target, _, name = torch_ref.rpartition(":")
        if name in ("build", "model", "make", "create", "get_model", "main"):
            name = Path(target).stem if target.endswith(".py") else target.rpartition(".")[2]
        imported = import_torch(model, shape or (3, 224, 224), width_rule=width_rule,
                                opaque=opaque, name=name, source=torch_ref)
    else:
        assert onnx_file is not None
        if reference_arg:
            raise MbcalcError("--reference-arg goes with --torch, not --onnx")
        imported = import_onnx(onnx_file, width_rule=width_rule, opaque=opaque, input=shape)
        model = None
    if output is not None:
        from complexity.output import write_atomically

        write_atomically(output, imported.yaml, force)
    else:
        typer.echo(imported.yaml, nl=False)
    for name in imported.opaque:
        typer.echo(f"note: {name} is measured, not analytic: totals that include it do not "
                   f"scale with rho or alpha", err=True)
    for path, count in imported.unused:
        typer.echo(f"note: {path} ({count:,} params) did not run at the trace and is not in "
                   f"the spec", err=True)
    if check:
        from complexity.cli.delivery import Format, render
        from complexity.importers.check import check_onnx, check_torch

        if model is not None:
            result = check_torch(imported, model)
        else:
            assert onnx_file is not None
            result = check_onnx(imported, onnx_file)
        typer.echo(render(result.tables, Format.table), nl=False, err=output is None)
        if not result.ok:
            raise typer.Exit(EXIT_MISMATCH)


def _shape(text: str) -> tuple[int, int, int]:
    parts = text.lower().replace("×", "x").split("x")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) < 1:
        raise MbcalcError(f"--input expects C×H×W such as 3x224x224, got {text!r}")
    return values  # type: ignore[return-value]
