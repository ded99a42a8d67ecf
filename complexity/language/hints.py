"""Did-you-mean hints for a spec's validation errors: the nearest field of the model a mapping
is checked against, the nearest word of a field that takes one of a list of words.

Read only when a spec is wrong, so nothing here is on the path of a spec that loads.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

from pydantic import BaseModel


@functools.cache
def _models() -> dict[str, type[BaseModel]]:
    """Every model a spec's mappings are checked against, by class name."""
    from complexity.language.schema import _models as reachable
    from complexity.language.spec import Network

    return reachable(Network)


def _model_of(loc: tuple[Any, ...], kinds: dict[str, type[BaseModel]],
              data: Any = None) -> type[BaseModel] | None:
    """The model whose field ``loc[-1]`` would be: followed from the network along ``loc``
    (field names, the ``kind`` of each layer met in ``data``, and the model names pydantic
    puts in a union's location)."""
    from complexity.language.spec import Network

    model: type[BaseModel] | None = Network
    node = data
    for key in loc[:-1]:
        if node is not None:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                node = None
            kind = node.get("kind") if isinstance(node, dict) else None
            if isinstance(kind, str) and kind in kinds:  # a layer: validated by its kind's model
                model = kinds[kind]
                continue
        if isinstance(key, int):
            continue
        words = re.findall(r"[A-Za-z_]\w*", str(key))
        named = _models().get(words[-1]) if words else None
        if named is not None and named is not model:
            model = named
        elif model is not None and key in model.model_fields:
            annotation = model.model_fields[key].annotation
            model = annotation if isinstance(annotation, type) and issubclass(
                annotation, BaseModel) else None
        elif key in kinds:
            model = kinds[key]
    return model


def field_hint(loc: tuple[Any, ...], kinds: dict[str, type[BaseModel]], data: Any = None) -> str:
    """'; did you mean X?' for the unknown field at pydantic location ``loc`` in ``data``."""
    model = _model_of(loc, kinds, data)
    if model is None:
        return ""
    names = [f.alias or n for n, f in model.model_fields.items() if n != "bodies"]
    close = difflib.get_close_matches(str(loc[-1]), names, n=1)
    return f"; did you mean {close[0]}?" if close else ""


def literal_error(errors: list[dict[str, Any]], first: dict[str, Any],
                  same_place: Any) -> dict[str, Any]:
    """The error to report for a word: where a field takes a number or one of some words
    (``padding: same``), a word given is reported against the words, not the number."""
    if isinstance(first["input"], str) and first["type"] != "literal_error":
        return next((e for e in errors if e["type"] == "literal_error" and same_place(e)),
                    first)
    return first


def literal_message(errors: list[dict[str, Any]], first: dict[str, Any], same_place: Any) -> str:
    """``unknown value 'hswsh'; did you mean hswish? one of: …`` for a word out of a list, the
    words gathered from every literal the field's union accepts."""
    words = [w.strip("'") for e in errors if e["type"] == "literal_error" and same_place(e)
             for w in re.split(r", | or ", str(e["ctx"]["expected"]))]
    close = difflib.get_close_matches(first["input"], words, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown value {first['input']!r}; {hint}one of: {', '.join(words)}"
