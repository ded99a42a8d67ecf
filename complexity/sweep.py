"""Grids of α and ρ: the totals of a network at every point (the MobileNet paper's Tables 6–7)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from complexity.engine import walk
from complexity.errors import MbcalcError
from complexity.layers import Convention
from complexity.specfile import LoadedSpec

MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class Point:
    """Totals at one α and resolution."""

    alpha: Fraction
    rho: Fraction
    resolution: int
    params: int
    madds: int


def parse_values(option: str, text: str) -> list[Fraction]:
    """'0.25,0.5,1' or 'START:STOP:COUNT' (COUNT evenly spaced values, both ends included)."""
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            n = int(count)
            if n < 1:
                raise ValueError
            first, last = Fraction(start), Fraction(stop)
            values = [first] if n == 1 else [first + (last - first) * k / (n - 1) for k in range(n)]
        else:
            values = [Fraction(v.strip()) for v in text.split(",") if v.strip()]
    except (ValueError, ZeroDivisionError):
        raise MbcalcError(
            f"--{option} takes a list (0.25,0.5,1) or START:STOP:COUNT, got {text!r}"
        ) from None
    if not values or any(v <= 0 for v in values):
        raise MbcalcError(f"--{option} values must be positive numbers, got {text!r}")
    return values


def sweep(spec: LoadedSpec, alphas: list[Fraction], rhos: list[Fraction] | None = None,
          resolutions: list[int] | None = None, convention: Convention = "paper") -> list[Point]:
    """Totals over the grid α × ρ (or α × resolution), α varying slowest."""
    columns: list[tuple[Fraction | None, int | None]] = (
        [(None, r) for r in resolutions] if resolutions else [(r, None) for r in rhos or [None]]  # type: ignore[misc]
    )
    if len(alphas) * len(columns) > MAX_POINTS:
        raise MbcalcError(f"a sweep is at most {MAX_POINTS:,} points")
    points = []
    for alpha in alphas:
        for rho, resolution in columns:
            report = walk(spec, alpha, rho, resolution, convention)
            points.append(Point(alpha, report.rho, report.resolution, report.params,
                                report.madds))
    return points
