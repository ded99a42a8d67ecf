"""The base of the spec's classes: plain Python, so that reading a spec needs no pydantic.

A layer, a container or a width rule is a plain class: its fields are annotations with
defaults (and a docstring under each), its rules are methods. Constructing one validates it
through the pydantic model derived from the class (``language.models``), an instance of a
subclass of it; a cached spec (``language.cache``) is rebuilt with ``made``, no validation
and no pydantic, from values that were validated when it was cached.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

T = TypeVar("T")
_MISSING = object()


class SpecClass:
    """A class of the spec language. ``Cls(**fields)`` validates the fields by its derived
    pydantic model and returns that model's instance (also a ``Cls``)."""

    def __new__(cls, /, **data: Any) -> Any:
        if "__plain__" in cls.__dict__:  # the derived model itself: pydantic fills it in
            return super().__new__(cls)
        from complexity.language.models import model_of

        return model_of(cls)(**data)


def plain_class(obj: object) -> type:
    """The spec class of ``obj``: its own class, or the one its pydantic model derives from."""
    kind = type(obj)
    return kind.__dict__.get("__plain__", kind)


@functools.cache
def fields_of(cls: type) -> tuple[tuple[str, Any], ...]:
    """``cls``'s fields in the order pydantic validates them (the bases' first), each with its
    default or ``_MISSING``."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        names.update(dict.fromkeys(klass.__dict__.get("__annotations__", {})))
    return tuple((name, getattr(cls, name, _MISSING)) for name in names)


def made(cls: type[T], values: dict[str, Any]) -> T:
    """An instance of ``cls`` holding ``values``, its other fields at their defaults, without
    validation: for values already validated (a cached spec, a layer seen as another)."""
    fields = fields_of(cls)
    extra = values.keys() - {name for name, _ in fields}
    if extra:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(extra))}")
    state: dict[str, Any] = {}
    for name, default in fields:
        value = values.get(name, default)
        if value is _MISSING:
            raise TypeError(f"{cls.__name__}: no value for {name}")
        state[name] = value
    obj = object.__new__(cls)
    obj.__dict__.update(state)
    return obj
