"""Conv variants: the MobileNetV1 paper's Table 3, the seed's example, and formula = engine."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from sympy import Symbol, sympify

from complexity.algebra import symbols as S
from complexity.analysis.compare import VARIANTS, Problem, compare, formula_value, scaled
from complexity.errors import MbcalcError


def costs(problem: Problem) -> dict[str, tuple[int, int]]:
    return {c.variant.name: (c.params, c.madds) for c in compare(problem)}


def test_paper_table_3() -> None:
    # MobileNetV1 paper, Table 3: a 14×14×512 → 512 layer, 3×3 kernel.
    base = Problem(512, 512, 3, 14)
    full = costs(base)
    assert full["standard"] == (3 * 3 * 512 * 512, 3 * 3 * 512 * 512 * 14 * 14)  # 2.36M / 462M
    assert full["depthwise_separable"] == (3 * 3 * 512 + 512 * 512,
                                           (3 * 3 * 512 + 512 * 512) * 14 * 14)  # 0.27M / 52.3M
    thin = costs(scaled(base, Fraction("0.75"), Fraction(1)))
    assert thin["depthwise_separable"] == (150_912, 29_578_752)  # 0.15M / 29.6M
    small = costs(scaled(base, Fraction("0.75"), Fraction("0.714")))
    assert small["depthwise_separable"] == (150_912, 15_091_200)  # 0.15M / 15.1M (D_F 14 → 10)
    # Within the printed rounding: half a unit of the last printed digit.
    for exact, printed, unit in ((2_359_296, 2.36e6, 1e4), (462_422_016, 462e6, 1e6),
                                 (266_752, 0.27e6, 1e4), (52_283_392, 52.3e6, 1e5),
                                 (29_578_752, 29.6e6, 1e5), (15_091_200, 15.1e6, 1e5)):
        assert abs(exact - printed) <= unit / 2


def test_seed_torchsummary_example() -> None:
    # 3 → 32 channels, 3×3, 16×16: 864 params vs depthwise 27 + pointwise 96 = 123.
    result = costs(Problem(3, 32, 3, 16))
    assert result["standard"][0] == 864
    assert result["depthwise_separable"][0] == 27 + 96


def test_depthwise_separable_ratio_is_one_over_n_plus_one_over_dk2() -> None:
    ratio = next(c for c in compare(Problem(512, 512, 3, 14)) if c.variant.name ==
                 "depthwise_separable").ratio_formula
    assert ratio == 1 / S.N + 1 / S.D_K**2
    assert ratio.subs({S.N: 512, S.D_K: 3}) == Fraction(1, 512) + Fraction(1, 9)


def test_vgg_three_3x3_versus_one_7x7() -> None:
    c = 64
    result = costs(Problem(c, c, 7, 28))
    assert result["standard"][0] == 49 * c * c
    assert result["stacked_3x3"][0] == 27 * c * c


@pytest.mark.parametrize("seed", range(30))
def test_formulas_equal_the_engine(seed: int) -> None:
    rng = random.Random(seed)
    g = rng.choice([1, 2, 4])
    problem = Problem(cin=g * rng.randint(1, 16), cout=16 * g * rng.randint(1, 4),
                      kernel=rng.choice([1, 3, 5, 7]), size=rng.randint(1, 20),
                      stride=rng.choice([1, 2]), groups=g, expansion=rng.randint(1, 6))
    for c in compare(problem):
        assert formula_value(c.variant.params, problem) == c.params, c.variant.name
        assert formula_value(c.variant.madds, problem) == c.madds, c.variant.name


def test_formula_text_is_sympy_parsable() -> None:
    names = {**S.BY_NAME, "s": Symbol("s", positive=True, integer=True),
             "t": Symbol("t", positive=True, integer=True)}
    problem = Problem(32, 64, 3, 8)
    for c in compare(problem):
        parsed = sympify(str(c.variant.madds), locals=names)
        values = {names[k.name]: v for k, v in problem.values().items()}
        assert parsed.subs(values) == c.madds


def test_variant_subset_and_errors() -> None:
    assert [c.variant.name for c in compare(Problem(8, 8, 3, 4), ["pointwise"])] == ["pointwise"]
    with pytest.raises(MbcalcError, match="unknown variant 'nope'"):
        compare(Problem(8, 8, 3, 4), ["nope"])
    with pytest.raises(MbcalcError, match="g=3 must divide"):
        compare(Problem(8, 8, 3, 4, groups=3), ["group"])
    # Variants that do not apply are left out when none was asked for by name.
    assert "fire" not in {c.variant.name for c in compare(Problem(8, 8, 3, 4))}
    assert set(VARIANTS) >= {"standard", "depthwise_separable", "group", "pointwise",
                             "asymmetric", "stacked_3x3", "fire", "inverted_residual",
                             "shufflenet"}


def test_alpha_that_empties_a_layer_is_an_error() -> None:
    with pytest.raises(MbcalcError, match="alpha"):
        scaled(Problem(3, 8, 3, 4), Fraction(1, 10), Fraction(1))
