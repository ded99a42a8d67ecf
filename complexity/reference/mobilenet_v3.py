"""MobileNetV3-Large and -Small in PyTorch, written by hand from the paper (Howard et al. 2019,
"Searching for MobileNetV3", arXiv:1905.02244, Tables 1 and 2) and its reference code.

Written from those, not generated from mbcalc's YAML specs: it checks the engine.
Stem: conv 3×3 stride 2 (padding 1), 3 → 16 channels, BN, h-swish.
Body: the bneck rows of Table 1 (Large) or Table 2 (Small): [1×1 expansion → BN → NL] →
k×k depthwise (padding k // 2) → BN → NL → [squeeze-and-excite] → linear 1×1 projection → BN;
the input is added where the stride is 1 and in = out. NL is ReLU or h-swish as the table says.
Squeeze-and-excite: global average pool → 1×1 conv (bias) to make_divisible(exp / 4, 8) →
ReLU → 1×1 conv (bias) back to exp → hard sigmoid, which scales the block's channels.
Head: 1×1 conv to 960 (Large) / 576 (Small) → BN → h-swish, global average pool, then the
paper's two 1×1 convs without BN ("NBN"), here fully connected layers with biases as in
torchvision: → 1280 (Large) / 1024 (Small) → h-swish → dropout 0.2 → classes.
No conv outside squeeze-and-excite has a bias.

Width multiplier α, by ``rounding`` (make_divisible: nearest multiple of 8, ties up, at least 8,
plus 8 if that lost more than 10 %):

- ``tf`` (the default; TF-slim's research/slim/nets/mobilenet/mobilenet_v3.py with
  finegrain_classification_mode=True, as the released checkpoints and the paper's Table 3 were
  built): outputs, stem and last conv (960 / 576) are make_divisible(c·α); a bneck's expansion
  is make_divisible(in·e) (expand_input_by_factor), where in is the block's actual (rounded)
  input and e the table's expansion / input ratio (2.5, 184/80, 72/16, 88/24 …); it expands
  only where that exceeds the input; the 1280 / 1024 head keeps its width.
- ``keras`` (keras.applications.MobileNetV3Large / Small, ported from TF-slim): as ``tf`` but
  the stem keeps 16 channels, the first bneck never expands, the last conv is
  make_divisible(6 × the last output) and the head widens (make_divisible(c·α)) only for α > 1.
- ``torchvision`` (torchvision.models.mobilenetv3): every width of the tables — input,
  expansion and output of each bneck, and the head's 1280 / 1024 — becomes
  make_divisible(c·α); the stem is the first bneck's input; the last conv is 6 × the last bneck's
  output; a bneck expands where its expansion width differs from its input width.

All three agree at α = 1. Widths are computed in binary floating point, as the reference code
does (200 × (184/80) = 459.99… rounds to 456, where exact arithmetic gives 464).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from torch import Tensor, nn

Rounding = Literal["tf", "keras", "torchvision"]
ROUNDINGS: tuple[Rounding, ...] = ("tf", "keras", "torchvision")
"""Whose width rounding: TF-slim's (the paper's), Keras's port of it, torchvision's."""


@dataclass(frozen=True)
class Row:
    """One bneck row of the paper's table, at α = 1."""

    kernel: int
    inp: int
    exp: int
    out: int
    se: bool
    hswish: bool
    stride: int


LARGE: tuple[Row, ...] = (
    Row(3, 16, 16, 16, False, False, 1),
    Row(3, 16, 64, 24, False, False, 2),
    Row(3, 24, 72, 24, False, False, 1),
    Row(5, 24, 72, 40, True, False, 2),
    Row(5, 40, 120, 40, True, False, 1),
    Row(5, 40, 120, 40, True, False, 1),
    Row(3, 40, 240, 80, False, True, 2),
    Row(3, 80, 200, 80, False, True, 1),
    Row(3, 80, 184, 80, False, True, 1),
    Row(3, 80, 184, 80, False, True, 1),
    Row(3, 80, 480, 112, True, True, 1),
    Row(3, 112, 672, 112, True, True, 1),
    Row(5, 112, 672, 160, True, True, 2),
    Row(5, 160, 960, 160, True, True, 1),
    Row(5, 160, 960, 160, True, True, 1),
)
"""Table 1, MobileNetV3-Large: kernel, input, exp size, #out, SE, NL = HS, stride."""

SMALL: tuple[Row, ...] = (
    Row(3, 16, 16, 16, True, False, 2),
    Row(3, 16, 72, 24, False, False, 2),
    Row(3, 24, 88, 24, False, False, 1),
    Row(5, 24, 96, 40, True, True, 2),
    Row(5, 40, 240, 40, True, True, 1),
    Row(5, 40, 240, 40, True, True, 1),
    Row(5, 40, 120, 48, True, True, 1),
    Row(5, 48, 144, 48, True, True, 1),
    Row(5, 48, 288, 96, True, True, 2),
    Row(5, 96, 576, 96, True, True, 1),
    Row(5, 96, 576, 96, True, True, 1),
)
"""Table 2, MobileNetV3-Small: kernel, input, exp size, #out, SE, NL = HS, stride."""

HEADS = {"mobilenet_v3_large": (LARGE, 960, 1280), "mobilenet_v3_small": (SMALL, 576, 1024)}
"""Zoo name → (bneck rows, last conv width, head width), at α = 1."""


def make_divisible(value: float, divisor: int = 8) -> int:
    """The reference code's ``_make_divisible``: nearest multiple of ``divisor`` (ties up), at
    least ``divisor``, plus one more ``divisor`` if rounding down lost more than 10 %."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def _conv_bn(in_channels: int, out_channels: int, kernel: int, stride: int = 1,
             groups: int = 1, act: Callable[[], nn.Module] | None = None) -> list[nn.Module]:
    layers: list[nn.Module] = [
        nn.Conv2d(in_channels, out_channels, kernel, stride, padding=kernel // 2, groups=groups,
                  bias=False),
        nn.BatchNorm2d(out_channels),
    ]
    return layers + ([act()] if act is not None else [])


class SqueezeExcite(nn.Module):
    """Global pool → 1×1 conv → ReLU → 1×1 conv → hard sigmoid, scaling the input's channels."""

    def __init__(self, channels: int, squeezed: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeezed, 1, bias=True)
        self.relu = nn.ReLU()
        self.fc2 = nn.Conv2d(squeezed, channels, 1, bias=True)
        self.gate = nn.Hardsigmoid()

    def forward(self, x: Tensor) -> Tensor:
        scale: Tensor = self.gate(self.fc2(self.relu(self.fc1(self.pool(x)))))
        return x * scale


class Bneck(nn.Module):
    """[1×1 expand → BN → NL] → depthwise → BN → NL → [SE] → 1×1 project → BN (+ input)."""

    def __init__(self, in_channels: int, expanded: int, out_channels: int, row: Row) -> None:
        super().__init__()
        act: Callable[[], nn.Module] = nn.Hardswish if row.hswish else nn.ReLU
        layers: list[nn.Module] = []
        if expanded != in_channels:
            layers += _conv_bn(in_channels, expanded, 1, act=act)
        layers += _conv_bn(expanded, expanded, row.kernel, row.stride, groups=expanded, act=act)
        if row.se:
            layers.append(SqueezeExcite(expanded, make_divisible(expanded / 4)))
        layers += _conv_bn(expanded, out_channels, 1)
        self.body = nn.Sequential(*layers)
        self.residual = row.stride == 1 and in_channels == out_channels

    def forward(self, x: Tensor) -> Tensor:
        y: Tensor = self.body(x)
        return x + y if self.residual else y


def _expanded(channels: int, row: Row, first: bool, alpha: float, rounding: Rounding) -> int:
    """The width a bneck expands its (rounded) input of ``channels`` to."""
    if rounding == "torchvision":
        return make_divisible(row.exp * alpha)
    if first and rounding == "keras":
        return channels  # Keras's block 0 has no expansion layer, whatever the widths
    expanded = make_divisible(channels * (row.exp / row.inp))
    return expanded if expanded > channels else channels  # TF expands only to more channels


def mobilenet_v3(name: str, alpha: float = 1.0, classes: int = 1000,
                 rounding: Rounding = "tf") -> nn.Module:
    """MobileNetV3 ``name`` (zoo name) at width multiplier ``alpha``, rounded as ``rounding``
    says, with a ``classes``-way classifier."""
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDINGS)}, not {rounding!r}")
    rows, last_width, head_width = HEADS[name]
    channels = 16 if rounding == "keras" else make_divisible(16 * alpha)
    layers = _conv_bn(3, channels, 3, stride=2, act=nn.Hardswish)
    for i, row in enumerate(rows):
        expanded = _expanded(channels, row, i == 0, alpha, rounding)
        out = make_divisible(row.out * alpha)
        layers.append(Bneck(channels, expanded, out, row))
        channels = out
    if rounding == "torchvision":
        last, head = 6 * channels, make_divisible(head_width * alpha)
    elif rounding == "tf":
        last, head = make_divisible(last_width * alpha), head_width
    else:
        last = make_divisible(6 * channels)
        head = make_divisible(head_width * alpha) if alpha > 1 else head_width
    layers += _conv_bn(channels, last, 1, act=nn.Hardswish)
    return nn.Sequential(
        *layers,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(last, head, bias=True),
        nn.Hardswish(),
        nn.Dropout(p=0.2),
        nn.Linear(head, classes, bias=True),
    )


def mobilenet_v3_large(alpha: float = 1.0, classes: int = 1000,
                       rounding: Rounding = "tf") -> nn.Module:
    """MobileNetV3-Large, rounded as ``rounding`` says (the spec's variable)."""
    return mobilenet_v3("mobilenet_v3_large", alpha, classes, rounding)


def mobilenet_v3_small(alpha: float = 1.0, classes: int = 1000,
                       rounding: Rounding = "tf") -> nn.Module:
    """MobileNetV3-Small, rounded as ``rounding`` says (the spec's variable)."""
    return mobilenet_v3("mobilenet_v3_small", alpha, classes, rounding)


MODELS = {"mobilenet_v3_large": mobilenet_v3_large, "mobilenet_v3_small": mobilenet_v3_small}
"""Builders by zoo name, taking α and the spec's variables as keyword arguments."""
