"""Grids of α and ρ: the totals of a network at every point (the MobileNet paper's Tables 6–7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from operator import mul

from complexity.engine.resize import maps_at, resizable, spatial_factor
from complexity.engine.resize import spatial as _spatial
from complexity.engine.walk import Report, Row, input_resolution, walk
from complexity.errors import MbcalcError, printable
from complexity.language.layers import Convention
from complexity.language.numbers import MAX_MULTIPLIER, MIN_MULTIPLIER, exact
from complexity.language.sources import LoadedSpec

MAX_POINTS = 50_000
"""Points a sweep may have: 5·10⁴ take under 5 s of CPU and 100 MB in any format; 10⁶ would take
a minute and over a gigabyte (refused up front, before a value is built)."""


@dataclass(frozen=True)
class Point:
    """Totals at one α and resolution."""

    alpha: Fraction
    rho: Fraction
    resolution: int
    params: int
    madds: int


def parse_values(option: str, text: str) -> list[Fraction]:
    """'0.25,0.5,1' or 'START:STOP:COUNT' (COUNT evenly spaced values, both ends included); each
    number bounded as any option's (``exact``), COUNT checked before a value is built."""
    usage = f"--{option} takes a list (0.25,0.5,1) or START:STOP:COUNT, got {printable(text)!r}"
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise MbcalcError(usage)
        start, stop, count = parts
        n = exact(option, count, "10")
        if n.denominator != 1 or n < 1:
            raise MbcalcError(f"--{option}: COUNT in START:STOP:COUNT must be a whole number "
                              f"≥ 1, got {printable(count.strip())!r}")
        if n > MAX_POINTS:
            raise MbcalcError(f"--{option}: {int(n):,} values; a sweep is at most "
                              f"{MAX_POINTS:,} points")
        first, last, k_max = exact(option, start), exact(option, stop), int(n) - 1
        values = [first] if k_max == 0 else [first + (last - first) * k / k_max
                                             for k in range(k_max + 1)]
    else:
        items = text.split(",")
        if len(items) > MAX_POINTS:
            raise MbcalcError(f"--{option}: {len(items):,} values; a sweep is at most "
                              f"{MAX_POINTS:,} points")
        values = [exact(option, v) for v in items if v.strip()]
    if not values:
        raise MbcalcError(usage)
    if any(v <= 0 for v in values):
        raise MbcalcError(f"--{option} values must be positive numbers, got {printable(text)!r}")
    if option in ("alpha", "rho") and any(not MIN_MULTIPLIER <= v <= MAX_MULTIPLIER
                                          for v in values):
        raise MbcalcError(f"--{option} values must be between {float(MIN_MULTIPLIER):g} and "
                          f"{int(MAX_MULTIPLIER)}, got {printable(text)!r}")
    return values


def sweep(spec: LoadedSpec, alphas: list[Fraction], rhos: list[Fraction] | None = None,
          resolutions: list[int] | None = None, convention: Convention = "paper",
          compiled: bool = True,
          walk_at: Callable[[Fraction, int], Report] | None = None) -> list[Point]:
    """Totals over the grid α × ρ (or α × resolution), α varying slowest.

    ``compiled`` walks the network once per α and once per resolution instead of once per
    point, and combines them exactly (see ``_combine``); the result is the same integers.
    ``walk_at(α, resolution)`` replaces the walk (a memo another analysis shares).
    """
    if walk_at is None:
        def walk_at(alpha: Fraction, size: int) -> Report:
            return walk(spec, alpha, None, size, convention, closed=False)

    base = spec.network.resolution
    sizes = resolutions or [input_resolution(base, rho, None) for rho in rhos or [None]]
    columns = [(Fraction(r, base) if resolutions else rho, r)
               for rho, r in zip(rhos or [None] * len(sizes), sizes, strict=True)]
    if len(alphas) * len(columns) > MAX_POINTS:
        raise MbcalcError(f"a sweep is at most {MAX_POINTS:,} points")
    if compiled and len(alphas) * len(columns) > 1:
        return _combine(spec, alphas, columns, walk_at)
    return [_point(walk_at(alpha, r), alpha, rho) for alpha in alphas for rho, r in columns]


def _point(report: Report, alpha: Fraction, rho: Fraction | None) -> Point:
    return Point(alpha, report.rho if rho is None else rho, report.resolution, report.params,
                 report.madds)


def _combine(spec: LoadedSpec, alphas: list[Fraction], columns: list[tuple[Fraction | None, int]],
             walk_at: Callable[[Fraction, int], Report]) -> list[Point]:
    """Every layer's MAdds is (channel part, from α) × (spatial part, from the resolution), and
    its params come from α alone: so one walk per α (at the first resolution) and the maps at
    each resolution give every point. The maps come from passing each size through the walk at
    α = 1 (``engine.resize``), or where that cannot answer, from a walk at that size. Where the
    split does not hold for a network or an α — a layer whose params change with the resolution
    (flatten into fc), or a layer that exists at some settings only — those points are walked
    one by one."""
    first, base = columns[0][1], spec.network.resolution

    def walked(alpha: Fraction, resolution: int) -> Report | None:
        try:
            return walk_at(alpha, resolution)
        except MbcalcError:
            return None

    def rows(report: Report | None) -> dict[str, Row] | None:
        if report is None:
            return None
        costly = [row for row in report.rows if row.params or row.madds]
        named = {row.name: row for row in costly}  # free rows (adds, BN in paper) do not count
        return named if len(named) == len(costly) else None

    reference_report = walked(Fraction(1), first)
    reference = rows(reference_report)
    names = list(reference) if reference is not None else []
    resizing = (reference_report if reference is not None and reference_report is not None
                and resizable(reference_report) else None)
    position = {row.name: k for k, row in enumerate(resizing.rows, 1)} if resizing else {}
    spatial: dict[int, list[int] | None] = {}
    for _, resolution in columns:
        if resolution in spatial:
            continue  # two ρ that round to one resolution
        maps = maps_at(resizing, resolution) if resizing else None
        if maps is not None and reference is not None:
            spatial[resolution] = [spatial_factor(reference[n], maps[position[n]])
                                   for n in names]
            continue
        at_size = rows(walked(Fraction(1), resolution))
        separable = (reference is not None and at_size is not None
                     and at_size.keys() == reference.keys()
                     and all(at_size[n].params == reference[n].params for n in at_size))
        spatial[resolution] = ([_spatial(at_size[n]) for n in names]  # type: ignore[index]
                               if separable else None)
    rhos_shown = [Fraction(r, base) if rho is None else rho for rho, r in columns]
    points = []
    for alpha in alphas:
        at_alpha = rows(walked(alpha, first))
        here = spatial[first]
        usable = (at_alpha is not None and reference is not None and here is not None
                  and at_alpha.keys() == reference.keys())
        if usable:
            assert at_alpha is not None and here is not None
            params = sum(r.params for r in at_alpha.values())
            # the channel part of each layer's MAdds: its MAdds over its spatial part
            weights = [(at_alpha[n].madds // s, k) for k, (n, s) in enumerate(zip(names, here,
                                                                                    strict=True))
                       if at_alpha[n].madds]
            channel_parts = [w for w, _ in weights]
            positions = [k for _, k in weights]
        for (rho, resolution), shown in zip(columns, rhos_shown, strict=True):
            factors = spatial[resolution]
            if not usable or factors is None:
                points.append(_point(walk_at(alpha, resolution), alpha, rho))
                continue
            madds = sum(map(mul, channel_parts, [factors[k] for k in positions]))
            points.append(Point(alpha, shown, resolution, params, madds))
    return points
