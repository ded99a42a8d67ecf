"""mbcalc count (the default command): a network's params and MAdds, layer by layer."""

from __future__ import annotations

from typing import Annotated

import typer

from complexity.cli.delivery import Format
from complexity.cli.group import (
    Alpha,
    Conv,
    ConventionChoice,
    Debug,
    DType,
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
    memory: Annotated[bool, typer.Option(
        "--memory", metavar="",
        help="Memory view: activation and weight bytes, MAC, peak live memory.")
    ] = False,
    dtype: Annotated[DType, typer.Option(metavar="DTYPE",
                                         help="Precision of --memory's bytes.")] = DType.float32,
    device_peak: Annotated[str | None, typer.Option(
        metavar="RATE",
        help="Roofline bound (implies --memory): peak MAdds per second, e.g. 1.2T.")] = None,
    device_bandwidth: Annotated[str | None, typer.Option(
        metavar="BANDWIDTH", help="Roofline bound: memory bandwidth, e.g. 25GB/s.")] = None,
    ops: Annotated[bool, typer.Option(
        "--ops", metavar="",
        help="Also count every other op per layer: bias adds, batch norm, activations, "
        "pooling, residual adds, scaling (docs/why-counters-disagree.md).")] = False,
    as_peer: Annotated[str | None, typer.Option(
        "--as", metavar="PEER", help="Also print what PEER prints for this network's torch "
        "model, and why it differs from the MAdds: ptflops, ptflops-aten, fvcore, thop, "
        "torchinfo or flopcounter.")] = None,
    plot: Plot = None,
    output: Output = None,
    force: ForcePlot = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Count a network's params and MAdds, layer by layer."""
    from complexity.cli.fast import count_run

    count_run(model, alpha, rho, resolution, convention.value, fmt, summary, by_kind, flops, plot,
              output, force, sets, ops=ops, as_peer=as_peer, memory=memory, dtype=dtype.value,
              device_peak=device_peak, device_bandwidth=device_bandwidth)
