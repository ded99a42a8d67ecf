"""The pydantic models that validate spec data, derived from the spec's plain classes.

A layer, container or width rule is a plain class (``language.plain``): a count from a cached
spec needs no pydantic. Validation derives a model from each class when the class is first
validated: a subclass of it with the spec's model config, whose fields pydantic reads from the
class's annotations and defaults (their pydantic types are installed into the classes' modules
here, before the first model is made) and whose ``_check`` methods run as one after-validator.
Each model has its class's name and docstring, so errors and the JSON Schema read as the
class's. Items of a spec are validated by the model their ``kind`` names (``validate_item``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    TypeAdapter,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

from complexity.language import containers, fields, layers, width
from complexity.language.blocks import Block

T = TypeVar("T")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
        if _IN_JSON_SCHEMA:
            return dict(ITEM_PLACEHOLDER)
        _IN_JSON_SCHEMA.append(True)
        try:
            return handler(TypeAdapter(item_union()).core_schema)
        finally:
            _IN_JSON_SCHEMA.pop()


ITEM_PLACEHOLDER = {"x-mbcalc": "item"}
"""What stands for an item's JSON Schema inside the items' own (see ``_ByKind``)."""
_IN_JSON_SCHEMA: list[bool] = []

Items = list[Annotated[Any, _ByKind()]]
"""A list of spec items as a field's type: validated item by item (``validate_item``)."""


def _install_types() -> None:
    """Give the spec classes' modules the names their annotations use that only exist with
    pydantic (the modules import them for type checkers only): pydantic reads a class's
    annotations in its module's namespace."""
    types = {"Field": Field, "Items": Items, "PositiveInt": fields.PositiveInt,
             "NonNegativeInt": fields.NonNegativeInt, "StrictBool": fields.StrictBool,
             "Size": fields.Size, "Measured": fields.Measured}
    for module in (layers, containers, width):
        for name, value in types.items():
            module.__dict__.setdefault(name, value)


_install_types()


@functools.cache
def model_of(cls: type[T]) -> type[T]:
    """The pydantic model of the spec class ``cls``: a subclass of it, named as it is."""
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                 "__doc__": cls.__doc__, "__plain__": cls}
    checks = [klass.__dict__["_check"] for klass in reversed(cls.__mro__)
              if "_check" in klass.__dict__]
    if checks:
        namespace["_checked"] = model_validator(mode="after")(_checker(checks))
    return type(cls.__name__, (cls, _Model), namespace)  # type: ignore[return-value]


def _checker(checks: list[Callable[[Any], None]]) -> Callable[[Any], Any]:
    def checked(self: Any) -> Any:
        for check in checks:
            check(self)
        return self

    return checked


WidthRuleModel = model_of(width.WidthRule)


@functools.cache
def item_union() -> Any:
    """One spec item as a discriminated union of every kind's model (for the JSON Schema)."""
    members = [model_of(cls) for cls in (*get_args(layers.Primitive),
                                        *get_args(containers.Container))]
    return Annotated[functools.reduce(lambda a, b: a | b, [*members, *get_args(Block)]),
                     Field(discriminator="kind")]


def validate_item(value: Any) -> BaseModel:
    """One spec item (a mapping with a ``kind``) as the model of its kind; an item already
    validated is kept."""
    models = item_models()
    if isinstance(value, BaseModel) and type(value) in _validated():
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
    in the union's order."""
    found: dict[str, type[BaseModel]] = {}
    for model in get_args(get_args(item_union())[0]):
        for kind in get_args(model.model_fields["kind"].annotation):
            found[kind] = model
    return found


@functools.cache
def _validated() -> frozenset[type]:
    return frozenset(item_models().values())
