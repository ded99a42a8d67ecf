"""The JSON contract that scripts depend on (documented in README.md)."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from json.encoder import encode_basestring as _escape  # C, where there is C
from typing import TYPE_CHECKING, Any

from complexity.engine.walk import Report

if TYPE_CHECKING:
    from complexity.analysis.sweep import Point


def report_dict(report: Report, kinds: bool = False, ops: bool = False,
                peer: str | None = None) -> dict[str, Any]:
    """The report as plain data: totals and layers as integers, formulas as sympy text; with
    ``ops`` every layer's other ops, with ``peer`` what that counter prints (``totals.as``)."""
    data: dict[str, Any] = {
        "model": report.model,
        "alpha": float(report.alpha),
        "rho": float(report.rho),
        "resolution": report.resolution,
        "convention": report.convention,
        "totals": {"params": report.params, "madds": report.madds},
        "closed_form": {
            "params": str(report.params_closed),
            "madds": str(report.madds_closed),
            "note": "unrounded polynomial in alpha and rho; exact where no rounding happens",
        },
        "layers": [
            {
                "name": row.name,
                "kind": row.kind,
                "category": row.category,
                "input": row.input.as_list(),
                "output": row.output.as_list(),
                "params": row.params,
                "madds": row.madds,
                "params_formula": str(row.params_formula),
                "madds_formula": str(row.madds_formula),
                "symbols": dict(row.values),
            }
            for row in report.rows
        ],
    }
    if kinds:
        from complexity.analysis.breakdown import by_kind

        data["by_kind"] = [
            {"kind": s.category, "layers": s.layers, "params": s.params, "madds": s.madds}
            for s in by_kind(report)
        ]
    if ops or peer:
        from complexity.render import peers

        if ops:
            peers.ops_json(report, data)
        if peer:
            peers.as_json(report, peer, data)
    return data


def report_json(report: Report, kinds: bool = False, ops: bool = False,
                peer: str | None = None) -> str:
    """``report_dict`` as indented JSON text."""
    return indented(report_dict(report, kinds, ops, peer))


def indented(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False)`` and a newline, the same text written
    three times faster: a report's JSON in a few milliseconds (json's indenting encoder is pure
    Python; here, strings go through its C escaper and the rest is a few joins).
    ``tests/test_jsonout.py`` holds the two equal."""
    parts: list[str] = []
    _indent(data, "\n", parts)
    parts.append("\n")
    return "".join(parts)


def _indent(value: Any, newline: str, parts: list[str]) -> None:
    kind = type(value)
    if kind is str:
        parts.append(_escape(value))
    elif kind is int:
        parts.append(int.__repr__(value))
    elif value is None or value is True or value is False:
        parts.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            written = _KEYS.get(key) if type(key) is str else None
            if written is None:
                written = _escape(_key(key)) + ": "
                if type(key) is str:
                    _KEYS[key] = written
            parts.append(separator + written)
            _indent(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _indent(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "]")
    elif isinstance(value, str):
        parts.append(_escape(value))
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_KEYS: dict[str, str] = {}
"""Each key met, written with its colon (a report repeats a few dozen keys thousands of times)."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A mapping's key as json writes it: a string, or a number, true, false or null."""
    if isinstance(key, str):
        return key
    if key is None or key is True or key is False:
        return "null" if key is None else "true" if key else "false"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def object_json(data: dict[str, Any], items_key: str | None = None,
                lines: list[str] | None = None) -> str:
    """``data`` as indented JSON, with the list under ``items_key`` written one compact object
    per line by the C encoder (a 10,000-point sweep in milliseconds, still easy to diff); or,
    given, those objects already written (``lines``, as ``_compact`` would write them)."""
    if items_key is None:
        return indented(data)
    items = data[items_key]
    head = json.dumps({k: v for k, v in data.items() if k != items_key}, indent=2,
                      ensure_ascii=False)
    rendered = _compact(items) if lines is None else lines
    body = ",\n".join("    " + text for text in rendered)
    key = json.dumps(items_key)
    inner = f"{key}: [\n{body}\n  ]" if rendered else f"{key}: []"
    return (head[:-2] + ",\n  " if len(head) > 2 else "{\n  ") + inner + "\n}\n"


def _compact(items: list[Any]) -> list[str]:
    """Each item as compact JSON (``json.dumps(item, ensure_ascii=False)``), through one C
    encoder made once: ``json.dumps`` makes a new one per call, which dominates small items."""
    from json import encoder

    make = getattr(encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the same text, the slower way
        encode = json.JSONEncoder(ensure_ascii=False).encode
        return [encode(item) for item in items]

    def refuse(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    iterencode = make({}, refuse, encoder.encode_basestring, None, ": ", ", ", False, False,
                      True)
    return ["".join(iterencode(item, 0)) for item in items]


def sweep_dict(model: str, convention: str, points: list[Any], by_resolution: bool,
               with_points: bool = True) -> dict[str, Any]:
    """``mbcalc sweep --format json``: the model, the grid swept (α, and ρ or resolution, each in
    order), and one object per point, α varying slowest (an empty list without
    ``with_points``)."""
    floats: dict[int, float] = {}

    def as_float(value: Any) -> float:
        """float(value), once per object: a grid's points share their α and ρ objects (keyed
        by identity, as Fraction's hash is slow; ``points`` keeps every key alive)."""
        found = floats.get(id(value))
        if found is None:
            found = floats[id(value)] = float(value)
        return found

    def distinct(values: Any) -> list[float]:
        """The values as floats, without repeats, in order: the objects told apart by identity
        first (a 100×100 grid has 10,000 points but 100 α objects)."""
        return list(dict.fromkeys(float(v) for v in {id(v): v for v in values}.values()))

    grid: dict[str, list[Any]] = {"alpha": distinct(p.alpha for p in points)}
    if by_resolution:
        grid["resolution"] = list(dict.fromkeys(p.resolution for p in points))
    else:
        grid["rho"] = distinct(p.rho for p in points)
    return {"model": model, "convention": convention, "grid": grid,
            "points": [{"alpha": as_float(p.alpha), "rho": as_float(p.rho),
                        "resolution": p.resolution, "params": p.params, "madds": p.madds}
                       for p in points] if with_points else []}


def sweep_json(model: str, convention: str, points: list[Point], by_resolution: bool,
               extra: dict[str, Any] | None = None, peaks: list[Any] | None = None,
               per: int = 0, changes: list[str] | None = None) -> str:
    """``mbcalc sweep --format json``'s text: ``object_json(sweep_dict(…), "points")`` — with
    ``extra`` keys after the grid, each point's peak (``peaks``, ``per`` bytes an element) and
    the holder ``changes`` for ``--memory`` — its points formatted straight from the values
    (an int's and a finite float's JSON are their ``repr``), which a 10,000-point sweep spends
    a tenth of its time on otherwise. ``tests/test_jsonout.py`` holds it to ``object_json``."""
    data = sweep_dict(model, convention, points, by_resolution, with_points=False)
    data.update(extra or {})
    floats: dict[int, str] = {}
    names: dict[str, str] = {}

    def number(value: Any) -> str:
        found = floats.get(id(value))  # points share their α and ρ objects
        if found is None:
            as_float = float(value)
            found = floats[id(value)] = (repr(as_float) if math.isfinite(as_float)
                                         else json.dumps(as_float))
        return found

    lines = []
    for k, (alpha, rho, resolution, params, madds) in enumerate(points):
        line = (f'{{"alpha": {number(alpha)}, "rho": {number(rho)}, "resolution": '
                f'{resolution}, "params": {params}, "madds": {madds}')
        if peaks is not None:
            q = peaks[k]
            step = names.get(q.step)
            if step is None:
                step = names[q.step] = json.dumps(q.step, ensure_ascii=False)
            line += (f', "peak_memory": {q.elements}, "peak_memory_bytes": {q.elements * per}'
                     f', "peak_at": {step}')
        lines.append(line + "}")
    if changes is not None:
        data["peak_holder_changes"] = changes
    return object_json(data, "points", lines)


def compare_dict(given: Any, layer: Any, alpha: Fraction, rho: Fraction,
                 results: list[Any]) -> dict[str, Any]:
    """``mbcalc compare --format json``: the layer as given (with α and ρ), the layer after them,
    and each design's counts and formulas."""
    from dataclasses import asdict

    return {"problem": {**asdict(given), "alpha": float(alpha), "rho": float(rho)},
            "layer": asdict(layer),
            "variants": [{"variant": c.variant.name, "params": c.params, "madds": c.madds,
                          "params_formula": str(c.variant.params),
                          "madds_formula": str(c.variant.madds),
                          "ratio_madds": float(c.ratio),
                          "ratio_formula": str(c.ratio_formula)} for c in results]}
