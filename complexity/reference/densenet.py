"""DenseNet-BC 121, 161, 169, 201 in PyTorch, written by hand from the paper (Huang et al. 2016,
arXiv:1608.06993, Table 1) and torchvision's layout.

Written from those, not generated from mbcalc's YAML specs: it checks the engine.
Stem: 7×7 conv stride 2 (padding 3), 3 → 2k channels (k the growth rate), BN, ReLU, 3×3 max
pool stride 2 (padding 1). Four dense blocks; a dense layer is BN → ReLU → 1×1 conv to 4k → BN
→ ReLU → 3×3 conv (padding 1) to k, and its output is concatenated to its input. Between two
blocks a transition: BN → ReLU → 1×1 conv to half the channels → 2×2 average pool stride 2.
Head: BN → ReLU → global average pool → fully connected with a bias. No conv has a bias.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

CONFIGS: dict[int, tuple[int, tuple[int, int, int, int]]] = {
    121: (32, (6, 12, 24, 16)),
    161: (48, (6, 12, 36, 24)),
    169: (32, (6, 12, 32, 32)),
    201: (32, (6, 12, 48, 32)),
}
"""Depth → growth rate k and dense layers per block (Table 1; 161: k = 48)."""


class DenseLayer(nn.Module):
    """BN → ReLU → 1×1 (4k) → BN → ReLU → 3×3 (k), concatenated to the input."""

    def __init__(self, channels: int, growth: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(channels), nn.ReLU(inplace=False),
            nn.Conv2d(channels, 4 * growth, 1, bias=False),
            nn.BatchNorm2d(4 * growth), nn.ReLU(inplace=True),
            nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, self.body(x)], dim=1)


def densenet(depth: int, classes: int = 1000) -> nn.Module:
    """DenseNet-BC-``depth`` with a ``classes``-way classifier."""
    growth, blocks = CONFIGS[depth]
    channels = 2 * growth
    layers: list[nn.Module] = [
        nn.Conv2d(3, channels, 7, stride=2, padding=3, bias=False),
        nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
        nn.MaxPool2d(3, stride=2, padding=1),
    ]
    for index, count in enumerate(blocks):
        for _ in range(count):
            layers.append(DenseLayer(channels, growth))
            channels += growth
        if index < len(blocks) - 1:
            layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
                       nn.Conv2d(channels, channels // 2, 1, bias=False),
                       nn.AvgPool2d(2, stride=2)]
            channels //= 2
    return nn.Sequential(
        *layers,
        nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(channels, classes),
    )


def _member(depth: int) -> Callable[..., nn.Module]:
    def build(classes: int = 1000) -> nn.Module:
        return densenet(depth, classes)

    return build


MODELS: dict[str, Callable[..., nn.Module]] = {
    f"densenet{depth}": _member(depth) for depth in CONFIGS
}
"""Zoo name → builder; keyword arguments are the specs' variables (``classes``)."""
