"""Containers: how layers are wired — repeated, added to a shortcut, or run side by side.

Containers hold no formulas: their rows are the rows of the layers they hold, plus a free row
for each merge (the residual add, the concat).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from complexity.language.blocks import Block
from complexity.language.fields import NonNegativeInt, StrictBool
from complexity.language.layers import Primitive


class _Container(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

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
    layers: list[Item] = Field(min_length=1)
    each: dict[str, list[Any]] | None = None
    """Per-repetition values: ``{stride: [2, 1]}`` makes ``$stride`` in ``layers`` 2 in the
    first repetition and 1 in the rest (a list's last value holds for the repetitions after
    it; values beyond ``times`` are unused)."""
    bodies: list[list[Item]] | None = None
    """Filled in by the loader from ``each``: the layers of every repetition (don't write)."""


class Residual(_Container):
    """y = layers(x) + shortcut(x). The add is free; both sides must give the same shape."""

    kind: Literal["residual"]
    layers: list[Item] = Field(min_length=1)
    shortcut: list[Item] = Field(default_factory=list)
    """The projection on the shortcut (e.g. 1×1 conv + BN); empty is the identity."""
    when: Literal["always", "shapes_match", "project_if_needed"] = "always"
    """``shapes_match``: add only where layers(x) has x's shape, else no shortcut at all
    (MobileNetV2/V3: stride 1 and in = out); ``project_if_needed``: use ``shortcut`` only where
    the shapes differ, the identity otherwise (ResNet's downsample)."""


class Concat(_Container):
    """Branches side by side, concatenated along channels; their H×W must agree."""

    kind: Literal["concat"]
    branches: list[list[Item]] = Field(min_length=1)
    """Each a list of layers; an empty list passes its input through."""
    split: StrictBool = False
    """Split the input channels evenly among the branches (ShuffleNet V2) instead of giving
    each branch the whole input."""


class Side(_Container):
    """A branch whose output leaves the network (an auxiliary classifier): costed, not merged."""

    kind: Literal["side"]
    layers: list[Item] = Field(min_length=1)
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
    layers: list[Item] = Field(min_length=1)


Container = Repeat | Residual | Concat | Side | Sequence
Item = Annotated[Primitive | Container | Block, Field(discriminator="kind")]
"""One entry of a spec's ``layers``: a primitive layer, a container or a block."""

for _model in (Repeat, Residual, Concat, Side, Sequence):
    _model.model_rebuild()
