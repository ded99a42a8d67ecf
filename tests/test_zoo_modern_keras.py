"""EfficientNet's Keras variant against keras.applications: params under the keras convention
equal ``count_params()``, and the 7 weights of its input Normalization layer. (Every Keras
variant, layer by layer with MAdds: tests/test_keras_apps.py.)"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

from typing import Any  # noqa: E402

import pytest  # noqa: E402

from complexity.engine.walk import walk  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def b0() -> Any:
    return keras.applications.EfficientNetB0(weights=None)


def test_keras_count_params(b0: Any) -> None:
    report = walk(resolve("efficientnet_b0_keras"), convention="keras", closed=False)
    assert report.params == b0.count_params() == 5_330_571
    assert b0.input_shape[1] == report.resolution, "the spec's base size is Keras's default"


def test_keras_input_normalisation_is_seven_weights(b0: Any) -> None:
    # Keras's EfficientNet normalises its input in a Normalization layer: mean (3), variance
    # (3) and a sample count (1); torchvision's model has none.
    norm = next(layer for layer in b0.layers if type(layer).__name__ == "Normalization")
    assert norm.count_params() == 7
    torchvision_like = walk(resolve("efficientnet_b0"), convention="keras", closed=False)
    assert b0.count_params() - torchvision_like.params == 7
