"""The seed documents' own examples (``shared/seeds/``), counted by the engine and by the real
layers they were written with.

Expected values come from the seeds' printed figures, from torch (numel, FlopCounterMode) on
the seeds' layers rebuilt in ``complexity/reference/seed_examples.py``, or from Keras's
count_params on the seed's Keras model; never from the engine.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import math  # noqa: E402
from fractions import Fraction  # noqa: E402

import pytest  # noqa: E402

from complexity.engine.walk import Exact, evaluate, walk  # noqa: E402
from complexity.language.layers import Conv, Depthwise, Pointwise  # noqa: E402
from complexity.language.shapes import Shape  # noqa: E402
from complexity.language.width import WidthRule  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402

CTX = Exact(Fraction(1), WidthRule())


def run(layer, c, h, w, convention="paper", ctx=CTX):
    """(output shape, params, MAdds) of an engine layer on a (c, h, w) input."""
    x = Shape(c, h, w)
    y = layer.out_shape(x, ctx)
    cost = layer.cost(x, y, ctx, convention)
    values = {k: int(v) for k, v in cost.values.items()}
    return y, evaluate(cost.params, values), evaluate(cost.madds, values)


# ---------------------------------------------------------------- seed 003: the PyTorch demo
# conv = CSDN_Tem(3, 32, 3, 1, 1); conv_dw = CSDN_Tem(3, 3, 3, padding=1, groups=3);
# conv_pw = CSDN_Tem(3, 32, 1, padding=0, groups=1); all nn.Conv2d(..., bias=False) on 3×16×16.
SEED_CONV = Conv(kind="conv", out=32, kernel=3, stride=1, padding=1, bias=False)
SEED_DW = Depthwise(kind="dw", kernel=3, stride=1, padding=1, bias=False)
SEED_PW = Pointwise(kind="pw", out=32, bias=False)


@pytest.mark.parametrize("convention", ["paper", "torch", "keras"])
def test_seed_003_printed_params(convention: str) -> None:
    # The seed's torchsummary output: 864, 27, 96; depthwise separable 27 + 96 = 123.
    # Without biases (and without batch norm) every convention counts the same.
    y, conv, _ = run(SEED_CONV, 3, 16, 16, convention)
    assert (y.c, y.h, y.w) == (32, 16, 16), "[-1, 32, 16, 16]"
    assert conv == 3 * 3 * 3 * 32 == 864
    y, dw, _ = run(SEED_DW, 3, 16, 16, convention)
    assert (y.c, y.h, y.w) == (3, 16, 16), "[-1, 3, 16, 16]"
    assert dw == 3 * 3 * 3 == 27
    y, pw, _ = run(SEED_PW, 3, 16, 16, convention)
    assert (y.c, y.h, y.w) == (32, 16, 16), "[-1, 32, 16, 16]"
    assert pw == 1 * 1 * 3 * 32 == 96
    assert dw + pw == 123


def test_seed_003_against_its_torch_layers() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    from complexity.reference.seed_examples import (
        SEED_INPUT,
        seed_conv,
        seed_conv_dw,
        seed_conv_pw,
    )

    g_input = torch.zeros(*SEED_INPUT).unsqueeze(0)
    conv, conv_dw, conv_pw = seed_conv(), seed_conv_dw(), seed_conv_pw()
    dw_result = conv_dw(g_input)  # the seed feeds the depthwise output to the pointwise
    for module, layer, x in ((conv, SEED_CONV, g_input), (conv_dw, SEED_DW, g_input),
                             (conv_pw, SEED_PW, dw_result)):
        assert module.conv.bias is None, "the seed's CSDN_Tem has bias=False"
        y, params, madds = run(layer, *x.shape[1:], convention="torch")
        assert params == sum(p.numel() for p in module.parameters())
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            out = module(x)
        assert list(out.shape[1:]) == [y.c, y.h, y.w]
        assert madds == counter.get_total_flops() // 2 == params * 16 * 16


# --------------------------------------------- seed 004 §5: the MobileNetV1 paper's Table 3
# A 3×3 layer on a 14×14×512 map with 512 filters. The seed labels "参数量" (params) and
# "计算量" (MAdds) the wrong way round in (2) and (4), and mistypes two products.
def test_seed_004_layer_example() -> None:
    full = Conv(kind="conv", out=512, kernel=3, padding=1)
    dw, pw = Depthwise(kind="dw", kernel=3, padding=1), Pointwise(kind="pw", out=512)
    _, params, madds = run(full, 512, 14, 14)
    # (1) the seed prints 235,293 for 3×3×512×512, which is 2,359,296 ("约等于2.36M").
    assert params == 3 * 3 * 512 * 512 == 2_359_296
    assert madds == 14 * 14 * 512 * 3 * 3 * 512 == 462_422_016
    # (2) separable: the seed prints 266,572 for 3×3×512 + 512×512, which is 266,752.
    sep = [run(layer, 512, 14, 14) for layer in (dw, pw)]
    assert sum(p for _, p, _ in sep) == 3 * 3 * 512 + 512 * 512 == 266_752
    assert sum(m for _, _, m in sep) == 52_283_392
    # (3) α = 0.75: 384 channels in and out.
    sep = [run(layer, 384, 14, 14) for layer in (dw, Pointwise(kind="pw", out=384))]
    assert sum(p for _, p, _ in sep) == 150_912
    assert sum(m for _, _, m in sep) == 29_578_752
    # (4) and ρ = 0.714: the map becomes round(0.714·14) = 10, 15,091,200 MAdds. The seed's
    # 15,079,129 multiplies by (0.714·14)² = 9.996², unrounded; both print as the paper's 15.1M.
    sep = [run(layer, 384, 10, 10) for layer in (dw, Pointwise(kind="pw", out=384))]
    assert sum(m for _, _, m in sep) == 150_912 * 10 * 10 == 15_091_200
    assert int(150_912 * Fraction("9.996") ** 2) == 15_079_129
    assert round(Fraction(15_091_200, 10**6), 1) == Fraction("15.1")


# ------------------------------------------------- seed 004 §8: its Keras MobileNetV1 model
# Every Conv2D and DepthwiseConv2D keeps use_bias=True; batch norm after each. At 224 and
# 1000 classes (9,408 batch-norm channels, 10,408 biases):
#   keras count_params 3,267,176 = weights + biases + γ, β, moving mean, moving variance;
#   torch numel 3,248,360 (Keras's trainable params) = the same less 18,816 moving statistics;
#   paper 3,219,136 = conv and fc weights only (3,248,360 − 10,408 − 18,816).
def seed_spec(convention: str, resolution: int = 224, classes: int = 1000):
    return walk(resolve("seed_mobilenet_v1_keras", {"classes": classes}),
                resolution=resolution, convention=convention)  # type: ignore[arg-type]


def test_seed_004_spec_totals() -> None:
    assert seed_spec("keras").params == 3_267_176
    assert seed_spec("torch").params == 3_267_176 - 2 * 9_408 == 3_248_360
    assert seed_spec("paper").params == 3_248_360 - 10_408 - 2 * 9_408 == 3_219_136
    assert {seed_spec(c).madds for c in ("paper", "torch", "keras")} == {490_992_640}


@pytest.mark.reference
@pytest.mark.parametrize(("resolution", "classes"), [(224, 1000), (160, 10)])
def test_seed_004_keras_model_count_params(resolution: int, classes: int) -> None:
    keras = pytest.importorskip("keras")
    pytest.importorskip("torch")  # Keras runs on its torch backend here
    from complexity.reference.seed_examples import seed_mobilenet_v1

    model = seed_mobilenet_v1(num_classes=classes, resolution=resolution)
    try:
        total = model.count_params()
        trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    finally:
        del model
        keras.backend.clear_session()
    assert seed_spec("keras", resolution, classes).params == total
    assert seed_spec("torch", resolution, classes).params == trainable


@pytest.mark.reference
def test_seed_004_torch_twin() -> None:
    torch = pytest.importorskip("torch")
    from torch import nn
    from torch.utils.flop_counter import FlopCounterMode

    from complexity.reference.seed_examples import seed_mobilenet_v1_torch

    model = seed_mobilenet_v1_torch().eval()
    assert all(m.bias is not None for m in model.modules() if isinstance(m, nn.Conv2d))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, 224, 224))
    report = seed_spec("torch")
    assert report.params == sum(p.numel() for p in model.parameters())
    assert report.madds == counter.get_total_flops() // 2
