"""mbcalc: exact parameter and multiply-add counts for convolutional networks.

The Python API (``import complexity as mb``)::

    r = mb.count("mobilenet_v1", alpha=0.75, rho=0.714)
    r.params, r.madds            # 2568144 166396800

Its names are imported on first use (module ``__getattr__``), so ``import complexity`` — and
the ``mbcalc`` command's cold start — load nothing but this file.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    # functions (complexity/api.py)
    "load": "complexity.api",
    "count": "complexity.api",
    "sweep": "complexity.api",
    "formula": "complexity.api",
    "solve": "complexity.api",
    "compare": "complexity.api",
    "verify": "complexity.api",
    # the values they return (complexity/report.py)
    "Report": "complexity.report",
    "Layer": "complexity.report",
    "Sweep": "complexity.report",
    "ClosedForm": "complexity.report",
    "Comparison": "complexity.report",
    "Check": "complexity.report",
    # errors (complexity/errors.py)
    "MbcalcError": "complexity.errors",
    "SpecError": "complexity.errors",
    # importers (complexity/importers/): a real model into a spec
    "import_torch": "complexity.importers",
    "import_onnx": "complexity.importers",
}
"""Each public name → the module that defines it, imported when the name is first used."""

__all__ = [
    "__version__",
    "load", "count", "sweep", "formula", "solve", "compare", "verify",
    "Report", "Layer", "Sweep", "ClosedForm", "Comparison", "Check",
    "MbcalcError", "SpecError", "import_torch", "import_onnx",
]

if TYPE_CHECKING:  # for type checkers and editors; never run
    from complexity.api import compare, count, formula, load, solve, sweep, verify
    from complexity.errors import MbcalcError, SpecError
    from complexity.importers import import_onnx, import_torch
    from complexity.report import Check, ClosedForm, Comparison, Layer, Report, Sweep


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and cache the name here."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'complexity' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
