"""The zoo's family members against the hand-written torch references, on torch's meta device.

ResNet-34/101/152, ResNeXt-101, Wide ResNet, VGG 11–19 with and without batch norm, DenseNet
and MNASNet (specs/resnet.yaml, vgg.yaml, densenet.yaml, mnasnet.yaml) against
complexity/reference/{resnet,classic,densenet,mnasnet}.py: params = Σ numel (torch), the conv
and linear weights (paper), MAdds = FlopCounterMode total / 2, layer by layer too. The
references are built on the meta device (shapes only: no memory, no arithmetic), which is all
numel and FlopCounterMode need, so even VGG-19 and Wide ResNet-101 cost milliseconds.
A few members at two sizes run by default; every member on the whole grid is `slow`. Expected
values come from torch, the papers or hand formulas, never from the engine.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from complexity.algebra.symbols import BY_NAME
from complexity.engine.walk import Report, walk
from complexity.language.zoo import resolve

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from complexity.reference import torch_builders  # noqa: E402

pytestmark = pytest.mark.reference

MEMBERS = [
    "resnet34", "resnet101", "resnet152", "resnext101_32x8d", "resnext101_64x4d",
    "wide_resnet50_2", "wide_resnet101_2",
    "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16_bn", "vgg19", "vgg19_bn",
    "densenet121", "densenet161", "densenet169", "densenet201",
    "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
]
"""The members the families added (the names that existed before have tests of their own)."""
DEFAULT = ["resnet34", "resnext101_64x4d", "wide_resnet50_2", "vgg13_bn", "densenet161",
           "mnasnet0_75"]
"""Run by default, at 224 and 160: one or two of each family, each exercising a table value."""
GRID = [(224, 1000), (160, 10)]
"""(resolution, classes) for the slow run: every member at both sizes, one with 10 classes."""


def engine(name: str, resolution: int = 224, convention: str = "paper",
           classes: int = 1000) -> Report:
    return walk(resolve(name, {"classes": classes}), resolution=resolution,
                convention=convention)  # type: ignore[arg-type]


def build(name: str, classes: int = 1000) -> nn.Module:
    with torch.device("meta"):
        return torch_builders()[name](classes=classes).eval()


def counts(model: nn.Module, resolution: int) -> dict[str, int]:
    """Σ numel, the conv and linear weights, and FlopCounterMode's MAdds of one forward pass."""
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, resolution, resolution, device="meta"))
    flops = int(counter.get_total_flops())
    assert flops % 2 == 0
    return {
        "params": sum(p.numel() for p in model.parameters()),
        "weights": sum(m.weight.numel() for m in model.modules()
                       if isinstance(m, nn.Conv2d | nn.Linear)),
        "madds": flops // 2,
    }


def check(name: str, resolution: int, classes: int) -> None:
    expected = counts(build(name, classes), resolution)
    torch_report = engine(name, resolution, "torch", classes)
    paper = engine(name, resolution, "paper", classes)
    assert torch_report.params == expected["params"], "torch: Σ numel(model.parameters())"
    assert paper.params == expected["weights"], "paper: Σ numel(conv and linear weights)"
    assert paper.madds == torch_report.madds == expected["madds"], "FlopCounterMode / 2"


@pytest.mark.parametrize("resolution", [224, 160])
@pytest.mark.parametrize("name", DEFAULT)
def test_member_matches_its_reference(name: str, resolution: int) -> None:
    check(name, resolution, 1000)


@pytest.mark.slow
@pytest.mark.parametrize(("resolution", "classes"), GRID)
@pytest.mark.parametrize("name", MEMBERS)
def test_every_member_on_the_grid(name: str, resolution: int, classes: int) -> None:
    check(name, resolution, classes)


def _layer_inputs(model: nn.Module, resolution: int) -> list[tuple[nn.Module, Any]]:
    """Every conv and linear layer with the input shape it sees, in the order they run."""
    seen: list[tuple[nn.Module, Any]] = []
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    hooks = [layer.register_forward_pre_hook(
        lambda module, args: seen.append((module, tuple(args[0].shape)))) for layer in layers]
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, resolution, resolution, device="meta"))
    finally:
        for hook in hooks:
            hook.remove()
    return seen


@pytest.mark.parametrize("name", ["densenet121", "mnasnet1_3", "resnext101_32x8d", "vgg11_bn"])
def test_layer_by_layer(name: str) -> None:
    """Each conv and fc row: the input shape, weight + bias numel and MAdds of the reference's
    layer that runs in the same place."""
    resolution = 160
    seen = _layer_inputs(build(name), resolution)
    rows = [r for r in engine(name, resolution, "torch").rows if r.kind in ("conv", "pw", "dw",
                                                                          "fc")]
    assert len(rows) == len(seen)
    for row, (layer, shape) in zip(rows, seen, strict=True):
        if isinstance(layer, nn.Linear):
            assert row.input.as_list() == [shape[1], 1, 1], row.name
        else:
            assert row.input.as_list() == list(shape[1:]), row.name
            groups = shape[1] if row.kind == "dw" else row.values.get(BY_NAME["g"], 1)
            assert layer.groups == groups, row.name
        bias = layer.bias.numel() if layer.bias is not None else 0
        assert row.params == layer.weight.numel() + bias, row.name
        with FlopCounterMode(display=False) as counter:
            layer(torch.zeros(shape, device="meta"))
        assert row.madds == counter.get_total_flops() // 2, row.name


# --- keras.applications ----------------------------------------------------------------------

KERAS = [("resnet101", {"variant": "keras"}, 160), ("resnet152", {"variant": "keras"}, 224),
         ("vgg19", {}, 224), ("densenet121", {}, 224), ("densenet169", {}, 160),
         ("densenet201", {}, 224), ("resnet50_v2", {}, 160), ("resnet152_v2", {}, 224)]
"""(zoo name, the variables Keras's network needs, resolution): VGG19 only at 224, where Keras
flattens a 7×7 pool5 as torchvision's adaptive pool does."""


@pytest.mark.slow
@pytest.mark.parametrize(("name", "variables", "resolution"), KERAS,
                         ids=[k[0] for k in KERAS])
def test_keras_application(name: str, variables: dict[str, Any], resolution: int) -> None:
    """--convention keras equals keras.applications' count_params(), and the MAdds what
    FlopCounterMode measures on the Keras model (torch backend)."""
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "torch":
        pytest.skip("Keras MAdds are measured with torch's FlopCounterMode (KERAS_BACKEND=torch)")
    from torch_counts import torch_madds

    from complexity.reference.keras_apps import build as keras_build

    spec = resolve(name, variables)
    model = keras_build(name, 1.0, resolution, dict(spec.network.variables))
    try:
        params = model.count_params()
        madds = torch_madds(model, keras.ops.zeros((1, resolution, resolution, 3)))
    finally:
        del model
        keras.backend.clear_session()
    report = walk(spec, resolution=resolution, convention="keras")
    assert report.params == params, "keras: weights + biases + 4·C per batch norm"
    assert report.madds == madds


@pytest.mark.parametrize(("name", "variables", "millions"), [
    ("resnet101", {"variant": "keras"}, "44.7"), ("resnet152", {"variant": "keras"}, "60.4"),
    ("resnet50_v2", {}, "25.6"), ("resnet101_v2", {}, "44.7"), ("resnet152_v2", {}, "60.4"),
    ("vgg19", {}, "143.7"), ("densenet121", {}, "8.1"), ("densenet169", {}, "14.3"),
    ("densenet201", {}, "20.2"),
])
def test_keras_applications_table(name: str, variables: dict[str, Any], millions: str) -> None:
    """The parameter counts keras.applications' table prints (in millions, rounded)."""
    report = walk(resolve(name, variables), convention="keras")
    assert tenths(report.params, 10**6) == Fraction(millions)


def test_resnet_v2_blocks_by_hand() -> None:
    """ResNet50V2's first stack at 224 (56×56, 64 → 256): the first block's 1×1 shortcut with a
    bias, the last block's 3×3 with stride 2 and its free 1×1 max-pool shortcut."""
    rows = {r.name: r for r in engine("resnet50_v2", convention="keras").rows}
    assert rows["conv2_block1/shortcut"].params == 64 * 256 + 256
    assert rows["conv2_block1/shortcut"].madds == 64 * 256 * 56 * 56
    last = rows["conv2_last/conv2"]
    assert (last.input.h, last.output.h) == (56, 28)
    assert last.madds == 9 * 64 * 64 * 28 * 28
    assert rows["conv2_last/shortcut"].output.as_list() == [256, 28, 28]
    assert rows["conv2_last/shortcut"].params == rows["conv2_last/shortcut"].madds == 0


# --- the papers' printed figures ------------------------------------------------------------


def tenths(n: int, scale: int) -> Fraction:
    """n / scale rounded to one decimal, as a paper prints 7.6 × 10⁹."""
    return round(Fraction(n, scale), 1)


def test_resnet_paper_table1_flops() -> None:
    """He et al. Table 1's "FLOPs" are multiply-adds of the original layout (the stride on the
    first 1×1: the keras variant): 7.6 × 10⁹ (ResNet-101) and 11.3 × 10⁹ (ResNet-152), rounded.
    Its 3.6 × 10⁹ for ResNet-34 is 3.66 × 10⁹ cut, not rounded (as 3.8 for ResNet-50)."""
    keras = {"variant": "keras"}
    r101 = walk(resolve("resnet101", keras)).madds
    r152 = walk(resolve("resnet152", keras)).madds
    assert tenths(r101, 10**9) == Fraction("7.6")
    assert tenths(r152, 10**9) == Fraction("11.3")
    r34 = engine("resnet34").madds
    assert Fraction(r34, 10**8) // 1 == 36
    # Keras's variant moves each stage's stride onto the first 1×1; a basic block has none, so
    # ResNet-18 and -34 are the same network in both.
    assert r34 == walk(resolve("resnet34", keras)).madds


def test_vgg_paper_table2_params() -> None:
    """Simonyan & Zisserman Table 2: 133, 133, 138, 144 million parameters (A, B, D, E),
    weights and biases (torch's numel); batch norm adds 2 per conv channel (torchvision)."""
    for name, millions in [("vgg11", 133), ("vgg13", 133), ("vgg16", 138), ("vgg19", 144)]:
        params = engine(name, convention="torch").params
        assert round(Fraction(params, 10**6)) == millions, name
        conv_channels = sum(c * n for c, n in zip(
            (64, 128, 256, 512, 512),
            {"vgg11": (1, 1, 2, 2, 2), "vgg13": (2, 2, 2, 2, 2), "vgg16": (2, 2, 3, 3, 3),
             "vgg19": (2, 2, 4, 4, 4)}[name], strict=True))
        assert engine(f"{name}_bn", convention="torch").params - params == 2 * conv_channels
        assert engine(f"{name}_bn").madds == engine(name).madds


def test_densenet_widths() -> None:
    """Each dense layer adds k channels; each transition halves them (DenseNet-BC, θ = 0.5)."""
    for name, growth, blocks, final in [("densenet121", 32, (6, 12, 24, 16), 1024),
                                        ("densenet161", 48, (6, 12, 36, 24), 2208),
                                        ("densenet169", 32, (6, 12, 32, 32), 1664),
                                        ("densenet201", 32, (6, 12, 48, 32), 1920)]:
        channels = 2 * growth
        for index, n in enumerate(blocks):
            channels += n * growth
            if index < 3:
                channels //= 2
        assert channels == final
        rows = engine(name).rows
        assert rows[-1].input.c == final, name
        concats = [r for r in rows if r.kind == "concat"]
        assert len(concats) == sum(blocks)
        assert all(r.output.c - r.input.c == growth for r in concats)


def test_mnasnet_depths_are_torchvisions_rounding() -> None:
    """_round_to_multiple_of(c·α, 8): the stage outputs of each member (hand-computed)."""
    expected = {
        "mnasnet0_5": [16, 8, 16, 24, 40, 48, 96, 160],
        "mnasnet0_75": [24, 16, 24, 32, 64, 72, 144, 240],
        "mnasnet1_0": [32, 16, 24, 40, 80, 96, 192, 320],
        "mnasnet1_3": [40, 24, 32, 56, 104, 128, 248, 416],
    }
    for name, depths in expected.items():
        rows = {r.name: r for r in engine(name).rows}
        got = [rows["layers.0"].output.c, rows["layers.6"].output.c]
        got += [rows[f"layers.{i}.0/project"].output.c for i in range(8, 14)]
        assert got == depths, name
