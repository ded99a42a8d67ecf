"""mbcalc count (the default command): a network's params and MAdds, layer by layer."""

from __future__ import annotations

from typing import Annotated

import typer

from complexity.cli.app import (
    Alpha,
    Conv,
    ConventionChoice,
    Debug,
    DType,
    Fmt,
    Force,
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
from complexity.cli.delivery import Format, deliver


@app.command()
@user_errors
def count(
    model: Model,
    alpha: Alpha = "1",
    rho: Rho = None,
    resolution: Resolution = None,
    convention: Conv = ConventionChoice.paper,
    fmt: Fmt = Format.table,
    summary: Annotated[bool, typer.Option(help="Totals only.")] = False,
    by_kind: Annotated[
        bool, typer.Option("--by-kind", help="Cost by kind of layer (paper's Table 2).")
    ] = False,
    flops: Annotated[bool, typer.Option(help="Also show FLOPs = 2 × MAdds.")] = False,
    memory: Annotated[bool, typer.Option(
        "--memory", help="Memory view: activation and weight bytes, MAC, peak live memory.")
    ] = False,
    dtype: Annotated[DType, typer.Option(help="Precision of --memory's bytes.")] = DType.float32,
    device_peak: Annotated[str | None, typer.Option(
        help="Roofline bound (implies --memory): peak MAdds per second, e.g. 1.2T.")] = None,
    device_bandwidth: Annotated[str | None, typer.Option(
        help="Roofline bound: memory bandwidth, e.g. 25GB/s.")] = None,
    plot: Plot = None,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Count a network's params and MAdds, layer by layer."""
    from complexity.render import tables

    report = walk_at(spec_of(model, sets), alpha, rho, resolution, convention.value)
    if memory or device_peak is not None or device_bandwidth is not None:
        from complexity.cli.memory import memory_view

        memory_view(report, dtype.value, device_peak, device_bandwidth, fmt, output, force,
                    summary, plot, by_kind)
        return
    if plot is not None:
        from complexity.render.plot import model_plot

        model_plot(report, plot, force)
    if fmt is Format.json:
        from complexity.render.jsonout import report_json

        deliver(fmt, output, force, text=report_json(report, by_kind))
        return
    chosen = [tables.summary_table(report, flops) if summary else tables.layer_table(report, flops)]
    if by_kind:
        chosen.append(tables.kind_table(report))
    deliver(fmt, output, force, tables=chosen)
