"""Values typed on the command line, read exactly and checked, with errors naming the option."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import yaml

from complexity.errors import MbcalcError


def positive(name: str, text: str | None) -> Fraction | None:
    """A user's number as an exact fraction ('0.75' -> 3/4), or an error naming the option."""
    if text is None:
        return None
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise MbcalcError(f"--{name} must be a number such as 0.75, got {text!r}") from None
    if value <= 0:
        raise MbcalcError(f"--{name} must be positive, got {text}")
    return value


def budget(name: str, text: str) -> int:
    """A count budget: '300e6', '300M', '4.2M', '1G' or a plain integer."""
    scale = {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    cleaned = text.strip().replace(",", "").replace("_", "")
    factor = scale.get(cleaned[-1:].upper(), 1)
    number = cleaned[:-1] if factor > 1 else cleaned
    try:
        value = Fraction(number) * factor
    except (ValueError, ZeroDivisionError):
        raise MbcalcError(f"--{name} must be a count such as 300M or 3.4e6, got {text!r}") from None
    if value <= 0:
        raise MbcalcError(f"--{name} must be positive, got {text}")
    return int(value)


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``--set classes=10`` pairs; values are read as YAML scalars (10, 0.5, true)."""
    values: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise MbcalcError(f"--set expects NAME=VALUE, got {item!r}")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
        if not isinstance(value, (bool, int, float, str)):
            raise MbcalcError(f"--set {key}: expected a number, true/false or a word, got {text!r}")
        values[key.strip()] = value
    return values


def one_resolution(rho: str | None, resolution: int | None) -> tuple[Fraction | None, int | None]:
    """--rho or --resolution (never both), checked."""
    if rho is not None and resolution is not None:
        raise MbcalcError("give --rho or --resolution, not both")
    if resolution is not None and resolution < 1:
        raise MbcalcError(f"--resolution must be a positive integer, got {resolution}")
    return positive("rho", rho), resolution
