"""ShuffleNet V1 and V2 in PyTorch, written by hand from the papers and their reference code.

Written from these, not generated from mbcalc's YAML specs: they check the engine.

ShuffleNet V1 (Zhang et al. 2017, arXiv:1707.01083, Table 1 and Figure 2; Megvii's reference
code, ShuffleNet-Series/ShuffleNetV1). Stem: conv 3×3 stride 2 (padding 1) → BN → ReLU, then a
3×3 max pool stride 2 (padding 1). Stages 2–4 of 4, 8 and 4 units; the first unit of each has
stride 2. A unit: grouped 1×1 to out/4 → BN → ReLU → channel shuffle → depthwise 3×3 (padding 1)
→ BN → grouped 1×1 → BN. Stride 1 adds the input, then ReLU. Stride 2 concatenates a 3×3 average
pool (stride 2, padding 1) of the input, so its last 1×1 gives out − in channels; ReLU after.
The first 1×1 of stage 2 is not grouped (its input is only the stem's). Head: global average
pool, fully connected without a bias (as the reference code). No conv has a bias.

Widths of ShuffleNet V1 s×: the paper scales "the number of filters" by s without a rounding
rule. Here every stage width is c·s rounded to the nearest multiple of 4g (ties up), so that the
bottleneck (a quarter) is a multiple of g; the stem is the reference code's per-size width (12 at
0.5×, 24 at 1× and 1.5×, 48 at 2×; 12 also at 0.25×, which the code lacks) rounded to the nearest
multiple of g (ties up), so that stage 2's first grouped 1×1 divides. This gives exactly the
reference code's tables for g = 3 and g = 8.

ShuffleNet V2 (Ma et al. 2018, arXiv:1807.11164, Table 5; torchvision's ``shufflenet_v2_*``).
Stem as V1. A unit of stride 1 splits the channels in half: one half passes, the other goes
1×1 → BN → ReLU → depthwise 3×3 → BN → 1×1 → BN → ReLU. A unit of stride 2 feeds the whole input
to both branches: left depthwise 3×3 stride 2 → BN → 1×1 → BN → ReLU, right as above with the
depthwise at stride 2; each branch gives out/2. Concatenate, shuffle with 2 groups. Head: 1×1
conv → BN → ReLU, global average pool, fully connected with a bias.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import torch
from torch import Tensor, nn

V1_STAGES: dict[int, tuple[int, int, int]] = {
    1: (144, 288, 576),
    2: (200, 400, 800),
    3: (240, 480, 960),
    4: (272, 544, 1088),
    8: (384, 768, 1536),
}
"""Paper Table 1: output channels of stages 2, 3, 4 of ShuffleNet 1× by number of groups g."""

V1_STEM: dict[Fraction, int] = {
    Fraction(1, 4): 12,
    Fraction(1, 2): 12,
    Fraction(1): 24,
    Fraction(3, 2): 24,
    Fraction(2): 48,
}
"""Stem width by scale s before rounding to a multiple of g: the reference code's 12, 24, 24, 48
at 0.5×–2× (it keeps 24 at 1.5×), and 12 at 0.25×."""

V1_REPEATS = (4, 8, 4)
"""Units in stages 2, 3, 4."""


def nearest_multiple(value: Fraction, divisor: int) -> int:
    """The multiple of ``divisor`` nearest to ``value`` (halves up), at least ``divisor``."""
    return max(divisor, math.floor(value / divisor + Fraction(1, 2)) * divisor)


def v1_widths(groups: int, scale: float | str) -> tuple[int, tuple[int, int, int]]:
    """Stem width and stage 2–4 widths of ShuffleNet V1 s× (``scale``: 0.5 or "0.5x") with g
    groups."""
    if groups not in V1_STAGES:
        raise ValueError(f"groups must be one of {sorted(V1_STAGES)}, got {groups}")
    s = Fraction(str(scale).removesuffix("x"))
    if s not in V1_STEM:
        raise ValueError(f"scale must be one of 0.25, 0.5, 1, 1.5, 2, got {scale}")
    stem = nearest_multiple(Fraction(V1_STEM[s]), groups)
    c2, c3, c4 = (nearest_multiple(c * s, 4 * groups) for c in V1_STAGES[groups])
    return stem, (c2, c3, c4)


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """Reshape channels to (groups, C/groups), transpose, flatten: a permutation."""
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)


def _bn_conv(in_channels: int, out_channels: int, kernel: int = 1, stride: int = 1,
             groups: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(in_channels, out_channels, kernel, stride, padding=kernel // 2,
                      groups=groups, bias=False),
            nn.BatchNorm2d(out_channels)]


class ShuffleV1Unit(nn.Module):
    """Grouped 1×1 → BN → ReLU → shuffle → depthwise 3×3 → BN → grouped 1×1 → BN; then add the
    input (stride 1) or concatenate its 3×3 average pool (stride 2); ReLU."""

    def __init__(self, in_channels: int, out_channels: int, groups: int, stride: int,
                 first_groups: int | None = None) -> None:
        super().__init__()
        self.stride, self.groups = stride, groups
        mid = out_channels // 4
        branch_out = out_channels - in_channels if stride == 2 else out_channels
        first = groups if first_groups is None else first_groups
        self.gconv1 = nn.Sequential(*_bn_conv(in_channels, mid, groups=first), nn.ReLU())
        self.dw = nn.Sequential(*_bn_conv(mid, mid, 3, stride, groups=mid))
        self.gconv2 = nn.Sequential(*_bn_conv(mid, branch_out, groups=groups))
        self.pool = nn.AvgPool2d(3, 2, padding=1) if stride == 2 else None

    def forward(self, x: Tensor) -> Tensor:
        y = self.gconv2(self.dw(channel_shuffle(self.gconv1(x), self.groups)))
        merged = x + y if self.pool is None else torch.cat((self.pool(x), y), dim=1)
        return torch.relu(merged)


def shufflenet_v1(groups: int = 3, scale: float | str = 1.0, classes: int = 1000) -> nn.Module:
    """ShuffleNet V1 s× (``scale``) with ``groups`` groups and a ``classes``-way classifier."""
    stem, stages = v1_widths(groups, scale)
    layers: list[nn.Module] = [*_bn_conv(3, stem, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1)]
    channels = stem
    for stage, (out, repeats) in enumerate(zip(stages, V1_REPEATS, strict=True)):
        for i in range(repeats):
            first_groups = 1 if stage == 0 and i == 0 else None
            layers.append(ShuffleV1Unit(channels, out, groups, 2 if i == 0 else 1, first_groups))
            channels = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(channels, classes, bias=False))


V2_STAGES: dict[str, tuple[int, int, int, int]] = {
    "x0_5": (48, 96, 192, 1024),
    "x1_0": (116, 232, 464, 1024),
    "x1_5": (176, 352, 704, 1024),
    "x2_0": (244, 488, 976, 2048),
}
"""Paper Table 5 (torchvision's stages_out_channels): stages 2–4 and conv5 by size."""


class ShuffleV2Unit(nn.Module):
    """torchvision's InvertedResidual: split (stride 1) or two strided branches, concat, shuffle."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        half = out_channels // 2
        if stride == 2:
            self.branch1: nn.Module = nn.Sequential(
                *_bn_conv(in_channels, in_channels, 3, 2, groups=in_channels),
                *_bn_conv(in_channels, half), nn.ReLU())
            into = in_channels
        else:
            self.branch1 = nn.Identity()
            into = half
        self.branch2 = nn.Sequential(
            *_bn_conv(into, half), nn.ReLU(),
            *_bn_conv(half, half, 3, stride, groups=half),
            *_bn_conv(half, half), nn.ReLU())

    def forward(self, x: Tensor) -> Tensor:
        if self.stride == 1:
            left, right = x.chunk(2, dim=1)
            out = torch.cat((left, self.branch2(right)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


def shufflenet_v2(size: str, classes: int = 1000) -> nn.Module:
    """ShuffleNet V2 of ``size`` (x0_5, x1_0, x1_5, x2_0) with a ``classes``-way classifier."""
    *stages, last = V2_STAGES[size]
    layers: list[nn.Module] = [*_bn_conv(3, 24, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1)]
    channels = 24
    for out, repeats in zip(stages, V1_REPEATS, strict=True):
        for i in range(repeats):
            layers.append(ShuffleV2Unit(channels, out, 2 if i == 0 else 1))
            channels = out
    return nn.Sequential(*layers, *_bn_conv(channels, last), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(last, classes))


def _v2(size: str) -> Callable[..., nn.Module]:
    def build(classes: int = 1000) -> nn.Module:
        return shufflenet_v2(size, classes)

    build.__doc__ = f"ShuffleNet V2 {size} (torchvision's shufflenet_v2_{size})."
    return build


MODELS: dict[str, Callable[..., nn.Module]] = {
    "shufflenet_v1": shufflenet_v1,
    **{f"shufflenet_v2_{size}": _v2(size) for size in V2_STAGES},
}
"""Builders by zoo name, taking the spec's variables as keyword arguments."""
