"""Blocks: the named building blocks of the papers, written once, expanded into layers.

A block holds no formulas: ``expand()`` gives the primitives and containers it stands for, as
spec data, and the walk costs those. Each docstring says what the block expands into.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from complexity.language.fields import PositiveInt, Size, StrictBool
from complexity.language.layers import ActivationName

Act = ActivationName | Literal["none"]
"""Any activation a layer can name, or ``none``."""
Padding = int | tuple[int, int] | Literal["same", "valid"]
Layers = list[dict[str, Any]]


def conv_bn(out: int | None = None, kernel: Size = 3, stride: Size = 1,
            padding: Padding = "same", act: str = "relu", name: str | None = None,
            bn_scale: bool = True, **extra: Any) -> Layers:
    """conv → batch norm (without γ if not ``bn_scale``) → activation (none for ``act: none``)."""
    conv = {"kind": "conv", "name": name, "out": out, "kernel": kernel, "stride": stride,
            "padding": padding, **extra}
    if kernel in (1, (1, 1)) and stride in (1, (1, 1)) and "dilation" not in extra:
        conv = {"kind": "pw", "name": name, "out": out, **extra}
    layers = [conv, {"kind": "bn", "scale": bn_scale}]
    return layers + ([{"kind": "act", "fn": act}] if act != "none" else [])


def dw_bn(kernel: Size = 3, stride: Size = 1, act: str = "relu", name: str | None = None,
          padding: Padding = "same") -> Layers:
    """depthwise conv → batch norm → activation."""
    layers: Layers = [{"kind": "dw", "name": name, "kernel": kernel, "stride": stride,
                       "padding": padding}, {"kind": "bn"}]
    return layers + ([{"kind": "act", "fn": act}] if act != "none" else [])


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str | None = None

    def expand(self) -> Layers:
        raise NotImplementedError


_WIDTHS = ("reduction", "ratio", "squeeze")


class SEOptions(BaseModel):
    """A block's squeeze-and-excite, as the fields of an ``se`` layer; ``se: true`` takes the
    block's own default, a mapping overrides fields of it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    reduction: PositiveInt | None = None
    """C_r = floor(C/reduction)."""
    ratio: Annotated[float, Field(gt=0, le=1, strict=True)] | None = None
    """C_r = floor(ratio·C), e.g. 0.25."""
    squeeze: PositiveInt | None = None
    """C_r itself (before α)."""
    of: Literal["input", "block"] | None = None
    """C is the SE's own input or the block's input."""
    divisor: PositiveInt | None = None
    """Round C_r to a multiple of this (make-divisible)."""
    bias: StrictBool | None = None
    gate: Literal["sigmoid", "hsigmoid"] | None = None
    act: ActivationName | None = None
    """The activation between its two layers."""

    @model_validator(mode="after")
    def _one_width(self) -> SEOptions:
        given = [f for f in _WIDTHS if getattr(self, f) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of reduction, ratio and squeeze, not {' and '.join(given)}")
        return self


SE = StrictBool | SEOptions


def _inner(act: str) -> str:
    """The activation a block's SE uses between its layers: the block's own (EfficientNet)."""
    return "linear" if act == "none" else act


def se_layer(se: SE, default: dict[str, Any]) -> Layers:
    """The ``se`` layer a block's ``se`` field asks for (none for false)."""
    if se is False:
        return []
    fields = dict(default)
    if isinstance(se, SEOptions):
        chosen = se.model_dump(exclude_none=True)
        if any(f in chosen for f in _WIDTHS):
            fields = {k: v for k, v in fields.items() if k not in _WIDTHS}
        fields.update(chosen)
    return [{"kind": "se", "name": "se", **fields}]


class ConvBN(_Block):
    """conv → BN → activation; a 1×1 stride-1 conv is written as pointwise."""

    kind: Literal["conv_bn"]
    out: PositiveInt
    kernel: Size = 3
    stride: Size = 1
    padding: Padding = "same"
    groups: PositiveInt = 1
    act: Act = "relu"
    width: Literal["scaled", "fixed", "grow_only"] = "scaled"
    bias: StrictBool = False
    bn_scale: StrictBool = True
    """False: the batch norm has no γ (Keras ``scale=False``)."""

    def expand(self) -> Layers:
        return conv_bn(self.out, self.kernel, self.stride, self.padding, self.act,
                       bn_scale=self.bn_scale, groups=self.groups, width=self.width,
                       bias=self.bias)


class SepConv(_Block):
    """Separable conv (Xception): depthwise k×k → pointwise, no batch norm between; no
    activation unless ``act`` names one (after the pointwise, as Keras's SeparableConv2D)."""

    kind: Literal["sepconv"]
    out: PositiveInt
    kernel: PositiveInt = 3
    act: Act = "none"
    """The activation after the pointwise conv (Keras's SeparableConv2D ``activation``)."""

    def expand(self) -> Layers:
        return [{"kind": "dw", "name": "dw", "kernel": self.kernel, "padding": "same"},
                {"kind": "pw", "name": "pw", "out": self.out}, *_act(self.act)]


class DepthwiseSeparable(_Block):
    """MobileNetV1: depthwise 3×3 → BN → ReLU → pointwise → BN → ReLU."""

    kind: Literal["dwsep"]
    out: PositiveInt
    stride: PositiveInt = 1
    kernel: PositiveInt = 3
    act: Act = "relu"

    def expand(self) -> Layers:
        return (dw_bn(self.kernel, self.stride, self.act, "dw")
                + conv_bn(self.out, 1, 1, act=self.act, name="pw"))


class InvertedResidual(_Block):
    """MobileNetV2: pointwise expand ×t → BN → ReLU6 → depthwise → BN → ReLU6 → linear pointwise
    → BN, added to the input where stride is 1 and in = out (no expansion layer when t = 1)."""

    kind: Literal["inverted_residual"]
    expansion: PositiveInt
    out: PositiveInt
    stride: PositiveInt = 1
    kernel: PositiveInt = 3
    act: Act = "relu6"
    se: SE = False
    """A squeeze-and-excite after the depthwise conv: ``true`` squeezes to C/4 of its input,
    or a mapping of ``se`` fields (``{ratio: 0.25, of: block}``)."""

    def expand(self) -> Layers:
        body: Layers = []
        if self.expansion != 1:
            body += conv_bn(None, 1, act=self.act, name="expand", expansion=self.expansion)
        body += dw_bn(self.kernel, self.stride, self.act, "dw")
        body += se_layer(self.se, {"reduction": 4})
        body += conv_bn(self.out, 1, act="none", name="project")
        return [{"kind": "residual", "layers": body, "when": "shapes_match"}]


class Bneck(_Block):
    """MobileNetV3 bneck: [pointwise expand → BN → NL] → depthwise → BN → NL → [SE] → linear
    pointwise → BN, added to the input where stride is 1 and in = out. Omit ``exp`` where the
    expansion size equals the input (the first bneck): there is no expansion layer then.
    ``exp_width: from_input`` expands by exp/inp from the actual input, rounded by the width
    rule (TF-slim, Keras), instead of rounding exp·α (torchvision)."""

    kind: Literal["bneck"]
    exp: PositiveInt | None = None
    inp: PositiveInt | None = None
    """The table's input width: what ``exp`` is relative to under ``exp_width: from_input``."""
    exp_width: Literal["scaled", "from_input"] = "scaled"
    out: PositiveInt
    kernel: PositiveInt = 3
    stride: PositiveInt = 1
    se: SE = False
    """``true``: squeeze to make_divisible(C/se_reduction, se_divisor) with a hard-sigmoid
    gate, as MobileNetV3; a mapping of ``se`` fields overrides that."""
    act: Act = "relu"
    se_reduction: PositiveInt = 4
    se_divisor: PositiveInt | None = 8

    @model_validator(mode="after")
    def _inp_for_from_input(self) -> Bneck:
        if self.exp_width == "from_input" and self.exp is not None and self.inp is None:
            raise ValueError("exp_width: from_input needs inp (the table's input width)")
        return self

    def expand(self) -> Layers:
        body: Layers = []
        if self.exp is not None:
            body += conv_bn(self.exp, 1, act=self.act, name="expand", width=self.exp_width,
                            relative_to=self.inp)
        body += dw_bn(self.kernel, self.stride, self.act, "dw")
        body += se_layer(self.se, {"reduction": self.se_reduction, "divisor": self.se_divisor,
                                   "gate": "hsigmoid"})
        body += conv_bn(self.out, 1, act="none", name="project")
        return [{"kind": "residual", "layers": body, "when": "shapes_match"}]


class Fire(_Block):
    """SqueezeNet fire: squeeze 1×1 → ReLU, then expand 1×1 ‖ expand 3×3 (each → ReLU),
    concatenated. Convs have biases, as in the paper; ``act`` replaces the three ReLUs."""

    kind: Literal["fire"]
    squeeze: PositiveInt
    expand1x1: PositiveInt
    expand3x3: PositiveInt
    act: Act = "relu"

    def expand(self) -> Layers:
        act = _act(self.act, named=False)
        return [
            {"kind": "pw", "name": "squeeze", "out": self.squeeze, "bias": True}, *act,
            {"kind": "concat", "branches": [
                [{"kind": "pw", "name": "expand1x1", "out": self.expand1x1, "bias": True}, *act],
                [{"kind": "conv", "name": "expand3x3", "out": self.expand3x3, "kernel": 3,
                  "padding": 1, "bias": True}, *act],
            ]},
        ]


class ShuffleV1Unit(_Block):
    """ShuffleNet unit: grouped 1×1 → BN → ReLU → shuffle → depthwise 3×3 → BN → grouped 1×1 →
    BN; stride 1 adds the input, stride 2 concatenates a 3×3 average pool of it (the last 1×1
    then gives out − in channels); ReLU after the merge (``act`` replaces both ReLUs). The
    bottleneck is out/4."""

    kind: Literal["shufflenet_v1_unit"]
    out: PositiveInt
    stride: Literal[1, 2] = 1
    groups: PositiveInt
    first_groups: PositiveInt | None = None
    """Groups of the first 1×1 (1 in the first unit of stage 2, whose input is only 24 wide)."""
    act: Act = "relu"
    """The activation after the first 1×1 and after the merge."""

    def expand(self) -> Layers:
        mid = self.out // 4
        first = self.groups if self.first_groups is None else self.first_groups
        body = (conv_bn(mid, 1, name="gconv1", groups=first, act=self.act)
                + [{"kind": "shuffle", "groups": self.groups}]
                + dw_bn(3, self.stride, "none", "dw", padding=1)
                + conv_bn(self.out, 1, act="none", name="gconv2", groups=self.groups,
                          minus_input=self.stride == 2))
        if self.stride == 1:
            return [{"kind": "residual", "layers": body}, *_merged_act(self.act)]
        pool = {"kind": "avgpool", "name": "shortcut_pool", "kernel": 3, "stride": 2, "padding": 1}
        # listed in the order they run: the reference code computes the body, then pools the
        # shortcut (the concat puts the pool's channels first; no count depends on that order)
        return [{"kind": "concat", "branches": [body, [pool]]}, *_merged_act(self.act)]


class ShuffleV2Unit(_Block):
    """ShuffleNet V2 unit. Stride 1: split the channels in half; one half passes, the other goes
    1×1 → BN → ReLU → depthwise 3×3 → BN → 1×1 → BN → ReLU. Stride 2: both branches see the
    whole input, the left one depthwise 3×3 s2 → BN → 1×1 → BN → ReLU. Then concat and shuffle.
    ``act`` replaces the ReLUs."""

    kind: Literal["shufflenet_v2_unit"]
    out: PositiveInt
    stride: Literal[1, 2] = 1
    act: Act = "relu"
    """The activation after each branch's 1×1 convs (not after the depthwise)."""

    def expand(self) -> Layers:
        half, act = self.out // 2, self.act
        right = (conv_bn(half, 1, name="pw1", act=act)
                 + dw_bn(3, self.stride, "none", "dw", padding=1)
                 + conv_bn(half, 1, name="pw2", act=act))
        if self.stride == 1:
            concat = {"kind": "concat", "split": True, "branches": [[], right]}
        else:
            left = (dw_bn(3, 2, "none", "left_dw", padding=1)
                    + conv_bn(half, 1, name="left_pw", act=act))
            concat = {"kind": "concat", "branches": [left, right]}
        return [concat, {"kind": "shuffle", "groups": 2}]


class Basic(_Block):
    """ResNet basic block: 3×3 → BN → ReLU → 3×3 → BN, plus the input (a 1×1 conv → BN
    projection where the shape changes), then ReLU."""

    kind: Literal["basic"]
    out: PositiveInt
    stride: PositiveInt = 1
    bias: StrictBool = False
    """Biases on every conv (Keras's default use_bias)."""
    act: Act = "relu"

    def expand(self) -> Layers:
        b = self.bias
        body = (conv_bn(self.out, 3, self.stride, 1, name="conv1", bias=b, act=self.act)
                + conv_bn(self.out, 3, 1, 1, act="none", name="conv2", bias=b))
        return [_projected(body, self.out, self.stride, b), *_merged_act(self.act)]


class Bottleneck(_Block):
    """ResNet / ResNeXt bottleneck: 1×1 (mid) → BN → ReLU → 3×3 (mid, groups) → BN → ReLU →
    1×1 (out) → BN, plus the input (projected where the shape changes), then ReLU. The stride
    sits on the 3×3 (torchvision, "ResNet v1.5") or on the first 1×1 (the original paper)."""

    kind: Literal["bottleneck"]
    mid: PositiveInt
    out: PositiveInt
    stride: PositiveInt = 1
    groups: PositiveInt = 1
    group_width: PositiveInt | None = None
    """Instead of ``groups``: channels per group of the 3×3 (RegNet), groups = mid/group_width."""
    stride_on: Literal["3x3", "1x1"] = "3x3"
    bias: StrictBool = False
    """Biases on every conv (Keras's ResNet50, use_bias default)."""
    act: Act = "relu"
    se: SE = False
    """A squeeze-and-excite after the 3×3 (RegNetY): ``true`` squeezes to a quarter of the
    block's input, floor(0.25·in), or a mapping of ``se`` fields."""
    first: Literal["layers", "shortcut"] = "layers"
    """Which side runs first (the residual's ``first``): torchvision's RegNet computes the
    projection before the body, its ResNet after."""

    @model_validator(mode="after")
    def _groups(self) -> Bottleneck:
        if self.group_width is not None:
            if "groups" in self.model_fields_set:
                raise ValueError("give groups or group_width, not both")
            if self.mid % self.group_width:
                raise ValueError(f"group_width={self.group_width} does not divide mid={self.mid}")
        return self

    def expand(self) -> Layers:
        s1, s3 = (1, self.stride) if self.stride_on == "3x3" else (self.stride, 1)
        b, act = self.bias, self.act
        groups = self.groups if self.group_width is None else self.mid // self.group_width
        body = (conv_bn(self.mid, 1, s1, 0, name="conv1", bias=b, act=act)
                + conv_bn(self.mid, 3, s3, 1, name="conv2", groups=groups, bias=b, act=act)
                + se_layer(self.se, {"ratio": 0.25, "of": "block"})
                + conv_bn(self.out, 1, 1, 0, act="none", name="conv3", bias=b))
        return [{**_projected(body, self.out, self.stride, b), "first": self.first},
                *_merged_act(act)]


def _merged_act(act: str) -> Layers:
    """The activation after a block's merge, named after its function (``layer2.0/relu``)."""
    return _act(act)


def _act(act: str, named: bool = True) -> Layers:
    """An activation layer (none for ``none``), named after its function unless ``named`` is
    false (then its row takes the name of the layer before it)."""
    if act == "none":
        return []
    return [{"kind": "act", "fn": act, **({"name": act} if named else {})}]


class MBConv(_Block):
    """EfficientNet's MBConv: [pointwise expand ×t → BN → act] → depthwise k×k → BN → act →
    squeeze-and-excite (to floor(0.25·block input) by default) → linear pointwise → BN, added
    to the input where stride is 1 and in = out (no expansion layer when t = 1). swish
    (SiLU) by default."""

    kind: Literal["mbconv"]
    out: PositiveInt
    t: PositiveInt = Field(default=6, alias="expand")
    """``expand``: the expansion factor t, the hidden width t × the input."""
    kernel: PositiveInt = 3
    stride: PositiveInt = 1
    act: Act = "swish"
    se: SE = True
    """``true`` squeezes to floor(0.25 × the block's input) (EfficientNet); false for none,
    or a mapping of ``se`` fields."""

    def expand(self) -> Layers:
        t = self.t
        body: Layers = []
        if t != 1:
            body += conv_bn(None, 1, act=self.act, name="expand", expansion=t)
        body += dw_bn(self.kernel, self.stride, self.act, "dw")
        body += se_layer(self.se, {"ratio": 0.25, "of": "block", "act": _inner(self.act)})
        body += conv_bn(self.out, 1, act="none", name="project")
        return [{"kind": "residual", "layers": body, "when": "shapes_match"}]


class FusedMBConv(_Block):
    """EfficientNetV2's Fused-MBConv: k×k conv expanding ×t → BN → act → [SE] → linear
    pointwise → BN; with t = 1 a single k×k conv → BN → act to ``out``. Added to the input
    where stride is 1 and in = out. No SE by default (as EfficientNetV2)."""

    kind: Literal["fused_mbconv"]
    out: PositiveInt
    t: PositiveInt = Field(default=4, alias="expand")
    """``expand``: the expansion factor t."""
    kernel: PositiveInt = 3
    stride: PositiveInt = 1
    act: Act = "swish"
    se: SE = False

    def expand(self) -> Layers:
        t = self.t
        k, s = self.kernel, self.stride
        if t == 1:
            body = conv_bn(self.out, k, s, act=self.act, name="conv")
            body += se_layer(self.se, {"ratio": 0.25, "of": "block", "act": _inner(self.act)})
        else:
            body = conv_bn(None, k, s, act=self.act, name="expand", expansion=t)
            body += se_layer(self.se, {"ratio": 0.25, "of": "block", "act": _inner(self.act)})
            body += conv_bn(self.out, 1, act="none", name="project")
        return [{"kind": "residual", "layers": body, "when": "shapes_match"}]


def _projected(body: Layers, out: int, stride: int, bias: bool) -> dict[str, Any]:
    shortcut = conv_bn(out, 1, stride, 0, act="none", name="downsample", bias=bias)
    return {"kind": "residual", "layers": body, "shortcut": shortcut,
            "when": "project_if_needed"}


class _InceptionBlock(_Block):
    bn_scale: StrictBool = True
    """False: batch norms without γ (Keras's InceptionV3 uses ``scale=False``)."""
    act: Act = "relu"
    """The activation after every conv's batch norm."""

    def cbn(self, *args: Any, **kwargs: Any) -> Layers:
        return conv_bn(*args, bn_scale=self.bn_scale, act=self.act, **kwargs)


class InceptionV1(_InceptionBlock):
    """GoogLeNet inception module with 1×1 reductions: 1×1 ‖ 1×1 → 3×3 ‖ 1×1 → k5×k5 ‖
    3×3 max pool → 1×1, concatenated; every conv → BN → ReLU (torchvision's BasicConv2d)."""

    kind: Literal["inception_v1"]
    c1: PositiveInt
    c3r: PositiveInt
    c3: PositiveInt
    c5r: PositiveInt
    c5: PositiveInt
    pool_proj: PositiveInt
    k5: Literal[3, 5] = 5
    """The paper's 5×5; torchvision's GoogLeNet uses 3×3 there."""

    def expand(self) -> Layers:
        pool = {"kind": "maxpool", "kernel": 3, "stride": 1, "padding": 1, "ceil_mode": True}
        return [{"kind": "concat", "branches": [
            self.cbn(self.c1, 1, name="b1"),
            self.cbn(self.c3r, 1, name="b2_reduce") + self.cbn(self.c3, 3, 1, 1, name="b2"),
            self.cbn(self.c5r, 1, name="b3_reduce")
            + self.cbn(self.c5, self.k5, 1, self.k5 // 2, name="b3"),
            [pool, *self.cbn(self.pool_proj, 1, name="b4")],
        ]}]


def _avg3() -> dict[str, Any]:
    return {"kind": "avgpool", "kernel": 3, "stride": 1, "padding": 1}


def _max3s2() -> dict[str, Any]:
    return {"kind": "maxpool", "kernel": 3, "stride": 2}


class InceptionA(_InceptionBlock):
    """Inception-v3 35×35 module: 1×1 ‖ 1×1 → 5×5 ‖ 1×1 → 3×3 → 3×3 ‖ avg pool → 1×1."""

    kind: Literal["inception_a"]
    pool_features: PositiveInt

    def expand(self) -> Layers:
        return [{"kind": "concat", "branches": [
            self.cbn(64, 1, name="b1x1"),
            self.cbn(48, 1, name="b5x5_1") + self.cbn(64, 5, 1, 2, name="b5x5_2"),
            self.cbn(64, 1, name="b3x3dbl_1") + self.cbn(96, 3, 1, 1, name="b3x3dbl_2")
            + self.cbn(96, 3, 1, 1, name="b3x3dbl_3"),
            [_avg3(), *self.cbn(self.pool_features, 1, name="bpool")],
        ]}]


class InceptionB(_InceptionBlock):
    """Inception-v3 grid reduction 35→17: 3×3 s2 ‖ 1×1 → 3×3 → 3×3 s2 ‖ 3×3 max pool s2."""

    kind: Literal["inception_b"]

    def expand(self) -> Layers:
        return [{"kind": "concat", "branches": [
            self.cbn(384, 3, 2, 0, name="b3x3"),
            self.cbn(64, 1, name="b3x3dbl_1") + self.cbn(96, 3, 1, 1, name="b3x3dbl_2")
            + self.cbn(96, 3, 2, 0, name="b3x3dbl_3"),
            [_max3s2()],
        ]}]


class InceptionC(_InceptionBlock):
    """Inception-v3 17×17 module with 7×7 factorised into 1×7 and 7×1: 1×1 ‖ 1×1 → 1×7 → 7×1 ‖
    1×1 → 7×1 → 1×7 → 7×1 → 1×7 ‖ avg pool → 1×1."""

    kind: Literal["inception_c"]
    c7: PositiveInt

    def expand(self) -> Layers:
        c7 = self.c7
        row, col = {"kernel": (1, 7), "padding": (0, 3)}, {"kernel": (7, 1), "padding": (3, 0)}
        return [{"kind": "concat", "branches": [
            self.cbn(192, 1, name="b1x1"),
            self.cbn(c7, 1, name="b7x7_1") + self.cbn(c7, name="b7x7_2", **row)
            + self.cbn(192, name="b7x7_3", **col),
            self.cbn(c7, 1, name="b7x7dbl_1") + self.cbn(c7, name="b7x7dbl_2", **col)
            + self.cbn(c7, name="b7x7dbl_3", **row) + self.cbn(c7, name="b7x7dbl_4", **col)
            + self.cbn(192, name="b7x7dbl_5", **row),
            [_avg3(), *self.cbn(192, 1, name="bpool")],
        ]}]


class InceptionD(_InceptionBlock):
    """Inception-v3 grid reduction 17→8: 1×1 → 3×3 s2 ‖ 1×1 → 1×7 → 7×1 → 3×3 s2 ‖ max pool."""

    kind: Literal["inception_d"]

    def expand(self) -> Layers:
        return [{"kind": "concat", "branches": [
            self.cbn(192, 1, name="b3x3_1") + self.cbn(320, 3, 2, 0, name="b3x3_2"),
            self.cbn(192, 1, name="b7x7x3_1")
            + self.cbn(192, (1, 7), 1, (0, 3), name="b7x7x3_2")
            + self.cbn(192, (7, 1), 1, (3, 0), name="b7x7x3_3")
            + self.cbn(192, 3, 2, 0, name="b7x7x3_4"),
            [_max3s2()],
        ]}]


class InceptionE(_InceptionBlock):
    """Inception-v3 8×8 module with expanded filter banks: 1×1 ‖ 1×1 → (1×3 ‖ 3×1) ‖
    1×1 → 3×3 → (1×3 ‖ 3×1) ‖ avg pool → 1×1."""

    kind: Literal["inception_e"]

    def expand(self) -> Layers:
        def fork(prefix: str) -> dict[str, Any]:
            return {"kind": "concat", "branches": [
                self.cbn(384, (1, 3), 1, (0, 1), name=f"{prefix}a"),
                self.cbn(384, (3, 1), 1, (1, 0), name=f"{prefix}b"),
            ]}

        return [{"kind": "concat", "branches": [
            self.cbn(320, 1, name="b1x1"),
            [*self.cbn(384, 1, name="b3x3_1"), fork("b3x3_2")],
            [*self.cbn(448, 1, name="b3x3dbl_1"), *self.cbn(384, 3, 1, 1, name="b3x3dbl_2"),
             fork("b3x3dbl_3")],
            [_avg3(), *self.cbn(192, 1, name="bpool")],
        ]}]


Block = (
    ConvBN | SepConv | DepthwiseSeparable | InvertedResidual | Bneck | Fire | ShuffleV1Unit
    | ShuffleV2Unit | Basic | Bottleneck | InceptionV1 | InceptionA | InceptionB | InceptionC
    | InceptionD | InceptionE | MBConv | FusedMBConv
)
"""Every block a spec can name by its ``kind``."""
