"""Each primitive layer's shape rule and cost formulas against hand formulas (papers' notation).

No torch here: every expected value is written out below from the papers' formulas
(D_K·D_K·(M/g)·N·D_F·D_F and friends) and the shape rules of CONVENTIONS.md, never taken from the
engine. ``tests/test_layers_torch.py`` checks the same layers against real torch layers.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from sympy import Integer, Max, Rational, expand, simplify

from complexity.algebra import symbols as S
from complexity.engine.walk import ClosedForm, Exact, evaluate
from complexity.errors import LayerProblem
from complexity.language.layers import (
    Activation,
    BatchNorm,
    Conv,
    Depthwise,
    Dropout,
    Flatten,
    FullyConnected,
    GlobalPool,
    Pointwise,
    Pool,
    SqueezeExcite,
)
from complexity.language.shapes import Shape
from complexity.language.width import WidthRule

CONVENTIONS = ("paper", "torch", "keras")
CTX = Exact(Fraction(1), WidthRule())


def run(layer, c, h, w, convention="torch", ctx=CTX):
    """(output shape, params, MAdds, cost) of ``layer`` on a (c, h, w) input."""
    x = Shape(c, h, w)
    y = layer.out_shape(x, ctx)
    cost = layer.cost(x, y, ctx, convention)
    values = {k: int(v) for k, v in cost.values.items()}
    return y, evaluate(cost.params, values), evaluate(cost.madds, values), cost


def same_formula(got, expected):
    """Two formulas in the papers' symbols are the same expression."""
    return simplify(got - expected) == 0


def hand_out(d, k, s=1, p=0, dil=1):
    """floor((D + 2p − d(K−1) − 1)/s) + 1, written out by hand."""
    return math.floor((d + 2 * p - dil * (k - 1) - 1) / s) + 1


# --------------------------------------------------------------------------- standard conv


def test_conv_square_kernel_mobilenet_first_layer():
    # MobileNetV1 conv1: 3×3, 3 → 32, stride 2, 224 → 112.
    layer = Conv(kind="conv", out=32, kernel=3, stride=2, padding="same")
    y, params, madds, cost = run(layer, 3, 224, 224, "paper")
    assert (y.c, y.h, y.w) == (32, 112, 112)
    assert params == 3 * 3 * 3 * 32 == 864
    assert madds == 3 * 3 * 3 * 32 * 112 * 112 == 10_838_016
    assert same_formula(cost.params, S.D_K**2 * S.M * S.N)
    assert same_formula(cost.madds, S.D_K**2 * S.M * S.N * S.D_F**2)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 7])
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_conv_square_kernel(k, convention):
    cin, cout, d = 24, 40, 17
    layer = Conv(kind="conv", out=cout, kernel=k, padding=k // 2, bias=True)
    y, params, madds, _ = run(layer, cin, d, d, convention)
    dout = hand_out(d, k, 1, k // 2)
    assert (y.c, y.h, y.w) == (cout, dout, dout)
    weights = k * k * cin * cout
    assert params == weights + (0 if convention == "paper" else cout)
    assert madds == weights * dout * dout


def test_conv_bias_only_counted_when_declared():
    for convention in CONVENTIONS:
        _, params, _, _ = run(Conv(kind="conv", out=8, kernel=3, bias=False), 4, 9, 9, convention)
        assert params == 3 * 3 * 4 * 8


def test_conv_non_square_kernel_groups_stride_pair_padding():
    layer = Conv(kind="conv", out=16, kernel=(3, 5), stride=2, padding=[1, 2], groups=2, bias=True)
    cin, h, w = 8, 20, 31
    y, params, madds, cost = run(layer, cin, h, w, "torch")
    kh, kw, g, cout = 3, 5, 2, 16
    hout = (h + 2 * 1 - kh) // 2 + 1
    wout = (w + 2 * 2 - kw) // 2 + 1
    assert (hout, wout) == (10, 16)
    assert (y.c, y.h, y.w) == (cout, hout, wout)
    assert params == kh * kw * (cin // g) * cout + cout
    assert madds == kh * kw * (cin // g) * cout * hout * wout
    assert same_formula(cost.params, S.K_h * S.K_w * S.M / S.g * S.N + S.N)
    assert same_formula(cost.madds, S.K_h * S.K_w * S.M / S.g * S.N * S.H_out * S.W_out)
    assert cost.values[S.K_h] == kh and cost.values[S.K_w] == kw and cost.values[S.g] == g


@pytest.mark.parametrize("g", [1, 2, 3, 4, 6, 12])
def test_conv_groups(g):
    cin, cout, d = 12, 24, 10
    layer = Conv(kind="conv", out=cout, kernel=3, padding=1, groups=g)
    y, params, madds, cost = run(layer, cin, d, d, "paper")
    assert (y.c, y.h, y.w) == (cout, d, d)
    assert params == 3 * 3 * (cin // g) * cout
    assert madds == 3 * 3 * (cin // g) * cout * d * d
    expected = S.D_K**2 * S.M / S.g * S.N if g > 1 else S.D_K**2 * S.M * S.N
    assert same_formula(cost.params, expected)


@pytest.mark.parametrize("dil", [1, 2, 3])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_conv_dilation(k, dil):
    cin, cout, h, w = 6, 10, 23, 19
    layer = Conv(kind="conv", out=cout, kernel=k, dilation=dil, padding=1)
    y, params, madds, _ = run(layer, cin, h, w, "paper")
    hout = (h + 2 - dil * (k - 1) - 1) // 1 + 1
    wout = (w + 2 - dil * (k - 1) - 1) // 1 + 1
    assert (y.h, y.w) == (hout, wout)
    # Dilation spreads the kernel; it does not change the weights.
    assert params == k * k * cin * cout
    assert madds == k * k * cin * cout * hout * wout


def test_conv_dilation_pair():
    layer = Conv(kind="conv", out=4, kernel=(3, 2), dilation=(2, 3), padding=0)
    y, _, madds, _ = run(layer, 2, 15, 15, "paper")
    hout = 15 - 2 * (3 - 1) - 1 + 1  # 11
    wout = 15 - 3 * (2 - 1) - 1 + 1  # 12
    assert (y.h, y.w) == (11, 12) == (hout, wout)
    assert madds == 3 * 2 * 2 * 4 * 11 * 12


@pytest.mark.parametrize("s", [1, 2, 3, (2, 1), (1, 3)])
@pytest.mark.parametrize("d", [7, 8, 9, 32])
def test_conv_stride(s, d):
    sh, sw = (s, s) if isinstance(s, int) else s
    layer = Conv(kind="conv", out=5, kernel=3, stride=s, padding=1)
    y, _, madds, _ = run(layer, 3, d, d + 1, "paper")
    hout = (d + 2 - 3) // sh + 1
    wout = (d + 1 + 2 - 3) // sw + 1
    assert (y.h, y.w) == (hout, wout)
    assert madds == 3 * 3 * 3 * 5 * hout * wout


@pytest.mark.parametrize(
    "padding, ph, pw", [(0, 0, 0), (2, 2, 2), ([0, 3], 0, 3), ([2, 1], 2, 1), ((1, 0), 1, 0)]
)
def test_conv_explicit_padding(padding, ph, pw):
    h, w, kh, kw = 11, 13, 3, 5
    layer = Conv(kind="conv", out=7, kernel=(kh, kw), stride=2, padding=padding)
    y, _, madds, _ = run(layer, 2, h, w, "paper")
    hout = (h + 2 * ph - kh) // 2 + 1
    wout = (w + 2 * pw - kw) // 2 + 1
    assert (y.h, y.w) == (hout, wout)
    assert madds == kh * kw * 2 * 7 * hout * wout


@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("d", [1, 5, 6, 7, 112, 113])
@pytest.mark.parametrize("k", [1, 3, 4, 7])
def test_conv_same_padding(k, d, s):
    layer = Conv(kind="conv", out=8, kernel=k, stride=s, padding="same")
    y, _, madds, _ = run(layer, 4, d, d, "paper")
    dout = math.ceil(d / s)
    assert (y.h, y.w) == (dout, dout)
    assert madds == k * k * 4 * 8 * dout * dout


@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("dil", [1, 2])
@pytest.mark.parametrize("k", [1, 3, 4])
def test_conv_valid_padding(k, dil, s):
    h, w = 14, 9
    layer = Conv(kind="conv", out=3, kernel=k, stride=s, dilation=dil, padding="valid")
    y, _, _, _ = run(layer, 1, h, w, "paper")
    assert (y.h, y.w) == (
        math.floor((h - dil * (k - 1) - 1) / s) + 1,
        math.floor((w - dil * (k - 1) - 1) / s) + 1,
    )


def test_conv_valid_is_zero_padding():
    a = run(Conv(kind="conv", out=3, kernel=5, stride=2, padding="valid"), 3, 30, 21)
    b = run(Conv(kind="conv", out=3, kernel=5, stride=2, padding=0), 3, 30, 21)
    assert a[:3] == b[:3]
    assert (a[0].h, a[0].w) == ((30 - 5) // 2 + 1, (21 - 5) // 2 + 1)


def test_conv_square_map_uses_D_F_and_non_square_uses_H_W():
    _, _, _, square = run(Conv(kind="conv", out=4, kernel=3, padding=1), 2, 8, 8)
    assert same_formula(square.madds, S.D_K**2 * S.M * S.N * S.D_F**2)
    assert square.values[S.D_F] == 8
    _, _, _, rect = run(Conv(kind="conv", out=4, kernel=3, padding=1), 2, 8, 6)
    assert same_formula(rect.madds, S.D_K**2 * S.M * S.N * S.H_out * S.W_out)
    assert (rect.values[S.H_out], rect.values[S.W_out]) == (8, 6)


def test_conv_width_multiplier_scales_out_channels():
    half = Exact(Fraction(1, 2), WidthRule())
    y, params, _, _ = run(Conv(kind="conv", out=64, kernel=3, padding=1), 16, 8, 8, "paper", half)
    assert y.c == 32 and params == 3 * 3 * 16 * 32
    fixed = Conv(kind="conv", out=64, kernel=3, padding=1, width="fixed")
    y, params, _, _ = run(fixed, 16, 8, 8, "paper", half)
    assert y.c == 64 and params == 3 * 3 * 16 * 64


# --------------------------------------------------------------------------- pointwise


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("bias", [False, True])
def test_pointwise(convention, bias):
    m, n, d = 64, 128, 56
    y, params, madds, cost = run(Pointwise(kind="pw", out=n, bias=bias), m, d, d, convention)
    assert (y.c, y.h, y.w) == (n, d, d)
    assert params == m * n + (n if bias and convention != "paper" else 0)
    assert madds == m * n * d * d
    assert same_formula(cost.madds, S.M * S.N * S.D_F**2)


def test_pointwise_mobilenet_block():
    # MobileNetV1 Table: 1×1 512 → 512 at 14×14: 262,144 params, 51,380,224 MAdds.
    _, params, madds, _ = run(Pointwise(kind="pw", out=512), 512, 14, 14, "paper")
    assert params == 512 * 512 == 262_144
    assert madds == 512 * 512 * 14 * 14 == 51_380_224


def test_pointwise_grouped():
    m, n, g, h, w = 24, 36, 3, 7, 5
    y, params, madds, cost = run(Pointwise(kind="pw", out=n, groups=g), m, h, w, "paper")
    assert (y.c, y.h, y.w) == (n, h, w)
    assert params == (m // g) * n
    assert madds == (m // g) * n * h * w
    assert same_formula(cost.params, S.M / S.g * S.N)


# --------------------------------------------------------------------------- depthwise


@pytest.mark.parametrize("mult", [1, 2, 3])
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_depthwise(mult, convention):
    m, d = 32, 28
    layer = Depthwise(kind="dw", kernel=3, stride=2, padding=1, multiplier=mult, bias=True)
    y, params, madds, cost = run(layer, m, d, d, convention)
    dout = (d + 2 - 3) // 2 + 1
    assert (y.c, y.h, y.w) == (m * mult, dout, dout)
    weights = 3 * 3 * m * mult
    assert params == weights + (0 if convention == "paper" else m * mult)
    assert madds == weights * dout * dout
    expected = S.D_K**2 * S.M * (S.m if mult > 1 else 1)
    assert same_formula(cost.madds, expected * S.D_F**2)


def test_depthwise_mobilenet_block():
    # MobileNetV1: 3×3 dw on 14×14×512: 4,608 params, 903,168 MAdds.
    _, params, madds, _ = run(Depthwise(kind="dw", kernel=3, padding=1), 512, 14, 14, "paper")
    assert params == 3 * 3 * 512 == 4_608
    assert madds == 3 * 3 * 512 * 14 * 14 == 903_168


def test_depthwise_non_square_dilated_same():
    m, h, w = 10, 17, 12
    layer = Depthwise(kind="dw", kernel=(5, 3), dilation=2, stride=(2, 3), padding="same")
    y, params, madds, cost = run(layer, m, h, w, "paper")
    hout, wout = math.ceil(h / 2), math.ceil(w / 3)
    assert (y.c, y.h, y.w) == (m, hout, wout)
    assert params == 5 * 3 * m
    assert madds == 5 * 3 * m * hout * wout
    assert same_formula(cost.madds, S.K_h * S.K_w * S.M * S.H_out * S.W_out)


# --------------------------------------------------------------------------- fully connected


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("bias", [True, False])
def test_fully_connected(convention, bias):
    m, n = 1024, 1000
    layer = FullyConnected(kind="fc", out=n, bias=bias, width="fixed")
    y, params, madds, cost = run(layer, m, 1, 1, convention)
    assert (y.c, y.h, y.w) == (n, 1, 1)
    assert params == m * n + (n if bias and convention != "paper" else 0)
    assert madds == m * n
    assert same_formula(cost.madds, S.M * S.N)


def test_fully_connected_needs_1x1_input():
    with pytest.raises(LayerProblem) as info:
        run(FullyConnected(kind="fc", out=10), 8, 2, 2)
    assert info.value.field == "kind"


# --------------------------------------------------------------------------- squeeze-excite


def hand_make_divisible(v, divisor, min_value=None):
    """The MobileNetV2/V3 reference ``_make_divisible``, copied from the papers' code."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("c, r", [(96, 4), (30, 4), (64, 16), (7, 2)])
def test_squeeze_excite_without_divisor(convention, c, r):
    cr = c // r
    y, params, madds, cost = run(SqueezeExcite(kind="se", reduction=r), c, 9, 11, convention)
    assert (y.c, y.h, y.w) == (c, 9, 11)
    assert cost.values[S.C_r] == cr
    assert params == 2 * c * cr + (0 if convention == "paper" else cr + c)
    assert madds == 2 * c * cr
    assert same_formula(cost.madds, 2 * S.C * S.C_r)


@pytest.mark.parametrize("c, r, divisor, cr", [(72, 4, 8, 24), (64, 4, 8, 16), (16, 4, 8, 8),
                                                (120, 4, 8, 32), (960, 4, 8, 240), (40, 3, 4, 12)])
def test_squeeze_excite_with_divisor(c, r, divisor, cr):
    assert hand_make_divisible(c / r, divisor) == cr
    layer = SqueezeExcite(kind="se", reduction=r, divisor=divisor)
    _, params, madds, cost = run(layer, c, 7, 7, "torch")
    assert cost.values[S.C_r] == cr
    assert params == 2 * c * cr + cr + c
    assert madds == 2 * c * cr


def test_squeeze_excite_without_bias():
    _, params, _, _ = run(SqueezeExcite(kind="se", reduction=4, bias=False), 32, 5, 5, "torch")
    assert params == 2 * 32 * 8


# --------------------------------------------------------------------------- batch norm


@pytest.mark.parametrize("convention, per_channel", [("paper", 0), ("torch", 2), ("keras", 4)])
def test_batch_norm(convention, per_channel):
    c = 48
    y, params, madds, cost = run(BatchNorm(kind="bn"), c, 13, 6, convention)
    assert (y.c, y.h, y.w) == (c, 13, 6)
    assert params == per_channel * c
    assert madds == 0
    if per_channel:
        assert same_formula(cost.params, per_channel * S.C)


# --------------------------------------------------------------------------- zero-cost layers

FREE = [
    *(Activation(kind="act", fn=fn) for fn in
      ("relu", "relu6", "hswish", "hsigmoid", "sigmoid", "swish", "linear", "softmax")),
    Dropout(kind="dropout"),
    Dropout(kind="dropout", p=0.2),
    Pool(kind="maxpool", kernel=3, stride=2, padding=1),
    Pool(kind="avgpool", kernel=2),
    GlobalPool(kind="global_pool"),
    GlobalPool(kind="global_pool", op="max"),
    Flatten(kind="flatten"),
]


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("layer", FREE, ids=lambda layer: getattr(layer, "fn", layer.kind))
def test_zero_cost_layers(layer, convention):
    _, params, madds, _ = run(layer, 16, 12, 12, convention)
    assert (params, madds) == (0, 0)


@pytest.mark.parametrize("layer", [f for f in FREE if f.kind in ("act", "dropout")],
                         ids=lambda layer: getattr(layer, "fn", layer.kind))
def test_shape_preserving_layers(layer):
    y, *_ = run(layer, 16, 12, 7)
    assert (y.c, y.h, y.w) == (16, 12, 7)


# --------------------------------------------------------------------------- pooling


@pytest.mark.parametrize("kind", ["maxpool", "avgpool"])
@pytest.mark.parametrize(
    "d, k, s, p, floor_out, ceil_out",
    [
        (112, 3, 2, 0, 55, 56),  # (112 − 3)/2 = 54.5
        (109, 3, 2, 0, 54, 54),  # SqueezeNet: exact division, ceil changes nothing
        (54, 3, 2, 0, 26, 27),
        (7, 2, None, 0, 3, 4),  # stride defaults to the kernel
        (5, 2, 2, 1, 3, 3),  # ceil would give 4, but that window starts in the right padding
        (6, 3, 3, 1, 2, 3),
        (224, 3, 2, 1, 112, 113),  # (224 + 2 − 3)/2 = 111.5
    ],
)
def test_pool_floor_and_ceil_mode(kind, d, k, s, p, floor_out, ceil_out):
    stride = k if s is None else s
    assert floor_out == (d + 2 * p - k) // stride + 1
    assert ceil_out <= math.ceil((d + 2 * p - k) / stride) + 1
    for ceil_mode, expected in ((False, floor_out), (True, ceil_out)):
        layer = Pool(kind=kind, kernel=k, stride=s, padding=p, ceil_mode=ceil_mode)
        y, params, madds, _ = run(layer, 5, d, d)
        assert (y.c, y.h, y.w) == (5, expected, expected)
        assert (params, madds) == (0, 0)


def test_pool_last_window_rule_by_hand():
    # ceil mode drops a last window that would start past the input and its left padding:
    # (out − 1)·s ≥ D + p.
    d, k, s, p = 5, 2, 2, 1
    out = math.ceil((d + 2 * p - k) / s) + 1
    assert out == 4 and (out - 1) * s >= d + p
    y, *_ = run(Pool(kind="maxpool", kernel=k, stride=s, padding=p, ceil_mode=True), 1, d, d)
    assert y.h == out - 1


@pytest.mark.parametrize("d, k, s, p, out", [(2, 3, 2, 0, 1), (1, 2, 2, 0, 1), (3, 4, 2, 0, 1),
                                              (2, 5, 3, 1, 1)])
def test_pool_ceil_mode_overhanging_last_window(d, k, s, p, out):
    # The reach exceeds the padded input, but in ceil mode the window starting at −p still
    # counts (it starts inside the input or its left padding): ceil((D + 2p − K)/s) + 1.
    assert d + 2 * p < k
    assert out == math.ceil((d + 2 * p - k) / s) + 1 and (out - 1) * s < d + p
    y, *_ = run(Pool(kind="maxpool", kernel=k, stride=s, padding=p, ceil_mode=True), 2, d, d)
    assert (y.h, y.w) == (out, out)
    with pytest.raises(LayerProblem) as info:  # floor mode has no such window
        run(Pool(kind="maxpool", kernel=k, stride=s, padding=p), 2, d, d)
    assert info.value.field == "kernel"


def test_pool_ceil_mode_no_window_starts_inside_raises():
    # D=1, K=3, s=2: ceil((1 − 3)/2) + 1 = 0 windows.
    with pytest.raises(LayerProblem) as info:
        run(Pool(kind="maxpool", kernel=3, stride=2, ceil_mode=True), 2, 1, 1)
    assert info.value.field == "kernel"


def test_pool_non_square_dilated_same_valid():
    layer = Pool(kind="maxpool", kernel=(3, 2), stride=(1, 2), dilation=(2, 1), padding=[2, 0])
    y, *_ = run(layer, 3, 10, 9)
    assert (y.h, y.w) == ((10 + 4 - 2 * 2 - 1) // 1 + 1, (9 - 2) // 2 + 1)
    y, *_ = run(Pool(kind="avgpool", kernel=3, stride=2, padding="same"), 3, 15, 16)
    assert (y.h, y.w) == (8, 8)
    y, *_ = run(Pool(kind="avgpool", kernel=3, stride=2, padding="valid"), 3, 15, 16)
    assert (y.h, y.w) == ((15 - 3) // 2 + 1, (16 - 3) // 2 + 1)


# --------------------------------------------------------------------------- global pool, flatten


@pytest.mark.parametrize("op", ["avg", "max"])
def test_global_pool(op):
    y, params, madds, _ = run(GlobalPool(kind="global_pool", op=op), 1024, 7, 5)
    assert (y.c, y.h, y.w) == (1024, 1, 1)
    assert (params, madds) == (0, 0)


def test_flatten_then_fc():
    c, h, w = 16, 5, 3
    y, params, madds, _ = run(Flatten(kind="flatten"), c, h, w)
    assert (y.c, y.h, y.w) == (c * h * w, 1, 1)
    assert (params, madds) == (0, 0)
    _, params, madds, _ = run(FullyConnected(kind="fc", out=10), y.c, 1, 1, "torch")
    assert params == c * h * w * 10 + 10
    assert madds == c * h * w * 10


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("cin, groups", [(16, 3), (10, 4), (5, 2)])
def test_invalid_groups_raise_on_groups(cin, groups):
    layer = Conv(kind="conv", out=12 * groups, kernel=3, padding=1, groups=groups)
    with pytest.raises(LayerProblem) as info:
        run(layer, cin, 8, 8)
    assert info.value.field == "groups"


def test_groups_not_dividing_out_raise_on_out():
    with pytest.raises(LayerProblem) as info:
        run(Conv(kind="conv", out=15, kernel=3, padding=1, groups=2), 16, 8, 8)
    assert info.value.field == "out"
    with pytest.raises(LayerProblem) as info:
        run(Pointwise(kind="pw", out=10, groups=4), 16, 8, 8)
    assert info.value.field == "out"


@pytest.mark.parametrize(
    "layer, d",
    [
        (Conv(kind="conv", out=4, kernel=7, padding=0), 6),
        (Conv(kind="conv", out=4, kernel=7, padding="valid"), 5),
        (Conv(kind="conv", out=4, kernel=8, padding=1), 5),  # reach 8 > 5 + 2
        (Conv(kind="conv", out=4, kernel=3, dilation=3, padding=0), 6),  # reach 7 > 6
        (Conv(kind="conv", out=4, kernel=(1, 5), padding=0), 4),
        (Depthwise(kind="dw", kernel=5, padding=0), 4),
        (Pool(kind="maxpool", kernel=3), 2),
    ],
    ids=["conv7-on-6", "valid", "padded", "dilated", "kw-only", "dw", "pool"],
)
def test_kernel_larger_than_padded_input_raises_on_kernel(layer, d):
    with pytest.raises(LayerProblem) as info:
        run(layer, 4, d, d)
    assert info.value.field == "kernel"


def test_kernel_that_just_fits_the_padded_input():
    y, *_ = run(Conv(kind="conv", out=4, kernel=7, padding=1), 4, 5, 5)  # reach 7 = 5 + 2
    assert (y.h, y.w) == (1, 1)


# --------------------------------------------------------------------------- closed form

alpha, rho = S.alpha, S.rho


def closed(layer, c, d, convention="paper"):
    """(output shape, params, MAdds) of ``layer`` as expressions in α and ρ."""
    ctx = ClosedForm()
    x = Shape(c, d, d)
    y = layer.out_shape(x, ctx)
    cost = layer.cost(x, y, ctx, convention)
    return y, cost.params.xreplace(cost.values), cost.madds.xreplace(cost.values)


def test_closed_form_scaled_conv():
    y, params, madds = closed(Conv(kind="conv", out=64, kernel=3, padding=1), 32 * alpha, 112)
    assert expand(y.c - 64 * alpha) == 0
    assert expand(params - 3 * 3 * 32 * alpha * 64 * alpha) == 0
    assert expand(params - 18432 * alpha**2) == 0
    assert expand(madds - 3 * 3 * 32 * alpha * 64 * alpha * (112 * rho) ** 2) == 0


def test_closed_form_first_conv_has_fixed_input():
    _, params, madds = closed(
        Conv(kind="conv", out=32, kernel=3, stride=2, padding="same"), Integer(3), 224
    )
    assert expand(params - 3 * 3 * 3 * 32 * alpha) == 0
    assert expand(madds - 3 * 3 * 3 * 32 * alpha * (112 * rho) ** 2) == 0


def test_closed_form_conv_with_bias_under_torch():
    _, params, _ = closed(Conv(kind="conv", out=64, kernel=3, bias=True), 32 * alpha, 56, "torch")
    assert expand(params - (3 * 3 * 32 * alpha * 64 * alpha + 64 * alpha)) == 0


def test_closed_form_group_conv():
    _, params, madds = closed(Conv(kind="conv", out=64, kernel=3, padding=1, groups=4),
                              32 * alpha, 28)
    assert expand(params - 3 * 3 * (32 * alpha / 4) * 64 * alpha) == 0
    assert expand(madds - 3 * 3 * (32 * alpha / 4) * 64 * alpha * (28 * rho) ** 2) == 0


def test_closed_form_depthwise_pointwise():
    _, params, madds = closed(Depthwise(kind="dw", kernel=3, padding=1), 512 * alpha, 14)
    assert expand(params - 3 * 3 * 512 * alpha) == 0
    assert expand(madds - 3 * 3 * 512 * alpha * (14 * rho) ** 2) == 0
    _, params, madds = closed(Pointwise(kind="pw", out=1024), 512 * alpha, 7)
    assert expand(params - 512 * alpha * 1024 * alpha) == 0
    assert expand(madds - 512 * alpha * 1024 * alpha * (7 * rho) ** 2) == 0


def test_closed_form_non_square_map():
    _, _, madds = closed(Conv(kind="conv", out=8, kernel=(1, 3), padding=0), 4 * alpha, 10)
    assert expand(madds - 1 * 3 * 4 * alpha * 8 * alpha * (10 * rho) * (8 * rho)) == 0


def test_closed_form_fc_fixed_classes_and_grow_only():
    _, params, madds = closed(FullyConnected(kind="fc", out=1000, width="fixed"), 1024 * alpha, 1)
    assert expand(params - 1024 * alpha * 1000) == 0
    assert expand(madds - 1024 * alpha * 1000) == 0
    y, params, _ = closed(Pointwise(kind="pw", out=1280, width="grow_only"), 320 * alpha, 7)
    assert expand(y.c - 1280 * Max(1, alpha)) == 0
    assert expand(params - 320 * alpha * 1280 * Max(1, alpha)) == 0


def test_closed_form_se_and_bn():
    _, params, madds = closed(SqueezeExcite(kind="se", reduction=4, divisor=8), 96 * alpha, 7,
                              "torch")
    cr = 96 * alpha * Rational(1, 4)
    assert expand(madds - 2 * 96 * alpha * cr) == 0
    assert expand(params - (2 * 96 * alpha * cr + cr + 96 * alpha)) == 0
    _, params, madds = closed(BatchNorm(kind="bn"), 32 * alpha, 7, "keras")
    assert expand(params - 4 * 32 * alpha) == 0 and madds == 0


def test_closed_form_flatten_scales_with_rho_squared():
    y, _, _ = closed(Flatten(kind="flatten"), 16 * alpha, 5)
    assert expand(y.c - 16 * alpha * (5 * rho) ** 2) == 0


def test_pool_padding_over_half_the_kernel_is_refused() -> None:
    # torch: "pad should be at most half of effective kernel size"
    pool = Pool(kind="maxpool", kernel=3, stride=2, padding=2)
    with pytest.raises(LayerProblem) as info:
        pool.out_shape(Shape(8, 16, 16), Exact(Fraction(1), WidthRule()))
    assert info.value.field == "padding"
