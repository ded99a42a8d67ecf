"""The model zoo: the spec files shipped with mbcalc, and resolving a name or a path to one.

A zoo file holds one network, or a family whose ``variants`` name its members
(``resnet.yaml`` holds resnet18 … resnet152): every member is a zoo name of its own.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complexity.errors import SpecError
from complexity.language.sources import zoo_dir

if TYPE_CHECKING:  # the spec model imports pydantic: loaded only where a spec is loaded
    from complexity.language.sources import LoadedSpec
    from complexity.language.spec import VariableValue


def _header(path: Path) -> dict[str, Any]:
    """A zoo file's top-level fields before ``layers`` (the zoo writes ``layers`` last), parsed
    without the layers: name, title, source, variables, variants."""
    import yaml  # here: a count from the cache (``language.cache``) reads no YAML

    text = path.read_text(encoding="utf-8")
    head, found, _ = text.partition("\nlayers:")
    data = yaml.load(head if found else text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data if isinstance(data, dict) else {}


@functools.cache
def _headers() -> dict[Path, dict[str, Any]]:
    return {path: _header(path) for path in sorted(zoo_dir().glob("*.yaml"))}


@functools.cache
def zoo_index() -> dict[str, tuple[Path, str | None]]:
    """Every zoo name → its file and, for a family member, its variant name."""
    index: dict[str, tuple[Path, str | None]] = {}
    _headers.cache_clear()
    for path, data in _headers().items():
        variants = data.get("variants")
        if isinstance(variants, dict) and variants:
            index.update({str(name): (path, str(name)) for name in variants})
        else:
            index[path.stem] = (path, None)
    return index


@dataclass(frozen=True)
class ZooEntry:
    """One zoo name as ``mbcalc list`` shows it, read from its file without validating it."""

    name: str
    file: Path
    """The spec file: the family's for a member."""
    title: str
    """The spec's title; a member's adds the values its variant sets (``depth=101``)."""
    source: str
    """Whose layout the spec follows (the spec's ``source``: torchvision, keras, paper…)."""
    values: dict[str, Any] = field(default_factory=dict)
    """The variables a family member sets; empty for a single network."""


@functools.cache
def zoo_entries() -> list[ZooEntry]:
    """Every zoo name with its file, title and source, sorted by name (YAML parsing only: no
    validation, so that ``mbcalc list`` stays fast)."""
    entries = []
    headers = _headers()
    for name, (path, variant) in zoo_index().items():
        data = headers.get(path) or _header(path)
        values = dict((data.get("variants") or {}).get(variant) or {}) if variant else {}
        title = str(_header_value(data.get("title"), data, values) or "")
        if values:
            title += " — " + ", ".join(f"{k}={v}" for k, v in values.items())
        source = _header_value(data.get("source"), data, values)
        entries.append(ZooEntry(name, path, title, str(source or ""), values))
    return sorted(entries, key=lambda entry: _natural(entry.name))


_REFERENCE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")


def _header_value(value: Any, data: dict[str, Any], chosen: dict[str, Any]) -> Any:
    """A header field as a member sees it: ``$name`` is that variable's value for the member
    (its variant's value, else the default; a table variable looked up by its ``by``), so a
    family's ``source: $framework`` gives each member its own. A reference that does not
    resolve is left as written (loading the spec reports it)."""
    if not isinstance(value, str) or not (match := _REFERENCE.match(value)):
        return value
    declared = data.get("variables")
    declared = declared if isinstance(declared, dict) else {}
    name = match.group(1)
    found = chosen[name] if name in chosen else declared.get(name)
    if isinstance(found, dict):  # a table variable: {by: other, values: {choice: value}}
        by, table = found.get("by"), found.get("values")
        key = chosen.get(by, declared.get(by)) if isinstance(by, str) else None
        if not isinstance(table, dict) or isinstance(key, (dict, list)) or key not in table:
            return value
        found = table[key]
    return value if found is None or isinstance(found, (dict, list)) else found


def _natural(name: str) -> list[tuple[int, str]]:
    """Sort key: digit runs by value (resnet18 < resnet34 < resnet101)."""
    return [(int(part), "") if part.isdigit() else (-1, part)
            for part in re.split(r"(\d+)", name)]


def zoo_names() -> list[str]:
    """Names of the zoo's networks (family members included), sorted."""
    return sorted(zoo_index())


def resolve(model: str, overrides: dict[str, VariableValue] | None = None) -> LoadedSpec:
    """Load a zoo network by name, or a user's spec by path."""
    from complexity.language.specfile import load_spec

    found = spec_source(model)
    return load_spec(found.text, found.label, overrides, found.variant)


@dataclass(frozen=True)
class SpecSource:
    """What a model name or path on the command line stands for, read but not parsed."""

    text: str
    file: Path
    """The spec file (a zoo family's file for a member)."""
    label: str
    """The file as messages name it: the path given, or the zoo network's (family's) name."""
    variant: str | None
    """The family member a zoo name stands for, or None."""
    zoo: bool


def spec_source(model: str) -> SpecSource:
    """The spec ``model`` names: a zoo network, or a user's spec file by path."""
    from complexity.language.sources import looks_like_path, read_text

    path = Path(model)
    if not looks_like_path(model):
        found = zoo_index().get(model)
        if found is not None:
            file, variant = found
            return SpecSource(file.read_text(encoding="utf-8"), file,
                              file.stem if variant else model, variant, zoo=True)
        try:
            exists = os.path.lexists(path)
        except (OSError, ValueError):
            exists = False
        if not exists:
            import difflib

            names = zoo_names()
            close = difflib.get_close_matches(model, names, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SpecError(
                f"unknown model {model[:80]!r}{hint} (`mbcalc list` shows the zoo; a spec file "
                "path ends in .yaml)"
            )
    return SpecSource(read_text(path), path, str(path), None, zoo=False)
