"""EfficientNet, RegNetY/X and ConvNeXt in PyTorch, written by hand from their papers.

Written from the papers, not generated from mbcalc's YAML specs: they check the engine.

- EfficientNet (Tan & Le 2019, arXiv:1905.11946), Table 1 for B0; B1–B7 by the compound
  coefficients (width, depth) of the reference code: channels round(c·width) to a multiple of
  8 (at least 8, plus 8 if that lost more than 10 %), repeats ceil(n·depth). MBConv: 1×1
  expand ×t → BN → swish (absent where t = 1), k×k depthwise → BN → swish, squeeze-and-excite
  to a quarter of the block's input (two 1×1 convs with biases, swish, sigmoid), 1×1 project →
  BN; identity skip where stride 1 and in = out.
- RegNet (Radosavovic et al. 2020, arXiv:2003.13678), section 3.3: block widths from the
  quantised linear rule u_j = w_0 + w_a·j, s_j = round(log(u_j/w_0)/log(w_m)),
  w_j = w_0·w_m^s_j rounded to a multiple of 8; consecutive equal widths form a stage; group
  width min(g, w) and widths made divisible by it. X block: 1×1 → BN → ReLU → 3×3 group conv
  (stride 2 in a stage's first block) → BN → ReLU → 1×1 → BN, projection shortcut (1×1 conv →
  BN) where the shape changes, ReLU after the add. Y adds SE to a quarter of the block's input
  after the 3×3.
- ConvNeXt (Liu et al. 2022, arXiv:2201.03545), Figure 4 and section 2: 4×4 stride-4 patchify
  stem → LN; blocks 7×7 depthwise → LN → pointwise (a linear layer over channels) to 4C →
  GELU → back to C → layer scale; downsampling LN → 2×2 stride-2 conv; head global pool → LN →
  linear. Every conv and linear layer has a bias.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

# EfficientNet ------------------------------------------------------------------------------

B0: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
)
"""Table 1, stages 2–8: expansion t, kernel k, stride of the first block, channels, layers."""

COEFFICIENTS = {0: (1.0, 1.0), 1: (1.0, 1.1), 2: (1.1, 1.2), 3: (1.2, 1.4), 4: (1.4, 1.8),
                5: (1.6, 2.2), 6: (1.8, 2.6), 7: (2.0, 3.1)}
"""B0–B7: (width, depth) coefficients."""


def round_filters(channels: int, width: float, divisor: int = 8) -> int:
    value = channels * width
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class SqueezeExcite(nn.Module):
    """Global pool → 1×1 conv to ``squeezed`` → swish → 1×1 conv back → sigmoid → scale."""

    def __init__(self, channels: int, squeezed: int, act: type[nn.Module]) -> None:
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.expand = nn.Conv2d(squeezed, channels, 1)
        self.act = act()

    def forward(self, x: Tensor) -> Tensor:
        s = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.expand(self.act(self.reduce(s))))


def _cba(cin: int, cout: int, k: int, stride: int = 1, groups: int = 1,
         act: type[nn.Module] | None = nn.SiLU) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
                               nn.BatchNorm2d(cout)]
    return layers + ([act()] if act else [])


class MBConv(nn.Module):
    def __init__(self, cin: int, cout: int, t: int, k: int, stride: int) -> None:
        super().__init__()
        hidden = cin * t
        layers = _cba(cin, hidden, 1) if t != 1 else []
        layers += _cba(hidden, hidden, k, stride, groups=hidden)
        layers.append(SqueezeExcite(hidden, max(1, cin // 4), nn.SiLU))
        layers += _cba(hidden, cout, 1, act=None)
        self.body = nn.Sequential(*layers)
        self.skip = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        y: Tensor = self.body(x)
        return x + y if self.skip else y


def efficientnet(phi: int = 0, classes: int = 1000) -> nn.Module:
    """EfficientNet-B``phi``."""
    width, depth = COEFFICIENTS[phi]
    cin = round_filters(32, width)
    layers = _cba(3, cin, 3, 2)
    for t, k, s, c, n in B0:
        cout = round_filters(c, width)
        for i in range(math.ceil(n * depth)):
            layers.append(MBConv(cin, cout, t, k, s if i == 0 else 1))
            cin = cout
    last = round_filters(1280, width)
    layers += _cba(cin, last, 1)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
                         nn.Linear(last, classes))


# RegNet ------------------------------------------------------------------------------------

REGNETS = {
    "regnet_y_400mf": (16, 48, 27.89, 2.09, 8, True),
    "regnet_x_400mf": (22, 24, 24.48, 2.54, 16, False),
}
"""Depth d, w_0, w_a, w_m, group width g, SE — the paper's Table (Appendix) parameters."""


def regnet_stages(d: int, w0: int, wa: float, wm: float, g: int) -> list[tuple[int, int, int]]:
    """(depth, width, group width) of each stage by the quantised linear rule."""
    widths = []
    for j in range(d):
        u = w0 + wa * j
        s = round(math.log(u / w0) / math.log(wm))
        widths.append(int(round(w0 * wm**s / 8)) * 8)
    stages: list[tuple[int, int, int]] = []
    for w in widths:
        if stages and stages[-1][1] == w:
            stages[-1] = (stages[-1][0] + 1, w, 0)
        else:
            stages.append((1, w, 0))
    result = []
    for n, w, _ in stages:
        gw = min(g, w)
        result.append((n, math.floor(w / gw + 0.5) * gw, gw))  # nearest multiple, ties up
    return result


class RegNetBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, gw: int, se: bool) -> None:
        super().__init__()
        layers = _cba(cin, cout, 1, act=nn.ReLU) + _cba(cout, cout, 3, stride, cout // gw,
                                                        act=nn.ReLU)
        if se:
            layers.append(SqueezeExcite(cout, cin // 4, nn.ReLU))
        layers += _cba(cout, cout, 1, act=None)
        self.body = nn.Sequential(*layers)
        self.project = (nn.Sequential(*_cba(cin, cout, 1, stride, act=None))
                        if stride != 1 or cin != cout else nn.Identity())

    def forward(self, x: Tensor) -> Tensor:
        # the projection first, as torchvision's ResBottleneckBlock (proj(x) + f(x))
        return torch.relu(self.project(x) + self.body(x))


def _regnet(d: int, w0: int, wa: float, wm: float, g: int, se: bool,
            classes: int = 1000) -> nn.Module:
    layers = _cba(3, 32, 3, 2, act=nn.ReLU)
    cin = 32
    for n, w, gw in regnet_stages(d, w0, wa, wm, g):
        for i in range(n):
            layers.append(RegNetBlock(cin, w, 2 if i == 0 else 1, gw, se))
            cin = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes))


def regnet_y_400mf(classes: int = 1000) -> nn.Module:
    return _regnet(*REGNETS["regnet_y_400mf"], classes=classes)


def regnet_x_400mf(classes: int = 1000) -> nn.Module:
    return _regnet(*REGNETS["regnet_x_400mf"], classes=classes)


# ConvNeXt ----------------------------------------------------------------------------------


class ChannelsFirstNorm(nn.Module):
    """LayerNorm over the channels of an (N, C, H, W) map."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels, eps=1e-6)

    def forward(self, x: Tensor) -> Tensor:
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class LayerScale(nn.Module):
    """A learnable scale per channel (on the last axis), initialised small."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), 1e-6))

    def forward(self, x: Tensor) -> Tensor:
        return self.gamma * x


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.scale = LayerScale(dim)

    def forward(self, x: Tensor) -> Tensor:
        y = self.dwconv(x).permute(0, 2, 3, 1)  # (N, H, W, C): the MLP runs per pixel
        y = self.pwconv2(nn.functional.gelu(self.pwconv1(self.norm(y))))
        return x + self.scale(y).permute(0, 3, 1, 2)


def convnext(dims: tuple[int, ...] = (96, 192, 384, 768), depths: tuple[int, ...] = (3, 3, 9, 3),
             classes: int = 1000) -> nn.Module:
    layers: list[nn.Module] = [nn.Conv2d(3, dims[0], 4, 4), ChannelsFirstNorm(dims[0])]
    for i, (dim, depth) in enumerate(zip(dims, depths, strict=True)):
        if i:
            layers += [ChannelsFirstNorm(dims[i - 1]), nn.Conv2d(dims[i - 1], dim, 2, 2)]
        layers += [ConvNeXtBlock(dim) for _ in range(depth)]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), ChannelsFirstNorm(dims[-1]),
                         nn.Flatten(), nn.Linear(dims[-1], classes))


def convnext_tiny(classes: int = 1000) -> nn.Module:
    return convnext(classes=classes)


MODELS = {
    "efficientnet_b0": efficientnet,
    "regnet_y_400mf": regnet_y_400mf,
    "regnet_x_400mf": regnet_x_400mf,
    "convnext_tiny": convnext_tiny,
}
"""Builders by zoo name, taking the spec's variables as keyword arguments (B1–B7 are
``efficientnet(phi=…)``; they are left out here so that ``verify``'s test of every reference
stays fast: B7 runs at 600×600)."""
