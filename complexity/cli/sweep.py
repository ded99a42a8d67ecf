"""mbcalc sweep: totals over a grid of α × ρ."""

from __future__ import annotations

from typing import Annotated

import typer

from complexity.cli.delivery import MAX_SWEEP_TABLE, Format, deliver, draw_plot
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
    spec_of,
    user_errors,
)
from complexity.errors import MbcalcError, printable
from complexity.language.numbers import LARGEST


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
    from complexity.analysis.sweep import MAX_POINTS, parse_values
    from complexity.analysis.sweep import sweep as run_sweep
    from complexity.render.sweeps import sweep_table

    if rho is not None and resolution is not None:
        raise MbcalcError("give --rho or --resolution, not both")
    sizes = None
    if resolution is not None:
        values = parse_values("resolution", resolution)
        if any(v.denominator != 1 or v > LARGEST for v in values):
            raise MbcalcError(f"--resolution values must be whole numbers up to {LARGEST:,} (the "
                              f"largest a spec allows), got {printable(resolution)!r}")
        sizes = [int(v) for v in values]
    alphas = parse_values("alpha", alpha)
    rhos = parse_values("rho", rho) if rho is not None else None
    count = len(alphas) * len(sizes or rhos or [1])
    if count > MAX_POINTS:
        raise MbcalcError(f"a sweep is at most {MAX_POINTS:,} points, this one has {count:,}")
    if fmt is Format.table and count > MAX_SWEEP_TABLE:
        raise MbcalcError(f"{count:,} points are too many to draw as a table (at most "
                          f"{MAX_SWEEP_TABLE:,}); use --format csv, json or markdown")
    spec = spec_of(model, sets)
    if memory:
        import gc

        from complexity.cli.memory import sweep_memory, walk_memo

        walk_at = walk_memo(spec, convention.value)
        gc.disable()  # the walks kept for both analyses hold many objects, none cyclic garbage
        try:
            points = run_sweep(spec, alphas, rhos, sizes, convention.value, walk_at=walk_at)
            sweep_memory(spec, points, walk_at, dtype.value, schedule.value, fmt, plot, output,
                         force, convention.value)
        finally:
            gc.enable()
        return
    points = run_sweep(spec, alphas, rhos, sizes, convention.value)
    if plot is not None:
        from complexity.render.plot import sweep_plot

        draw_plot(plot, lambda: sweep_plot(spec.network.name, points, plot, force))
    if fmt is Format.json:
        from complexity.render.jsonout import object_json, sweep_dict

        data = sweep_dict(spec.network.name, convention.value, points, sizes is not None)
        deliver(fmt, output, force, text=object_json(data, "points"))
        return
    deliver(fmt, output, force, tables=[sweep_table(spec.network.name, convention.value, points)])
