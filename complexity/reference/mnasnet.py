"""MNASNet (without squeeze-and-excite) in PyTorch, written by hand from torchvision's layout of
Tan et al. 2018 (arXiv:1807.11626) and its depth rounding.

Written from those, not generated from mbcalc's YAML specs: it checks the engine.
Depths 32, 16, 24, 40, 80, 96, 192, 320 times α, each rounded to a multiple of 8 by
torchvision's ``_round_to_multiple_of`` (nearest multiple, ties up, at least 8; one more 8 where
that is below 0.9·c·α). Stem: 3×3 conv stride 2 → BN → ReLU → 3×3 depthwise → BN → ReLU → 1×1
→ BN. Six stacks of inverted residuals (1×1 expand ×t → BN → ReLU → k×k depthwise → BN → ReLU
→ 1×1 → BN, plus the input where the stride is 1 and in = out). Head: 1×1 conv to 1280 → BN →
ReLU, global average pool, dropout, fully connected with a bias. No conv has a bias.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

DEPTHS = (32, 16, 24, 40, 80, 96, 192, 320)
"""The depths at α = 1: stem, stem projection, and the six stacks' outputs."""
STACKS: tuple[tuple[int, int, int, int], ...] = (
    (3, 2, 3, 3), (5, 2, 3, 3), (5, 2, 6, 3), (3, 1, 6, 2), (5, 2, 6, 4), (3, 1, 6, 1),
)
"""Each stack: kernel, stride of its first block, expansion t, blocks."""


def round_to_multiple_of(value: float, divisor: int = 8, round_up_bias: float = 0.9) -> int:
    """torchvision's depth rounding (``_round_to_multiple_of``)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded if rounded >= round_up_bias * value else rounded + divisor


class InvertedResidual(nn.Module):
    """1×1 expand → BN → ReLU → k×k depthwise → BN → ReLU → 1×1 → BN (+ the input)."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expansion: int) -> None:
        super().__init__()
        mid = cin * expansion
        self.body = nn.Sequential(
            nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, kernel, stride, padding=kernel // 2, groups=mid, bias=False),
            nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout),
        )
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y: torch.Tensor = self.body(x)
        return x + y if self.residual else y


def mnasnet(alpha: float, classes: int = 1000) -> nn.Module:
    """MNASNet at depth multiplier ``alpha`` with a ``classes``-way classifier."""
    d = [round_to_multiple_of(c * alpha) for c in DEPTHS]
    layers: list[nn.Module] = [
        nn.Conv2d(3, d[0], 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(d[0]),
        nn.ReLU(inplace=True),
        nn.Conv2d(d[0], d[0], 3, padding=1, groups=d[0], bias=False), nn.BatchNorm2d(d[0]),
        nn.ReLU(inplace=True),
        nn.Conv2d(d[0], d[1], 1, bias=False), nn.BatchNorm2d(d[1]),
    ]
    channels = d[1]
    for out, (kernel, stride, expansion, blocks) in zip(d[2:], STACKS, strict=True):
        for index in range(blocks):
            layers.append(InvertedResidual(channels, out, kernel, stride if index == 0 else 1,
                                           expansion))
            channels = out
    return nn.Sequential(
        *layers,
        nn.Conv2d(channels, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
        nn.Linear(1280, classes),
    )


def _member(alpha: float) -> Callable[..., nn.Module]:
    def build(classes: int = 1000) -> nn.Module:
        return mnasnet(alpha, classes)

    return build


MODELS: dict[str, Callable[..., nn.Module]] = {
    "mnasnet0_5": _member(0.5),
    "mnasnet0_75": _member(0.75),
    "mnasnet1_0": _member(1.0),
    "mnasnet1_3": _member(1.3),
}
"""Zoo name → builder; keyword arguments are the specs' variables (``classes``)."""
