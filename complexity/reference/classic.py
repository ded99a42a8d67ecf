"""SqueezeNet, AlexNet and VGG in PyTorch, written by hand from the papers and torchvision.

Written from the papers and torchvision's layout, not generated from mbcalc's YAML specs: they
check the engine. No batch norm anywhere; every conv and linear layer has a bias.

- SqueezeNet 1.0: Iandola et al. 2016 (arXiv:1602.07360), Table 1; SqueezeNet 1.1: the v1.1
  release of the SqueezeNet repository (3×3 stem with 64 filters, pools moved earlier). As in
  torchvision: 3×3 max pools with stride 2 in ceil mode, and a classifier of dropout → 1×1 conv
  512 → classes → ReLU → adaptive average pool to 1×1 → flatten.
- AlexNet: torchvision's single-tower network from "One weird trick" (Krizhevsky 2014,
  arXiv:1404.5997) with cuda-convnet2's filters 64, 192, 384, 256, 256; adaptive average pool
  to 6×6, then dropout → 9216 → 4096 → ReLU → dropout → 4096 → ReLU → classes.
- VGG16: configuration D of Simonyan & Zisserman 2014 (arXiv:1409.1556), Table 1: thirteen
  3×3 convs (padding 1) with ReLU, a 2×2 max pool after each of five stages, adaptive average
  pool to 7×7, then 25088 → 4096 → ReLU → dropout → 4096 → ReLU → dropout → classes.
  VGG11, 13, 19: configurations A, B, E of the same table (1-1-2-2-2, 2-2-2-2-2, 2-2-4-4-4 convs
  per stage); the ``_bn`` members put a batch norm between every conv and its ReLU (torchvision's
  vgg*_bn; the paper has none).

``alexnet_2012`` is the two-GPU network of the 2012 paper (Krizhevsky, Sutskever, Hinton), for
the comparison in docs/zoo/classic.md; it has no spec, so it is not in ``MODELS``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

FireWidths = tuple[int, int, int]
"""(squeeze 1×1, expand 1×1, expand 3×3) output channels of a fire module."""

SQUEEZENET: dict[str, tuple[tuple[int, int], tuple[FireWidths | str, ...]]] = {
    "1_0": ((96, 7), (
        "pool", (16, 64, 64), (16, 64, 64), (32, 128, 128), "pool", (32, 128, 128),
        (48, 192, 192), (48, 192, 192), (64, 256, 256), "pool", (64, 256, 256),
    )),
    "1_1": ((64, 3), (
        "pool", (16, 64, 64), (16, 64, 64), "pool", (32, 128, 128), (32, 128, 128), "pool",
        (48, 192, 192), (48, 192, 192), (64, 256, 256), (64, 256, 256),
    )),
}
"""Version → ((stem filters, stem kernel), the layers after the stem: a max pool or a fire)."""

VGG_STAGES: dict[int, tuple[int, int, int, int, int]] = {
    11: (1, 1, 2, 2, 2), 13: (2, 2, 2, 2, 2), 16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4),
}
"""Depth → 3×3 convs in each of the five stages (Table 1: configurations A, B, D, E)."""
VGG_WIDTHS = (64, 128, 256, 512, 512)
"""The filters of the five stages; each stage ends in a 2×2 max pool with stride 2."""


class Fire(nn.Module):
    """Squeeze 1×1 → ReLU, then expand 1×1 → ReLU ‖ expand 3×3 (padding 1) → ReLU, concatenated."""

    def __init__(self, cin: int, widths: FireWidths) -> None:
        super().__init__()
        squeeze, e1, e3 = widths
        self.squeeze = nn.Conv2d(cin, squeeze, kernel_size=1)
        self.expand1x1 = nn.Conv2d(squeeze, e1, kernel_size=1)
        self.expand3x3 = nn.Conv2d(squeeze, e3, kernel_size=3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.relu(self.squeeze(x))
        return torch.cat([self.relu(self.expand1x1(s)), self.relu(self.expand3x3(s))], dim=1)


def _squeezenet(version: str, classes: int) -> nn.Module:
    (stem, kernel), body = SQUEEZENET[version]
    layers: list[nn.Module] = [nn.Conv2d(3, stem, kernel_size=kernel, stride=2),
                               nn.ReLU(inplace=True)]
    channels = stem
    for item in body:
        if isinstance(item, str):
            layers.append(nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True))
        else:
            layers.append(Fire(channels, item))
            channels = item[1] + item[2]
    return nn.Sequential(
        *layers,
        nn.Dropout(p=0.5),
        nn.Conv2d(channels, classes, kernel_size=1),
        nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )


def squeezenet1_0(classes: int = 1000) -> nn.Module:
    """SqueezeNet 1.0: 7×7 stem of 96 filters, pools after conv1, fire4 and fire8."""
    return _squeezenet("1_0", classes)


def squeezenet1_1(classes: int = 1000) -> nn.Module:
    """SqueezeNet 1.1: 3×3 stem of 64 filters, pools after conv1, fire3 and fire5."""
    return _squeezenet("1_1", classes)


def alexnet(classes: int = 1000) -> nn.Module:
    """torchvision's AlexNet (single tower, 64-192-384-256-256 filters)."""
    return nn.Sequential(
        nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.AdaptiveAvgPool2d((6, 6)),
        nn.Flatten(),
        nn.Dropout(p=0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
        nn.Dropout(p=0.5), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
        nn.Linear(4096, classes),
    )


def alexnet_2012(classes: int = 1000) -> nn.Module:
    """The 2012 paper's AlexNet at 227×227: 96-256-384-384-256 filters; conv2, conv4 and conv5
    in two groups (one per GPU); response normalisation after conv1 and conv2."""
    return nn.Sequential(
        nn.Conv2d(3, 96, kernel_size=11, stride=4), nn.ReLU(inplace=True),
        nn.LocalResponseNorm(5), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2, groups=2), nn.ReLU(inplace=True),
        nn.LocalResponseNorm(5), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 384, kernel_size=3, padding=1, groups=2), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, kernel_size=3, padding=1, groups=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
        nn.Linear(4096, classes),
    )


def vgg(depth: int, classes: int = 1000, batch_norm: bool = False) -> nn.Module:
    """VGG-``depth`` (configuration A, B, D or E), torchvision's layout, with or without BN."""
    layers: list[nn.Module] = []
    channels = 3
    for count, width in zip(VGG_STAGES[depth], VGG_WIDTHS, strict=True):
        for _ in range(count):
            layers.append(nn.Conv2d(channels, width, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(width))
            layers.append(nn.ReLU(inplace=True))
            channels = width
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(
        *layers,
        nn.AdaptiveAvgPool2d((7, 7)),
        nn.Flatten(),
        nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
        nn.Linear(4096, classes),
    )


def vgg16(classes: int = 1000) -> nn.Module:
    """VGG16 (configuration D, no batch norm), torchvision's layout."""
    return vgg(16, classes)


def _vgg(depth: int, batch_norm: bool) -> Callable[..., nn.Module]:
    def build(classes: int = 1000) -> nn.Module:
        return vgg(depth, classes, batch_norm)

    return build


MODELS: dict[str, Callable[..., nn.Module]] = {
    "squeezenet1_0": squeezenet1_0,
    "squeezenet1_1": squeezenet1_1,
    "alexnet": alexnet,
    **{f"vgg{depth}{'_bn' if bn else ''}": _vgg(depth, bn)
       for depth in VGG_STAGES for bn in (False, True)},
}
"""Zoo name → builder; keyword arguments are the specs' variables (``classes``)."""
