"""Containers: how layers are wired — repeated, added to a shortcut, or run side by side.

Containers hold no formulas: their rows are the rows of the layers they hold, plus a free row
for each merge (the residual add, the concat).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from complexity.language.plain import SpecClass

if TYPE_CHECKING:  # the fields' pydantic types: models.py installs them here when it validates
    from pydantic import Field

    from complexity.language.fields import NonNegativeInt, StrictBool
    from complexity.language.models import Items


class _Container(SpecClass):
    name: str | None = None
    """Prefix of the rows inside (``b3/expand``)."""


class Repeat(_Container):
    """``layers`` written once and used ``times`` times in sequence.

    A ``{i}`` in a name inside becomes the repetition's number (from ``start``); where there is
    none, ``.{i}`` is appended to the repeat's own name.
    """

    kind: Literal["repeat"]
    times: NonNegativeInt
    """How many times; 0 leaves the layers out (a stage a family member does not have)."""
    start: NonNegativeInt = 1
    layers: Annotated[Items, Field(min_length=1)]
    each: dict[str, list[Any]] | None = None
    """Per-repetition values: ``{stride: [2, 1]}`` makes ``$stride`` in ``layers`` 2 in the
    first repetition and 1 in the rest (a list's last value holds for the repetitions after
    it; values beyond ``times`` are unused)."""
    bodies: list[Items] | None = None
    """Filled in by the loader from ``each``: the layers of every repetition (don't write)."""


class Residual(_Container):
    """y = layers(x) + shortcut(x). The add is free; both sides must give the same shape."""

    kind: Literal["residual"]
    layers: Annotated[Items, Field(min_length=1)]
    shortcut: Annotated[Items, Field(default_factory=list)]
    """The projection on the shortcut (e.g. 1×1 conv + BN); empty is the identity."""
    first: Literal["layers", "shortcut"] = "layers"
    """Which side runs first. ``shortcut``: the shortcut's rows come before the layers', as in
    torchvision's RegNet (``proj(x) + f(x)``): the same counts, another order of rows, and so
    other tensors alive together (peak memory)."""
    when: Literal["always", "shapes_match", "project_if_needed"] = "always"
    """``shapes_match``: add only where layers(x) has x's shape, else no shortcut at all
    (MobileNetV2/V3: stride 1 and in = out); ``project_if_needed``: use ``shortcut`` only where
    the shapes differ, the identity otherwise (ResNet's downsample)."""


class Concat(_Container):
    """Branches side by side, concatenated along channels; their H×W must agree."""

    kind: Literal["concat"]
    branches: Annotated[list[Items], Field(min_length=1)]
    """Each a list of layers; an empty list passes its input through."""
    split: StrictBool = False
    """Split the input channels evenly among the branches (ShuffleNet V2) instead of giving
    each branch the whole input."""


class Side(_Container):
    """A branch whose output leaves the network (an auxiliary classifier): costed, not merged."""

    kind: Literal["side"]
    layers: Annotated[Items, Field(min_length=1)]
    enabled: StrictBool = True
    """False leaves it out (``enabled: $aux_logits``)."""
    run: StrictBool = False
    """Whether the branch runs: false (the default) counts its params but not its MAdds, as
    in a framework's eval mode, where auxiliary heads do not run; true counts both (training
    mode: ``run: $training`` with ``--set training=true``)."""


class Sequence(_Container):
    """Layers in order under one name, like a block: what a user-defined block expands to.
    ``se: {of: block}`` inside refers to the sequence's input."""

    kind: Literal["sequence"]
    layers: Annotated[Items, Field(min_length=1)]


Container = Repeat | Residual | Concat | Side | Sequence


class Expanded:
    """A block as a cached spec holds it (``language.cache``): its kind, its name and the
    items it expanded to when the spec was validated. Never written in a spec."""

    kind: str
    name: str | None
    layers: list[Any]
