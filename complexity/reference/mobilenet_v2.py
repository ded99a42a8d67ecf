"""MobileNetV2 in PyTorch, written by hand from the paper (Sandler et al. 2018, arXiv:1801.04381,
Table 2) and the rounding of torchvision's ``mobilenet_v2``.

Written from those, not generated from mbcalc's YAML specs: it checks the engine.
Stem: conv 3×3 stride 2 (padding 1), 3 → 32·α channels, BN, ReLU6.
Body: the bottleneck groups of Table 2, (t, c, n, s): the first block of a group has stride s,
the rest stride 1. A block (inverted residual): 1×1 expansion to t·in channels → BN → ReLU6
(absent where t = 1), 3×3 depthwise (padding 1) → BN → ReLU6, linear 1×1 projection → BN;
the input is added where the stride is 1 and in = out.
Head: 1×1 conv to 1280·max(1, α) → BN → ReLU6, global average pool, dropout 0.2, fully
connected → classes with a bias. No conv has a bias. As in torchvision, the global pool is a call
to ``F.adaptive_avg_pool2d`` in ``forward``, not a module (counters that hook modules see it
differently: docs/why-counters-disagree.md).
Width multiplier α: c channels become make_divisible(c·α, 8), the rule of the reference code
(nearest multiple of 8, at least 8, plus 8 if that lost more than 10 %); the stem too, and the
head's 1280 only grows (α > 1).
"""

from __future__ import annotations

from torch import Tensor, nn
from torch.nn import functional as F

SETTINGS: tuple[tuple[int, int, int, int], ...] = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
"""Table 2: expansion t, output channels c, repeats n, stride s of the first repeat."""


def make_divisible(value: float, divisor: int = 8) -> int:
    """torchvision's ``_make_divisible``: nearest multiple of ``divisor``, at least ``divisor``,
    plus one more ``divisor`` if rounding down lost more than 10 %."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def _conv_bn_relu6(in_channels: int, out_channels: int, kernel: int, stride: int = 1,
                   groups: int = 1) -> list[nn.Module]:
    return [
        nn.Conv2d(in_channels, out_channels, kernel, stride, padding=kernel // 2, groups=groups,
                  bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU6(),
    ]


class InvertedResidual(nn.Module):
    """[1×1 expand → BN → ReLU6] → 3×3 depthwise → BN → ReLU6 → 1×1 project → BN (+ input)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, expansion: int) -> None:
        super().__init__()
        hidden = in_channels * expansion
        layers: list[nn.Module] = []
        if expansion != 1:
            layers += _conv_bn_relu6(in_channels, hidden, 1)
        layers += _conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden)
        layers += [nn.Conv2d(hidden, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and in_channels == out_channels

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.body(x)
        return x + out if self.residual else out


class MobileNetV2(nn.Module):
    """Features, then F.adaptive_avg_pool2d to 1×1 (torchvision's forward), then the classifier."""

    def __init__(self, features: list[nn.Module], classifier: list[nn.Module]) -> None:
        super().__init__()
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(*classifier)

    def forward(self, x: Tensor) -> Tensor:
        pooled = F.adaptive_avg_pool2d(self.features(x), (1, 1))
        out: Tensor = self.classifier(pooled.flatten(1))
        return out


def mobilenet_v2(alpha: float = 1.0, classes: int = 1000) -> nn.Module:
    """MobileNetV2 at width multiplier ``alpha`` with a ``classes``-way classifier."""
    channels = make_divisible(32 * alpha)
    layers = _conv_bn_relu6(3, channels, 3, stride=2)
    for t, c, n, s in SETTINGS:
        out = make_divisible(c * alpha)
        for i in range(n):
            layers.append(InvertedResidual(channels, out, s if i == 0 else 1, t))
            channels = out
    last = make_divisible(1280 * max(1.0, alpha))
    layers += _conv_bn_relu6(channels, last, 1)
    return MobileNetV2(layers, [nn.Dropout(p=0.2), nn.Linear(last, classes, bias=True)])


MODELS = {"mobilenet_v2": mobilenet_v2}
"""Builders by zoo name, taking α and the spec's variables as keyword arguments."""
