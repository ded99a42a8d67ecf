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


def _mobilenet_v3(application: str) -> Callable[..., Any]:
    """A builder for keras.applications.MobileNetV3Large / Small (full, not minimalistic; no
    rescaling layer, which has no weights and no multiply-adds to count)."""
    def build(alpha: float, shape: tuple[int, int, int], classes: int) -> Any:
        return getattr(keras.applications, application)(
            alpha=alpha, input_shape=shape, weights=None, classes=classes,
            include_preprocessing=False, minimalistic=False)
    return build


def _fixed_width(application: str, **options: Any) -> Callable[..., Any]:
    """A builder for a keras.applications network without a width multiplier (``options``:
    keyword arguments of the application, such as ``include_preprocessing``)."""
    def build(alpha: float, shape: tuple[int, int, int], classes: int) -> Any:
        if alpha != 1:
            raise MbcalcError(f"keras.applications.{application} has no width multiplier; "
                              f"verify it at --alpha 1")
        return getattr(keras.applications, application)(input_shape=shape, weights=None,
                                                        classes=classes, **options)
    return build


APPLICATIONS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "mobilenet_v1": (_mobilenet, {}),
    "mobilenet_v2": (_mobilenet_v2, {}),
    # Keras's MobileNetV3 is TF-slim's port: rounding=keras (the stem keeps 16, the head widens
    # only for α > 1); at α = 1 every rounding builds it.
    "mobilenet_v3_large": (_mobilenet_v3("MobileNetV3Large"), {"rounding": "keras"}),
    "mobilenet_v3_small": (_mobilenet_v3("MobileNetV3Small"), {"rounding": "keras"}),
    # Keras's InceptionV3 builds batch norms without γ and has no aux head.
    "inception_v3": (_fixed_width("InceptionV3"), {"variant": "keras", "aux_logits": False}),
    # Keras's ResNet50/101/152 are the original: stride on the first 1×1, biases on every conv.
    "resnet50": (_fixed_width("ResNet50"), {"variant": "keras"}),
    "resnet101": (_fixed_width("ResNet101"), {"variant": "keras"}),
    "resnet152": (_fixed_width("ResNet152"), {"variant": "keras"}),
    # ResNet V2 (pre-activation): specs/resnet_v2.yaml, Keras's layout.
    "resnet50_v2": (_fixed_width("ResNet50V2"), {}),
    "resnet101_v2": (_fixed_width("ResNet101V2"), {}),
    "resnet152_v2": (_fixed_width("ResNet152V2"), {}),
    # Keras flattens pool5 without pooling: the spec's classifier only at 224.
    "vgg16": (_fixed_width("VGG16"), {}),
    "vgg19": (_fixed_width("VGG19"), {}),
    # Keras's DenseNets have torchvision's layers (its ZeroPadding + valid conv and pool give
    # the same shapes).
    "densenet121": (_fixed_width("DenseNet121"), {}),
    "densenet169": (_fixed_width("DenseNet169"), {}),
    "densenet201": (_fixed_width("DenseNet201"), {}),
    "xception": (_fixed_width("Xception"), {}),
    # Keras's EfficientNets are torchvision's layers after a Normalization input layer (mean,
    # variance and a count: 7 weights, no multiply-adds counted).
    **{f"efficientnet_b{phi}_keras": (_fixed_width(f"EfficientNetB{phi}"), {"framework": "keras"})
       for phi in range(8)},
    # Keras's EfficientNetV2: B0–B3 (Keras only) and S, M, L (torchvision's layers); built
    # without their Rescaling / Normalization input layers (B0–B3's Normalization has constant
    # mean and variance: no weights, no multiply-adds, either way).
    **{f"efficientnet_v2_{size}_keras": (
        _fixed_width(f"EfficientNetV2{size.upper()}", include_preprocessing=False),
        {"framework": "keras"}) for size in ("b0", "b1", "b2", "b3")},
    **{f"efficientnet_v2_{size}": (
        _fixed_width(f"EfficientNetV2{size.upper()}", include_preprocessing=False), {})
       for size in ("s", "m", "l")},
    # Keras's ConvNeXts are torchvision's layers (its input Normalization has constant mean and
    # variance: no weights); XLarge is Keras's only.
    **{f"convnext_{size}": (_fixed_width(f"ConvNeXt{size.title()}"), {})
       for size in ("tiny", "small", "base", "large")},
    "convnext_xlarge_keras": (_fixed_width("ConvNeXtXLarge"), {"framework": "keras"}),
    "inception_resnet_v2": (_fixed_width("InceptionResNetV2"), {}),
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
