"""The engine's Xception counts against real framework layers and the paper's printed figures.

Expected values come from torch (numel, FlopCounterMode) on the hand-written reference
``complexity/reference/xception.py``, from keras.applications.Xception's count_params, or from
the paper (Chollet 2017, Table 3); never from the engine.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

from fractions import Fraction  # noqa: E402

import pytest  # noqa: E402

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from complexity.engine.walk import Report, walk  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402
from complexity.reference.xception import xception  # noqa: E402

pytestmark = pytest.mark.reference


def engine(resolution: int = 299, convention: str = "torch", classes: int = 1000) -> Report:
    return walk(
        resolve("xception", {"classes": classes}),
        resolution=resolution,
        convention=convention,  # type: ignore[arg-type]
    )


from torch_counts import input_shapes, torch_madds  # noqa: E402


def numel(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_spatial_sizes_follow_keras() -> None:
    # Hand shape rules: valid 3×3 s2: floor((299 − 3)/2) + 1 = 149; valid 3×3: 147; every
    # `same` max pool with stride 2 then gives ceil(D/2): 74, 37, 19, 10.
    report = engine(299, "paper")
    by_name = {row.name: row for row in report.rows}
    assert by_name["conv1"].output.as_list() == [32, 149, 149]
    assert by_name["conv2"].output.as_list() == [64, 147, 147]
    expected = {"block2": (128, 74), "block3": (256, 37), "block4": (728, 19),
                "block13": (1024, 10)}
    for block, (channels, size) in expected.items():
        assert by_name[f"{block}/pool"].output.as_list() == [channels, size, size], block
        assert by_name[f"{block}/conv"].output.as_list() == [channels, size, size], block
    assert by_name["block12/add"].output.as_list() == [728, 19, 19]
    assert by_name["block14/sepconv2/pw"].output.as_list() == [2048, 10, 10]
    middle = [r for r in report.rows if r.name.endswith("/add")]
    assert len(middle) == 3 + 8 + 1, "12 residual adds: 3 entry, 8 middle, 1 exit"


def test_paper_table_3_parameter_count() -> None:
    # Table 3 prints Xception's size as 22,855,952 parameters: every trainable parameter
    # (conv weights, batch norm's γ and β, the classifier's weights and bias), i.e. the torch
    # convention. Keras's trainable params print the same number.
    assert engine(299, "torch").params == 22_855_952
    assert numel(xception()) == 22_855_952, "the reference model's Σ numel"
    # The other conventions, for the record: weights only, and Keras's count_params, which adds
    # batch norm's moving mean and variance (2 · 27,264 channels = 54,528).
    assert engine(299, "paper").params == 22_855_952 - 1_000 - 54_528 == 22_800_424
    assert engine(299, "keras").params == 22_855_952 + 54_528 == 22_910_480


def test_madds_about_8_4_billion() -> None:
    # The paper prints no multiply-add count; Xception is usually quoted at 8.4G at 299×299.
    madds = engine(299, "paper").madds
    assert madds == 8_357_403_496
    assert round(Fraction(madds, 10**9), 1) == Fraction("8.4")
    # Where it goes: the separable convs' pointwise halves, 90.6 % (their depthwise halves 1.6 %).
    pointwise = sum(r.madds for r in engine(299, "paper").rows if r.kind == "pw")
    assert 0.90 < pointwise / madds < 0.91


@pytest.mark.slow
@pytest.mark.parametrize(("resolution", "classes"), [(299, 1000), (224, 1000), (299, 10)])
def test_engine_matches_torch_reference(resolution: int, classes: int) -> None:
    model = xception(classes=classes)
    madds = torch_madds(model, torch.zeros(1, 3, resolution, resolution))
    report = engine(resolution, "torch", classes)
    assert report.params == numel(model), "torch params = Σ numel(model.parameters())"
    assert report.madds == madds, "MAdds = FlopCounterMode total / 2"
    for convention in ("paper", "keras"):
        assert engine(resolution, convention, classes).madds == madds, (
            f"MAdds must not depend on the params convention ({convention})"
        )


@pytest.mark.slow
def test_per_layer_against_torch_modules() -> None:
    resolution = 299
    model = xception().eval()
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    inputs = input_shapes(model, layers, resolution)
    order = list(inputs)  # the order the layers ran

    rows = [r for r in engine(resolution, "torch").rows if r.kind in ("conv", "dw", "pw", "fc")]
    # 2 stem convs, 34 separable convs (2 per entry/exit block, 3 per middle block, 2 at the
    # end) as 68 convs, 4 shortcut convs, the classifier.
    assert len(rows) == len(order) == 2 + 2 * (3 * 2 + 8 * 3 + 2 + 2) + 4 + 1
    for row, layer in zip(rows, order, strict=True):
        shape = inputs[layer]
        if isinstance(layer, nn.Linear):
            assert row.kind == "fc", row.name
        else:
            kind = "dw" if layer.groups > 1 else "pw" if layer.kernel_size == (1, 1) else "conv"
            if row.name.endswith("/conv"):
                kind = "conv"  # the 1×1 stride-2 shortcuts
            assert row.kind == kind, row.name
            assert row.input.as_list() == list(shape[1:]), f"{row.name}: input [C, H, W]"
        params = sum(p.numel() for p in layer.parameters())
        assert row.params == params, f"{row.name}: weight.numel() + bias.numel()"
        assert row.madds == torch_madds(layer, torch.zeros(shape)), row.name


@pytest.mark.slow
@pytest.mark.parametrize(("resolution", "classes"), [(299, 1000), (224, 10)])
def test_engine_matches_keras_params(resolution: int, classes: int) -> None:
    keras = pytest.importorskip("keras")
    model = keras.applications.Xception(
        weights=None, input_shape=(resolution, resolution, 3), classes=classes
    )
    try:
        expected = model.count_params()
        biased = [layer.name for layer in model.layers if getattr(layer, "use_bias", False)]
    finally:
        del model
        keras.backend.clear_session()
    assert biased == ["predictions"], "Keras's Xception: use_bias=False on every conv"
    assert engine(resolution, "keras", classes).params == expected, (
        "keras params = weights + fc bias + 4·C per batch norm (γ, β, mean, variance)"
    )
