"""The primitives of modern CNNs against real torch layers: LayerNorm (channels first and
last), GroupNorm, layer scale, the per-pixel linear layer, stochastic depth, GELU/SiLU."""

from __future__ import annotations

from fractions import Fraction

import pytest

from complexity.engine.walk import Exact, evaluate
from complexity.language.layers import (
    Activation,
    ChannelScale,
    GroupNorm,
    LayerNorm,
    Linear,
    StochasticDepth,
)
from complexity.language.shapes import Shape
from complexity.language.width import WidthRule

torch = pytest.importorskip("torch")
nn = torch.nn
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

pytestmark = pytest.mark.reference
CTX = Exact(Fraction(1), WidthRule())


def ours(layer, c, h, w, convention="torch"):
    x = Shape(c, h, w)
    y = layer.out_shape(x, CTX)
    cost = layer.cost(x, y, CTX, convention)
    values = {k: int(v) for k, v in cost.values.items()}
    return y.as_list(), evaluate(cost.params, values), evaluate(cost.madds, values)


def madds(module, x):
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(x)
    return counter.get_total_flops() // 2


@pytest.mark.parametrize(("c", "h", "w"), [(96, 56, 56), (7, 3, 5)])
def test_layernorm_counts_gamma_and_beta_only_under_torch_and_keras(c, h, w) -> None:
    for layout in ("channels_first", "channels_last"):
        layer = LayerNorm(kind="layernorm", layout=layout)
        norm = nn.LayerNorm(c)
        x = torch.zeros(1, h, w, c)  # channels last, as ConvNeXt permutes before it
        assert madds(norm, x) == 0, "FlopCounterMode counts no multiply-adds in a layer norm"
        assert ours(layer, c, h, w) == ([c, h, w], sum(p.numel() for p in norm.parameters()), 0)
        assert ours(layer, c, h, w, "paper")[1] == 0
        assert ours(layer, c, h, w, "keras")[1] == 2 * c  # Keras LayerNormalization: γ, β
    assert ours(LayerNorm(kind="layernorm", affine=False), c, h, w)[1] == sum(
        p.numel() for p in nn.LayerNorm(c, elementwise_affine=False).parameters())


def test_groupnorm() -> None:
    norm = nn.GroupNorm(8, 64)
    assert ours(GroupNorm(kind="groupnorm", groups=8), 64, 9, 9)[1:] == (
        sum(p.numel() for p in norm.parameters()), madds(norm, torch.zeros(1, 64, 9, 9)))
    with pytest.raises(Exception, match="does not divide"):
        ours(GroupNorm(kind="groupnorm", groups=5), 64, 9, 9)


@pytest.mark.parametrize(("m", "n", "h", "w", "bias"), [(96, 384, 56, 56, True),
                                                       (384, 96, 7, 5, False)])
def test_linear_per_pixel_is_what_flop_counter_counts(m, n, h, w, bias) -> None:
    linear = nn.Linear(m, n, bias=bias)
    x = torch.zeros(1, h, w, m)  # (N, H, W, C): applied at every pixel
    shape, params, count = ours(Linear(kind="linear", out=n, bias=bias), m, h, w)
    assert shape == [n, h, w]
    assert params == sum(p.numel() for p in linear.parameters())
    assert count == madds(linear, x) == m * n * h * w
    assert ours(Linear(kind="linear", out=n, bias=bias), m, h, w, "paper")[1] == m * n


def test_layer_scale_is_a_free_standing_parameter() -> None:
    gamma = nn.Parameter(torch.ones(96))
    assert ours(ChannelScale(kind="scale"), 96, 7, 7)[1:] == (gamma.numel(), 0)
    assert ours(ChannelScale(kind="scale", bias=True), 96, 7, 7)[1] == 2 * 96
    assert ours(ChannelScale(kind="scale"), 96, 7, 7, "paper")[1] == 0


def test_a_constant_scale_has_no_parameter() -> None:
    # Inception-ResNet's x + 0.17·r: a multiply by a Python float, no weight; FlopCounterMode
    # counts no multiply-adds for it.
    x = torch.zeros(1, 320, 35, 35)
    assert madds(lambda t: t * 0.17, x) == 0
    for convention in ("paper", "torch", "keras"):
        assert ours(ChannelScale(kind="scale", value=0.17), 320, 35, 35, convention)[1:] == (0, 0)
    assert ours(ChannelScale(kind="scale", value=0.17, bias=True), 8, 2, 2)[1] == 8


def test_free_layers() -> None:
    for layer in (StochasticDepth(kind="stochastic_depth", p=0.1),
                  Activation(kind="act", fn="gelu"), Activation(kind="act", fn="silu")):
        assert ours(layer, 8, 4, 4)[1:] == (0, 0)
    assert madds(nn.GELU(), torch.zeros(1, 8, 4, 4)) == 0
