"""ResNet-18, ResNet-50 (torchvision and Keras variants) and ResNeXt-50 32×4d: the engine against
real framework layers and the papers' printed figures.

Expected values come from torch (numel, FlopCounterMode) on the hand-written reference
(complexity/reference/resnet.py), from keras.applications.ResNet50 (count_params, and
FlopCounterMode on Keras's torch backend), from hand formulas, or from the papers; never from the
engine itself.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

from fractions import Fraction  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from complexity.engine.walk import Report, walk  # noqa: E402
from complexity.errors import SpecError  # noqa: E402
from complexity.language.spec import VariableValue  # noqa: E402
from complexity.language.specfile import load_spec  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402

NETWORKS: list[tuple[str, dict[str, VariableValue]]] = [
    ("resnet18", {}),
    ("resnet50", {"variant": "torchvision"}),
    ("resnet50", {"variant": "keras"}),
    ("resnext50_32x4d", {}),
]
NETWORK_IDS = ["resnet18", "resnet50-torchvision", "resnet50-keras", "resnext50_32x4d"]
GRID = [(224, 1000), (192, 1000), (160, 1000), (128, 1000), (224, 10)]
"""(resolution, classes): every resolution at 1000 classes, and 10 classes at 224."""


def engine(name: str, variables: dict[str, VariableValue] | None = None,
           resolution: int = 224, convention: str = "paper") -> Report:
    return walk(resolve(name, variables), resolution=resolution,
                convention=convention)  # type: ignore[arg-type]


from torch_counts import input_shapes, torch_madds  # noqa: E402


def reference(name: str, variables: dict[str, VariableValue], classes: int = 1000) -> Any:
    pytest.importorskip("torch")
    from complexity.reference.resnet import MODELS

    return MODELS[name](classes=classes, **variables)


def tenths(n: int, scale: int) -> Fraction:
    """n / scale rounded half-even to one decimal, exactly (how a paper prints 25.6 × 10⁶)."""
    return round(Fraction(n, scale), 1)


# --- the real frameworks --------------------------------------------------------------------


@pytest.mark.reference
@pytest.mark.slow
@pytest.mark.parametrize(("name", "variables"), NETWORKS, ids=NETWORK_IDS)
@pytest.mark.parametrize(("resolution", "classes"), GRID)
def test_engine_matches_torch_reference(name: str, variables: dict[str, VariableValue],
                                        resolution: int, classes: int) -> None:
    torch = pytest.importorskip("torch")
    from torch import nn

    model = reference(name, variables, classes)
    params = sum(p.numel() for p in model.parameters())
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, nn.Conv2d | nn.Linear))
    madds = torch_madds(model, torch.zeros(1, 3, resolution, resolution))
    spec_vars = {**variables, "classes": classes}
    report = engine(name, spec_vars, resolution, "torch")
    assert report.params == params, "torch params = Σ numel(model.parameters())"
    assert report.madds == madds, "MAdds = FlopCounterMode total / 2"
    paper = engine(name, spec_vars, resolution, "paper")
    assert paper.params == weights, "paper params = Σ numel(conv and fc weights)"
    for convention in ("paper", "keras"):
        assert engine(name, spec_vars, resolution, convention).madds == madds, (
            f"MAdds must not depend on the params convention ({convention})"
        )


@pytest.mark.reference
@pytest.mark.slow
@pytest.mark.parametrize(("resolution", "classes"), GRID)
def test_keras_variant_matches_keras_resnet50(resolution: int, classes: int) -> None:
    keras = pytest.importorskip("keras")
    pytest.importorskip("torch")
    if keras.backend.backend() != "torch":
        pytest.skip("Keras MAdds are measured with torch's FlopCounterMode (KERAS_BACKEND=torch)")
    from complexity.reference.keras_apps import build as keras_build

    # keras.applications.ResNet50(weights=None, input_shape=(R, R, 3), classes=classes)
    variables = resolve("resnet50", {"variant": "keras", "classes": classes}).network.variables
    model = keras_build("resnet50", 1.0, resolution, dict(variables))
    try:
        params = model.count_params()
        layer_params = sorted(layer.count_params() for layer in model.layers
                              if layer.count_params())
        madds = torch_madds(model, keras.ops.zeros((1, resolution, resolution, 3)))
    finally:
        del model
        keras.backend.clear_session()
    report = engine("resnet50", {"variant": "keras", "classes": classes}, resolution, "keras")
    assert report.params == params, (
        "keras params = conv weights + conv biases + fc weights and bias + 4·C per batch norm"
    )
    assert report.madds == madds, "MAdds = FlopCounterMode(Keras model on torch) / 2"
    # Layer by layer, as multisets: Keras lists each block's shortcut before its body.
    assert sorted(r.params for r in report.rows if r.params) == layer_params


@pytest.mark.reference
@pytest.mark.parametrize(("name", "variables"), NETWORKS, ids=NETWORK_IDS)
def test_per_layer_against_torch_modules(name: str, variables: dict[str, VariableValue]) -> None:
    torch = pytest.importorskip("torch")
    from torch import nn

    resolution = 160
    model = reference(name, variables).eval()
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    inputs = input_shapes(model, layers, resolution)

    rows = [r for r in engine(name, variables, resolution, "torch").rows
            if r.kind in ("conv", "pw", "fc")]
    assert len(rows) == len(layers)
    for row, layer in zip(rows, layers, strict=True):
        shape = inputs[layer]
        if isinstance(layer, nn.Linear):
            assert row.kind == "fc", row.name
            assert row.input.as_list() == [shape[1], 1, 1], row.name
        else:
            assert row.input.as_list() == list(shape[1:]), f"{row.name}: input [C, H, W]"
            assert row.values.get(_symbol("g"), 1) == layer.groups, f"{row.name}: groups"
        bias = layer.bias.numel() if layer.bias is not None else 0
        assert row.params == layer.weight.numel() + bias, f"{row.name}: weight + bias numel"
        assert row.madds == torch_madds(layer, torch.zeros(shape)), row.name


def _symbol(name: str) -> Any:
    from complexity.algebra.symbols import BY_NAME

    return BY_NAME[name]


def test_reference_rejects_an_unknown_variant() -> None:
    pytest.importorskip("torch")
    from complexity.reference.resnet import MODELS

    with pytest.raises(ValueError, match="torchvision, keras"):
        MODELS["resnet50"](variant="caffe")


# --- the papers' printed figures ------------------------------------------------------------
# He et al. 2015, Table 1 prints "FLOPs" that are multiply-adds and no ImageNet param counts;
# Xie et al. 2016 (ResNeXt), Table 1 prints both for ResNet-50 and ResNeXt-50 (32×4d). The
# 11.7M and 25.6M quoted for ResNet-18 and -50 are torchvision's (numel of its parameters).


def test_resnet18_paper_figures() -> None:
    madds = engine("resnet18").madds
    assert madds == 1_814_073_344
    assert tenths(madds, 10**9) == Fraction("1.8"), "He et al. Table 1: 1.8 × 10⁹"
    torch_params = engine("resnet18", convention="torch").params
    assert torch_params == 11_689_512
    assert tenths(torch_params, 10**6) == Fraction("11.7")
    assert tenths(engine("resnet18").params, 10**6) == Fraction("11.7"), "11,678,912 weights"


def test_resnet50_original_variant_is_the_papers_3_8_gflops() -> None:
    madds = engine("resnet50", {"variant": "keras"}).madds
    assert madds == 3_857_973_248
    # He et al. print 3.8 × 10⁹: the digits of 3.86 × 10⁹ cut, not rounded (3.9). Torchvision's
    # v1.5 (4.09 × 10⁹) is not 3.8 under either rule.
    assert Fraction(madds, 10**8) // 1 == 38
    assert tenths(madds, 10**9) == Fraction("3.9")


def test_resnet50_torchvision_is_the_resnext_papers_resnet50() -> None:
    # ResNeXt paper, Table 1, ResNet-50: 4.1 × 10⁹ FLOPs (multiply-adds), 25.5 × 10⁶ params:
    # its ResNet-50 has the stride on the 3×3 (as fb.resnet.torch and torchvision), and its
    # params are the weights only (paper convention). torch's numel gives 25.6M.
    report = engine("resnet50", {"variant": "torchvision"})
    assert report.madds == 4_089_184_256
    assert tenths(report.madds, 10**9) == Fraction("4.1")
    assert report.params == 25_502_912
    assert tenths(report.params, 10**6) == Fraction("25.5")
    torch_params = engine("resnet50", {"variant": "torchvision"}, convention="torch").params
    assert torch_params == 25_557_032
    assert tenths(torch_params, 10**6) == Fraction("25.6")


def test_resnext50_paper_figures() -> None:
    # ResNeXt paper, Table 1: 4.2 × 10⁹ FLOPs (multiply-adds), 25.0 × 10⁶ params.
    report = engine("resnext50_32x4d")
    assert report.madds == 4_230_479_872
    assert tenths(report.madds, 10**9) == Fraction("4.2")
    torch_params = engine("resnext50_32x4d", convention="torch").params
    assert (report.params, torch_params) == (24_959_680, 25_028_904)
    assert tenths(report.params, 10**6) == tenths(torch_params, 10**6) == Fraction("25.0")


def test_resnext_widths() -> None:
    # torchvision: width = planes · (width_per_group / 64) · groups = planes · 4/64 · 32.
    rows = {r.name: r for r in engine("resnext50_32x4d").rows}
    for stage, planes in enumerate((64, 128, 256, 512), 1):
        conv2 = rows[f"layer{stage}.0/conv2"]
        mid = planes * 4 // 64 * 32
        assert conv2.output.c == mid == 2 * planes
        assert conv2.values[_symbol("g")] == 32
        assert rows[f"layer{stage}.0/conv3"].output.c == 4 * planes


# --- the two ResNet-50 variants -------------------------------------------------------------

FIRST_1X1 = [(256, 128), (512, 256), (1024, 512)]
"""(M, N) of the first 1×1 conv of the first block of stages 2–4."""


@pytest.mark.parametrize(("resolution", "maps"), [
    (224, [(56, 28), (28, 14), (14, 7)]),
    (160, [(40, 20), (20, 10), (10, 5)]),
    (128, [(32, 16), (16, 8), (8, 4)]),
])
def test_variants_differ_by_the_strided_1x1(resolution: int,
                                            maps: list[tuple[int, int]]) -> None:
    tv = engine("resnet50", {"variant": "torchvision"}, resolution)
    ks = engine("resnet50", {"variant": "keras"}, resolution)
    # torchvision runs that 1×1 at the stage's input map, Keras at its (halved) output map:
    # M·N·(D_in² − D_out²) more MAdds each. Everything else costs the same.
    extra = sum(m * n * (d_in**2 - d_out**2)
                for (m, n), (d_in, d_out) in zip(FIRST_1X1, maps, strict=True))
    assert tv.madds - ks.madds == extra
    if resolution == 224:
        assert extra == 3 * 77_070_336 == 231_211_008
    assert tv.params == ks.params, "the weights are the same (paper convention)"


def test_keras_variant_params_are_torchvisions_plus_conv_biases() -> None:
    tv = engine("resnet50", {"variant": "torchvision"}, convention="torch").params
    ks = engine("resnet50", {"variant": "keras"}, convention="torch").params
    blocks = [(3, 64), (4, 128), (6, 256), (3, 512)]
    # One bias per conv output channel: the stem, each block's mid + mid + 4·mid, and the four
    # projections (4·mid each).
    biases = 64 + sum(n * 6 * mid for n, mid in blocks) + sum(4 * mid for _, mid in blocks)
    assert ks - tv == biases == 26_560
    keras = engine("resnet50", {"variant": "keras"}, convention="keras").params
    assert keras == 25_636_712, "keras.applications.ResNet50().count_params()"


BLOCK_SPEC = """
name: resnet50_blocks
variables: {stride_on: "3x3"}
layers:
  - {kind: conv, name: conv1, out: 64, kernel: 7, stride: 2, padding: 3}
  - {kind: bn}
  - {kind: act, fn: relu}
  - {kind: maxpool, name: maxpool, kernel: 3, stride: 2, padding: 1}
  - {kind: repeat, name: layer1, start: 0, times: 3,
     layers: [{kind: bottleneck, mid: 64, out: 256}]}
  - {kind: bottleneck, name: layer2.0, mid: 128, out: 512, stride: 2, stride_on: $stride_on}
  - {kind: repeat, name: layer2, times: 3, layers: [{kind: bottleneck, mid: 128, out: 512}]}
  - {kind: bottleneck, name: layer3.0, mid: 256, out: 1024, stride: 2, stride_on: $stride_on}
  - {kind: repeat, name: layer3, times: 5, layers: [{kind: bottleneck, mid: 256, out: 1024}]}
  - {kind: bottleneck, name: layer4.0, mid: 512, out: 2048, stride: 2, stride_on: $stride_on}
  - {kind: repeat, name: layer4, times: 2, layers: [{kind: bottleneck, mid: 512, out: 2048}]}
  - {kind: global_pool, name: avgpool}
  - {kind: fc, name: fc, out: 1000, width: fixed}
"""


@pytest.mark.parametrize(("variant", "stride_on", "conventions"), [
    ("torchvision", "3x3", ("paper", "torch", "keras")),
    ("keras", "1x1", ("paper",)),  # under torch and keras it adds the conv biases
])
@pytest.mark.parametrize("resolution", [224, 160])
def test_spec_is_the_bottleneck_block_written_out(variant: str, stride_on: str,
                                                  conventions: tuple[str, ...],
                                                  resolution: int) -> None:
    """The resnet50 spec (`bottleneck` blocks with the variant's stride_on and bias), row for
    row, has the same shapes, params and MAdds as bare blocks with the same stride_on (the Keras
    variant only under paper, which counts no bias)."""
    blocks = load_spec(BLOCK_SPEC, "blocks.yaml", {"stride_on": stride_on})

    def rows(report: Report) -> list[tuple[Any, ...]]:
        return [(r.input, r.output, r.params, r.madds) for r in report.rows]

    for convention in conventions:
        expected = walk(blocks, resolution=resolution, convention=convention)  # type: ignore[arg-type]
        assert rows(engine("resnet50", {"variant": variant}, resolution, convention)) == rows(
            expected
        ), convention


def test_unknown_variant_names_the_choices() -> None:
    with pytest.raises(SpecError, match="no value for variant='caffe'.*torchvision, keras"):
        resolve("resnet50", {"variant": "caffe"})


def test_classes_variable() -> None:
    for name in ("resnet18", "resnet50", "resnext50_32x4d"):
        thousand, ten = engine(name), engine(name, {"classes": 10})
        width = 512 if name == "resnet18" else 2048
        assert thousand.madds - ten.madds == width * (1000 - 10), "fc: M·N"
        assert thousand.params - ten.params == width * (1000 - 10)


def test_keras_application_is_the_keras_variant() -> None:
    pytest.importorskip("keras")
    from complexity.errors import MbcalcError
    from complexity.reference.keras_apps import APPLICATIONS, build

    assert APPLICATIONS["resnet50"][1] == {"variant": "keras"}
    with pytest.raises(MbcalcError, match="add --set variant=keras"):
        build("resnet50", 1.0, 224, dict(resolve("resnet50").network.variables))
    keras_variables = resolve("resnet50", {"variant": "keras"}).network.variables
    with pytest.raises(MbcalcError, match="no width multiplier"):
        build("resnet50", 0.5, 224, dict(keras_variables))
