"""Width-multiplier rounding: how a family turns c·α into a whole number of channels."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from complexity.language.plain import SpecClass

if TYPE_CHECKING:  # installed here by models.py when it validates
    from complexity.language.fields import PositiveInt

WidthMode = Literal["scaled", "fixed", "grow_only"]
"""How α applies to a layer's channels: ``scaled`` c·α; ``fixed`` c (classes, image channels);
``grow_only`` c·max(1, α) (MobileNetV2's last 1×1 conv keeps its width for α < 1)."""


class WidthRule(SpecClass):
    """The rounding rule of a network family."""

    rule: Literal["floor", "divisible"] = "floor"
    """``floor``: int(c·α) (Keras MobileNet); ``divisible``: make-divisible of the
    MobileNetV2/V3 reference code."""
    divisor: PositiveInt = 8
    """The multiple ``divisible`` rounds to."""
    min: PositiveInt | None = None
    """Lower bound on a rounded width (TF-slim MobileNetV1 uses 8); ``divisible`` defaults to
    its divisor."""

    def round(self, value: Fraction) -> int:
        """Round an exact width c·α to channels by this rule."""
        if self.rule == "floor":
            return max(math.floor(value), self.min or 0)
        return make_divisible(value, self.divisor, self.min)


def make_divisible(value: Fraction, divisor: int = 8, minimum: int | None = None) -> int:
    """Nearest multiple of ``divisor`` (ties up), at least ``minimum`` (default ``divisor``),
    plus one more ``divisor`` if rounding lost more than 10 % of ``value``."""
    floor_min = divisor if minimum is None else minimum
    n, d = value.numerator, value.denominator  # in integers: exact, and a sweep's hot path
    rounded = max(floor_min, (2 * n + divisor * d) // (2 * d) // divisor * divisor)
    if 10 * rounded * d < 9 * n:  # rounded < 0.9·value
        rounded += divisor
    return rounded


def scale(channels: int, mode: WidthMode, alpha: Fraction, rule: WidthRule) -> int:
    """Channels of a layer under α, rounded by ``rule``; ``fixed`` layers never change."""
    if mode == "fixed":
        return channels
    factor = max(alpha, Fraction(1)) if mode == "grow_only" else alpha
    return rule.round(channels * factor)
