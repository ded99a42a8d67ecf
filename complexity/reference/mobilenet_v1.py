"""MobileNetV1 in PyTorch, written by hand from the paper (Howard et al. 2017, arXiv:1704.04861).

Written from the paper's Table 1, not generated from mbcalc's YAML specs: it checks the engine.
Stem: a full 3×3 conv, stride 2, 3 → 32·α channels, then batch norm and ReLU.
Body: 13 depthwise-separable blocks: 3×3 depthwise conv + BN + ReLU, 1×1 pointwise + BN + ReLU.
Strides live on the depthwise convs; the last one has stride 1 (Table 1 misprints s2 there).
Every conv pads 1 where its kernel is 3×3 and has no bias (batch norm follows it).
Head: global average pool, dropout (Keras's p=0.001), fully connected 1024·α → classes + bias.
Width multiplier α: a layer of c channels gets int(c·α), the rule of keras.applications.MobileNet.
"""

from __future__ import annotations

from torch import nn

BLOCKS: tuple[tuple[int, int], ...] = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
)
"""(pointwise output channels, depthwise stride) of the 13 depthwise-separable blocks."""


def _conv_bn_relu(
    in_channels: int, out_channels: int, kernel: int, stride: int, groups: int = 1
) -> list[nn.Module]:
    return [
        nn.Conv2d(in_channels, out_channels, kernel, stride, padding=kernel // 2, groups=groups,
                  bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


def mobilenet_v1(alpha: float = 1.0, num_classes: int = 1000) -> nn.Module:
    """MobileNetV1 at width multiplier ``alpha`` with a ``num_classes``-way classifier."""

    def width(channels: int) -> int:
        return int(channels * alpha)

    channels = width(32)
    layers = _conv_bn_relu(3, channels, kernel=3, stride=2)
    for out, stride in BLOCKS:
        layers += _conv_bn_relu(channels, channels, kernel=3, stride=stride, groups=channels)
        layers += _conv_bn_relu(channels, width(out), kernel=1, stride=1)
        channels = width(out)
    return nn.Sequential(
        *layers,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(p=0.001),
        nn.Linear(width(1024), num_classes, bias=True),
    )


def _build(alpha: float = 1.0, classes: int = 1000) -> nn.Module:
    return mobilenet_v1(alpha, classes)


MODELS = {"mobilenet_v1": _build}
"""Builders by zoo name, taking the spec's variables as keyword arguments."""
