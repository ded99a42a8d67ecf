"""The model zoo: the spec files shipped with mbcalc, and resolving a name or a path to one.

A zoo file holds one network, or a family whose ``variants`` name its members
(``resnet.yaml`` holds resnet18 … resnet152): every member is a zoo name of its own.
"""

from __future__ import annotations

import difflib
import functools
import os
from importlib.resources import files
from pathlib import Path

import yaml

from complexity.errors import SpecError
from complexity.language.spec import VariableValue
from complexity.language.specfile import LoadedSpec, load_spec, read_text

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def zoo_dir() -> Path:
    """Where the zoo's YAML files are: inside the installed package, or the checkout's specs/."""
    installed = Path(str(files("complexity"))) / "specs"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "specs"


@functools.cache
def zoo_index() -> dict[str, tuple[Path, str | None]]:
    """Every zoo name → its file and, for a family member, its variant name."""
    index: dict[str, tuple[Path, str | None]] = {}
    for path in sorted(zoo_dir().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        variants = None
        if "\nvariants:" in text:
            variants = (yaml.load(text, Loader=_Loader) or {}).get("variants")
        if isinstance(variants, dict) and variants:
            index.update({str(name): (path, str(name)) for name in variants})
        else:
            index[path.stem] = (path, None)
    return index


def zoo_names() -> list[str]:
    """Names of the zoo's networks (family members included), sorted."""
    return sorted(zoo_index())


def resolve(model: str, overrides: dict[str, VariableValue] | None = None) -> LoadedSpec:
    """Load a zoo network by name, or a user's spec by path."""
    path = Path(model)
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in model or "\\" in model
    if not looks_like_path:
        found = zoo_index().get(model)
        if found is not None:
            file, variant = found
            return load_spec(file.read_text(encoding="utf-8"),
                             file.stem if variant else model, overrides, variant)
        try:
            exists = os.path.lexists(path)
        except (OSError, ValueError):
            exists = False
        if not exists:
            names = zoo_names()
            close = difflib.get_close_matches(model, names, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SpecError(
                f"unknown model {model[:80]!r}{hint} (`mbcalc list` shows the zoo; a spec file "
                "path ends in .yaml)"
            )
    return load_spec(read_text(path), str(path), overrides)
