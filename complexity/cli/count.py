"""mbcalc count (the default command): a network's params and MAdds, layer by layer."""

from __future__ import annotations

from typing import Annotated

import typer

from complexity.cli.app import (
    Alpha,
    Conv,
    ConventionChoice,
    Debug,
    Fmt,
    ForcePlot,
    Model,
    Output,
    Plot,
    Resolution,
    Rho,
    Sets,
    app,
    user_errors,
)
from complexity.cli.delivery import Format


@app.command()
@user_errors
def count(
    model: Model,
    alpha: Alpha = "1",
    rho: Rho = None,
    resolution: Resolution = None,
    convention: Conv = ConventionChoice.paper,
    fmt: Fmt = Format.table,
    summary: Annotated[bool, typer.Option("--summary", metavar="", help="Totals only.")] = False,
    by_kind: Annotated[
        bool, typer.Option("--by-kind", metavar="", help="Cost by kind of layer (paper's "
                           "Table 2), instead of the layer table.")
    ] = False,
    flops: Annotated[bool, typer.Option("--flops", metavar="",
                                        help="Also show FLOPs = 2 × MAdds.")] = False,
    plot: Plot = None,
    output: Output = None,
    force: ForcePlot = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Count a network's params and MAdds, layer by layer."""
    from complexity.cli.fast import count_run

    count_run(model, alpha, rho, resolution, convention.value, fmt, summary, by_kind, flops, plot,
              output, force, sets)
