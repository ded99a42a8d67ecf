"""Reports laid out as tables of typed cells, for every text format to print alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complexity.algebra.expr import Expr
from complexity.frozen import Frozen
from complexity.language.shapes import Shape
from complexity.render.formula import closed, pretty
from complexity.render.numbers import decimal, megabytes, percent, readable, short

if TYPE_CHECKING:  # the table model is imported by every command: the walk only where needed
    from complexity.engine.walk import Report, Row

Cell = str | int


class Table(Frozen):
    """Columns, rows of cells (ints stay ints, for CSV and alignment), and notes below."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str]
    totals: list[Cell] | None
    """A last row with the column sums, where the table has one."""

    def __init__(self, title: str, columns: list[str], rows: list[list[Cell]],
                 notes: list[str] | None = None, totals: list[Cell] | None = None) -> None:
        self.__dict__.update(title=title, columns=columns, rows=rows,
                             notes=[] if notes is None else notes, totals=totals)


def heading(report: Report) -> str:
    """'mobilenet_v1 — α = 0.75, ρ = 0.714 (160×160), paper convention'."""
    return (
        f"{report.model} — α = {decimal(report.alpha)}, ρ = {decimal(report.rho)} "
        f"({report.resolution}×{report.resolution}), {report.convention} convention"
    )


def shape_text(row: Row) -> str:
    """'32×112² → 64×112²' (C×H² for square maps, C×H×W otherwise)."""
    def one(shape: Shape) -> str:
        c, h, w = shape.as_list()
        return f"{c}×{h}²" if h == w else f"{c}×{h}×{w}"

    return f"{one(row.input)} → {one(row.output)}"


def formula_text(formula: Expr, row: Row) -> str:
    """'D_K²·M·N = 3²·3·32', or '0' for a free layer."""
    notation, filled = pretty(formula), pretty(formula, row.values)
    return notation if notation == filled else f"{notation} = {filled}"


def closed_notes(report: Report) -> list[str]:
    """The closed-form totals, labelled as unrounded."""
    return [
        f"Closed form (unrounded, exact where no rounding happens): "
        f"params = {closed(report.params_closed)}",
        f"Closed form (unrounded): MAdds = {closed(report.madds_closed)}",
    ]


def totals_notes(report: Report, flops: bool = False) -> list[str]:
    """The lines under a model table: totals, model size, closed form."""
    notes = [
        f"Params: {readable(report.params)} — {megabytes(report.params)} as float32",
        f"MAdds: {readable(report.madds)}",
    ]
    if flops:
        notes.append(f"FLOPs (2 × MAdds): {readable(2 * report.madds)}")
    return notes + closed_notes(report)


def layer_table(report: Report, flops: bool = False) -> Table:
    """One row per layer: shapes, both formulas with their values, and the MAdds share."""
    rows: list[list[Cell]] = [
        [
            i,
            row.name,
            row.kind,
            shape_text(row),
            formula_text(row.params_formula, row),
            row.params,
            formula_text(row.madds_formula, row),
            row.madds,
            percent(row.madds, report.madds),
        ]
        for i, row in enumerate(report.rows, 1)
    ]
    return Table(
        title=heading(report),
        columns=["#", "layer", "kind", "input → output", "params formula", "params",
                 "MAdds formula", "MAdds", "% MAdds"],
        rows=rows,
        notes=totals_notes(report, flops),
        totals=["", "total", "", "", "", report.params, "", report.madds, "100.00"],
    )


def summary_table(report: Report, flops: bool = False) -> Table:
    """Totals only."""
    rows: list[list[Cell]] = [
        ["params", report.params, short(report.params)],
        ["MAdds", report.madds, short(report.madds)],
    ]
    if flops:
        rows.append(["FLOPs (2 × MAdds)", 2 * report.madds, short(2 * report.madds)])
    notes = [f"Model size: {megabytes(report.params)} as float32", *closed_notes(report)]
    return Table(title=heading(report), columns=["total", "value", "short"], rows=rows,
                 notes=notes)


def kind_table(report: Report) -> Table:
    """The by-kind breakdown, like the MobileNetV1 paper's Table 2."""
    from complexity.analysis.breakdown import by_kind

    shares = by_kind(report)
    return Table(
        title=f"{heading(report)} — by kind",
        columns=["kind", "layers", "params", "% params", "MAdds", "% MAdds"],
        rows=[
            [s.category, s.layers, s.params, percent(s.params, report.params), s.madds,
             percent(s.madds, report.madds)]
            for s in shares
        ],
        totals=["total", sum(s.layers for s in shares), report.params, "100.00", report.madds,
                "100.00"],
    )

