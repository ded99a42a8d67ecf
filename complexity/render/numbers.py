"""How counts are written for people: 568,740,352 and 568.7M."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

_FLOAT_SAFE = 10**300
"""Counts from here on are formatted with Decimal: a float would overflow."""
_SUFFIXES = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K"))


def grouped(value: int) -> str:
    """568740352 -> '568,740,352'."""
    return f"{value:,}"


def short(value: int) -> str:
    """568740352 -> '568.7M'; values under 1,000 as they are."""
    for scale, suffix in _SUFFIXES:
        if abs(value) >= scale:
            if abs(value) >= _FLOAT_SAFE:  # beyond a float: exact decimal arithmetic
                return f"{Decimal(value) / scale:.4g}{suffix}".replace("E+", "e")
            return f"{value / scale:.1f}{suffix}"
    return str(value)


def readable(value: int) -> str:
    """568740352 -> '568,740,352 (568.7M)'."""
    compact = short(value)
    return grouped(value) if compact == str(value) else f"{grouped(value)} ({compact})"


def percent(part: int, whole: int) -> str:
    """A share with two decimals, as the papers print it: '94.86'."""
    return f"{100 * part / whole:.2f}" if whole else "0.00"


def megabytes(params: int, bytes_per_param: int = 4) -> str:
    """Model size in MB (10^6 bytes) for params stored at ``bytes_per_param`` bytes each."""
    if params >= _FLOAT_SAFE:
        return f"{Decimal(params * bytes_per_param) / 10**6:.4g} MB".replace("E+", "e")
    return f"{params * bytes_per_param / 1e6:.2f} MB"


def decimal(value: Fraction) -> str:
    """An exact fraction as a short decimal: 3/4 -> '0.75', 1/3 -> '0.333333'."""
    if abs(value) >= _FLOAT_SAFE:
        return f"{Decimal(value.numerator) / Decimal(value.denominator):.6g}".replace("E+", "e")
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text or "0"
