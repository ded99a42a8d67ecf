"""Xception in PyTorch, written by hand from the paper (Chollet 2017, arXiv:1610.02357, Figure 5)
and keras.applications.Xception, its reference implementation.

Written from those, not generated from mbcalc's YAML specs: it checks the engine.
Entry flow: conv 3×3 s2 32 → BN → ReLU, conv 3×3 64 → BN → ReLU, both unpadded (Keras's
``valid``: 299 → 149 → 147). Then three residual blocks (128, 256, 728): [ReLU, not in the first]
separable conv → BN → ReLU → separable conv → BN → max pool 3×3 s2, plus a shortcut 1×1 conv s2
→ BN of the block's input.
Middle flow: eight blocks of three (ReLU → separable conv 728 → BN), plus the input.
Exit flow: a residual block (ReLU → sepconv 728 → BN → ReLU → sepconv 1024 → BN → max pool,
1×1 conv s2 + BN shortcut), then sepconv 1536 → BN → ReLU, sepconv 2048 → BN → ReLU, global
average pool, fully connected 2048 → classes with a bias.
A separable conv is Keras's SeparableConv2D: depthwise 3×3 (padding 1) then pointwise 1×1, no
BN between. As in Keras, no conv has a bias (``use_bias=False``); only the classifier does.
Keras pads its 3×3 max pools ``same`` (TensorFlow's asymmetric padding); ``padding=1`` gives
torch the same output size, ceil(D/2), which is all the counts depend on.
"""

from __future__ import annotations

from torch import Tensor, nn


class SeparableConv(nn.Sequential):
    """Depthwise 3×3 (padding 1, no bias) then pointwise 1×1 (no bias)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(
            nn.Conv2d(in_channels, in_channels, 3, padding=1, groups=in_channels, bias=False),
            nn.Conv2d(in_channels, out_channels, 1, bias=False),
        )


class Block(nn.Module):
    """body(x) + shortcut(x); the shortcut is the identity where none is given."""

    def __init__(self, body: list[nn.Module], shortcut: list[nn.Module] | None = None) -> None:
        super().__init__()
        self.body = nn.Sequential(*body)
        self.shortcut = nn.Sequential(*shortcut) if shortcut else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.body(x) + self.shortcut(x)
        return out


def _sep_bn(in_channels: int, out_channels: int, relu_before: bool) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.ReLU()] if relu_before else []
    return [*layers, SeparableConv(in_channels, out_channels), nn.BatchNorm2d(out_channels)]


def _downsampling_block(in_channels: int, mid: int, out: int, first: bool) -> Block:
    """[ReLU] sepconv mid → BN → ReLU → sepconv out → BN → max pool 3 s2; 1×1 s2 conv shortcut."""
    body = [
        *_sep_bn(in_channels, mid, relu_before=not first),
        *_sep_bn(mid, out, relu_before=True),
        nn.MaxPool2d(3, stride=2, padding=1),
    ]
    shortcut = [nn.Conv2d(in_channels, out, 1, stride=2, bias=False), nn.BatchNorm2d(out)]
    return Block(body, shortcut)


def xception(classes: int = 1000) -> nn.Module:
    """Xception with a ``classes``-way classifier."""
    entry = [
        nn.Conv2d(3, 32, 3, stride=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Conv2d(32, 64, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        _downsampling_block(64, 128, 128, first=True),
        _downsampling_block(128, 256, 256, first=False),
        _downsampling_block(256, 728, 728, first=False),
    ]
    middle = [
        Block([layer for _ in range(3) for layer in _sep_bn(728, 728, relu_before=True)])
        for _ in range(8)
    ]
    exit_flow = [
        _downsampling_block(728, 728, 1024, first=False),
        SeparableConv(1024, 1536), nn.BatchNorm2d(1536), nn.ReLU(),
        SeparableConv(1536, 2048), nn.BatchNorm2d(2048), nn.ReLU(),
    ]
    return nn.Sequential(
        *entry, *middle, *exit_flow,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(2048, classes, bias=True),
    )


MODELS = {"xception": xception}
"""Builders by zoo name, taking the spec's variables as keyword arguments."""
