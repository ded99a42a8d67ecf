"""Specs validated on an earlier run, kept as JSON: a count of a spec seen before loads neither
PyYAML nor pydantic (most of a cold start).

After a spec is read and validated, its network — variables filled in, every block expanded
into the items it stands for — is written to the cache directory under a key made of what it
was made from: the model name or the file's absolute path, the ``--set`` values, mbcalc's
version and the size and modification time of every module of the spec language (the code that
validates and expands), and for a zoo name the size and modification time of every zoo file.
An entry also holds the spec's text, compared with the file's before it is used. A later run
with the same key rebuilds the network from plain classes (``plain.made``) with the values
pydantic accepted (pydantic's own version is not in the key: a valid spec validates to the same
values); anything else — no entry, another key, a changed text, an unreadable or
malformed entry — reads and validates the spec as usual and rewrites the entry.

The directory is ``$MBCALC_CACHE_DIR``, else ``$XDG_CACHE_HOME/mbcalc``, else
``~/.cache/mbcalc``; ``MBCALC_NO_CACHE=1`` turns the cache off. Entries are written whole
(a temporary file renamed into place); a directory that cannot be written is left alone.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from typing import TYPE_CHECKING, Any, get_args

from complexity.frozen import Frozen
from complexity.language import containers, layers
from complexity.language.plain import made, plain_class
from complexity.language.sources import (
    LoadedSpec,
    SourceMap,
    looks_like_path,
    read_text,
    zoo_folder,
)
from complexity.language.width import WidthRule

if TYPE_CHECKING:
    from complexity.language.spec import VariableValue
    from complexity.language.zoo import SpecSource

FORMAT = 1
"""The entries' layout; a change makes every older entry a miss."""

_CONTAINERS = frozenset(get_args(containers.Container))
_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (*get_args(layers.Primitive),
                                                           *_CONTAINERS, containers.Expanded)}
"""The classes an entry's items are made of, by name."""
_NESTED = {"layers": 1, "shortcut": 1, "branches": 2, "bodies": 2}
"""A container's fields that hold items: a list of them (1) or a list of such lists (2)."""
_HEADER = ("name", "title", "source", "resolution", "in_channels", "width_multiplier",
           "variables")


class CachedNetwork(Frozen):
    """A validated network as an entry holds it: what the walk and the reports read."""

    name: str
    title: str | None
    source: str | None
    resolution: int
    in_channels: int
    width_multiplier: float
    variables: dict[str, Any]
    width_rule: WidthRule
    layers: list[Any]

    def __init__(self, name: str, title: str | None, source: str | None, resolution: int,
                 in_channels: int, width_multiplier: float, variables: dict[str, Any],
                 width_rule: WidthRule, layers: list[Any]) -> None:
        self.__dict__.update(name=name, title=title, source=source, resolution=resolution,
                             in_channels=in_channels, width_multiplier=width_multiplier,
                             variables=variables, width_rule=width_rule, layers=layers)


def load(model: str, overrides: dict[str, VariableValue] | None = None) -> LoadedSpec:
    """The spec ``model`` names (as ``zoo.resolve``), from the cache when an entry's key and
    text match, else read, validated and cached."""
    overrides = overrides or {}
    where = directory()
    key = _key(model, overrides) if where is not None else None
    entry = (os.path.join(where, _file_name(model, key)) if where is not None and key is not None
             else None)
    if entry is not None:
        found = _read(entry, key, model)
        if found is not None:
            return found
    from complexity.language.specfile import load_spec
    from complexity.language.zoo import spec_source

    source = spec_source(model)
    spec = load_spec(source.text, source.label, overrides, source.variant)
    if entry is not None and (source.zoo or looks_like_path(model)):
        _write(entry, key, source, spec)
    return spec


def directory() -> str | None:
    """The cache directory, or None when the cache is off."""
    if os.environ.get("MBCALC_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("MBCALC_CACHE_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mbcalc")


def _stats(folder: str, suffix: str) -> list[tuple[str, int, int]]:
    found = []
    with os.scandir(folder) as entries:
        for item in entries:
            if item.name.endswith(suffix):
                info = item.stat()
                found.append((item.name, info.st_size, info.st_mtime_ns))
    return sorted(found)


def _key(model: str, overrides: dict[str, Any]) -> str | None:
    """What an entry for ``model`` must have been made from, as one string; None when it
    cannot be told (an unreadable zoo or language folder)."""
    from complexity import __version__

    try:
        code = _stats(os.path.dirname(__file__), ".py")
        if looks_like_path(model):
            origin: Any = ["file", os.path.abspath(model)]
        else:
            origin = ["zoo", model, _stats(zoo_folder(), ".yaml")]
        return json.dumps([FORMAT, __version__, list(sys.version_info[:2]), code, origin,
                           sorted(overrides.items())], ensure_ascii=False)
    except (OSError, TypeError, ValueError):
        return None


def _file_name(model: str, key: str) -> str:
    stem = os.path.splitext(os.path.basename(model.rstrip("/\\")))[0]
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:60]
    return f"{stem}-{zlib.crc32(key.encode()):08x}.json"


def _read(entry: str, key: str, model: str) -> LoadedSpec | None:
    """The spec an entry holds if it was made under ``key`` from the text that ``model`` (the
    zoo's file for a name, the file at a path: a link may point elsewhere now) has now."""
    try:
        with open(entry, encoding="utf-8") as stream:
            data = json.load(stream)
        if data.get("key") != key:
            return None
        if data["zoo"]:
            with open(data["file"], encoding="utf-8") as stream:
                text = stream.read()
        else:
            text = read_text(model)
        if text != data["text"]:
            return None
        network = data["network"]
        built = CachedNetwork(**{name: network[name] for name in _HEADER},
                              width_rule=made(WidthRule, network["width_rule"]),
                              layers=_items(network["layers"]))
    except Exception:  # noqa: BLE001 - any doubt about an entry: validate the spec instead
        return None
    return LoadedSpec(built, SourceMap(data["label"]))  # type: ignore[arg-type]


def _items(items: list[dict[str, Any]]) -> list[Any]:
    return [_item(item) for item in items]


def _item(data: dict[str, Any]) -> Any:
    values = dict(data)
    cls = _CLASSES[values.pop("@")]
    for name, depth in _NESTED.items():
        value = values.get(name)
        if value is not None and name in values:
            values[name] = _items(value) if depth == 1 else [_items(v) for v in value]
    if issubclass(cls, layers.Layer):  # a layer's lists are its pairs and triples
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return made(cls, values)


def _write(where: str, key: str, source: SpecSource, spec: LoadedSpec) -> None:
    """Write the entry for ``spec``, made from ``source``, at ``where``; nothing when it cannot
    be written."""
    from pathlib import Path

    network = spec.network
    entry = Path(where)
    try:
        data = {
            "key": key, "file": str(source.file.resolve()), "zoo": source.zoo,
            "label": source.label, "text": source.text,
            "network": {**{name: getattr(network, name) for name in _HEADER},
                        "width_rule": dict(network.width_rule.__dict__),
                        "layers": [_encoded(item) for item in network.layers]},
        }
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        stem = entry.name[:-len("-12345678.json")]
        for old in entry.parent.glob(f"{stem}-*.json"):  # entries for older keys of the name
            if len(old.name) == len(entry.name):  # not another name that begins with this one
                old.unlink(missing_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}")
        try:
            partial.write_text(body, encoding="utf-8")
            os.replace(partial, entry)
        finally:
            partial.unlink(missing_ok=True)  # gone once renamed; a part written, else
    except (OSError, TypeError, ValueError, RecursionError):
        return


def _encoded(item: Any) -> dict[str, Any]:
    """An item as JSON data: its class, its fields, the items it holds; a block as the items
    it expands to."""
    from complexity.engine.walk import expansion

    cls = plain_class(item)
    if cls.__name__ not in _CLASSES or _CLASSES[cls.__name__] is not cls:  # a built-in block
        return {"@": "Expanded", "kind": item.kind, "name": item.name,
                "layers": [_encoded(inner) for inner in expansion(item)]}
    data: dict[str, Any] = {"@": cls.__name__}
    for name, value in item.__dict__.items():
        depth = _NESTED.get(name) if cls in _CONTAINERS else None
        if depth is None or value is None:
            data[name] = value
        elif depth == 1:
            data[name] = [_encoded(inner) for inner in value]
        else:
            data[name] = [[_encoded(inner) for inner in items] for items in value]
    return data
