"""Sweeps over α × ρ, and the largest α or ρ within a budget."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from complexity.analysis.solve import solve_alpha, solve_resolution
from complexity.analysis.sweep import parse_values, sweep
from complexity.engine.walk import walk
from complexity.errors import MbcalcError
from complexity.language.zoo import resolve, zoo_names

ALPHAS = [Fraction(a) for a in ("1", "0.75", "0.5", "0.25")]
RESOLUTIONS = [224, 192, 160, 128]


def test_parse_values() -> None:
    assert parse_values("alpha", "0.25,0.5, 1") == [Fraction(1, 4), Fraction(1, 2), 1]
    assert parse_values("alpha", "0.25:1:4") == [Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), 1]
    assert parse_values("rho", "1:1:1") == [1]
    for bad in ("", "a,b", "1:2", "1:2:0", "0,1", "-1", "nan"):
        with pytest.raises(MbcalcError):
            parse_values("alpha", bad)


def test_grid_equals_single_runs() -> None:
    spec = resolve("mobilenet_v1")
    points = sweep(spec, ALPHAS, resolutions=RESOLUTIONS)
    assert len(points) == 16
    for p in points:
        single = walk(spec, p.alpha, resolution=p.resolution)
        assert (p.params, p.madds) == (single.params, single.madds)
    # The paper's Table 6 corner: 0.25 MobileNet-128 has 14M MAdds (13,570,048 exactly).
    assert points[-1].madds == 13_570_048


def test_sweep_by_rho_rounds_resolution() -> None:
    points = sweep(resolve("mobilenet_v1"), [Fraction(1)], rhos=[Fraction("0.714")])
    assert points[0].resolution == 160


def test_solve_alpha_is_the_largest_that_fits() -> None:
    spec = resolve("mobilenet_v1")
    budget = 300_000_000
    solution = solve_alpha(spec, "madds", budget)
    alpha = solution.report.alpha
    assert solution.report.madds <= budget
    for step in range(1, 11):  # no α up to 0.01 larger fits (counts grow with α here)
        assert walk(spec, alpha + Fraction(step, 1000)).madds > budget


def test_solve_resolution_is_the_largest_that_fits() -> None:
    spec = resolve("mobilenet_v1")
    solution = solve_resolution(spec, "madds", 150_000_000, Fraction(1))
    r = solution.report.resolution
    assert solution.report.madds <= 150_000_000
    assert walk(spec, resolution=r + 1).madds > 150_000_000


def test_unreachable_budget() -> None:
    with pytest.raises(MbcalcError, match="no alpha"):
        solve_alpha(resolve("mobilenet_v1"), "params", 10)
    with pytest.raises(MbcalcError, match="do not depend on"):
        solve_resolution(resolve("mobilenet_v1"), "params", 10**6, Fraction(1))


GRID_ALPHAS = [Fraction(a) for a in ("0.35", "0.5", "0.6", "0.745", "0.75", "1", "1.3")]
GRID_RHOS = [Fraction(r) for r in ("0.5", "0.714", "1")]


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_compiled_sweep_equals_plain_walks(name: str) -> None:
    # α = 0.745 flips MobileNetV2's make-divisible rounding; 0.6 breaks some grouped convs
    # (those points fall back to plain walks, or fail in both paths alike).
    spec = resolve(name)
    alphas = GRID_ALPHAS
    try:
        fast = sweep(spec, alphas, GRID_RHOS)
    except MbcalcError as exc:
        with pytest.raises(MbcalcError, match=re.escape(str(exc)[:20])):
            sweep(spec, alphas, GRID_RHOS, compiled=False)
        return
    plain = sweep(spec, alphas, GRID_RHOS, compiled=False)
    assert fast == plain


def test_compiled_sweep_equals_plain_walks_quick() -> None:
    spec = resolve("mobilenet_v2")
    assert sweep(spec, GRID_ALPHAS, GRID_RHOS) == sweep(spec, GRID_ALPHAS, GRID_RHOS,
                                                        compiled=False)
