"""Containers: how layers are wired — repeated, added to a shortcut, or run side by side.

Containers hold no formulas: their rows are the rows of the layers they hold, plus a free row
for each merge (the residual add, the concat).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

from complexity.language.blocks import Block
from complexity.language.fields import NonNegativeInt, StrictBool
from complexity.language.layers import Primitive


class _ByKind:
    """Validation of a spec item by the model its ``kind`` names, looked up when the item is
    met: only the kinds a spec uses get their validators built (pydantic builds a model's on
    its first use), where a discriminated union would build all fifty at start-up. Errors are
    the union's (``union_tag_invalid``, ``union_tag_not_found``, ``model_attributes_type``) and
    the member's, at the same locations; the JSON Schema is the union's."""

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(validate_item)

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> Any:
        """The union's JSON Schema; inside it (a container's items), ``ITEM_PLACEHOLDER``, which
        ``schema.spec_schema`` replaces by the union's (the core schema has no recursion for
        the generator to follow)."""
        from pydantic import TypeAdapter

        if _IN_JSON_SCHEMA:
            return dict(ITEM_PLACEHOLDER)
        _IN_JSON_SCHEMA.append(True)
        try:
            return handler(TypeAdapter(Item).core_schema)
        finally:
            _IN_JSON_SCHEMA.pop()


ITEM_PLACEHOLDER = {"x-mbcalc": "item"}
"""What stands for an item's JSON Schema inside the items' own (see ``_ByKind``)."""
_IN_JSON_SCHEMA: list[bool] = []


def validate_item(value: Any) -> BaseModel:
    """One spec item (a mapping with a ``kind``) as the model of its kind; an item already
    validated is kept."""
    models = item_models()
    if isinstance(value, BaseModel) and type(value) in _CLASSES:
        return value
    if not isinstance(value, dict):
        raise PydanticKnownError("model_attributes_type")
    if "kind" not in value:
        raise PydanticCustomError("union_tag_not_found",
                                  "Unable to extract tag using discriminator {discriminator}",
                                  {"discriminator": "'kind'"})
    tag = value["kind"]
    model = models.get(tag) if isinstance(tag, str) else None
    if model is None:
        raise PydanticCustomError(
            "union_tag_invalid", "Input tag '{tag}' found using {discriminator} does not match "
            "any of the expected tags: {expected_tags}",
            {"discriminator": "'kind'", "tag": str(tag),
             "expected_tags": ", ".join(f"'{kind}'" for kind in models)})
    return model.model_validate(value)


@functools.cache
def item_models() -> dict[str, type[BaseModel]]:
    """Every layer kind a spec can name (primitives, containers, built-in blocks) → its model,
    in the order of ``Item``."""
    found: dict[str, type[BaseModel]] = {}
    for model in get_args(_Union):
        for kind in get_args(model.model_fields["kind"].annotation):
            found[kind] = model
    return found


class _Container(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    layers: Items = Field(min_length=1)
    each: dict[str, list[Any]] | None = None
    """Per-repetition values: ``{stride: [2, 1]}`` makes ``$stride`` in ``layers`` 2 in the
    first repetition and 1 in the rest (a list's last value holds for the repetitions after
    it; values beyond ``times`` are unused)."""
    bodies: list[Items] | None = None
    """Filled in by the loader from ``each``: the layers of every repetition (don't write)."""


class Residual(_Container):
    """y = layers(x) + shortcut(x). The add is free; both sides must give the same shape."""

    kind: Literal["residual"]
    layers: Items = Field(min_length=1)
    shortcut: Items = Field(default_factory=list)
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
    branches: list[Items] = Field(min_length=1)
    """Each a list of layers; an empty list passes its input through."""
    split: StrictBool = False
    """Split the input channels evenly among the branches (ShuffleNet V2) instead of giving
    each branch the whole input."""


class Side(_Container):
    """A branch whose output leaves the network (an auxiliary classifier): costed, not merged."""

    kind: Literal["side"]
    layers: Items = Field(min_length=1)
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
    layers: Items = Field(min_length=1)


Container = Repeat | Residual | Concat | Side | Sequence
_Union = Primitive | Container | Block
Item = Annotated[_Union, Field(discriminator="kind")]
"""One entry of a spec's ``layers``: a primitive layer, a container or a block."""
Items = list[Annotated[_Union, _ByKind()]]
"""A list of spec items as a field's type: validated item by item (``validate_item``)."""
_CLASSES = frozenset(get_args(_Union))
