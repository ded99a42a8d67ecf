"""The network of small_net.yaml, hand-written in torch (``build``) and Keras (``build_keras``),
for the tests of ``mbcalc verify --reference``. Options make it differ from the spec on purpose:

- ``layer_scale``: a learnable per-channel scale (an ``nn.Parameter`` held by the block itself,
  not by a leaf layer) on the body of the downsampling block, as ConvNeXt's layer scale;
- ``shortcut_first``: the downsampling block runs its projection shortcut before its body, as
  torchvision's RegNet does (the counts are unchanged: no mismatch may be reported);
- ``in_channels``: a stem for another number of input channels (the model then cannot run on
  the spec's input);
- ``crash``: the forward pass raises.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def conv_bn(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups,
                                   bias=False), nn.BatchNorm2d(cout))


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, squeezed: int) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeezed, 1)
        self.fc2 = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = torch.relu(self.fc1(x.mean((2, 3), keepdim=True)))
        return x * torch.sigmoid(self.fc2(s))


class Basic(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, layer_scale: bool = False,
                 shortcut_first: bool = False) -> None:
        super().__init__()
        self.conv1 = conv_bn(cin, cout, 3, stride)
        self.conv2 = conv_bn(cout, cout, 3)
        self.shortcut = conv_bn(cin, cout, 1, stride) if stride > 1 or cin != cout else None
        self.gamma = nn.Parameter(torch.ones(cout, 1, 1)) if layer_scale else None
        self.shortcut_first = shortcut_first

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = self.shortcut(x) if self.shortcut is not None and self.shortcut_first else None
        y = self.conv2(torch.relu(self.conv1(x)))
        if self.gamma is not None:
            y = y * self.gamma
        if skip is None:
            skip = self.shortcut(x) if self.shortcut is not None else x
        return torch.relu(y + skip)


class SmallNet(nn.Module):
    def __init__(self, classes: int = 10, layer_scale: bool = False, shortcut_first: bool = False,
                 in_channels: int = 3, crash: bool = False) -> None:
        super().__init__()
        self.stem = conv_bn(in_channels, 16, 3, 2)
        self.res = Basic(16, 16, 1)
        self.dw = conv_bn(16, 16, 3, 2, groups=16)
        self.pw = conv_bn(16, 32, 1)
        self.se = SqueezeExcite(32, 8)
        self.down = Basic(32, 64, 2, layer_scale, shortcut_first)
        self.fc = nn.Linear(64, classes)
        self.crash = crash

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.res(torch.relu(self.stem(x)))
        x = self.se(torch.relu(self.pw(torch.relu(self.dw(x)))))
        if self.crash:
            raise RuntimeError("deliberate failure in forward")
        x = self.down(x).mean((2, 3))
        return self.fc(x)


def build(classes: int = 10, layer_scale: bool = False, shortcut_first: bool = False,
          in_channels: int = 3, crash: bool = False) -> nn.Module:
    """The torch network of small_net.yaml (options: see the module's docstring)."""
    return SmallNet(classes, layer_scale, shortcut_first, in_channels, crash)


def build_keras(classes: int = 10, resolution: int = 64) -> Any:
    """The Keras network of small_net.yaml, channels last, on whichever backend Keras runs."""
    import keras
    from keras import layers

    def conv_bn_k(x: Any, cout: int, kernel: int, stride: int = 1, depthwise: bool = False) -> Any:
        if depthwise:
            x = layers.DepthwiseConv2D(kernel, stride, padding="same", use_bias=False)(x)
        else:
            x = layers.Conv2D(cout, kernel, stride, padding="same", use_bias=False)(x)
        return layers.BatchNormalization()(x)

    inputs = keras.Input((resolution, resolution, 3))
    x = layers.ReLU()(conv_bn_k(inputs, 16, 3, 2))
    y = layers.ReLU()(conv_bn_k(x, 16, 3))
    x = layers.ReLU()(layers.Add()([conv_bn_k(y, 16, 3), x]))
    x = layers.ReLU()(conv_bn_k(x, 16, 3, 2, depthwise=True))
    x = layers.ReLU()(conv_bn_k(x, 32, 1))
    s = layers.GlobalAveragePooling2D(keepdims=True)(x)
    s = layers.Conv2D(8, 1, activation="relu")(s)
    s = layers.Conv2D(32, 1, activation="sigmoid")(s)
    x = layers.Multiply()([x, s])
    y = layers.ReLU()(conv_bn_k(x, 64, 3, 2))
    x = layers.ReLU()(layers.Add()([conv_bn_k(y, 64, 3), conv_bn_k(x, 64, 1, 2)]))
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(classes)(x))
