"""Grids of α and ρ: the totals of a network at every point (the MobileNet paper's Tables 6–7)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from operator import mul
from typing import NamedTuple

from complexity.engine.resize import maps_at, resizable, spatial_factor
from complexity.engine.resize import spatial as _spatial
from complexity.engine.walk import Report, Row, Shared, input_resolution, walk
from complexity.engine.widths import Tape
from complexity.errors import MbcalcError, printable
from complexity.language.layers import Convention
from complexity.language.numbers import MAX_MULTIPLIER, MIN_MULTIPLIER, exact
from complexity.language.sources import LoadedSpec

MAX_POINTS = 50_000
"""Points a sweep may have: 5·10⁴ take under 5 s of CPU and 100 MB in any format; 10⁶ would take
a minute and over a gigabyte (refused up front, before a value is built)."""


class Point(NamedTuple):
    """Totals at one α and resolution (a tuple: a sweep makes them by the ten thousand)."""

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
    shared: Shared | None = None
    if walk_at is None:
        shared = {}

        def walk_at(alpha: Fraction, size: int) -> Report:
            return walk(spec, alpha, None, size, convention, closed=False, shared=shared)

    base = spec.network.resolution
    sizes = resolutions or [input_resolution(base, rho, None) for rho in rhos or [None]]
    columns = [(Fraction(r, base) if resolutions else rho, r)
               for rho, r in zip(rhos or [None] * len(sizes), sizes, strict=True)]
    if len(alphas) * len(columns) > MAX_POINTS:
        raise MbcalcError(f"a sweep is at most {MAX_POINTS:,} points")
    if compiled and len(alphas) * len(columns) > 1:
        return _combine(spec, alphas, columns, walk_at, shared)
    return [_point(walk_at(alpha, r), alpha, rho) for alpha in alphas for rho, r in columns]


def _costly(spec: LoadedSpec, report: Report, names: list[str]) -> tuple[Tape, list[int]]:
    """``report``'s rows as a tape, and the positions of its rows named ``names`` (its rows
    that cost something)."""
    where = {row.name: k for k, row in enumerate(report.rows) if row.params or row.madds}
    return Tape(spec, report), [where[n] for n in names]


def _grouped(spatial: dict[int, list[int] | None]) -> tuple[list[int], dict[int, list[int] | None]]:
    """Layers whose spatial parts agree at every resolution, numbered: each layer's group, and
    each resolution's spatial part per group (None where the resolution has none)."""
    known = [factors for factors in spatial.values() if factors is not None]
    signatures = list(zip(*known, strict=True)) if known else []
    number: dict[tuple[int, ...], int] = {}
    groups = [number.setdefault(signature, len(number)) for signature in signatures]
    first = {g: k for k, g in reversed(list(enumerate(groups)))}
    return groups, {r: None if factors is None else [factors[first[g]] for g in range(len(number))]
                    for r, factors in spatial.items()}


def _point(report: Report, alpha: Fraction, rho: Fraction | None) -> Point:
    return Point(alpha, report.rho if rho is None else rho, report.resolution, report.params,
                 report.madds)


def _combine(spec: LoadedSpec, alphas: list[Fraction], columns: list[tuple[Fraction | None, int]],
             walk_at: Callable[[Fraction, int], Report],
             shared: Shared | None = None) -> list[Point]:
    """Every layer's MAdds is (channel part, from α) × (spatial part, from the resolution), and
    its params come from α alone: so one walk per α (at the first resolution) and the maps at
    each resolution give every point. The maps come from passing each size through the walk at
    α = 1 (``engine.resize``), or where that cannot answer, from a walk at that size. Where the
    split does not hold for a network or an α — a layer whose params change with the resolution
    (flatten into fc), or a layer that exists at some settings only — those points are walked
    one by one. With ``shared`` (the walks' rows), the rows at each α are the reference walk's
    layers costed at that α (``engine.widths``) where they are the same rows, else a walk's."""
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
    groups, factors = _grouped(spatial)
    points = []
    # the walk whose layers are costed at each α (engine.widths), and where its costly rows are
    tape = (_costly(spec, reference_report, names) if shared is not None and reference is not None
            and reference_report is not None else None)
    for alpha in alphas:
        costs = tape[0].costs(alpha, shared) if tape and shared is not None else None
        if costs is not None and sum(map(any, costs)) == len(names) and all(
                map(any, (costs[k] for k in tape[1]))):  # type: ignore[index]
            params = sum(p for p, _ in costs)
            madds_of: list[int] | None = [costs[k][1] for k in tape[1]]  # type: ignore[index]
        else:  # the rows differ from the tape's (a residual decided otherwise): walk
            report = walked(alpha, first)
            at_alpha = rows(report)
            madds_of = None
            if (at_alpha is not None and reference is not None
                    and at_alpha.keys() == reference.keys()):
                params = sum(r.params for r in at_alpha.values())
                madds_of = [at_alpha[n].madds for n in names]
                tape = (_costly(spec, report, names)  # type: ignore[arg-type]
                        if shared is not None else None)
        here = spatial[first]
        usable = madds_of is not None and here is not None
        if usable:
            assert madds_of is not None and here is not None
            # the channel part of each layer's MAdds (its MAdds over its spatial part), summed
            # over the layers whose spatial parts agree at every resolution of the sweep
            parts = [0] * len(factors[first] or ())
            for k, (madds, s) in enumerate(zip(madds_of, here, strict=True)):
                if madds:
                    parts[groups[k]] += madds // s
        for (rho, resolution), shown in zip(columns, rhos_shown, strict=True):
            at = factors[resolution]
            if not usable or at is None:
                points.append(_point(walk_at(alpha, resolution), alpha, rho))
                continue
            points.append(Point(alpha, shown, resolution, params, sum(map(mul, parts, at))))
    return points
