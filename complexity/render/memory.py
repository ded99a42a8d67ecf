"""The memory view of a report (``count --memory``): tables and the JSON keys it adds."""

from __future__ import annotations

from typing import Any

from complexity.analysis.memory import (
    BOUND_NOTE,
    DTYPES,
    SCHEDULE_TITLES,
    SCHEDULES,
    Bound,
    Memory,
    Peak,
    Tensor,
)
from complexity.render.formula import closed, pretty
from complexity.render.tables import Cell, Table, heading, shape_text

SHORT = {"sequential": "sequential", "inverted_residual": "inverted residual (§5.1)"}


def size(value: int) -> str:
    """Bytes as people read them, 10³ steps: '1.61 MB', '802.8 KB', '512 B'."""
    for scale, unit in ((10**9, "GB"), (10**6, "MB"), (10**3, "KB")):
        if value >= scale:
            return f"{value / scale:.2f} {unit}" if unit != "KB" else f"{value / scale:.1f} {unit}"
    return f"{value} B"


def seconds(value: float) -> str:
    """'12.3 µs', '1.20 ms', '2.00 s'."""
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.2f} µs"


def _tensor_text(t: Tensor, per: int) -> str:
    c, h, w = t.shape.as_list()
    return f"{t.name} ({c}×{h}×{w} = {t.elements:,} elements, {size(t.elements * per)})"


def _peak_text(p: Peak, per: int) -> str:
    live = ", ".join(t.name for t in p.live)
    scratch = f" + scratch {p.scratch:,}" if p.scratch else ""
    return (f"Peak live memory, {SHORT[p.schedule]}: {size(p.elements * per)} "
            f"({p.elements:,} elements) at {p.step}; live: {live}{scratch}; "
            f"closed form (unrounded, elements) {closed(p.closed)}")


def memory_notes(memory: Memory, bounds: list[Bound] | None = None) -> list[str]:
    """Totals under the memory table: weights, MAC, largest tensors, peaks, the bound."""
    per = memory.bytes
    notes = [
        f"Precision {memory.dtype}: {per} byte{'s' if per > 1 else ''} per element; "
        "KB/MB = 10³/10⁶ bytes. Every row writes its own tensor (no in-place ops, no fusion) "
        "but views (flatten, dropout, stochastic depth), which write none.",
        f"Weights: {memory.weights:,} elements = {size(memory.weights * per)} "
        f"({memory.report.convention} convention's params)",
        f"MAC (elements read + written, ShuffleNet V2): {memory.mac:,} = "
        f"{size(memory.mac * per)}; closed form (unrounded) {closed(memory.mac_closed)}",
    ]
    for schedule in SCHEDULES:
        notes.append(f"Largest tensor, {SHORT[schedule]}: "
                     f"{_tensor_text(memory.largest[schedule], per)}")
    notes += [_peak_text(memory.peaks[s], per) for s in SCHEDULES]
    if bounds is not None:
        total = sum(b.seconds for b in bounds)
        memory_bound = sum(1 for b in bounds if b.limit == "memory")
        compute_bound = sum(1 for b in bounds if b.limit == "compute")
        notes.append(f"Roofline bound, network: ≥ {seconds(float(total))} "
                     f"({compute_bound} layers compute-bound, {memory_bound} memory-bound)")
        notes.append(BOUND_NOTE)
    return notes


def memory_table(memory: Memory, bounds: list[Bound] | None = None) -> Table:
    """One row per layer: shapes, output bytes, MAC (elements) with its formula, MAdds per byte
    moved; weight bytes, largest tensors and peaks in the notes."""
    per = memory.bytes
    rows: list[list[Cell]] = []
    for i, m in enumerate(memory.layers, 1):
        intensity = m.intensity(memory.dtype)
        rows.append([i, m.row.name, shape_text(m.row), m.written * per, pretty(m.mac_formula),
                     m.mac, f"{intensity:.2f}" if intensity is not None else "—"])
    return Table(title=f"{heading(memory.report)} — memory, {memory.dtype}",
                 columns=["#", "layer", "input → output", "output B", "MAC formula", "MAC",
                          "MAdds/B"],
                 rows=rows, notes=memory_notes(memory, bounds),
                 totals=["", "total", "", "", "", memory.mac, ""])


def memory_summary(memory: Memory, bounds: list[Bound] | None = None) -> Table:
    """The memory totals only (``--summary``)."""
    per = memory.bytes
    rows: list[list[Cell]] = [
        ["weights", memory.weights * per, size(memory.weights * per), ""],
        ["MAC", memory.mac * per, size(memory.mac * per), ""],
    ]
    for schedule in SCHEDULES:
        p, t = memory.peaks[schedule], memory.largest[schedule]
        rows.append([f"peak live, {SHORT[schedule]}", p.elements * per,
                     size(p.elements * per), p.step])
        rows.append([f"largest tensor, {SHORT[schedule]}", t.elements * per,
                     size(t.elements * per), t.name])
    if bounds is not None:
        rows.append(["roofline bound", "", seconds(float(sum(b.seconds for b in bounds))),
                     "a lower bound, not a latency prediction"])
    return Table(title=f"{heading(memory.report)} — memory, {memory.dtype}",
                 columns=["total", "bytes", "short", "where"], rows=rows,
                 notes=memory_notes(memory, bounds))


def bound_table(memory: Memory, bounds: list[Bound], peak_rate: float,
                bandwidth: float) -> Table:
    """The roofline bound, layer by layer: MAdds, bytes moved, the bound and what sets it."""
    per = memory.bytes
    rows: list[list[Cell]] = [
        [i, m.row.name, m.row.madds, m.mac * per, seconds(float(b.seconds)), b.limit or "—"]
        for i, (m, b) in enumerate(zip(memory.layers, bounds, strict=True), 1)
    ]
    total = sum(b.seconds for b in bounds)
    return Table(
        title=f"{heading(memory.report)} — roofline bound at {peak_rate:.4g} MAdds/s, "
              f"{size(int(bandwidth))}/s, {memory.dtype}",
        columns=["#", "layer", "MAdds", "bytes moved", "bound", "bound by"],
        rows=rows,
        totals=["", "total", memory.report.madds, memory.mac * per, seconds(float(total)), ""],
        notes=[BOUND_NOTE],
    )


def resolution_table(memory: Memory) -> Table:
    """MobileNetV2's Table 3: the widest tensor materialised at each map size, both schedules."""
    per = memory.bytes
    seq, inv = (memory.resolutions[s] for s in SCHEDULES)
    by_map = {(r.h, r.w): r for r in inv}
    rows: list[list[Cell]] = []
    for r in seq:
        other = by_map.get((r.h, r.w))
        rows.append([f"{r.h}×{r.w}", r.channels, size(r.elements * per), r.name,
                     other.channels if other else "—",
                     size(other.elements * per) if other else "—", other.name if other else "—"])
    return Table(
        title=f"{heading(memory.report)} — widest tensor at each map size, {memory.dtype} "
              "(MobileNetV2 Table 3)",
        columns=["map", "channels", "memory", "tensor", "channels (§5.1)", "memory (§5.1)",
                 "tensor (§5.1)"],
        rows=rows,
        notes=["(§5.1): under MobileNetV2's memory-efficient schedule, an inverted-residual "
               "block's expanded tensors never exist."],
    )


def memory_dict(memory: Memory, bounds: list[Bound] | None = None) -> dict[str, Any]:
    """The totals the memory view adds to the JSON report (README: JSON contract)."""
    per = memory.bytes

    def tensor(t: Tensor) -> dict[str, Any]:
        return {"name": t.name, "shape": t.shape.as_list(), "elements": t.elements,
                "bytes": t.elements * per, "closed_form": str(t.closed)}

    data: dict[str, Any] = {
        "dtype": memory.dtype,
        "bytes_per_element": per,
        "weights": memory.weights,
        "weight_bytes": memory.weights * per,
        "mac": memory.mac,
        "mac_bytes": memory.mac * per,
        "mac_closed_form": str(memory.mac_closed),
        "largest_tensor": {s: tensor(memory.largest[s]) for s in SCHEDULES},
        "peak": {
            s: {"schedule": SCHEDULE_TITLES[s], "elements": p.elements,
                "bytes": p.elements * per, "step": p.step, "live": [t.name for t in p.live],
                "scratch": p.scratch, "closed_form": str(p.closed)}
            for s, p in memory.peaks.items()
        },
        "by_resolution": {
            s: [{"h": r.h, "w": r.w, "channels": r.channels, "elements": r.elements,
                 "bytes": r.elements * per, "tensor": r.name} for r in memory.resolutions[s]]
            for s in SCHEDULES
        },
        "note": "elements and bytes at batch 1; closed forms are unrounded polynomials in alpha "
                "and rho (elements)",
    }
    if bounds is not None:
        data["bound"] = {
            "seconds": float(sum(b.seconds for b in bounds)),
            "compute_bound_layers": sum(1 for b in bounds if b.limit == "compute"),
            "memory_bound_layers": sum(1 for b in bounds if b.limit == "memory"),
            "note": BOUND_NOTE,
        }
    return data


def layer_dicts(memory: Memory, bounds: list[Bound] | None = None) -> list[dict[str, Any]]:
    """Each layer's ``memory`` object in the JSON report."""
    per = memory.bytes
    out = []
    for k, m in enumerate(memory.layers):
        intensity = m.intensity(memory.dtype)
        item: dict[str, Any] = {
            "reads": list(memory.report.reads[k]),
            "read": m.read, "read_bytes": m.read * per,
            "written": m.written, "written_bytes": m.written * per,
            "weights": m.weights, "weight_bytes": m.weights * per,
            "mac": m.mac, "mac_bytes": m.mac * per,
            "read_formula": str(m.read_formula), "written_formula": str(m.written_formula),
            "mac_formula": str(m.mac_formula),
            "symbols": dict(m.values),
            "read_closed_form": str(m.read_closed),
            "written_closed_form": str(m.written_closed),
            "mac_closed_form": str(m.mac_closed),
            "madds_per_byte": intensity,
        }
        if bounds is not None:
            b = bounds[k]
            item["bound"] = {"seconds": float(b.seconds), "compute_seconds": float(b.compute),
                             "memory_seconds": float(b.memory), "limit": b.limit or None}
        out.append(item)
    return out


def sweep_memory_table(model: str, convention: str, points: list[Any], peaks: list[Any],
                       dtype: str, schedule: str, changes: list[str]) -> Table:
    """A sweep with each point's peak live memory and the layer holding it."""
    from complexity.render.numbers import decimal, short

    per = DTYPES[dtype]
    rows: list[list[Cell]] = [
        [decimal(p.alpha), decimal(p.rho), p.resolution, short(p.params), short(p.madds),
         size(q.elements * per), q.step]
        for p, q in zip(points, peaks, strict=True)
    ]
    notes = [f"Peak live memory under the {SCHEDULE_TITLES[schedule]} schedule, {dtype}."]
    if changes:
        notes.append("The layer holding the peak changes at: " + "; ".join(changes[:20])
                     + (f" … ({len(changes)} changes)" if len(changes) > 20 else ""))
    else:
        notes.append("The same layer holds the peak at every point.")
    return Table(title=f"{model} — sweep with peak memory, {convention} convention",
                 columns=["α", "ρ", "resolution", "params", "MAdds", "peak memory", "peak at"],
                 rows=rows, notes=notes)
