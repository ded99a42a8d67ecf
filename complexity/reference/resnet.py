"""ResNet, ResNeXt and Wide ResNet in PyTorch, written by hand from the papers and torchvision's
layout.

He et al. 2015 (arXiv:1512.03385), Table 1; Xie et al. 2016 (arXiv:1611.05431), Table 1;
Zagoruyko & Komodakis 2016 (arXiv:1605.07146): Wide ResNet-50-2 and -101-2 double the
bottleneck's inner width (torchvision's width_per_group 128).
Written from the papers, not generated from mbcalc's YAML specs: it checks the engine.

Stem: 7×7 conv, stride 2, padding 3, 3 → 64 → BN → ReLU → 3×3 max pool, stride 2, padding 1.
Body: four stages of blocks at 64, 128, 256, 512 "planes"; the first block of stages 2–4 has
stride 2. Where a block changes the shape, its shortcut is a 1×1 conv (with the block's stride)
→ BN; elsewhere it is the identity. After the add, ReLU.
Depths 18, 34, 50, 101, 152 have 2-2-2-2, 3-4-6-3, 3-4-6-3, 3-4-23-3, 3-8-36-3 blocks.
- basic (ResNet-18, -34): 3×3 → BN → ReLU → 3×3 → BN, planes wide.
- bottleneck (ResNet-50/101/152, ResNeXt, Wide ResNet): 1×1 → BN → ReLU → 3×3 (groups g) → BN
  → ReLU → 1×1 → BN; mid = planes·(width_per_group/64)·g, out = 4·planes. ResNeXt-50 32×4d:
  g = 32, width 4, so mid = 2·planes; ResNeXt-101 32×8d and 64×4d: mid = 4·planes; Wide ResNet:
  g = 1, width 128, mid = 2·planes.
Head: global average pool, fully connected 512 (or 2048) → classes with bias.

Variants (of every bottleneck depth; Keras ships ResNet50, ResNet101, ResNet152):
- ``torchvision`` ("v1.5"): the stride sits on the bottleneck's 3×3 conv; no conv has a bias.
- ``keras`` (the paper's original, ``keras.applications.ResNet50``): the stride sits on the
  first 1×1 conv, and every conv, the stem's and the shortcuts' included, has a bias.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import torch
from torch import nn

Variant = Literal["torchvision", "keras"]
StrideOn = Literal["3x3", "1x1"]

STAGE_PLANES = (64, 128, 256, 512)
"""The planes of the four stages (conv2_x … conv5_x in the paper's Table 1)."""

VARIANTS: dict[str, tuple[StrideOn, bool]] = {
    "torchvision": ("3x3", False),
    "keras": ("1x1", True),
}
"""ResNet-50 variant → (where the stride sits, whether convs have biases)."""


def _conv(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1,
          bias: bool = False) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel, stride, padding=kernel // 2, groups=groups, bias=bias)


class Basic(nn.Module):
    """3×3 → BN → ReLU → 3×3 → BN, plus the (projected) input, then ReLU."""

    expansion = 1

    def __init__(self, cin: int, planes: int, stride: int) -> None:
        super().__init__()
        self.conv1 = _conv(cin, planes, 3, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = _conv(planes, planes, 3)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _shortcut(cin, planes, stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        out: torch.Tensor = self.relu(y + self.downsample(x))
        return out


class Bottleneck(nn.Module):
    """1×1 → BN → ReLU → 3×3 (grouped) → BN → ReLU → 1×1 (4·planes) → BN, plus the (projected)
    input, then ReLU; the stride on the 3×3 or on the first 1×1."""

    expansion = 4

    def __init__(self, cin: int, planes: int, stride: int, groups: int = 1,
                 width_per_group: int = 64, stride_on: StrideOn = "3x3",
                 bias: bool = False) -> None:
        super().__init__()
        mid = planes * width_per_group // 64 * groups
        out = planes * self.expansion
        s1, s3 = (1, stride) if stride_on == "3x3" else (stride, 1)
        self.conv1 = _conv(cin, mid, 1, s1, bias=bias)
        self.bn1 = nn.BatchNorm2d(mid)
        self.conv2 = _conv(mid, mid, 3, s3, groups=groups, bias=bias)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv3 = _conv(mid, out, 1, bias=bias)
        self.bn3 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _shortcut(cin, out, stride, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        out: torch.Tensor = self.relu(y + self.downsample(x))
        return out


def _shortcut(cin: int, cout: int, stride: int, bias: bool) -> nn.Module:
    """The identity where the shape is kept; else a 1×1 conv with the block's stride → BN."""
    if stride == 1 and cin == cout:
        return nn.Identity()
    return nn.Sequential(_conv(cin, cout, 1, stride, bias=bias), nn.BatchNorm2d(cout))


class ResNet(nn.Module):
    """Stem, four stages of ``blocks[i]`` blocks, global average pool, fc."""

    def __init__(self, kind: Literal["basic", "bottleneck"], blocks: tuple[int, int, int, int],
                 num_classes: int = 1000, groups: int = 1, width_per_group: int = 64,
                 stride_on: StrideOn = "3x3", bias: bool = False) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, padding=3, bias=bias)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, padding=1)
        channels = 64
        stages: list[nn.Module] = []
        for index, (planes, count) in enumerate(zip(STAGE_PLANES, blocks, strict=True)):
            layers: list[nn.Module] = []
            for b in range(count):
                stride = 2 if index > 0 and b == 0 else 1
                block: Basic | Bottleneck
                if kind == "basic":
                    block = Basic(channels, planes, stride)
                else:
                    block = Bottleneck(channels, planes, stride, groups, width_per_group,
                                       stride_on, bias)
                layers.append(block)
                channels = planes * block.expansion
            stages.append(nn.Sequential(*layers))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        logits: torch.Tensor = self.fc(torch.flatten(self.avgpool(x), 1))
        return logits


def resnet18(num_classes: int = 1000) -> ResNet:
    """ResNet-18: basic blocks, 2, 2, 2, 2."""
    return ResNet("basic", (2, 2, 2, 2), num_classes)


def resnet50(num_classes: int = 1000, variant: Variant = "torchvision") -> ResNet:
    """ResNet-50: bottlenecks, 3, 4, 6, 3; ``variant`` as in the module docstring."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    stride_on, bias = VARIANTS[variant]
    return ResNet("bottleneck", (3, 4, 6, 3), num_classes, stride_on=stride_on, bias=bias)


def resnext50_32x4d(num_classes: int = 1000) -> ResNet:
    """ResNeXt-50 (32×4d): ResNet-50's bottlenecks with 32 groups of width 4 (mid = 2·planes)."""
    return ResNet("bottleneck", (3, 4, 6, 3), num_classes, groups=32, width_per_group=4)


BLOCKS: dict[int, tuple[Literal["basic", "bottleneck"], tuple[int, int, int, int]]] = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}
"""Depth → block kind and blocks per stage (He et al. 2015, Table 1)."""


def resnet(depth: int, num_classes: int = 1000, groups: int = 1, width_per_group: int = 64,
           variant: Variant = "torchvision") -> ResNet:
    """ResNet-``depth`` (ResNeXt with ``groups`` > 1; Wide ResNet with width_per_group 128)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    stride_on, bias = VARIANTS[variant]
    kind, blocks = BLOCKS[depth]
    return ResNet(kind, blocks, num_classes, groups, width_per_group, stride_on, bias)


def _member(depth: int, groups: int = 1, width_per_group: int = 64) -> Callable[..., ResNet]:
    """A zoo builder taking the spec's variables ``classes`` and ``variant``."""

    def build(classes: int = 1000, variant: Variant = "torchvision") -> ResNet:
        return resnet(depth, classes, groups, width_per_group, variant)

    return build


def _resnet18(classes: int = 1000) -> ResNet:
    return resnet18(classes)


def _resnet50(classes: int = 1000, variant: Variant = "torchvision") -> ResNet:
    return resnet50(classes, variant)


def _resnext50_32x4d(classes: int = 1000) -> ResNet:
    return resnext50_32x4d(classes)


MODELS: dict[str, Callable[..., nn.Module]] = {
    "resnet18": _resnet18,
    "resnet34": _member(34),
    "resnet50": _resnet50,
    "resnet101": _member(101),
    "resnet152": _member(152),
    "resnext50_32x4d": _resnext50_32x4d,
    "resnext101_32x8d": _member(101, groups=32, width_per_group=8),
    "resnext101_64x4d": _member(101, groups=64, width_per_group=4),
    "wide_resnet50_2": _member(50, width_per_group=128),
    "wide_resnet101_2": _member(101, width_per_group=128),
}
"""Builders by zoo name, taking the spec's variables as keyword arguments."""
