"""mbcalc formula: the closed forms in α and ρ, and the largest α or ρ within a budget."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Annotated, Any

import typer

from complexity.cli.app import (
    Conv,
    ConventionChoice,
    Debug,
    Fmt,
    Force,
    Model,
    Output,
    Resolution,
    Rho,
    Sets,
    app,
    spec_of,
    user_errors,
)
from complexity.cli.arguments import budget, one_resolution, positive
from complexity.cli.delivery import Format, deliver
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

    spec = spec_of(model, sets)
    report = walk(spec, convention=convention.value)  # type: ignore[arg-type]
    solution = None
    if solve_madds is not None and solve_params is not None:
        raise MbcalcError("give --solve-madds or --solve-params, not both")
    if solve_madds is not None or solve_params is not None:
        metric, limit = (("madds", budget("solve-madds", solve_madds)) if solve_madds is not None
                         else ("params", budget("solve-params", solve_params or "")))
        if alpha is not None:
            if rho is not None or resolution is not None:
                raise MbcalcError("--alpha solves for ρ: do not give --rho or --resolution too")
            solution = solve_resolution(spec, metric, limit,  # type: ignore[arg-type]
                                        positive("alpha", alpha) or Fraction(1), convention.value)
        else:
            rho_value, size = one_resolution(rho, resolution)
            solution = solve_alpha(spec, metric, limit, rho_value, size,  # type: ignore[arg-type]
                                   convention.value)
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
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
    elif fmt is Format.latex:
        deliver(fmt, output, force, text=formula_latex(report))
    else:
        deliver(fmt, output, force, tables=[formula_table(report, solution)])
