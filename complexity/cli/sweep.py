"""mbcalc sweep: totals over a grid of α × ρ."""

from __future__ import annotations

from typing import Annotated

import typer

from complexity.cli.delivery import Format
from complexity.cli.group import (
    Conv,
    ConventionChoice,
    Debug,
    DType,
    Fmt,
    ForcePlot,
    Model,
    Output,
    Plot,
    ScheduleChoice,
    Sets,
    app,
    user_errors,
)


@app.command()
@user_errors
def sweep(
    model: Model,
    alpha: Annotated[str, typer.Option(metavar="VALUES",
                                       help="α values: 0.25,0.5,1 or START:STOP:COUNT.")] = "1",
    rho: Annotated[str | None, typer.Option(metavar="VALUES", help="ρ values, as --alpha.")] = None,
    resolution: Annotated[
        str | None,
        typer.Option(metavar="PIXELS", help="Resolutions instead of --rho: 224,192,160,128."),
    ] = None,
    convention: Conv = ConventionChoice.paper,
    memory: Annotated[bool, typer.Option(
        "--memory", metavar="",
        help="Also peak live memory at each point (and plot it against MAdds).")
    ] = False,
    dtype: Annotated[DType, typer.Option(metavar="DTYPE",
                                         help="Precision of --memory's bytes.")] = DType.float32,
    schedule: Annotated[ScheduleChoice, typer.Option(
        metavar="SCHEDULE",
        help="--memory's schedule: sequential, or inverted_residual (MobileNetV2 §5.1).")
    ] = ScheduleChoice.sequential,
    fmt: Fmt = Format.table,
    plot: Plot = None,
    output: Output = None,
    force: ForcePlot = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Totals over a grid of α × ρ (or α × resolution)."""
    from complexity.cli.fast import sweep_run

    sweep_run(model, alpha, rho, resolution, convention.value, fmt, plot, output, force, sets,
              memory=memory, dtype=dtype.value, schedule=schedule.value)
