"""A network spec: the data a user writes, validated, with its variables filled in."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from complexity.language.fields import PositiveInt
from complexity.language.models import Items, WidthRuleModel
from complexity.language.templates import BlockDefinition

VariableValue = bool | int | float | str
_REFERENCE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")


class Network(BaseModel):
    """A whole network: its input, its α rounding rule, and its layers in order."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str
    """Short name, as on the command line (``mobilenet_v1``)."""
    title: str | None = None
    """Human name and paper (``MobileNetV1, Howard et al. 2017``)."""
    source: str | None = None
    """Whose layout the spec follows, as ``mbcalc list`` shows it: ``torchvision``, ``keras``,
    ``paper`` (the paper's tables and its authors' code), …"""
    resolution: PositiveInt = 224
    """Base input resolution R; the walk runs at round(ρ·R)."""
    in_channels: PositiveInt = 3
    """Channels of the input image; never scaled by α."""
    width_rule: WidthRuleModel = WidthRuleModel()
    width_multiplier: Annotated[float, Field(gt=0, le=1000)] = 1.0
    """The network's own width multiplier (EfficientNet-B3's 1.2): every scaled width is
    rounded from c·width_multiplier·α by ``width_rule``; ``--alpha`` multiplies it."""
    variables: dict[str, VariableValue] = Field(default_factory=dict)
    """Spec-level variables with their defaults; ``$name`` anywhere in ``layers`` uses one.
    A variable may be a table chosen by another: ``{by: groups, values: {1: 144, 3: 240}}``."""
    variants: dict[str, dict[str, VariableValue]] = Field(default_factory=dict)
    """Named members of a family: zoo name → the variables it sets (``resnet50: {depth: 50}``).
    ``mbcalc resnet50`` loads the family file with those values; ``--set`` still overrides."""
    blocks: dict[str, BlockDefinition] = Field(default_factory=dict)
    """User-defined blocks: name → typed ``params`` and ``layers`` with ``$param`` in them;
    ``{kind: NAME, ...}`` in ``layers`` uses one like a built-in block."""
    layers: Items = Field(min_length=1)


class UnknownVariable(Exception):
    """A ``$name`` reference or a ``--set`` key that the spec does not declare."""

    def __init__(self, name: str, path: tuple[str | int, ...], known: list[str]) -> None:
        listed = ", ".join(known) if known else "none"
        super().__init__(f"unknown variable '{name}' (this spec declares: {listed})")
        self.path = path


def substitute(data: Any, values: dict[str, VariableValue],
               path: tuple[str | int, ...] = ()) -> Any:
    """A copy of ``data`` where every string ``$name`` is replaced by ``values[name]``."""
    if isinstance(data, dict):
        return {k: substitute(v, values, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [substitute(v, values, (*path, i)) for i, v in enumerate(data)]
    if isinstance(data, str) and (match := _REFERENCE.match(data)):
        name = match.group(1)
        if name not in values:
            raise UnknownVariable(name, path, sorted(values))
        return values[name]
    return data
