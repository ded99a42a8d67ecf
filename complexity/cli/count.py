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
    spec_of,
    user_errors,
    walk_at,
)
from complexity.cli.delivery import Format, deliver, draw_plot


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
    from complexity.render import tables

    report = walk_at(spec_of(model, sets), alpha, rho, resolution, convention.value)
    if plot is not None:
        from complexity.render.plot import model_plot

        draw_plot(plot, lambda: model_plot(report, plot, force))
    if fmt is Format.json:
        from complexity.render.jsonout import report_json

        deliver(fmt, output, force, text=report_json(report, by_kind))
        return
    if by_kind:  # the breakdown alone (then the totals, if asked, except in CSV: one table)
        chosen = [tables.kind_table(report)]
        if summary and fmt is not Format.csv:
            chosen.append(tables.summary_table(report, flops))
    elif summary:
        chosen = [tables.summary_table(report, flops)]
    else:
        chosen = [tables.layer_table(report, flops)]
    deliver(fmt, output, force, tables=chosen)
