"""Budgets: the largest α or ρ whose exact, rounded counts fit a params or MAdds budget.

The answer is found by bisection on the exact counts of real walks (without the closed form,
which plays no part here): α on a grid of 1/1000, ρ through the integer input resolution.
Bisection assumes counts do not decrease as α or ρ grow; the answer is always one that fits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from complexity.engine.walk import Report, walk
from complexity.errors import MbcalcError
from complexity.language.layers import Convention
from complexity.language.sources import LoadedSpec

Metric = Literal["params", "madds", "peak_memory"]
ALPHA_STEP = Fraction(1, 1000)
MAX_ALPHA = Fraction(16)


@dataclass(frozen=True)
class Solution:
    """The largest α or resolution within budget, and the exact counts there."""

    budget: int
    metric: Metric
    report: Report
    value: int | None = None
    """The measured value at the answer, where it is not one of the report's totals (peak
    memory, in bytes)."""


def _bisect(holds: Callable[[int], bool], low: int, high: int) -> int:
    """The largest k in [low, high) with holds(k), given holds(low) and not holds(high)."""
    while high - low > 1:
        middle = (low + high) // 2
        if holds(middle):
            low = middle
        else:
            high = middle
    return low


class _Walks:
    """Walks of one spec at k = 1, 2, …, each made once (a probe is asked twice or more)."""

    def __init__(self, walk_at: Callable[[int], Report]) -> None:
        self.walk_at = walk_at
        self.done: dict[int, Report | MbcalcError] = {}

    def valid(self, k: int) -> bool:
        """Whether the network can be built at k (a channel or a map may round to nothing)."""
        if k not in self.done:
            try:
                self.done[k] = self.walk_at(k)
            except MbcalcError as exc:
                self.done[k] = exc
        return not isinstance(self.done[k], MbcalcError)

    def at(self, k: int) -> Report:
        self.valid(k)
        result = self.done[k]
        if isinstance(result, MbcalcError):
            raise result
        return result


Measure = Callable[[Report], int]
"""What a budget limits, measured on a walk (a total, or peak memory in bytes)."""


def _measure(metric: Metric, measure: Measure | None) -> Measure:
    if measure is not None:
        return measure
    if metric == "peak_memory":
        raise MbcalcError("peak memory needs a measure (analysis.memory)")
    return lambda report: int(getattr(report, metric))


def _largest(walks: _Walks, metric: Metric, budget: int, start: int, limit: int,
             measure: Measure | None = None) -> int | None:
    """The largest k in [1, limit] whose count fits ``budget``: from the smallest k the network
    can be built at, up by doubling from ``start``, then by bisection."""
    if walks.valid(1):
        first = 1
    else:
        high = 2
        while not walks.valid(high):
            if high > limit:
                return None
            high *= 2
        first = _bisect(lambda k: not walks.valid(k), high // 2, high) + 1

    value = _measure(metric, measure)

    def fits(k: int) -> bool:
        return value(walks.at(k)) <= budget

    if not fits(first):
        return None
    low, high = first, max(first + 1, start)
    while high <= limit and fits(high):
        low, high = high, high * 2
    return _bisect(fits, low, min(high, limit + 1))


def solve_alpha(spec: LoadedSpec, metric: Metric, budget: int, rho: Fraction | None = None,
                resolution: int | None = None, convention: Convention = "paper",
                measure: Measure | None = None) -> Solution:
    """The largest α (a multiple of 1/1000) whose exact count fits ``budget``."""
    walks = _Walks(lambda k: walk(spec, k * ALPHA_STEP, rho, resolution, convention,
                                  closed=False))
    best = _largest(walks, metric, budget, 1000, int(MAX_ALPHA / ALPHA_STEP), measure)
    if best is None:
        raise MbcalcError(f"no alpha ≥ {ALPHA_STEP} fits {metric} ≤ {budget:,}")
    report = walk(spec, best * ALPHA_STEP, rho, resolution, convention)
    return Solution(budget, metric, report, measure(report) if measure else None)


def solve_resolution(spec: LoadedSpec, metric: Metric, budget: int, alpha: Fraction,
                     convention: Convention = "paper",
                     measure: Measure | None = None) -> Solution:
    """The largest input resolution (ρ = resolution / base) whose exact count fits ``budget``."""
    base = spec.network.resolution
    walks = _Walks(lambda r: walk(spec, alpha, resolution=r, convention=convention,
                                  closed=False))
    if metric == "params" and walks.at(base).params == walks.at(2 * base).params:
        raise MbcalcError("this network's params do not depend on ρ: solve for α instead "
                          "(leave out --alpha)")
    best = _largest(walks, metric, budget, base, 64 * base, measure)
    if best is None:
        raise MbcalcError(f"no resolution fits {metric} ≤ {budget:,} at alpha={float(alpha)}")
    report = walk(spec, alpha, resolution=best, convention=convention)
    return Solution(budget, metric, report, measure(report) if measure else None)
