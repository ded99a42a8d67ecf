"""complexity.frozen: what dataclass(frozen=True) gives, for the classes a cold count loads."""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
import inspect
import pickle
import pkgutil
import textwrap

import pytest

import complexity
from complexity.frozen import Frozen


class Point(Frozen):
    x: int
    y: int
    label: str
    note: str
    """Shown, not compared."""

    UNSHOWN = frozenset({"label"})
    UNCOMPARED = frozenset({"note"})

    def __init__(self, x: int, y: int = 0, label: str = "", note: str = "") -> None:
        self.__dict__.update(x=x, y=y, label=label, note=note)


class Point3(Point):
    z: int

    def __init__(self, x: int, y: int = 0, label: str = "", note: str = "", z: int = 0) -> None:
        super().__init__(x, y, label, note)
        self.__dict__.update(z=z)


@dataclasses.dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    label: str = dataclasses.field(default="", repr=False)
    note: str = dataclasses.field(default="", compare=False)


def test_it_behaves_as_the_frozen_dataclass_it_replaces() -> None:
    ours, theirs = Point(1, 2, "a", "n"), DataPoint(1, 2, "a", "n")
    assert repr(ours) == repr(theirs).replace("DataPoint", "Point") == "Point(x=1, y=2, note='n')"
    for same, other in ((ours, Point(1, 2, "a", "other")), (theirs, DataPoint(1, 2, "a", "other"))):
        assert same == other and hash(same) == hash(other)  # note is not compared
    assert ours != Point(1, 2, "b", "n") and theirs != DataPoint(1, 2, "b", "n")  # label is
    assert ours != Point(1, 3, "a", "n")
    assert ours != (1, 2, "a", "n") and Point(1) != Point3(1)  # another class is never equal
    assert ours.replace(y=5) == Point(1, 5, "a", "n")
    assert dataclasses.replace(theirs, y=5) == DataPoint(1, 5, "a", "n")
    with pytest.raises(TypeError, match="no field 'w'"):
        ours.replace(w=1)
    for attempt in (lambda: setattr(ours, "x", 3), lambda: delattr(ours, "x")):
        with pytest.raises(AttributeError, match="frozen"):
            attempt()
    assert ours.x == 1


def test_a_subclass_adds_its_fields_after_its_base_s() -> None:
    assert Point3.FIELDS == ("x", "y", "label", "note", "z")
    moved = Point3(1, z=4).replace(x=2)
    assert type(moved) is Point3 and (moved.x, moved.z) == (2, 4)


def test_copies_and_pickles_are_equal() -> None:
    point = Point3(1, 2, "a", "n", 3)
    for again in (copy.copy(point), copy.deepcopy(point), pickle.loads(pickle.dumps(point))):
        assert again == point and type(again) is Point3 and again.note == "n"


def _frozen_classes() -> list[type[Frozen]]:
    for info in pkgutil.walk_packages(complexity.__path__, "complexity."):
        if ".reference" not in info.name:
            importlib.import_module(info.name)
    found, todo = [], [Frozen]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [c for c in found if c.__module__.startswith("complexity.")]


def _stored(cls: type) -> set[str]:
    """The fields ``cls.__init__`` stores: the keywords of its ``self.__dict__.update(...)``
    calls, and its base's fields where it calls ``super().__init__``."""
    init = cls.__dict__.get("__init__")
    if init is None:
        return _stored(cls.__mro__[1])
    tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    stored: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update" and ast.unparse(node.func.value) == "self.__dict__":
                stored |= {keyword.arg for keyword in node.keywords if keyword.arg}
            elif node.func.attr == "__init__" and ast.unparse(node.func.value) == "super()":
                stored |= _stored(cls.__mro__[1])
    return stored


def test_every_class_s_init_takes_and_stores_its_fields_in_order() -> None:
    classes = _frozen_classes()
    assert len(classes) >= 25
    for cls in classes:
        if not cls.FIELDS:  # an abstract base (Expr)
            continue
        params = list(inspect.signature(cls.__init__).parameters)[1:]
        assert params == list(cls.FIELDS), cls.__qualname__
        assert set(cls.FIELDS) <= _stored(cls), cls.__qualname__


class Nothing(Frozen):
    note: str

    UNCOMPARED = frozenset({"note"})

    def __init__(self, note: str) -> None:
        self.__dict__.update(note=note)


def test_a_class_with_nothing_compared_is_equal_to_its_kind() -> None:
    assert Nothing("a") == Nothing("b") and hash(Nothing("a")) == hash(Nothing("b"))
    assert Nothing("a") != Point(1)
