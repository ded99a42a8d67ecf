"""Values typed on the command line, read exactly and checked, with errors naming the option."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from complexity.errors import MbcalcError, printable
from complexity.language.numbers import LARGEST, MAX_COUNT, MAX_MULTIPLIER, MIN_MULTIPLIER, exact


def multiplier(option: str, text: str) -> Fraction:
    """α or ρ: exact, within [MIN_MULTIPLIER, MAX_MULTIPLIER]."""
    value = exact(option, text)
    if value <= 0:
        raise MbcalcError(f"--{option} must be positive, got {printable(text.strip())}")
    if not MIN_MULTIPLIER <= value <= MAX_MULTIPLIER:
        raise MbcalcError(f"--{option} must be between {float(MIN_MULTIPLIER):g} and "
                          f"{int(MAX_MULTIPLIER)}, got {printable(text.strip())}")
    return value


def whole(option: str, value: int | str, low: int = 1, high: int = LARGEST) -> int:
    """A whole number option (resolution, channels, kernel) within [low, high], with the same
    bound as a spec's fields."""
    if isinstance(value, str):
        number = exact(option, value, "224")
        if number.denominator != 1:
            raise MbcalcError(f"--{option} must be a whole number, got {printable(value)}")
        value = int(number)
    if value < low:
        raise MbcalcError(f"--{option} must be a positive integer, got {value}" if low == 1
                          else f"--{option} must be at least {low}, got {value}")
    if value > high:
        raise MbcalcError(f"--{option} must be at most {high:,} (the largest a spec allows), "
                          f"got {value:,}" if value < 10**30 else
                          f"--{option} must be at most {high:,} (the largest a spec allows)")
    return value


def positive(name: str, text: str | None) -> Fraction | None:
    """α or ρ from an option that may be absent."""
    return None if text is None else multiplier(name, text)


def budget(name: str, text: str) -> int:
    """A count budget: '300e6', '300M', '4.2M', '1G' or a plain integer."""
    scale = {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    cleaned = text.strip().replace(",", "").replace("_", "")
    factor = scale.get(cleaned[-1:].upper(), 1)
    number = cleaned[:-1] if factor > 1 else cleaned
    value = exact(name, number, "300M or 3.4e6") * factor
    if value <= 0:
        raise MbcalcError(f"--{name} must be positive, got {printable(text.strip())}")
    if value > MAX_COUNT:
        raise MbcalcError(f"--{name} must be at most 1e30, got {printable(text.strip())}")
    return int(value)


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``--set classes=10`` pairs; values are read as YAML scalars (10, 0.5, true)."""
    values: dict[str, Any] = {}
    for item in items:
        if len(item) > 200:
            raise MbcalcError(f"--set: at most 200 characters, got {printable(item[:40])!r}…")
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise MbcalcError(f"--set expects NAME=VALUE, got {printable(item)!r}")
        import yaml  # here: only --set values are YAML (a cached count reads none)

        try:
            value = yaml.safe_load(text)
        except (yaml.YAMLError, ValueError):
            value = text
        if not isinstance(value, (bool, int, float, str)) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise MbcalcError(f"--set {printable(key)}: expected a number, true/false or a word, "
                              f"got {printable(text)!r}")
        values[key.strip()] = value
    return values


def one_resolution(rho: str | None, resolution: int | None) -> tuple[Fraction | None, int | None]:
    """--rho or --resolution (never both), checked."""
    if rho is not None and resolution is not None:
        raise MbcalcError("give --rho or --resolution, not both")
    if resolution is not None:
        whole("resolution", resolution)
    return positive("rho", rho), resolution
