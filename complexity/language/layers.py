"""The primitive layers of a spec: each knows its output shape and its cost formulas.

A layer's cost is a pair of formulas in the papers' notation (``symbols``) plus the values its
symbols take at one shape; the engine evaluates them. Formulas are built unevaluated so they keep
the papers' factor order when printed (D_K·D_K·M·N·D_F·D_F).
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Literal, Protocol

from complexity.algebra import notation as S
from complexity.algebra.expr import ONE, ZERO, Expr, Num, Sym, Values, power, product, ratio, total
from complexity.algebra.poly import Poly
from complexity.errors import LayerProblem
from complexity.frozen import Frozen
from complexity.language.plain import SpecClass, made
from complexity.language.shapes import Shape, out_hw, pair
from complexity.language.width import WidthMode

if TYPE_CHECKING:  # the fields' pydantic types: models.py installs them here when it validates
    from pydantic import Field

    from complexity.language.fields import Measured, NonNegativeInt, PositiveInt, Size, StrictBool

Convention = Literal["paper", "torch", "keras"]
"""What params count: ``paper`` weights only; ``torch`` + declared biases + BN γ, β;
``keras`` + declared biases + BN γ, β, moving mean and variance."""

ActivationName = Literal["relu", "relu6", "hswish", "hsigmoid", "sigmoid", "swish", "silu", "gelu",
                         "tanh", "leaky_relu", "elu", "linear", "softmax"]
"""The nonlinearities a spec can name (``silu`` and ``swish`` are the same function)."""

Value = int | Poly
"""A size: an exact integer, or a polynomial in α and ρ in the closed-form walk."""


class Context(Protocol):
    """How a walk turns spec sizes into values: exact integers, or expressions in α and ρ."""

    origin: Value
    """Channels entering the innermost enclosing concat branch (or the network)."""
    block: Value
    """Channels entering the innermost enclosing block (or the network)."""

    def width(self, channels: int, mode: WidthMode) -> Value:
        """Channels of a layer after the width multiplier."""

    def squeeze(self, channels: Value, reduction: int | Fraction, divisor: int | None) -> Value:
        """channels / reduction (floored), made divisible by ``divisor`` when one is given."""

    def relative(self, channels: Value, out: int, of: int) -> Value:
        """channels·out/of, rounded by the family's width rule."""

    def spatial(self, size: int, fixed: bool) -> Value:
        """A spatial size as it enters a formula (ρ·size in the closed form, unless fixed)."""


class Cost(Frozen):
    """A layer's params and MAdds formulas, and the values of their symbols."""

    params: Expr
    madds: Expr
    values: Values
    """The value of each symbol, by name."""

    def __init__(self, params: Expr, madds: Expr, values: dict[str, Value]) -> None:
        self.__dict__.update(params=params, madds=madds, values=Values(values))


FREE = Cost(ZERO, ZERO, {})


def _kernel_terms(kernel: Size) -> tuple[Expr, dict[str, Value]]:
    kh, kw = pair(kernel)
    if kh == kw == 1:
        return ONE, {}
    if kh == kw:
        return power(S.D_K, 2), {"D_K": kh}
    return product(S.K_h, S.K_w), {"K_h": kh, "K_w": kw}


def _map_terms(y: Shape, ctx: Context) -> tuple[Expr, dict[str, Value]]:
    if y.h == y.w:
        return power(S.D_F, 2), {"D_F": ctx.spatial(y.h, y.fixed)}
    return product(S.H_out, S.W_out), {"H_out": ctx.spatial(y.h, y.fixed),
                                       "W_out": ctx.spatial(y.w, y.fixed)}


def _with_bias(weights: Expr, bias: bool, convention: Convention, *channels: Sym) -> Expr:
    """weights, plus one bias per output channel where the convention counts biases."""
    if not bias or convention == "paper":
        return weights
    return total(weights, *channels)


class Layer(SpecClass):
    """A primitive layer: what every layer kind shares."""

    name: str | None = None
    """Row label; unnamed layers are named after the layer before them (``conv1/bn``)."""

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        """Shape-preserving by default."""
        return x

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        """Free by default: the row appears with its shapes and zero cost."""
        return FREE

    def category(self, x: Shape, y: Shape) -> str:
        """The group this layer falls in for the by-kind breakdown."""
        return "Other"


class _Window(Layer):
    """Fields shared by sliding-window layers."""

    kernel: Size = 3
    stride: Size = 1
    padding: NonNegativeInt | tuple[NonNegativeInt, NonNegativeInt] | Literal["same", "valid"] = (
        "same")
    """An int or [pad_h, pad_w], ``same`` (out = ceil(in/stride), the default of every
    convolution) or ``valid`` (no padding). Pooling layers default to 0 instead."""
    dilation: Size = 1

    def _hw(self, x: Shape, ceil_mode: bool = False) -> tuple[int, int]:
        return out_hw(x, self.kernel, self.stride, self.padding, self.dilation, ceil_mode)

    def _kernel_label(self) -> str:
        kh, kw = pair(self.kernel)
        return f"{kh}×{kw}"


class _Outputs(Layer):
    """Fields of a layer that sets its own output channels N (conv, pointwise)."""

    out: PositiveInt | None = None
    """Output channels N before the width multiplier."""
    expansion: PositiveInt | None = None
    """Instead of ``out``: N = M·t, t times the input channels (MobileNetV2's expansion)."""
    minus_input: StrictBool = False
    """N = out − C, C the channels entering the enclosing concat branch (or the network): the
    last layer of a branch concatenated beside the branch's input (ShuffleNet v1, stride 2)."""
    groups: PositiveInt = 1
    bias: StrictBool = False
    width: WidthMode | Literal["from_input"] = "scaled"
    """``from_input``: ``out`` is the width at an input of ``relative_to`` channels, so
    N = round(M·out/relative_to) by the width rule from the actual input M (TF-slim's
    expand_input_by_factor), instead of round(out·α)."""
    relative_to: PositiveInt | None = None

    def _check(self) -> None:
        if (self.out is None) == (self.expansion is None):
            raise ValueError("give exactly one of out (channels) and expansion (N = M·t)")
        if self.width == "from_input" and (self.relative_to is None or self.out is None
                                           or self.minus_input):
            raise ValueError("width: from_input needs out and relative_to, and no minus_input")

    def _channels(self, x: Shape, ctx: Context) -> Value:
        if self.expansion is not None:
            return x.c * self.expansion
        if self.width == "from_input":
            assert self.out is not None and self.relative_to is not None
            return ctx.relative(x.c, self.out, self.relative_to)
        assert self.out is not None  # the validator guarantees it
        n = ctx.width(self.out, self.width)
        if self.minus_input:
            n = n - ctx.origin
            if isinstance(n, int) and n < 1:
                raise LayerProblem("minus_input",
                                   f"out − branch input channels = {n} leaves no channels")
        return n

    def _check_groups(self, m: Value, n: Value) -> None:
        for field, label, channels in (("groups", "in", m), ("out", "out", n)):
            if isinstance(channels, int) and channels % self.groups:
                raise LayerProblem(
                    field,
                    f"groups={self.groups} does not divide {label}_channels={channels}",
                )


class Conv(_Window, _Outputs):
    """Standard or group convolution: params D_K·D_K·(M/g)·N, MAdds params·D_F·D_F."""

    kind: Literal["conv"]

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        n = self._channels(x, ctx)
        self._check_groups(x.c, n)
        return x.resized(n, *self._hw(x))

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        k, k_values = _kernel_terms(self.kernel)
        f, f_values = _map_terms(y, ctx)
        m = ratio(S.M, S.g) if self.groups > 1 else S.M
        weights = product(k, m, S.N)
        values = {**k_values, **f_values, "M": x.c, "N": y.c, "g": self.groups}
        return Cost(_with_bias(weights, self.bias, convention, S.N), product(weights, f), values)

    def category(self, x: Shape, y: Shape) -> str:
        return f"{'Group ' if self.groups > 1 else ''}Conv {self._kernel_label()}"


class Pointwise(_Outputs):
    """1×1 convolution, stride 1: params M·N ((M/g)·N grouped), MAdds params·D_F·D_F."""

    kind: Literal["pw"]

    def _as_conv(self) -> Conv:
        return _pointwise_conv(self)

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        return self._as_conv().out_shape(x, ctx)

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        return self._as_conv().cost(x, y, ctx, convention)

    def category(self, x: Shape, y: Shape) -> str:
        return self._as_conv().category(x, y)


@functools.lru_cache(maxsize=4096)
def _pointwise_conv(layer: Pointwise) -> Conv:
    """The 1×1 conv a pointwise layer is (built once per distinct layer)."""
    fields = {k: v for k, v in layer.__dict__.items() if k not in ("kind", "name")}
    return made(Conv, {**fields, "kind": "conv", "kernel": 1})


class Depthwise(_Window):
    """Depthwise convolution (g = M): params D_K·D_K·M·m, MAdds params·D_F·D_F."""

    kind: Literal["dw"]
    multiplier: PositiveInt = 1
    """Depth multiplier m: output channels M·m."""
    bias: StrictBool = False
    channels: PositiveInt | None = None
    """Optional: the input channels this layer expects (before α); checked against its input."""

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        if self.channels is not None and isinstance(x.c, int):
            expected = ctx.width(self.channels, "scaled")
            if expected != x.c:
                raise LayerProblem("channels", f"channels={expected} but the input has {x.c} "
                                   f"channels (a depthwise conv keeps its input's channels)")
        return x.resized(x.c * self.multiplier, *self._hw(x))

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        k, k_values = _kernel_terms(self.kernel)
        f, f_values = _map_terms(y, ctx)
        weights = product(k, S.M, S.m if self.multiplier > 1 else ONE)
        values = {**k_values, **f_values, "M": x.c, "m": self.multiplier, "N": y.c}
        return Cost(_with_bias(weights, self.bias, convention, S.N), product(weights, f), values)

    def category(self, x: Shape, y: Shape) -> str:
        return f"Conv DW {self._kernel_label()}"


class FullyConnected(Layer):
    """Fully connected: params M·N, MAdds M·N. Its input must be 1×1 (flatten or pool first)."""

    kind: Literal["fc"]
    out: PositiveInt
    bias: StrictBool = True
    width: WidthMode = "scaled"

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        if (x.h, x.w) != (1, 1):
            raise LayerProblem(
                "kind",
                f"fc needs a 1×1 input, got {x.h}×{x.w}: add flatten or global_pool before it",
            )
        return Shape(ctx.width(self.out, self.width), 1, 1, fixed=True)

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        weights = product(S.M, S.N)
        return Cost(_with_bias(weights, self.bias, convention, S.N), weights,
                    {"M": x.c, "N": y.c})

    def category(self, x: Shape, y: Shape) -> str:
        return "Fully Connected"


class SqueezeExcite(Layer):
    """Squeeze-and-excite: FC C→C_r→C on the pooled map: params 2·C·C_r, MAdds 2·C·C_r."""

    kind: Literal["se"]
    reduction: PositiveInt = 4
    """r: the squeeze width is C/r (floored), C the channels of ``of``."""
    ratio: Annotated[float, Field(gt=0, le=1, strict=True)] | None = None
    """Instead of ``reduction``: the squeeze width is floor(ratio·C), a fraction such as 0.25."""
    squeeze: PositiveInt | None = None
    """Instead of either: the squeeze width itself (channels before α)."""
    of: Literal["input", "block"] = "input"
    """Whose channels C_r is a share of: the SE's own input, or the enclosing block's input
    (RegNetY and EfficientNet squeeze to a quarter of the block's input)."""
    divisor: PositiveInt | None = None
    """Make the squeeze width divisible by this (MobileNetV3: 8); none keeps floor(C/r)."""
    bias: StrictBool = True
    gate: Literal["sigmoid", "hsigmoid"] = "sigmoid"
    act: ActivationName = "relu"
    """The activation between its two layers (ReLU in SENet; swish in EfficientNet)."""

    def _check(self) -> None:
        given = [f for f in ("reduction", "ratio", "squeeze")
                 if f in self.model_fields_set  # type: ignore[attr-defined]
                 and getattr(self, f) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of reduction, ratio and squeeze, not {' and '.join(given)}")

    def _squeezed(self, x: Shape, ctx: Context) -> Value:
        if self.squeeze is not None:
            return ctx.width(self.squeeze, "scaled")
        base = ctx.block if self.of == "block" else x.c
        share = (1 / Fraction(str(self.ratio)) if self.ratio is not None
                 else Fraction(self.reduction))
        return ctx.squeeze(base, share, self.divisor)

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        weights = product(Num(2), S.C, S.C_r)
        squeezed = self._squeezed(x, ctx)
        params = _with_bias(weights, self.bias, convention, S.C_r, S.C)
        return Cost(params, weights, {"C": x.c, "C_r": squeezed})

    def category(self, x: Shape, y: Shape) -> str:
        return "Squeeze-Excite"


class BatchNorm(Layer):
    """Batch norm: no MAdds; params 0 (paper), 2·C γ, β (torch), 4·C with running stats (keras)."""

    kind: Literal["bn"]
    scale: StrictBool = True
    """Has γ (Keras's ``scale=False`` layers, e.g. in InceptionV3, have none)."""
    center: StrictBool = True
    """Has β."""

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        affine = int(self.scale) + int(self.center)
        per_channel = {"paper": 0, "torch": affine, "keras": affine + 2}[convention]
        return Cost(product(Num(per_channel), S.C), ZERO, {"C": x.c})


class Activation(Layer):
    """A pointwise nonlinearity; costs nothing under every convention."""

    kind: Literal["act"]
    fn: ActivationName


class Pool(_Window):
    """Max or average pooling over a window; the stride defaults to the kernel."""

    kind: Literal["maxpool", "avgpool"]
    stride: Size | None = None  # type: ignore[assignment]
    padding: NonNegativeInt | tuple[NonNegativeInt, NonNegativeInt] | Literal["same", "valid"] = 0
    """Pooling pads nothing unless told (0), as torch's and Keras's pooling layers."""
    ceil_mode: StrictBool = False

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        stride = self.kernel if self.stride is None else self.stride
        if isinstance(self.padding, (int, tuple)):
            reach = [d * (k - 1) + 1 for k, d in zip(pair(self.kernel), pair(self.dilation),
                                                     strict=True)]
            if any(p > r // 2 for p, r in zip(pair(self.padding), reach, strict=True)):
                raise LayerProblem("padding", f"pooling padding {self.padding} is more than half "
                                   f"the dilated kernel {reach} (torch refuses it)")
        hw = out_hw(x, self.kernel, stride, self.padding, self.dilation, self.ceil_mode)
        return x.resized(x.c, *hw)


class GlobalPool(Layer):
    """Global average or max pooling to 1×1."""

    kind: Literal["global_pool"]
    op: Literal["avg", "max"] = "avg"

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        return Shape(x.c, 1, 1, fixed=True)


class AdaptivePool(Layer):
    """Adaptive average or max pooling to a fixed H×W (torch's AdaptiveAvgPool2d), whatever
    the input size: the classifier of AlexNet and VGG sees 6×6 / 7×7 at any resolution."""

    kind: Literal["adaptive_pool"]
    size: Size
    op: Literal["avg", "max"] = "avg"

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        h, w = pair(self.size)
        return Shape(x.c, h, w, fixed=True)


class Flatten(Layer):
    """(C, H, W) -> (C·H·W, 1, 1), the input of a fully connected layer."""

    kind: Literal["flatten"]

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        flat = x.c * ctx.spatial(x.h, x.fixed) * ctx.spatial(x.w, x.fixed)
        return Shape(flat, 1, 1, fixed=True)


class Dropout(Layer):
    """Dropout: shape-preserving, free."""

    kind: Literal["dropout"]
    p: Annotated[float, Field(ge=0, le=1, strict=True)] = 0.5


class Shuffle(Layer):
    """Channel shuffle over ``groups`` groups (ShuffleNet): a permutation, free."""

    kind: Literal["shuffle"]
    groups: PositiveInt

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        if isinstance(x.c, int) and x.c % self.groups:
            raise LayerProblem("groups", f"groups={self.groups} does not divide channels={x.c}")
        return x


class LayerNorm(Layer):
    """Layer norm over the channels at each position: no MAdds; params 0 (paper), γ and β,
    2·C (torch, keras). ``channels_first`` (ConvNeXt's LayerNorm2d) or ``channels_last``
    (nn.LayerNorm after a permute) normalise the same C values: the same counts."""

    kind: Literal["layernorm"]
    layout: Literal["channels_first", "channels_last"] = "channels_first"
    affine: StrictBool = True
    """Has γ and β (torch's elementwise_affine, Keras's center and scale)."""

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        per_channel = 2 if self.affine and convention != "paper" else 0
        return Cost(product(Num(per_channel), S.C), ZERO, {"C": x.c})


class GroupNorm(Layer):
    """Group norm over ``groups`` channel groups: no MAdds; params 0 (paper), γ and β, 2·C
    (torch, keras)."""

    kind: Literal["groupnorm"]
    groups: PositiveInt
    affine: StrictBool = True

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        if isinstance(x.c, int) and x.c % self.groups:
            raise LayerProblem("groups", f"groups={self.groups} does not divide channels={x.c}")
        return x

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        per_channel = 2 if self.affine and convention != "paper" else 0
        return Cost(product(Num(per_channel), S.C), ZERO, {"C": x.c})


class ChannelScale(Layer):
    """A learnable per-channel scale (layer scale, ConvNeXt's γ) and/or bias, a free-standing
    parameter: C each (torch, keras; 0 under paper, which counts conv and FC weights only).
    The multiply and add are not multiply-adds of a conv or FC layer: 0 MAdds."""

    kind: Literal["scale"]
    scale: StrictBool = True
    """Has a per-channel multiplier (layer scale)."""
    bias: StrictBool = False
    """Has a per-channel additive term."""
    value: Annotated[float, Field(gt=0, strict=True)] | None = None
    """A constant multiplier instead of a learnable one (Inception-ResNet scales its residual
    branch by 0.17 before the add): no parameter; the multiply is still one op per element."""

    @property
    def weights(self) -> int:
        """Learnable values per channel: the scale (unless ``value`` fixes it), the bias."""
        return int(self.scale and self.value is None) + int(self.bias)

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        per_channel = 0 if convention == "paper" else self.weights
        return Cost(product(Num(per_channel), S.C), ZERO, {"C": x.c})


class InputNormalization(Layer):
    """Keras's Normalization preprocessing layer, (x − mean)/√variance per channel: its mean,
    variance and sample count are weights, 2·C + 1 under keras; nothing under paper and torch
    (torchvision normalises outside the model). No MAdds."""

    kind: Literal["normalization"]

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        if convention != "keras":
            return FREE
        return Cost(total(product(Num(2), S.C), ONE), ZERO, {"C": x.c})


class StochasticDepth(Layer):
    """Stochastic depth (drop path): drops a residual branch while training; free."""

    kind: Literal["stochastic_depth"]
    p: Annotated[float, Field(ge=0, le=1, strict=True)] = 0.0


class Linear(_Outputs):
    """A linear layer applied at every position (ConvNeXt's channels-last MLP): params M·N,
    MAdds M·N·D_F·D_F — a 1×1 conv's counts; with a bias by default, as nn.Linear."""

    kind: Literal["linear"]
    bias: StrictBool = True

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        if self.groups != 1:
            raise LayerProblem("groups", "a linear layer has no groups; use pw")
        return x.resized(self._channels(x, ctx), x.h, x.w)

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        f, f_values = _map_terms(y, ctx)
        weights = product(S.M, S.N)
        return Cost(_with_bias(weights, self.bias, convention, S.N), product(weights, f),
                    {**f_values, "M": x.c, "N": y.c})

    def category(self, x: Shape, y: Shape) -> str:
        return "Linear"


class Opaque(Layer):
    """An op the format cannot express, kept by ``mbcalc import --opaque``: its params and MAdds
    were measured by the framework at the traced size; they do not scale with α or ρ."""

    kind: Literal["opaque"]
    params: Measured
    """Params as the framework counts them (torch and keras conventions)."""
    weights: Measured | None = None
    """Its conv and linear weights, what the paper convention counts (default: ``params``)."""
    madds: Measured
    """MAdds measured at the traced size (FlopCounterMode / 2)."""
    output: tuple[PositiveInt, PositiveInt, PositiveInt] | None = None
    """Its output C×H×W at the traced size, where it is not its input's shape."""
    note: str = "measured, not analytic"

    def out_shape(self, x: Shape, ctx: Context) -> Shape:
        if self.output is None:
            return x
        return Shape(self.output[0], self.output[1], self.output[2], fixed=True)

    def cost(self, x: Shape, y: Shape, ctx: Context, convention: Convention) -> Cost:
        paper = self.params if self.weights is None else self.weights
        return Cost(Num(paper if convention == "paper" else self.params), Num(self.madds), {})

    def category(self, x: Shape, y: Shape) -> str:
        return "Opaque (measured, not analytic)"


Primitive = (
    Conv | Pointwise | Depthwise | FullyConnected | SqueezeExcite | BatchNorm | Activation | Pool
    | GlobalPool | AdaptivePool | Flatten | Dropout | Shuffle | LayerNorm | GroupNorm
    | ChannelScale | StochasticDepth | Linear | InputNormalization | Opaque
)
"""A layer with a shape rule and cost formulas of its own."""
