"""Frozen value objects for the classes every count loads, without the dataclasses module.

A cold count creates the classes of the formula nodes, shapes, rows, reports and error
locations. As dataclasses they cost its start-up about 20 ms (creating one compiles its
methods) and 10–25 ms more to import dataclasses and inspect. Derived from ``Frozen``, a class
annotates its fields, and its ``__init__`` takes them in the same order and stores them with
one ``self.__dict__.update(...)``. ``Frozen`` gives what ``dataclass(frozen=True)`` gives:
equality and a hash over the fields, a repr, ``replace``, and no assignment. Instances keep
their fields in ``__dict__``, so copying and pickling work as for any object, and
``engine.walk.assembled`` can build one without ``__init__``.
"""

from __future__ import annotations

from operator import itemgetter

TYPE_CHECKING = False  # typing is imported only by a type checker: a cold count spares it
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Self


def _nothing(fields: dict[str, Any]) -> tuple[()]:
    return ()


class Frozen:
    """Base of a frozen value class: equality, hash, repr and ``replace`` over its fields."""

    FIELDS: tuple[str, ...] = ()
    """Every field, the base classes' first (their annotations, in order): ``__init__``'s
    parameters, in the same order."""
    UNSHOWN: frozenset[str] = frozenset()
    """Fields left out of the repr (a dataclass's ``field(repr=False)``)."""
    UNCOMPARED: frozenset[str] = frozenset()
    """Fields left out of equality and the hash (``field(compare=False)``)."""
    _compared: Callable[[dict[str, Any]], Any] = staticmethod(_nothing)
    """The compared fields' values, from ``__dict__`` (in C: ``__eq__`` is called often)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.FIELDS = (*cls.FIELDS, *cls.__dict__.get("__annotations__", {}))
        compared = [name for name in cls.FIELDS if name not in cls.UNCOMPARED]
        cls._compared = itemgetter(*compared) if compared else staticmethod(_nothing)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared(self.__dict__) == self._compared(other.__dict__)

    def __hash__(self) -> int:
        return hash(self._compared(self.__dict__))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self.FIELDS
                          if name not in self.UNSHOWN)
        return f"{type(self).__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (``dataclasses.replace``)."""
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        fields = self.__dict__
        return type(self)(*(changes[n] if n in changes else fields[n] for n in self.FIELDS))
