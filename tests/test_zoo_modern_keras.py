"""EfficientNet (Keras variants) and ConvNeXt against keras.applications: params under the keras
convention equal ``count_params()``."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import pytest  # noqa: E402

from complexity.engine.walk import walk  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.reference


@pytest.mark.parametrize(("name", "application"), [
    ("efficientnet_b0_keras", "EfficientNetB0"),
    ("efficientnet_b3_keras", "EfficientNetB3"),
    ("convnext_tiny", "ConvNeXtTiny"),
])
def test_keras_count_params(name: str, application: str) -> None:
    model = getattr(keras.applications, application)(weights=None)
    report = walk(resolve(name), convention="keras", closed=False)
    assert report.params == model.count_params()
    assert model.input_shape[1] == report.resolution, "the spec's base size is Keras's default"


def test_keras_input_normalisation_is_seven_weights() -> None:
    # Keras's EfficientNet normalises its input in a Normalization layer: mean (3), variance
    # (3) and a sample count (1); torchvision's model has none.
    model = keras.applications.EfficientNetB0(weights=None)
    norm = next(layer for layer in model.layers if type(layer).__name__ == "Normalization")
    assert norm.count_params() == 7
    torchvision_like = walk(resolve("efficientnet_b0"), convention="keras", closed=False)
    assert model.count_params() - torchvision_like.params == 7
