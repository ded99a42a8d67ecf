"""Budgets: the largest α or ρ whose exact, rounded counts fit a params or MAdds budget.

The closed form (unrounded) gives a first guess; the answer is then found by bisection on the
exact counts of real walks: α on a grid of 1/1000, ρ through the integer input resolution.
Bisection assumes counts do not decrease as α or ρ grow; the answer is always checked to fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from complexity.engine import Report, walk
from complexity.errors import MbcalcError
from complexity.layers import Convention
from complexity.specfile import LoadedSpec

Metric = Literal["params", "madds"]
ALPHA_STEP = Fraction(1, 1000)
MAX_ALPHA = Fraction(16)


@dataclass(frozen=True)
class Solution:
    """The largest α or resolution within budget, and the exact counts there."""

    budget: int
    metric: Metric
    report: Report


def _largest(fits: Callable[[int], bool], start: int, limit: int,
             valid: Callable[[int], bool] = lambda k: True) -> int | None:
    """The largest k in [1, limit] with fits(k), searching up from ``start`` then bisecting.

    ``valid(k)`` (false below some k: the network cannot be built there) sets where to begin.
    """
    first = _smallest(valid, limit)
    if first is None or not fits(first):
        return None
    low, high = first, max(first + 1, start)
    while high <= limit and fits(high):
        low, high = high, high * 2
    high = min(high, limit + 1)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def _smallest(valid: Callable[[int], bool], limit: int) -> int | None:
    """The smallest k in [1, limit] with valid(k), valid being false below it and true above."""
    high = 1
    while not valid(high):
        if high > limit:
            return None
        high *= 2
    low = high // 2  # not valid, or 0
    while high - low > 1:
        middle = (low + high) // 2
        if valid(middle):
            high = middle
        else:
            low = middle
    return high


def solve_alpha(spec: LoadedSpec, metric: Metric, budget: int, rho: Fraction | None = None,
                resolution: int | None = None, convention: Convention = "paper") -> Solution:
    """The largest α (a multiple of 1/1000) whose exact count fits ``budget``."""
    def at(k: int) -> Report:
        return walk(spec, k * ALPHA_STEP, rho, resolution, convention)

    def valid(k: int) -> bool:
        try:
            at(k)
        except MbcalcError:
            return False  # too narrow to build: a channel rounds to zero
        return True

    def fits(k: int) -> bool:
        return bool(getattr(at(k), metric) <= budget)

    best = _largest(fits, 1000, int(MAX_ALPHA / ALPHA_STEP), valid)
    if best is None:
        raise MbcalcError(f"no alpha ≥ {ALPHA_STEP} fits {metric} ≤ {budget:,}")
    return Solution(budget, metric, at(best))


def solve_resolution(spec: LoadedSpec, metric: Metric, budget: int, alpha: Fraction,
                     convention: Convention = "paper") -> Solution:
    """The largest input resolution (ρ = resolution / base) whose exact count fits ``budget``."""
    base = spec.network.resolution

    def at(r: int) -> Report:
        return walk(spec, alpha, resolution=r, convention=convention)

    def valid(r: int) -> bool:
        try:
            at(r)
        except MbcalcError:
            return False  # too small for the network's kernels
        return True

    def fits(r: int) -> bool:
        return bool(getattr(at(r), metric) <= budget)

    if metric == "params" and at(base).params == at(2 * base).params:
        raise MbcalcError("this network's params do not depend on ρ: solve for α instead "
                          "(leave out --alpha)")
    best = _largest(fits, base, 64 * base, valid)
    if best is None:
        raise MbcalcError(f"no resolution fits {metric} ≤ {budget:,} at alpha={float(alpha)}")
    return Solution(budget, metric, at(best))
