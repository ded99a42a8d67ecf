"""The zoo networks that keras.applications ships, built at a spec's settings (no weights).

Keras runs on its torch backend here (KERAS_BACKEND=torch), so TensorFlow is not needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from complexity.errors import MbcalcError

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402


def _mobilenet(alpha: float, shape: tuple[int, int, int], classes: int) -> Any:
    return keras.applications.MobileNet(alpha=alpha, input_shape=shape, weights=None,
                                        classes=classes)


def _mobilenet_v2(alpha: float, shape: tuple[int, int, int], classes: int) -> Any:
    return keras.applications.MobileNetV2(alpha=alpha, input_shape=shape, weights=None,
                                          classes=classes)


APPLICATIONS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "mobilenet_v1": (_mobilenet, {}),
    "mobilenet_v2": (_mobilenet_v2, {}),
}
"""Zoo name → (builder(alpha, input shape, classes), the spec variables Keras's variant needs)."""


def build(name: str, alpha: float, resolution: int, variables: dict[str, Any]) -> Any:
    """The Keras network for ``name`` at α and resolution, or an error naming what differs."""
    if name not in APPLICATIONS:
        known = ", ".join(sorted(APPLICATIONS))
        raise MbcalcError(f"keras.applications has no '{name}' (it has: {known})")
    builder, needs = APPLICATIONS[name]
    for key, value in needs.items():
        if variables.get(key) != value:
            raise MbcalcError(f"Keras's {name} is the spec with {key}={value}: "
                              f"add --set {key}={value}")
    return builder(alpha, (resolution, resolution, 3), int(variables.get("classes", 1000)))
