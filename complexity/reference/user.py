"""A user's own model, named on the command line as ``file.py:callable`` or ``module:callable``.

Loading one imports and runs the user's Python code: that is what the user asks for with
``--reference`` (verify) or ``--torch`` (import). Spec files never run code; only this does.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

from complexity.errors import MbcalcError

Framework = Literal["torch", "keras"]


def parse_arguments(items: list[str], option: str = "--reference-arg") -> dict[str, Any]:
    """``key=value`` pairs as keyword arguments; values read as YAML scalars (10, 0.5, true)."""
    values: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise MbcalcError(f"{option} expects NAME=VALUE with NAME a Python identifier, "
                              f"got {item!r}")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise MbcalcError(f"{option} {key}: expected a number, true/false or a word, "
                              f"got {text!r}")
        values[key] = text if value is None else value
    return values


def load_callable(ref: str) -> Callable[..., Any]:
    """The callable that ``ref`` names: ``path/to/file.py:name`` or ``package.module:name``.

    Imports (and so runs) the user's module.
    """
    target, sep, attribute = ref.rpartition(":")
    if not sep or not target or not attribute.isidentifier():
        raise MbcalcError(f"a model reference is FILE.py:CALLABLE or MODULE:CALLABLE, got {ref!r}")
    if target.endswith(".py") or "/" in target or "\\" in target:
        module = _module_from_file(Path(target))
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise MbcalcError(f"{ref}: cannot import module {target!r} ({exc})") from None
    found = getattr(module, attribute, None)
    if found is None:
        public = sorted(n for n in vars(module) if not n.startswith("_")
                        and callable(getattr(module, n)))
        raise MbcalcError(f"{ref}: {target} has no {attribute!r} (it has: "
                          f"{', '.join(public[:12]) or 'nothing callable'})")
    if not callable(found):
        raise MbcalcError(f"{ref}: {attribute} is a {type(found).__name__}, not a callable")
    return found  # type: ignore[no-any-return]


def _module_from_file(path: Path) -> Any:
    if not path.is_file():
        raise MbcalcError(f"{path}: no such file")
    name = f"mbcalc_user_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise MbcalcError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)  # the user's file may import its neighbours
    try:
        spec.loader.exec_module(module)
    except MbcalcError:
        raise
    except Exception as exc:  # noqa: BLE001 - the user's code failed: say so on one line
        del sys.modules[name]
        raise MbcalcError(f"{path}: running it failed ({type(exc).__name__}: {exc})") from None
    finally:
        sys.path.remove(folder)
    return module


def build_model(ref: str, arguments: Mapping[str, Any] | None = None) -> Any:
    """Call the referenced callable with ``arguments`` and return the model it builds."""
    builder = load_callable(ref)
    try:
        return builder(**dict(arguments or {}))
    except MbcalcError:
        raise
    except Exception as exc:  # noqa: BLE001 - the user's code failed: say so on one line
        raise MbcalcError(f"{ref}: building the model failed "
                          f"({type(exc).__name__}: {exc})") from None


def framework_of(model: Any) -> Framework:
    """Whether ``model`` is a ``torch.nn.Module`` or a Keras model, by its type (no import of a
    framework the user did not load)."""
    for klass in type(model).__mro__:
        module = klass.__module__ or ""
        if module.startswith("torch.nn") and klass.__name__ == "Module":
            return "torch"
        if (module.startswith("keras") or module.startswith("tf_keras")) and klass.__name__ in (
                "Model", "Layer", "Operation"):
            return "keras"
    raise MbcalcError(f"expected a torch.nn.Module or a Keras model, got {type(model).__name__}")
