"""Each primitive layer against a real torch layer of random sizes.

For every configuration the matching torch layer is built and run once on a batch-1 tensor:
output shape from the run, params from ``sum(p.numel() for p in layer.parameters())`` (the
``torch`` convention; ``paper`` is the weights alone), MAdds from ``FlopCounterMode`` total / 2.
The configurations are drawn with fixed seeds, so a failure's id names a reproducible case.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from complexity.engine.walk import Exact, evaluate
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

torch = pytest.importorskip("torch")
nn = torch.nn
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

pytestmark = [
    pytest.mark.reference,
    # torch notes that even kernels with padding="same" pad a copy of the input; harmless here.
    pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning"),
]

SEED = 20240607
CASES = 40
CTX = Exact(Fraction(1), WidthRule())


# --------------------------------------------------------------------------- helpers


def ours(layer, c, h, w, convention):
    """(output (C, H, W), params, MAdds) by the engine."""
    x = Shape(c, h, w)
    y = layer.out_shape(x, CTX)
    cost = layer.cost(x, y, CTX, convention)
    values = {k: int(v) for k, v in cost.values.items()}
    return (int(y.c), y.h, y.w), evaluate(cost.params, values), evaluate(cost.madds, values)


def theirs(module, *shape):
    """(output shape without the batch, params, MAdds) of a torch module on a batch-1 input."""
    module.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = module(torch.randn(1, *shape))
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return tuple(out.shape[1:]), sum(p.numel() for p in module.parameters()), flops // 2


def weights(module):
    """The ``paper`` count: conv and linear weights, no biases, no batch-norm affine."""
    return sum(m.weight.numel() for m in module.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def fits(d, k, s, p, dil):
    """The kernel's reach fits in the padded input (the hand rule, not the engine's)."""
    if p == "same":
        return True
    p = 0 if p == "valid" else p
    return d + 2 * p - dil * (k - 1) - 1 >= 0


def tf_same_pad(h, w, kernel, stride, dilation):
    """ZeroPad2d (left, right, top, bottom) that gives out = ceil(D/s), as TF / timm do."""
    pads = []
    for d, k, s, dil in zip((w, h), pair(kernel)[::-1], pair(stride)[::-1], pair(dilation)[::-1],
                             strict=True):
        total = max((math.ceil(d / s) - 1) * s + dil * (k - 1) + 1 - d, 0)
        pads += [total // 2, total - total // 2]
    return tuple(pads)


def size_or_pair(a, b):
    return a if a == b else (a, b)


def fmt(v):
    if isinstance(v, str):
        return v
    return str(v) if isinstance(v, int) else "x".join(map(str, v))


def draw_size(rng, lo, hi, square=0.6):
    a = rng.randint(lo, hi)
    return a if rng.random() < square else size_or_pair(a, rng.randint(lo, hi))


def draw_padding(rng, limit=3):
    kind = rng.choice(["int", "int", "pair", "same", "valid"])
    if kind == "int":
        return rng.randint(0, limit)
    if kind == "pair":
        return [rng.randint(0, limit), rng.randint(0, limit)]
    return kind


def window_fits(h, w, kernel, stride, padding, dilation):
    (kh, kw), (sh, sw), (dh, dw) = pair(kernel), pair(stride), pair(dilation)
    ph, pw = (padding, padding) if isinstance(padding, (int, str)) else padding
    return fits(h, kh, sh, ph, dh) and fits(w, kw, sw, pw, dw)


def hand_same_hw(h, w, stride):
    sh, sw = pair(stride)
    return math.ceil(h / sh), math.ceil(w / sw)


def strided_same(padding, stride):
    return padding == "same" and pair(stride) != (1, 1)


def torch_padding(padding):
    if padding == "valid":
        return 0
    return tuple(padding) if isinstance(padding, list) else padding


# --------------------------------------------------------------------------- conv


def conv_cases():
    rng = random.Random(SEED + 1)
    cases = []
    while len(cases) < CASES:
        g = rng.choice([1, 1, 1, 2, 3, 4, 8, 16])
        cin, cout = g * rng.randint(1, 64 // g), g * rng.randint(1, 64 // g)
        kernel = draw_size(rng, 1, 7)
        stride = draw_size(rng, 1, 3, square=0.7)
        dilation = draw_size(rng, 1, 3, square=0.8) if rng.random() < 0.4 else 1
        padding = draw_padding(rng)
        h, w = rng.randint(1, 40), rng.randint(1, 40)
        bias = rng.random() < 0.5
        if not window_fits(h, w, kernel, stride, padding, dilation):
            continue
        cfg = dict(cin=cin, cout=cout, g=g, kernel=kernel, stride=stride, dilation=dilation,
                   padding=padding, h=h, w=w, bias=bias)
        cid = (f"{len(cases):02d}-c{cin}-o{cout}-g{g}-k{fmt(kernel)}-s{fmt(stride)}"
               f"-d{fmt(dilation)}-p{fmt(padding)}-{h}x{w}{'-bias' if bias else ''}")
        cases.append(pytest.param(cfg, id=cid))
    return cases


def torch_window(cls, cfg, channels, **kwargs):
    """The torch layer for a window config; 'same' with stride > 1 is padded as TF does."""
    padding, stride = cfg["padding"], cfg["stride"]
    if strided_same(padding, stride):
        pad = tf_same_pad(cfg["h"], cfg["w"], cfg["kernel"], stride, cfg["dilation"])
        return nn.Sequential(nn.ZeroPad2d(pad), cls(*channels, cfg["kernel"], stride=stride,
                                                    padding=0, dilation=cfg["dilation"], **kwargs))
    return cls(*channels, cfg["kernel"], stride=stride, padding=torch_padding(padding),
               dilation=cfg["dilation"], **kwargs)


@pytest.mark.parametrize("cfg", conv_cases())
def test_conv_matches_torch(cfg):
    layer = Conv(kind="conv", out=cfg["cout"], kernel=cfg["kernel"], stride=cfg["stride"],
                 padding=cfg["padding"], dilation=cfg["dilation"], groups=cfg["g"],
                 bias=cfg["bias"])
    module = torch_window(nn.Conv2d, cfg, (cfg["cin"], cfg["cout"]), groups=cfg["g"],
                          bias=cfg["bias"])
    shape, params, madds = theirs(module, cfg["cin"], cfg["h"], cfg["w"])
    y, torch_params, our_madds = ours(layer, cfg["cin"], cfg["h"], cfg["w"], "torch")
    assert y == shape
    if cfg["padding"] == "same":
        assert y[1:] == hand_same_hw(cfg["h"], cfg["w"], cfg["stride"])
    assert torch_params == params
    assert our_madds == madds
    assert ours(layer, cfg["cin"], cfg["h"], cfg["w"], "paper")[1] == weights(module)
    assert ours(layer, cfg["cin"], cfg["h"], cfg["w"], "keras")[1] == params


# --------------------------------------------------------------------------- pointwise


def pointwise_cases():
    rng = random.Random(SEED + 2)
    cases = []
    for i in range(CASES):
        g = rng.choice([1, 1, 1, 2, 4, 8])
        cin, cout = g * rng.randint(1, 64 // g), g * rng.randint(1, 64 // g)
        h, w = rng.randint(1, 40), rng.randint(1, 40)
        bias = rng.random() < 0.5
        cfg = dict(cin=cin, cout=cout, g=g, h=h, w=w, bias=bias)
        cases.append(pytest.param(
            cfg, id=f"{i:02d}-c{cin}-o{cout}-g{g}-{h}x{w}{'-bias' if bias else ''}"))
    return cases


@pytest.mark.parametrize("cfg", pointwise_cases())
def test_pointwise_matches_torch(cfg):
    layer = Pointwise(kind="pw", out=cfg["cout"], groups=cfg["g"], bias=cfg["bias"])
    module = nn.Conv2d(cfg["cin"], cfg["cout"], 1, groups=cfg["g"], bias=cfg["bias"])
    shape, params, madds = theirs(module, cfg["cin"], cfg["h"], cfg["w"])
    assert ours(layer, cfg["cin"], cfg["h"], cfg["w"], "torch") == (shape, params, madds)
    assert ours(layer, cfg["cin"], cfg["h"], cfg["w"], "paper")[1] == weights(module)


# --------------------------------------------------------------------------- depthwise


def depthwise_cases():
    rng = random.Random(SEED + 3)
    cases = []
    while len(cases) < CASES:
        c = rng.randint(1, 64)
        mult = rng.choice([1, 1, 1, 2, 3, 4])
        kernel = draw_size(rng, 1, 7, square=0.7)
        stride = draw_size(rng, 1, 3, square=0.8)
        dilation = draw_size(rng, 1, 3, square=0.8) if rng.random() < 0.4 else 1
        padding = draw_padding(rng)
        h, w = rng.randint(1, 40), rng.randint(1, 40)
        bias = rng.random() < 0.5
        if not window_fits(h, w, kernel, stride, padding, dilation):
            continue
        cfg = dict(c=c, mult=mult, kernel=kernel, stride=stride, dilation=dilation,
                   padding=padding, h=h, w=w, bias=bias)
        cid = (f"{len(cases):02d}-c{c}-m{mult}-k{fmt(kernel)}-s{fmt(stride)}-d{fmt(dilation)}"
               f"-p{fmt(padding)}-{h}x{w}{'-bias' if bias else ''}")
        cases.append(pytest.param(cfg, id=cid))
    return cases


@pytest.mark.parametrize("cfg", depthwise_cases())
def test_depthwise_matches_torch(cfg):
    c = cfg["c"]
    layer = Depthwise(kind="dw", kernel=cfg["kernel"], stride=cfg["stride"],
                      padding=cfg["padding"], dilation=cfg["dilation"],
                      multiplier=cfg["mult"], bias=cfg["bias"])
    module = torch_window(nn.Conv2d, cfg, (c, c * cfg["mult"]), groups=c, bias=cfg["bias"])
    shape, params, madds = theirs(module, c, cfg["h"], cfg["w"])
    y, torch_params, our_madds = ours(layer, c, cfg["h"], cfg["w"], "torch")
    assert y == shape
    if cfg["padding"] == "same":
        assert y[1:] == hand_same_hw(cfg["h"], cfg["w"], cfg["stride"])
    assert torch_params == params
    assert our_madds == madds
    assert ours(layer, c, cfg["h"], cfg["w"], "paper")[1] == weights(module)


# --------------------------------------------------------------------------- fully connected


def fc_cases():
    rng = random.Random(SEED + 4)
    cases = []
    for i in range(CASES):
        m, n = rng.randint(1, 512), rng.randint(1, 512)
        bias = rng.random() < 0.7
        cases.append(pytest.param(dict(m=m, n=n, bias=bias),
                                  id=f"{i:02d}-m{m}-n{n}{'-bias' if bias else ''}"))
    return cases


@pytest.mark.parametrize("cfg", fc_cases())
def test_fully_connected_matches_torch(cfg):
    m, n = cfg["m"], cfg["n"]
    layer = FullyConnected(kind="fc", out=n, bias=cfg["bias"])
    module = nn.Linear(m, n, bias=cfg["bias"])
    module.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = module(torch.randn(1, m))
    y, params, madds = ours(layer, m, 1, 1, "torch")
    assert y == (out.shape[1], 1, 1)
    assert params == sum(p.numel() for p in module.parameters())
    assert madds * 2 == counter.get_total_flops()
    assert ours(layer, m, 1, 1, "paper")[1] == weights(module)


# --------------------------------------------------------------------------- flatten (+ fc)


def flatten_cases():
    rng = random.Random(SEED + 5)
    cases = []
    for i in range(CASES):
        c, h, w, n = rng.randint(1, 64), rng.randint(1, 12), rng.randint(1, 12), rng.randint(1, 64)
        cases.append(pytest.param(dict(c=c, h=h, w=w, n=n), id=f"{i:02d}-c{c}-{h}x{w}-n{n}"))
    return cases


@pytest.mark.parametrize("cfg", flatten_cases())
def test_flatten_then_fc_matches_torch(cfg):
    c, h, w, n = cfg["c"], cfg["h"], cfg["w"], cfg["n"]
    flat, flat_params, flat_madds = ours(Flatten(kind="flatten"), c, h, w, "torch")
    shape, params, madds = theirs(nn.Flatten(), c, h, w)
    assert flat == (shape[0], 1, 1)
    assert (flat_params, flat_madds) == (params, madds) == (0, 0)
    fc = FullyConnected(kind="fc", out=n)
    module = nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, n))
    shape, params, madds = theirs(module, c, h, w)
    y, our_params, our_madds = ours(fc, flat[0], 1, 1, "torch")
    assert (y[0],) == shape and (our_params, our_madds) == (params, madds)


# --------------------------------------------------------------------------- squeeze-excite


def hand_make_divisible(v, divisor, min_value=None):
    """torchvision's ``_make_divisible`` (MobileNetV2/V3), written out independently."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class TorchSqueezeExcite(nn.Module):
    """torchvision.ops.SqueezeExcitation: pool, 1×1 conv C→C_r, act, 1×1 conv C_r→C, gate, scale."""

    def __init__(self, c, cr, bias, gate):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, cr, 1, bias=bias)
        self.fc2 = nn.Conv2d(cr, c, 1, bias=bias)
        self.activation = nn.ReLU()
        self.scale_activation = nn.Sigmoid() if gate == "sigmoid" else nn.Hardsigmoid()

    def forward(self, x):
        scale = self.avgpool(x)
        scale = self.scale_activation(self.fc2(self.activation(self.fc1(scale))))
        return x * scale


def se_cases():
    rng = random.Random(SEED + 6)
    cases = []
    while len(cases) < CASES:
        c = rng.randint(1, 64)
        r = rng.choice([2, 4, 4, 8, 16])
        divisor = rng.choice([None, None, 8, 4])
        cr = hand_make_divisible(c / r, divisor) if divisor else c // r
        if cr < 1:
            continue
        h, w = rng.randint(1, 40), rng.randint(1, 40)
        bias = rng.random() < 0.8
        gate = rng.choice(["sigmoid", "hsigmoid"])
        cfg = dict(c=c, r=r, divisor=divisor, cr=cr, h=h, w=w, bias=bias, gate=gate)
        cid = (f"{len(cases):02d}-c{c}-r{r}-div{divisor}-cr{cr}-{h}x{w}-{gate}"
               f"{'-bias' if bias else ''}")
        cases.append(pytest.param(cfg, id=cid))
    return cases


@pytest.mark.parametrize("cfg", se_cases())
def test_squeeze_excite_matches_torch(cfg):
    c = cfg["c"]
    layer = SqueezeExcite(kind="se", reduction=cfg["r"], divisor=cfg["divisor"],
                          bias=cfg["bias"], gate=cfg["gate"])
    module = TorchSqueezeExcite(c, cfg["cr"], cfg["bias"], cfg["gate"])
    shape, params, madds = theirs(module, c, cfg["h"], cfg["w"])
    assert ours(layer, c, cfg["h"], cfg["w"], "torch") == (shape, params, madds)
    assert ours(layer, c, cfg["h"], cfg["w"], "paper")[1] == weights(module)


# --------------------------------------------------------------------------- batch norm


def bn_cases():
    rng = random.Random(SEED + 7)
    return [
        pytest.param(dict(c=c, h=h, w=w), id=f"{i:02d}-c{c}-{h}x{w}")
        for i, (c, h, w) in enumerate(
            (rng.randint(1, 64), rng.randint(1, 40), rng.randint(1, 40)) for _ in range(CASES)
        )
    ]


@pytest.mark.parametrize("cfg", bn_cases())
def test_batch_norm_matches_torch(cfg):
    c, h, w = cfg["c"], cfg["h"], cfg["w"]
    layer = BatchNorm(kind="bn")
    module = nn.BatchNorm2d(c)
    shape, params, madds = theirs(module, c, h, w)
    assert ours(layer, c, h, w, "torch") == (shape, params, madds)
    keras = params + module.running_mean.numel() + module.running_var.numel()
    assert ours(layer, c, h, w, "keras")[1] == keras == 4 * c
    assert ours(layer, c, h, w, "paper")[1] == 0


# --------------------------------------------------------------------------- pooling


def pool_cases():
    rng = random.Random(SEED + 8)
    cases = []
    while len(cases) < CASES:
        kind = rng.choice(["maxpool", "avgpool"])
        c = rng.randint(1, 64)
        kernel = draw_size(rng, 1, 7, square=0.7)
        stride = None if rng.random() < 0.3 else draw_size(rng, 1, 3, square=0.8)
        dilation = 1
        if kind == "maxpool" and rng.random() < 0.4:
            dilation = draw_size(rng, 1, 3, square=0.8)
        kh, kw = pair(kernel)
        padding = rng.choice(["int", "int", "pair", "same", "valid"])
        if padding == "int":
            padding = rng.randint(0, min(kh, kw) // 2)  # torch: at most half the kernel
        elif padding == "pair":
            padding = [rng.randint(0, kh // 2), rng.randint(0, kw // 2)]
        ceil_mode = rng.random() < 0.5
        h, w = rng.randint(1, 40), rng.randint(1, 40)
        if not window_fits(h, w, kernel, stride or kernel, padding, dilation):
            continue
        cfg = dict(kind=kind, c=c, kernel=kernel, stride=stride, dilation=dilation,
                   padding=padding, ceil_mode=ceil_mode, h=h, w=w)
        cid = (f"{len(cases):02d}-{kind}-c{c}-k{fmt(kernel)}-s{fmt(stride or 'K')}"
               f"-d{fmt(dilation)}-p{fmt(padding)}-{h}x{w}{'-ceil' if ceil_mode else ''}")
        cases.append(pytest.param(cfg, id=cid))
    return cases


def torch_pool(cfg):
    kernel, padding = cfg["kernel"], cfg["padding"]
    stride = cfg["stride"] or kernel
    kwargs = dict(stride=stride, ceil_mode=cfg["ceil_mode"])
    if cfg["kind"] == "maxpool":
        cls = nn.MaxPool2d
        kwargs["dilation"] = cfg["dilation"]
    else:
        cls = nn.AvgPool2d
    if padding == "same":
        pad = tf_same_pad(cfg["h"], cfg["w"], kernel, stride, cfg["dilation"])
        return nn.Sequential(nn.ZeroPad2d(pad), cls(kernel, padding=0, **kwargs))
    return cls(kernel, padding=torch_padding(padding), **kwargs)


@pytest.mark.parametrize("cfg", pool_cases())
def test_pool_matches_torch(cfg):
    layer = Pool(kind=cfg["kind"], kernel=cfg["kernel"], stride=cfg["stride"],
                 padding=cfg["padding"], dilation=cfg["dilation"], ceil_mode=cfg["ceil_mode"])
    shape, params, madds = theirs(torch_pool(cfg), cfg["c"], cfg["h"], cfg["w"])
    y, our_params, our_madds = ours(layer, cfg["c"], cfg["h"], cfg["w"], "torch")
    assert y == shape
    if cfg["padding"] == "same":
        assert y[1:] == hand_same_hw(cfg["h"], cfg["w"], cfg["stride"] or cfg["kernel"])
    assert (our_params, our_madds) == (params, madds) == (0, 0)


@pytest.mark.parametrize("kind", ["maxpool", "avgpool"])
@pytest.mark.parametrize(
    "d, k, s, p",
    [(1, 2, 2, 0), (2, 3, 2, 0), (1, 3, 3, 0), (1, 5, 3, 1), (3, 4, 2, 0), (2, 5, 3, 1)],
)
def test_pool_ceil_mode_overhanging_window(kind, d, k, s, p):
    """torch's ceil mode keeps a last window that overhangs the input's right edge, as long as
    it starts inside the input or its left padding: the kernel need not fit the padded input."""
    assert d + 2 * p < k  # the reach exceeds the padded input
    cls = nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d
    shape, _, _ = theirs(cls(k, stride=s, padding=p, ceil_mode=True), 3, d, d)
    layer = Pool(kind=kind, kernel=k, stride=s, padding=p, ceil_mode=True)
    assert ours(layer, 3, d, d, "torch") == (shape, 0, 0)


@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("kind", ["maxpool", "avgpool"])
def test_pool_too_large_kernel_rejected_by_both(kind, ceil_mode):
    # D=1, K=3, s=2: even in ceil mode no window starts inside the input.
    cls = nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d
    with pytest.raises(RuntimeError, match="too small"):
        theirs(cls(3, stride=2, ceil_mode=ceil_mode), 3, 1, 1)
    with pytest.raises(LayerProblem) as info:
        ours(Pool(kind=kind, kernel=3, stride=2, ceil_mode=ceil_mode), 3, 1, 1, "torch")
    assert info.value.field == "kernel"


# --------------------------------------------------------------------------- global pool


@pytest.mark.parametrize("op", ["avg", "max"])
@pytest.mark.parametrize("seed", range(5))
def test_global_pool_matches_torch(op, seed):
    rng = random.Random(SEED + 9 + seed)
    c, h, w = rng.randint(1, 64), rng.randint(1, 40), rng.randint(1, 40)
    module = nn.AdaptiveAvgPool2d(1) if op == "avg" else nn.AdaptiveMaxPool2d(1)
    assert ours(GlobalPool(kind="global_pool", op=op), c, h, w, "torch") == theirs(module, c, h, w)


# --------------------------------------------------------------------------- free layers

FREE = {
    "relu": nn.ReLU, "relu6": nn.ReLU6, "hswish": nn.Hardswish, "hsigmoid": nn.Hardsigmoid,
    "sigmoid": nn.Sigmoid, "swish": nn.SiLU, "linear": nn.Identity,
    "softmax": lambda: nn.Softmax(dim=1),
}


@pytest.mark.parametrize("fn", sorted(FREE))
def test_activation_matches_torch(fn):
    rng = random.Random(f"{SEED}-{fn}")
    c, h, w = rng.randint(1, 64), rng.randint(1, 40), rng.randint(1, 40)
    expected = theirs(FREE[fn](), c, h, w)
    for convention in ("paper", "torch", "keras"):
        assert ours(Activation(kind="act", fn=fn), c, h, w, convention) == expected


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5])
def test_dropout_matches_torch(p):
    c, h, w = 17, 9, 13
    assert ours(Dropout(kind="dropout", p=p), c, h, w, "torch") == theirs(nn.Dropout(p), c, h, w)
