"""Hand-written reference models, written from the papers (the `reference` extra: torch, keras).

Each module here exports ``MODELS``: zoo name → builder of a ``torch.nn.Module``, whose keyword
arguments are the spec's variables (and ``alpha`` where the family has a width multiplier).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

MODULES = (
    "mobilenet_v1", "mobilenet_v2", "mobilenet_v3", "classic", "shufflenet", "resnet",
    "inception", "xception", "seed_examples", "densenet", "mnasnet", "modern",
)


def torch_builders() -> dict[str, Callable[..., Any]]:
    """Every torch reference builder by zoo name (imports torch)."""
    builders: dict[str, Callable[..., Any]] = {}
    for module in MODULES:
        try:
            loaded = importlib.import_module(f"complexity.reference.{module}")
        except ModuleNotFoundError as exc:
            if exc.name == f"complexity.reference.{module}":
                continue  # not written yet
            raise
        builders.update(getattr(loaded, "MODELS", {}))
    return builders
