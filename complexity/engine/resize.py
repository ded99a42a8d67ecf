"""A walk's feature maps at another input resolution, without costing its layers again.

Channels do not depend on the resolution; H×W do, layer by layer. So a walk's rows, the tensors
each reads (``Report.reads``) and the width context each layer saw (``Report.trace``) are
enough to pass another input size through the same layers: each layer's own ``out_shape`` gives
its output map. Where that could change what the walk would have built — a layer whose output
channels follow the map (flatten), a residual whose shape test would now decide otherwise, an
add or a concat of maps that no longer agree, a layer that refuses the size — the answer is
None, and the caller walks that resolution instead.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from complexity.engine.walk import Report, Row, assembled, evaluate
from complexity.errors import LayerProblem, MbcalcError
from complexity.language import layers as L
from complexity.language.plain import plain_class

Map = tuple[int, int]

_SAME_MAP = frozenset({L.BatchNorm, L.Activation, L.SqueezeExcite, L.Dropout, L.Shuffle,
                       L.LayerNorm, L.GroupNorm, L.ChannelScale, L.InputNormalization,
                       L.StochasticDepth, L.Linear, L.Pointwise})
"""Layers whose output map is their input's at any size (their channels never follow it)."""
_WINDOW = frozenset({L.Conv, L.Depthwise})
"""Sliding windows whose channels never follow the map: the map is their window's rule."""


def maps_at(report: Report, size: int) -> list[Map] | None:
    """H×W of every tensor of ``report`` (0 the input, k the output of row k) at input
    ``size``×``size``, or None where the network would not be the same rows there."""
    trace = report.trace
    if trace is None or not report.rows:
        return None
    maps: list[Map] = [(size, size)]
    for row, reads, context in zip(report.rows, report.reads, trace.contexts, strict=True):
        if row.layer is None or context is None:  # an add or a concat: its operands' map
            found = {maps[t] for t in reads}
            if len(found) != 1:
                return None
            maps.append(found.pop())
            continue
        kind = plain_class(row.layer)
        if kind in _SAME_MAP:
            maps.append(maps[reads[0]])
            continue
        found_map = _map(row, maps[reads[0]], context, kind in _WINDOW)
        if found_map is None:
            return None
        maps.append(found_map)
    for entry, body, same_channels, same_shape in trace.decisions:
        if (same_channels and maps[entry] == maps[body]) != same_shape:
            return None
    return maps


def _map(row: Row, inner: Map, context: Any, window: bool) -> Map | None:
    """A layer's output map from an input map, or None where it refuses it or its channels
    would change (flatten)."""
    x = row.input.resized(row.input.c, *inner)
    try:
        if window:
            found: Map = row.layer._hw(x)  # type: ignore[union-attr]
            return found if min(found) >= 1 else None
        y = row.layer.out_shape(x, context)  # type: ignore[union-attr]
    except (LayerProblem, MbcalcError, ArithmeticError, ValueError):
        return None
    if y.c != row.output.c or y.fixed != row.output.fixed:
        return None
    return (y.h, y.w)


def spatial_factor(row: Row, output: Map) -> int:
    """The spatial part of a row's MAdds for an output map: H_out·W_out (D_F² for a square
    map) where its formula has one, 1 where it has none."""
    values = row.values
    return output[0] * output[1] if "D_F" in values or "H_out" in values else 1


def spatial(row: Row) -> int:
    """The spatial part of a row's MAdds as the walk computed it (D_F², H_out·W_out or 1)."""
    values = row.values
    if "D_F" in values:
        return int(values["D_F"]) ** 2
    return int(values.get("H_out", 1)) * int(values.get("W_out", 1))


def resizable(report: Report) -> bool:
    """Whether ``maps_at`` reproduces ``report`` at its own resolution: every map, and every
    row's spatial part of MAdds from its output map."""
    maps = maps_at(report, report.resolution)
    if maps is None or report.rows[0].input.h != report.resolution:
        return False
    return all(maps[k] == (row.output.h, row.output.w)
               and spatial_factor(row, maps[k]) == spatial(row)
               for k, row in enumerate(report.rows, 1))


def resized(report: Report, size: int) -> Report | None:
    """``report`` as a walk at input ``size``×``size`` would give it — every row's maps, the
    spatial values of its formulas (D_F, H_out, W_out), its counts and the totals — or None
    where ``maps_at`` declines or a map turns from square to not (the formula would change).
    The closed forms stay: they do not depend on the resolution walked."""
    maps = maps_at(report, size)
    if maps is None:
        return None
    assert report.trace is not None
    rows = []
    for k, (row, entry) in enumerate(zip(report.rows, report.trace.inputs, strict=True), 1):
        (ih, iw), (oh, ow) = maps[entry], maps[k]
        fields = {"input": row.input.resized(row.input.c, ih, iw),
                  "output": row.output.resized(row.output.c, oh, ow)}
        old = row.values
        if "D_F" in old or "H_out" in old:  # the map is in the formulas: they count again
            if ("D_F" in old) != (oh == ow):
                return None
            values = dict(old)
            if oh == ow:
                values["D_F"] = oh
            else:
                values["H_out"], values["W_out"] = oh, ow
            fields.update(values=type(old)(values), params=evaluate(row.params_formula, values),
                          madds=evaluate(row.madds_formula, values))
        rows.append(assembled(Row, row.__dict__, **fields))
    return report.replace(rows=rows, resolution=size, rho=Fraction(size, report.trace.base),
                          params=sum(r.params for r in rows), madds=sum(r.madds for r in rows))

