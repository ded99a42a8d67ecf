"""Tables of totals over α and ρ (``sweep``) and of closed forms and budgets (``formula``)."""

from __future__ import annotations

from typing import Any

from complexity.analysis.solve import Solution
from complexity.analysis.sweep import Point
from complexity.engine.walk import Report
from complexity.render.formula import closed
from complexity.render.numbers import decimal, megabytes, short
from complexity.render.tables import Cell, Table


def sweep_table(model: str, convention: str, points: list[Point]) -> Table:
    """One row per grid point, α varying slowest, as the MobileNet paper's Tables 6–7."""
    rows: list[list[Cell]] = [
        [decimal(p.alpha), decimal(p.rho), p.resolution, p.params, short(p.params), p.madds,
         short(p.madds)]
        for p in points
    ]
    return Table(title=f"{model} — sweep, {convention} convention",
                 columns=["α", "ρ", "resolution", "params", "params (short)", "MAdds",
                          "MAdds (short)"],
                 rows=rows)


def formula_table(report: Report, solution: Solution | None = None) -> Table:
    """The closed-form totals, their value at α = ρ = 1, and a budget's solution if asked."""
    rows: list[list[Cell]] = [
        ["params", closed(report.params_closed)],
        ["MAdds", closed(report.madds_closed)],
    ]
    notes = ["Unrounded: exact wherever no channel or spatial size is rounded (always at "
             "α = ρ = 1); the exact counts at other settings come from "
             "`mbcalc MODEL --alpha A --rho R`."]
    if solution is not None:
        notes.append(solution_text(solution))
    return Table(title=f"{report.model} — closed form in α and ρ ({report.convention} convention)",
                 columns=["total", "closed form (unrounded)"], rows=rows, notes=notes)


def solution_text(solution: Solution) -> str:
    """'largest α = 0.731 (ρ = 1, 224×224): MAdds 299,… ≤ 300,000,000; params …'."""
    r = solution.report
    if solution.value is not None:
        return (f"Budget peak live memory ≤ {solution.budget:,} bytes: largest α = "
                f"{decimal(r.alpha)}, ρ = {decimal(r.rho)} ({r.resolution}×{r.resolution}) — "
                f"peak {solution.value:,} bytes; params {r.params:,}, MAdds {r.madds:,}")
    return (f"Budget {solution.metric} ≤ {solution.budget:,}: largest α = {decimal(r.alpha)}, "
            f"ρ = {decimal(r.rho)} ({r.resolution}×{r.resolution}) — exact params {r.params:,} "
            f"({megabytes(r.params)}), MAdds {r.madds:,}")


def formula_latex(report: Report) -> str:
    """The closed forms as a LaTeX align* environment."""
    from sympy import latex

    def tex(expr: Any) -> str:
        return str(latex(expr._sympy_()))

    return ("\\begin{align*}\n"
            f"\\text{{params}} &= {tex(report.params_closed)} \\\\\n"
            f"\\text{{MAdds}} &= {tex(report.madds_closed)}\n"
            "\\end{align*}\n")
