"""Every Keras variant of the zoo against keras.applications, as `mbcalc verify NAME --framework
keras` checks it: each spec row paired with a Keras layer by params, the total equal to
``count_params()`` under the keras convention, and the MAdds equal to FlopCounterMode's total / 2
on Keras's torch backend. The expected values are Keras's own (and the Keras applications
table's rounded figures), never mbcalc's.

The smallest member of each family runs by default (marker ``reference``); the others are
marked ``fullgrid`` (``pytest -m fullgrid tests/test_keras_apps.py``: building them takes
about ten minutes on two cores)."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

from typing import Any  # noqa: E402

import pytest  # noqa: E402

from complexity import api  # noqa: E402
from complexity.errors import MbcalcError  # noqa: E402

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.reference

DEFAULT = ["efficientnet_b0_keras", "efficientnet_v2_b0_keras", "convnext_tiny",
           "inception_resnet_v2"]
"""The smallest member of each family with a Keras variant not already checked elsewhere
(MobileNets, ResNets, VGG, DenseNet, Xception, InceptionV3: tests/test_verify.py)."""

FULLGRID = [*(f"efficientnet_b{phi}_keras" for phi in range(1, 8)),
            *(f"efficientnet_v2_{size}_keras" for size in ("b1", "b2", "b3")),
            "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
            "convnext_small", "convnext_base", "convnext_large", "convnext_xlarge_keras",
            "resnet101", "resnet152", "resnet50_v2", "resnet101_v2", "resnet152_v2", "vgg19",
            "densenet169", "densenet201"]


def _cases() -> list[Any]:
    return [*DEFAULT, *(pytest.param(name, marks=pytest.mark.fullgrid) for name in FULLGRID)]


def _sets(name: str) -> dict[str, Any]:
    """What Keras's variant needs set (the `--set` a user would give)."""
    from complexity.reference.keras_apps import APPLICATIONS

    return dict(APPLICATIONS[name][1])


@pytest.mark.parametrize("name", _cases())
def test_keras_variant_matches_keras_applications(name: str) -> None:
    check = api.verify(name, framework="keras", sets=_sets(name))
    assert check.framework == "keras" and check.report.convention == "keras"
    bad = [(p.ours and p.ours.name, p.theirs and p.theirs.name) for p in check.mismatches()]
    assert not bad, bad
    ours_params, keras_params = check.result.params
    ours_madds, keras_madds = check.result.madds
    assert keras_madds is not None, "MAdds measured on Keras's torch backend"
    assert (ours_params, ours_madds) == (keras_params, keras_madds)
    assert check.ok


# Keras's own figures, from the Keras applications table (keras.io/api/applications: params
# rounded to 0.1M) — an independent check that the model verify built is the one Keras
# documents.
KERAS_TABLE = {"efficientnet_v2_b0_keras": "7.2", "inception_resnet_v2": "55.9",
               "convnext_tiny": "28.6", "efficientnet_b0_keras": "5.3"}


@pytest.mark.parametrize("name", sorted(KERAS_TABLE))
def test_keras_count_params_rounds_to_keras_table(name: str) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    params = api.count(name, convention="keras", sets=_sets(name)).params
    assert (Decimal(params) / 10**6).quantize(Decimal("0.1"), ROUND_HALF_UP) == \
        Decimal(KERAS_TABLE[name])


def test_efficientnet_v2_b3_keeps_rounded_down_widths() -> None:
    # Keras's EfficientNetV2 round_filters: nearest multiple of 8, no 10 % correction, so
    # B3's first stage (16·1.2 = 19.2) keeps 16 channels, where EfficientNet-V1's rule gives 24.
    # Hand values from Keras's round_filters(16, 1.2, 8, 8) and round_filters(1280, 1.2, 8, 8).
    report = api.count("efficientnet_v2_b3_keras")
    widths = {layer.name: layer.output[0] for layer in report.layers}
    assert widths["features.1.0/conv"] == 16
    assert widths["features.8"] == 1536


def test_a_keras_variant_is_not_built_without_its_variables() -> None:
    # Keras's EfficientNetB0 has a Normalization layer torchvision's does not: checking the
    # torchvision member against it names the variable to set, before building anything.
    with pytest.raises(MbcalcError, match="framework=keras"):
        api.verify("efficientnet_b0_keras", framework="keras", sets={"framework": "torchvision"})


@pytest.mark.fullgrid
def test_nasnet_mobile_figures_on_the_keras_page() -> None:
    # NASNet is not in the zoo (docs/zoo/keras.md says what the language lacks); the page
    # gives Keras's figures for whoever adds it. Keras 3's NASNetMobile refuses the torch
    # backend, so its internal builder is called with NASNetMobile's arguments.
    from pathlib import Path

    import torch
    from keras.src.applications.nasnet import NASNet
    from torch.utils.flop_counter import FlopCounterMode

    model = NASNet((224, 224, 3), penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                   skip_reduction=False, filter_multiplier=2, weights=None, default_size=224)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 224, 224, 3), training=False)
    page = (Path(__file__).resolve().parents[1] / "docs" / "zoo" / "keras.md").read_text("utf-8")
    assert f"{model.count_params():,} with `count_params()`" in page
    assert f"{counter.get_total_flops() // 2:,} multiply-adds" in page
