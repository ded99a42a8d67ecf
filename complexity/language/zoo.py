"""The model zoo: the spec files shipped with mbcalc, and resolving a name or a path to one."""

from __future__ import annotations

import difflib
from importlib.resources import files
from pathlib import Path

from complexity.errors import SpecError
from complexity.language.spec import VariableValue
from complexity.language.specfile import LoadedSpec, load_spec, read_text


def zoo_dir() -> Path:
    """Where the zoo's YAML files are: inside the installed package, or the checkout's specs/."""
    installed = Path(str(files("complexity"))) / "specs"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "specs"


def zoo_names() -> list[str]:
    """Names of the zoo's networks, sorted."""
    return sorted(p.stem for p in zoo_dir().glob("*.yaml"))


def resolve(model: str, overrides: dict[str, VariableValue] | None = None) -> LoadedSpec:
    """Load a zoo network by name, or a user's spec by path."""
    path = Path(model)
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in model or "\\" in model
    if not looks_like_path:
        candidate = zoo_dir() / f"{model}.yaml"
        if candidate.is_file():
            return load_spec(candidate.read_text(encoding="utf-8"), model, overrides)
        if not path.exists():
            names = zoo_names()
            close = difflib.get_close_matches(model, names, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SpecError(
                f"unknown model '{model}'{hint} (`mbcalc list` shows the zoo; a spec file "
                "path ends in .yaml)"
            )
    return load_spec(read_text(path), str(path), overrides)
