"""Numbers users type (options, sweep values): parsed exactly, their size bounded first."""

from __future__ import annotations

import re
from fractions import Fraction

from complexity.errors import MbcalcError, printable

LARGEST = 1_000_000
"""No channel count, kernel, stride, resolution or repeat count in a spec may exceed this (the
spec fields' bound, and the command line's)."""
MAX_TEXT = 60
"""Characters a number typed on the command line may have."""
MAX_EXPONENT = 60
"""|e| in 1.5e-3: bounds the exact fraction built from it (10^(10^8) would hang)."""
MAX_MULTIPLIER = Fraction(1000)
"""The largest α or ρ: beyond it channels or resolutions exceed what a spec may hold."""
MIN_MULTIPLIER = Fraction(1, 10**6)
MAX_COUNT = 10**30
"""The largest budget (--solve-madds): far above any network's MAdds."""
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+/\d+")


def exact(option: str, text: str, example: str = "0.75") -> Fraction:
    """A number typed by the user as an exact fraction ('0.75' -> 3/4), its size bounded before
    any arithmetic: at most MAX_TEXT characters and an exponent within ±MAX_EXPONENT."""
    cleaned = text.strip()
    shown = printable(text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…")
    if len(cleaned) > MAX_TEXT:
        raise MbcalcError(f"--{option}: a number of at most {MAX_TEXT} characters, got {shown!r}")
    if not _NUMBER.fullmatch(cleaned):
        raise MbcalcError(f"--{option} must be a number such as {example}, got {shown!r}")
    mantissa, _, exponent = cleaned.lower().partition("e")
    if exponent and abs(int(exponent)) > MAX_EXPONENT:
        raise MbcalcError(f"--{option}: exponent {exponent} is out of range (at most "
                          f"±{MAX_EXPONENT}), got {shown!r}")
    try:
        return Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise MbcalcError(f"--{option} must be a number such as {example}, got {shown!r}") from None
