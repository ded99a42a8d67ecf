"""Spec data → YAML text a person can read: one line per layer, containers as indented blocks."""

from __future__ import annotations

import json
import re
from textwrap import wrap
from typing import Any

import yaml

COMMENT_WIDTH = 94
"""Characters of header comment a line holds after its '# ' (with the indent of a continued
sentence, lines stay within 98 columns)."""
_ORDER = ("kind", "name")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*")
"""Strings written without quotes; any other is written as a JSON (double-quoted) string."""


def dump(network: dict[str, Any], header: list[str]) -> str:
    """The spec's YAML text, ``header`` lines as a leading comment."""
    lines = [f"# {'  ' if k else ''}{piece}" for line in header
             for k, piece in enumerate(wrap(line, COMMENT_WIDTH, break_long_words=False,
                                            break_on_hyphens=False) or [""])]
    for key, value in network.items():
        if key == "layers":
            lines.append("layers:")
            lines.extend(_items(value, ""))
        elif isinstance(value, dict):
            lines.append(f"{key}: {_flow(value)}")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _items(items: list[dict[str, Any]], indent: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        nested = {k: v for k, v in item.items() if k in ("layers", "shortcut", "branches")}
        if not nested:
            lines.append(f"{indent}- {_flow(item)}")
            continue
        flat = {k: v for k, v in item.items() if k not in nested}
        keys = sorted(flat, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))
        first = True
        for key in keys:
            lines.append(f"{indent}{'- ' if first else '  '}{key}: {_scalar(flat[key])}")
            first = False
        for key, value in nested.items():
            lines.append(f"{indent}  {key}:")
            if key == "branches":
                for branch in value:
                    if not branch:
                        lines.append(f"{indent}    - []")
                        continue
                    inner = _items(branch, indent + "      ")
                    inner[0] = f"{indent}    - " + inner[0][len(indent) + 6:]
                    lines.extend(inner)
            else:
                lines.extend(_items(value, indent + "    "))
    return lines


def _flow(item: dict[str, Any]) -> str:
    keys = sorted(item, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))
    return "{" + ", ".join(f"{k}: {_scalar(item[k])}" for k in keys) + "}"


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        plain = bool(_PLAIN.fullmatch(value)) and yaml.safe_load(value) == value
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, dict):
        return _flow(value)
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6, allow_unicode=True)
    return text.strip().removesuffix("...").strip()
