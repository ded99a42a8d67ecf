"""mbcalc formula: the closed forms in α and ρ, and the largest α or ρ within a budget."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Annotated, Any

import typer

from complexity.cli.arguments import budget, one_resolution, positive
from complexity.cli.delivery import Format, deliver
from complexity.cli.group import (
    Conv,
    ConventionChoice,
    Debug,
    DType,
    Fmt,
    Force,
    Model,
    Output,
    Resolution,
    Rho,
    ScheduleChoice,
    Sets,
    app,
    spec_of,
    user_errors,
)
from complexity.errors import MbcalcError


@app.command()
@user_errors
def formula(
    model: Model,
    solve_madds: Annotated[
        str | None, typer.Option(metavar="MADDS",
                                       help="Largest α (at --rho) or ρ (at --alpha) within MAdds.")
    ] = None,
    solve_params: Annotated[
        str | None,
        typer.Option(metavar="PARAMS", help="Largest α (or ρ at --alpha) within params."),
    ] = None,
    alpha: Annotated[
        str | None, typer.Option(metavar="ALPHA", help="Fix α and solve for ρ.")
    ] = None,
    solve_peak_memory: Annotated[
        str | None, typer.Option(metavar="BYTES",
                                 help="Largest α (or ρ at --alpha) whose peak live memory fits "
                                      "this many bytes: 1MB, 512KB (at --dtype, --schedule).")
    ] = None,
    dtype: Annotated[DType, typer.Option(metavar="DTYPE",
                                         help="Precision for --solve-peak-memory.")
                     ] = DType.float32,
    schedule: Annotated[ScheduleChoice, typer.Option(
        metavar="SCHEDULE",
        help="Schedule for --solve-peak-memory: sequential or inverted_residual (§5.1).")
    ] = ScheduleChoice.sequential,
    rho: Rho = None,
    resolution: Resolution = None,
    convention: Conv = ConventionChoice.paper,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """The closed-form totals in α and ρ, and the largest α or ρ within a budget."""
    from complexity.analysis.solve import solve_alpha, solve_resolution
    from complexity.engine.walk import walk
    from complexity.render.sweeps import formula_latex, formula_table

    asked = [o for o in (solve_madds, solve_params, solve_peak_memory) if o is not None]
    if len(asked) > 1:
        raise MbcalcError("give one of --solve-madds, --solve-params, --solve-peak-memory")
    if not asked:  # checked as count checks them
        positive("alpha", alpha)
        one_resolution(rho, resolution)
    spec = spec_of(model, sets)
    report = walk(spec, convention=convention.value)  # type: ignore[arg-type]
    solution = None
    measure = None
    if solve_peak_memory is not None:
        from complexity.analysis.memory import peak_bytes

        measure = peak_bytes(dtype.value, schedule.value)  # type: ignore[arg-type]
    if asked:
        metric, limit = (("madds", budget("solve-madds", solve_madds)) if solve_madds is not None
                         else ("params", budget("solve-params", solve_params))
                         if solve_params is not None
                         else ("peak_memory", _bytes("solve-peak-memory", solve_peak_memory)))
        if alpha is not None:
            if rho is not None or resolution is not None:
                raise MbcalcError("--alpha solves for ρ: do not give --rho or --resolution too")
            solution = solve_resolution(spec, metric, limit,  # type: ignore[arg-type]
                                        positive("alpha", alpha) or Fraction(1), convention.value,
                                        measure)
        else:
            rho_value, size = one_resolution(rho, resolution)
            solution = solve_alpha(spec, metric, limit, rho_value, size,  # type: ignore[arg-type]
                                   convention.value, measure)
    if fmt is Format.json:
        data: dict[str, Any] = {
            "model": report.model, "convention": report.convention,
            "params": str(report.params_closed), "madds": str(report.madds_closed),
            "symbols": ["alpha", "rho"],
            "note": "unrounded polynomial in alpha and rho; exact where no rounding happens",
        }
        if solution is not None:
            r = solution.report
            data["solution"] = {"metric": solution.metric, "budget": solution.budget,
                                "alpha": float(r.alpha), "rho": float(r.rho),
                                "resolution": r.resolution, "params": r.params, "madds": r.madds}
            if solution.value is not None:
                data["solution"].update({"peak_memory_bytes": solution.value,
                                         "dtype": dtype.value, "schedule": schedule.value})
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
    elif fmt is Format.latex:
        deliver(fmt, output, force, text=formula_latex(report))
    else:
        deliver(fmt, output, force, tables=[formula_table(report, solution)])


def _bytes(option: str, text: str | None) -> int:
    """A memory budget in bytes: '1MB', '512KB', '2e6' (10³ steps)."""
    from complexity.analysis.memory import parse_rate

    return int(parse_rate(option, text or "", "B"))
