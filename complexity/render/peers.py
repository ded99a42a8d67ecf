"""Every-op counts and the peers' numbers as tables (for every text format) and as JSON data."""

from __future__ import annotations

from typing import Any

from complexity.analysis.ops import KINDS, LABELS, OpsReport, report_ops
from complexity.analysis.papers import figure
from complexity.analysis.peers import (
    CAUSE_LABELS,
    CAUSES,
    PEERS,
    WHY,
    Prediction,
    one_line,
    predict,
)
from complexity.engine.walk import Report
from complexity.render.formula import pretty
from complexity.render.tables import Cell, Table, heading

OPS_NOTE = ("Ops: one add, multiply, compare, divide or exp each, counted beside the MAdds and "
            "never added to them; the cost of each op and its source: "
            "docs/why-counters-disagree.md.")


def ops_table(report: Report, ops: OpsReport | None = None) -> Table:
    """One row per layer: its ops by column, their total, and the formulas."""
    ops = ops or report_ops(report)
    rows: list[list[Cell]] = []
    for i, (row, counted) in enumerate(zip(report.rows, ops.rows, strict=True), 1):
        formula = "; ".join(f"{k}: {pretty(e)} = {pretty(e, counted.values)}"
                            for k, e in counted.formulas.items())
        rows.append([i, row.name, row.kind, *(counted.counts.get(k, 0) for k in KINDS),
                     counted.total, formula])
    return Table(
        title=f"{heading(report)} — every op",
        columns=["#", "layer", "kind", *(LABELS[k] for k in KINDS), "ops", "ops formula"],
        rows=rows,
        totals=["", "total", "", *(ops.totals[k] for k in KINDS), ops.total, ""],
        notes=[f"Ops: {ops.total:,} beside {report.madds:,} MAdds.", OPS_NOTE],
    )


def as_table(report: Report, prediction: Prediction) -> Table:
    """A peer's number, built term by term from mbcalc's MAdds, and why each term."""
    peer = prediction.peer
    ours = report_ops(report).totals
    rows: list[list[Cell]] = [["mbcalc MAdds (conv and fc multiply-adds)", report.madds, ""]]
    why: list[str] = []
    for cause in CAUSES:
        n = prediction.terms.get(cause, 0)
        if n or ours.get(cause, 0):
            rows.append([f"+ {CAUSE_LABELS[cause]}", n, ours.get(cause, "")])
            why.append(f"{CAUSE_LABELS[cause]}: {WHY[peer.name].get(cause, '')}")
    return Table(
        title=f"{heading(report)} — as {peer.name} {peer.version}",
        columns=["term", f"{peer.name} {peer.version} ({peer.unit})", "mbcalc --ops"],
        rows=rows,
        totals=[f"= {peer.name} prints", prediction.ops, ""],
        notes=[f"{peer.name} {peer.version} prints params {prediction.params:,} and "
               f"{prediction.ops:,} {peer.unit} for this network's torch model (eval mode, "
               f"batch 1; {peer.call}).", *why],
    )


def peers_table(report: Report) -> tuple[Table, Table]:
    """Every counter's number side by side with each gap in one line, and the gaps' terms."""
    predictions = [predict(report, name) for name in PEERS]
    rows: list[list[Cell]] = [["mbcalc MAdds", "", "MAdds", predictions[0].params, report.madds,
                               0]]
    notes = ["mbcalc MAdds: conv and fc multiply-adds, the papers' unit."]
    paper = figure(report.model) if report.resolution == _base(report) else None
    if paper is not None and report.alpha == 1:
        rows.append(["paper", "", "MAdds", "", paper.printed.text, ""])
        notes.append(f"paper: {paper.source}" + (f" ({paper.note})" if paper.note else ""))
    for p in predictions:
        rows.append([p.peer.name, p.peer.version, p.peer.unit, p.params, p.ops,
                     p.ops - report.madds])
        notes.append(f"{p.peer.name}: {one_line(p)}.")
    notes.append("Params: sum(p.numel() for p in model.parameters()) (weights, biases, batch "
                 "norm's γ and β). Each count is what the peer prints for the network's torch "
                 "model in eval mode, batch 1.")
    side = Table(
        title=f"{heading(report)} — what each counter prints",
        columns=["counter", "version", "unit", "params", "count", "count − MAdds"],
        rows=rows, notes=notes,
    )
    causes = [c for c in CAUSES if any(p.terms.get(c) for p in predictions)]
    terms: list[list[Cell]] = [["mbcalc MAdds", *(report.madds for _ in predictions)]]
    terms += [[f"+ {CAUSE_LABELS[c]}", *(p.terms.get(c, 0) for p in predictions)]
              for c in causes]
    gaps = Table(
        title=f"{heading(report)} — the gaps term by term",
        columns=["term", *(p.peer.name for p in predictions)],
        rows=terms,
        totals=["= count", *(p.ops for p in predictions)],
        notes=["Why each term, citing the peer's code: mbcalc NAME --as PEER."],
    )
    return side, gaps


def _base(report: Report) -> int:
    """The spec's base resolution (the resolution at ρ = 1)."""
    return round(report.resolution / report.rho) if report.rho else report.resolution


def ops_json(report: Report, data: dict[str, Any]) -> None:
    """Add each layer's ops (counts, formulas, their symbols) and the totals to ``data``."""
    ops = report_ops(report)
    for layer, counted in zip(data["layers"], ops.rows, strict=True):
        layer["ops"] = dict(counted.counts)
        layer["ops_formulas"] = {k: str(e) for k, e in counted.formulas.items()}
        layer["ops_symbols"] = dict(counted.values)
    data["totals"]["ops"] = {**ops.totals, "total": ops.total}


def as_json(report: Report, peer: str, data: dict[str, Any]) -> None:
    """Add ``totals.as``: the peer's params and count, and the terms of the gap."""
    p = predict(report, peer)
    data["totals"]["as"] = {
        "peer": p.peer.name, "package": p.peer.package, "version": p.peer.version,
        "params": p.params, "ops": p.ops, "unit": p.peer.unit,
        "madds": report.madds,
        "breakdown": {c: p.terms.get(c, 0) for c in CAUSES},
    }
    for layer, counted in zip(data.get("layers", []), p.rows, strict=False):
        layer["as"] = counted  # what the peer counts for this layer, by cause
