"""The JSON Schema of a spec file, with each field's docstring as its description.

The docstrings under the fields of the spec models are read here, when a schema is asked for,
rather than by pydantic at every start-up (which costs a fifth of a second).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

from pydantic import BaseModel

from complexity.language.models import ITEM_PLACEHOLDER, item_union
from complexity.language.spec import Network


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstring written under each field of ``model`` and of its bases."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if cls is object or cls.__module__.startswith("pydantic") or "__plain__" in cls.__dict__:
            continue  # the docstrings are on the spec's classes, not on their derived models
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for field, after in zip(body, body[1:], strict=False):
            if (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
                    and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)):
                docs[field.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from ``root``'s fields or a spec item, by name."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[Any] = [root, item_union()]
    while pending:
        annotation = pending.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ in found:
                continue
            found[annotation.__name__] = annotation
            pending += [f.annotation for f in annotation.model_fields.values()]
        for arg in getattr(annotation, "__args__", ()) or ():
            pending.append(arg)
        for meta in getattr(annotation, "__metadata__", ()) or ():
            pending.append(meta)
        if hasattr(annotation, "__origin__"):
            pending.append(annotation.__origin__)
    return found


def spec_schema() -> dict[str, Any]:
    """The JSON Schema of a network spec, fields described by their docstrings."""
    schema = Network.model_json_schema()
    item = schema["properties"]["layers"]["items"]
    schema = _replace(schema, ITEM_PLACEHOLDER, item)
    models = _models(Network)
    for name, definition in [("Network", schema), *schema.get("$defs", {}).items()]:
        model = models.get(name)
        if model is None:
            continue
        for field, text in field_docs(model).items():
            prop = definition.get("properties", {}).get(field)
            if prop is not None:
                prop.setdefault("description", text)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
            "title": "mbcalc network spec"}


def _replace(node: Any, old: Any, new: Any) -> Any:
    """``node`` with every ``old`` in it replaced by ``new``."""
    if node == old:
        return new
    if isinstance(node, dict):
        return {key: _replace(value, old, new) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace(value, old, new) for value in node]
    return node
