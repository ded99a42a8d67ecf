"""Tables that set things side by side: conv variants (``compare``), spec vs model (``verify``)."""

from __future__ import annotations

from typing import Any

from complexity.analysis.compare import Costed, Problem
from complexity.analysis.verify import Measured, Verification
from complexity.render.formula import pretty
from complexity.render.numbers import decimal, grouped
from complexity.render.tables import Cell, Table


def compare_table(results: list[Costed], problem: Problem) -> Table:
    """Each variant's params and MAdds with their formulas, and its MAdds over the standard's."""
    p = problem
    title = (f"M = {p.cin} → N = {p.cout}, D_K = {p.kernel}, D_F = {p.size}, stride {p.stride}, "
             f"g = {p.groups}, t = {p.expansion}")
    rows: list[list[Cell]] = [
        [c.variant.name, pretty(c.variant.params), c.params, pretty(c.variant.madds), c.madds,
         pretty(c.ratio_formula), decimal(c.ratio)]
        for c in results
    ]
    notes = [f"{c.variant.name}: {c.variant.description}" for c in results]
    return Table(title=title, columns=["variant", "params formula", "params", "MAdds formula",
                                       "MAdds", "ratio formula", "MAdds × standard"],
                 rows=rows, notes=notes)


def memory_compare_table(results: list[Costed], problem: Problem,
                         movement: list[tuple[int, int]]) -> Table:
    """Each variant's MAC beside its MAdds (ShuffleNet V2: FLOPs are not speed), and guideline
    G1 on the problem's 1×1 conv."""
    from complexity.analysis.compare import g1_pairs

    p = problem
    rows: list[list[Cell]] = [
        [c.variant.name, c.madds, mac, f"{c.madds / mac:.2f}", peak]
        for c, (mac, peak) in zip(results, movement, strict=True)
    ]
    hw, b = p.size * p.size, p.size * p.size * p.cin * p.cout
    bound = 2 * (hw * b) ** 0.5 + b / hw
    pairs = "; ".join(f"{c1}→{c2}: {mac:,}" for c1, c2, mac in g1_pairs(p))
    notes = [
        "MAC: elements read + written (inputs, weights, outputs), ShuffleNet V2 §2. "
        "Peak: live activation elements, sequential schedule.",
        f"G1 (ShuffleNet V2): a 1×1 conv with B = h·w·c1·c2 = {b:,} MAdds moves MAC ≥ "
        f"2·√(h·w·B) + B/(h·w) = {bound:,.0f}, reached only at c1 = c2 = √(M·N) = "
        f"{(p.cin * p.cout) ** 0.5:.2f}. Every split of M·N = {p.cin * p.cout:,} at "
        f"{p.size}×{p.size}, same MAdds, MAC: {pairs}",
    ]
    return Table(title=f"M = {p.cin} → N = {p.cout}, D_K = {p.kernel}, D_F = {p.size} — "
                       "data movement", columns=["variant", "MAdds", "MAC", "MAdds/MAC",
                                                 "peak live"],
                 rows=rows, notes=notes)


def verify_table(check: Verification, title: str) -> Table:
    """A spec beside a real model, layer by layer; mismatches marked ✗."""
    def counts(m: Measured | None) -> list[Cell]:
        if m is None:
            return ["—", "", ""]
        return [m.name, m.params, "n/a" if m.madds is None else m.madds]

    rows: list[list[Cell]] = [
        [i, *counts(p.ours), *counts(p.theirs), "✓" if p.ok else "✗"]
        for i, p in enumerate(check.pairs, 1)
    ]
    bad = sum(not p.ok for p in check.pairs)
    (ours_p, theirs_p), (ours_m, theirs_m) = check.params, check.madds
    notes = [
        f"params: spec {grouped(ours_p)}, model {grouped(theirs_p)}"
        + ("" if ours_p == theirs_p else f" — differ by {grouped(ours_p - theirs_p)}"),
        f"MAdds: spec {grouped(ours_m)}, model "
        + ("not counted" if theirs_m is None else grouped(theirs_m))
        + ("" if theirs_m in (None, ours_m) else f" — differ by {grouped(ours_m - theirs_m)}"),
    ]
    if check.shape_madds[1] is not None:
        notes.append(f"MAdds from the conv and linear layers' shapes: model "
                     f"{grouped(check.shape_madds[1])}"
                     + ("" if check.shape_madds[1] == ours_m
                        else f" — differ by {grouped(ours_m - check.shape_madds[1])}"))
    notes.append("all layers match" if check.ok
                 else f"{bad} layer(s) do not match (✗)" if bad else "the totals do not match")
    return Table(
        title=title,
        columns=["#", "spec layer", "params", "MAdds", "model layer", "model params",
                 "model MAdds", "match"],
        rows=rows,
        notes=notes,
    )


def verify_dict(check: Verification, model: str, framework: str,
                convention: str) -> dict[str, Any]:
    """``mbcalc verify --format json``: the verdict, both sides' totals, and the paired layers."""
    return {"model": model, "convention": convention, "framework": framework, "ok": check.ok,
            "params": list(check.params), "madds": list(check.madds),
            "madds_from_shapes": list(check.shape_madds), "problems": list(check.problems),
            "layers": [{"spec": _plain(p.ours), "model": _plain(p.theirs), "ok": p.ok}
                       for p in check.pairs]}


def _plain(m: Measured | None) -> dict[str, Any] | None:
    if m is None:
        return None
    data = {"name": m.name, "params": m.params, "madds": m.madds}
    if m.shape_madds is not None:
        data["madds_from_shapes"] = m.shape_madds
    if m.input is not None:
        data["input"], data["output"] = list(m.input), list(m.output or ())
    return data


def first_differences(check: Verification, count: int = 5) -> str:
    """The first differing layers side by side, and the totals that differ, as plain lines."""
    def side(m: Measured | None) -> str:
        if m is None:
            return "(nothing)"
        madds = "MAdds n/a" if m.madds is None else f"{grouped(m.madds)} MAdds"
        return f"{m.name}: {grouped(m.params)} params, {madds}"

    bad = [p for p in check.pairs if not p.ok]
    lines = [f"spec {side(p.ours)}  ≠  model {side(p.theirs)}" for p in bad[:count]]
    if len(bad) > count:
        lines.append(f"… and {len(bad) - count} more differing layer(s)")
    return "\n".join([*lines, *check.problems])
