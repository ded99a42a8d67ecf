"""mbcalc sweep: totals over a grid of α × ρ."""

from __future__ import annotations

import functools
from typing import Annotated

import typer

from complexity.cli.app import (
    Conv,
    ConventionChoice,
    Debug,
    Fmt,
    ForcePlot,
    Model,
    Output,
    Plot,
    Sets,
    app,
    spec_of,
    user_errors,
)
from complexity.cli.delivery import Format, deliver, draw_plot
from complexity.errors import MbcalcError


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
    fmt: Fmt = Format.table,
    plot: Plot = None,
    output: Output = None,
    force: ForcePlot = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Totals over a grid of α × ρ (or α × resolution)."""
    from complexity.analysis.sweep import parse_values
    from complexity.analysis.sweep import sweep as run_sweep
    from complexity.render.sweeps import sweep_table

    if rho is not None and resolution is not None:
        raise MbcalcError("give --rho or --resolution, not both")
    sizes = None
    if resolution is not None:
        values = parse_values("resolution", resolution)
        if any(v.denominator != 1 for v in values):
            raise MbcalcError(f"--resolution values must be whole numbers, got {resolution!r}")
        sizes = [int(v) for v in values]
    spec = spec_of(model, sets)
    points = run_sweep(spec, parse_values("alpha", alpha),
                       parse_values("rho", rho) if rho is not None else None, sizes,
                       convention.value)
    if plot is not None:
        from complexity.render.plot import sweep_plot

        draw_plot(plot, lambda: sweep_plot(spec.network.name, points, plot, force))
    if fmt is Format.json:
        from complexity.render.jsonout import object_json

        as_float = functools.lru_cache(maxsize=None)(float)  # a grid repeats its α and ρ
        grid: dict[str, list[float] | list[int]] = {
            "alpha": list(dict.fromkeys(as_float(p.alpha) for p in points))}
        if sizes is not None:
            grid["resolution"] = list(dict.fromkeys(p.resolution for p in points))
        else:
            grid["rho"] = list(dict.fromkeys(as_float(p.rho) for p in points))
        data = {"model": spec.network.name, "convention": convention.value, "grid": grid,
                "points": [{"alpha": as_float(p.alpha), "rho": as_float(p.rho),
                            "resolution": p.resolution, "params": p.params, "madds": p.madds}
                           for p in points]}
        deliver(fmt, output, force, text=object_json(data, "points"))
        return
    deliver(fmt, output, force, tables=[sweep_table(spec.network.name, convention.value, points)])
