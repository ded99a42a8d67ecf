"""mbcalc verify: a spec against a real model, layer by layer."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from complexity.cli.app import (
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
    spec_of,
    user_errors,
    walk_at,
)
from complexity.cli.delivery import Format, deliver


@app.command()
@user_errors
def verify(
    model: Model,
    alpha: Alpha = "1",
    rho: Rho = None,
    resolution: Resolution = None,
    framework: Annotated[
        Framework, typer.Option(metavar="FRAMEWORK",
                                help="torch (hand-written reference) or keras "
                                "(keras.applications).")
    ] = Framework.torch,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Check a zoo network against a real model, layer by layer; exit 0 only if all match."""
    from complexity.analysis import verify as check
    from complexity.render.comparisons import verify_table
    from complexity.render.tables import heading

    spec = spec_of(model, sets)
    report = walk_at(spec, alpha, rho, resolution, framework.value)
    variables = dict(spec.network.variables)
    if framework is Framework.torch:
        reference = check.torch_model(spec.network.name, float(report.alpha), variables)
        measured = check.measure_torch(reference, report.resolution, spec.network.in_channels,
                                       training=check.has_side_branch(spec.network.layers))
    else:
        reference = check.keras_model(spec.network.name, float(report.alpha), report.resolution,
                                      variables)
        measured = check.measure_keras(reference)
    result = check.verify(report, measured)
    if fmt is Format.json:
        data = {"model": report.model, "convention": report.convention,
                "framework": framework.value, "ok": result.ok,
                "params": list(result.params), "madds": list(result.madds),
                "layers": [{"spec": vars(p.ours) if p.ours else None,
                            "model": vars(p.theirs) if p.theirs else None, "ok": p.ok}
                           for p in result.pairs]}
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
    else:
        side = "torch reference" if framework is Framework.torch else "keras.applications"
        deliver(fmt, output, force,
                tables=[verify_table(result, f"{heading(report)} — spec vs {side}")])
    if not result.ok:
        raise typer.Exit(EXIT_MISMATCH)
