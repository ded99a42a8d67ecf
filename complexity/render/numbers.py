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
    """Model size for params stored at ``bytes_per_param`` bytes each, in decimal units that
    keep it readable: '16.84 MB', '3.46 KB', '40 bytes' (1 MB = 10^6 bytes)."""
    size = params * bytes_per_param
    if size >= _FLOAT_SAFE:  # beyond a float: Decimal, in TB
        return f"{Decimal(size) / 10**12:.4g} TB".replace("E+", "e")
    if size < 1000:
        return f"{size} byte" + ("" if size == 1 else "s")
    for scale, unit in ((10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "KB")):
        if size >= scale:
            return f"{size / scale:.2f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def decimal(value: Fraction) -> str:
    """An exact fraction as a short decimal: 3/4 -> '0.75', 1/3 -> '0.333333'."""
    if abs(value) >= _FLOAT_SAFE:
        return f"{Decimal(value.numerator) / Decimal(value.denominator):.6g}".replace("E+", "e")
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text or "0"
