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
from complexity.errors import MbcalcError


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
    ops: Annotated[bool, typer.Option(
        "--ops", help="Also count every other op per layer: bias adds, batch norm, activations, "
        "pooling, residual adds, SE scaling (docs/why-counters-disagree.md).")] = False,
    as_peer: Annotated[str | None, typer.Option(
        "--as", metavar="PEER", help="Also print what PEER prints for this network's torch "
        "model, and why it differs from the MAdds: ptflops, ptflops-aten, fvcore, thop, "
        "torchinfo or flopcounter.")] = None,
    plot: Plot = None,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Count a network's params and MAdds, layer by layer."""
    from complexity.render import tables

    report = walk_at(spec_of(model, sets), alpha, rho, resolution, convention.value)
    if as_peer is not None:
        from complexity.analysis.peers import check_peer

        check_peer(as_peer)
    if memory or device_peak is not None or device_bandwidth is not None:
        if ops or as_peer is not None:
            raise MbcalcError("--memory (or a --device-* bound) is a view of its own: give it "
                              "without --ops and --as")
        from complexity.cli.memory import memory_view

        memory_view(report, dtype.value, device_peak, device_bandwidth, fmt, output, force,
                    summary, plot, by_kind)
        return
    if plot is not None:
        from complexity.render.plot import model_plot

        model_plot(report, plot, force)
    if fmt is Format.json:
        from complexity.render.jsonout import report_json

        deliver(fmt, output, force, text=report_json(report, by_kind, ops, as_peer))
        return
    chosen = [tables.summary_table(report, flops) if summary else tables.layer_table(report, flops)]
    if by_kind:
        chosen.append(tables.kind_table(report))
    if ops or as_peer:
        from complexity.render import peers

        chosen += [peers.ops_table(report)] if ops else []
        chosen += [peers.as_table(report, peers.predict(report, as_peer))] if as_peer else []
    deliver(fmt, output, force, tables=chosen)
