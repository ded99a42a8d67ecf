"""GoogLeNet and Inception-v3 in PyTorch, written by hand to match torchvision's models.

torchvision itself is not a dependency (its wheels do not pair with the pinned CPU torch), so
this module restates ``torchvision.models.googlenet`` and ``torchvision.models.inception_v3``
layer by layer: the same convolutions (kernel, stride, padding, in that branch order), the
same pools and heads, batch norm with eps 0.001. It is written from torchvision's architecture,
not generated from mbcalc's YAML specs: it checks the engine.

Every conv is torchvision's BasicConv2d: conv without bias → batch norm → ReLU.

``inception_v3(variant="keras")`` is the same network with Keras's batch norms, which have no γ
(``keras.applications.InceptionV3`` builds them with ``scale=False``).

The auxiliary classifiers run only in training mode, as in torchvision: ``model.train()``
returns ``(logits, *aux_logits)``, ``model.eval()`` returns the logits alone.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

Size = int | tuple[int, int]


class BasicConv(nn.Sequential):
    """conv (no bias) → batch norm (eps 0.001) → ReLU."""

    def __init__(self, cin: int, cout: int, kernel: Size, stride: Size = 1,
                 padding: Size = 0) -> None:
        super().__init__(
            nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=False),
            nn.BatchNorm2d(cout, eps=0.001),
            nn.ReLU(inplace=True),
        )


class Branches(nn.Module):
    """Branches run on the same input, concatenated along channels in the given order."""

    def __init__(self, *branches: nn.Module) -> None:
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def _seq(*layers: nn.Module) -> nn.Sequential:
    return nn.Sequential(*layers)


def _row(cin: int, cout: int) -> BasicConv:
    """1×7 conv, padding (0, 3)."""
    return BasicConv(cin, cout, (1, 7), padding=(0, 3))


def _col(cin: int, cout: int) -> BasicConv:
    """7×1 conv, padding (3, 0)."""
    return BasicConv(cin, cout, (7, 1), padding=(3, 0))


def _avg_pool_proj(cin: int, cout: int) -> nn.Sequential:
    """3×3 average pool, stride 1, padding 1 → 1×1 conv."""
    return _seq(nn.AvgPool2d(3, stride=1, padding=1), BasicConv(cin, cout, 1))


# GoogLeNet ---------------------------------------------------------------------------------

GOOGLENET_MODULES: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}
"""Table 1 of the GoogLeNet paper: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj."""


def inception_v1(cin: int, c1: int, c3r: int, c3: int, c5r: int, c5: int, pool_proj: int,
                 k5: int = 3) -> Branches:
    """1×1 ‖ 1×1 → 3×3 ‖ 1×1 → k5×k5 ‖ 3×3 max pool (stride 1, ceil mode) → 1×1."""
    return Branches(
        BasicConv(cin, c1, 1),
        _seq(BasicConv(cin, c3r, 1), BasicConv(c3r, c3, 3, padding=1)),
        _seq(BasicConv(cin, c5r, 1), BasicConv(c5r, c5, k5, padding=k5 // 2)),
        _seq(nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
             BasicConv(cin, pool_proj, 1)),
    )


class GoogLeNetAux(nn.Module):
    """Adaptive average pool to 4×4 → 1×1 conv to 128 → fc 2048 → 1024, ReLU, dropout 0.7 →
    fc 1024 → classes."""

    def __init__(self, cin: int, num_classes: int) -> None:
        super().__init__()
        self.conv = BasicConv(cin, 128, 1)
        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(0.7)

    def forward(self, x: Tensor) -> Tensor:
        x = torch.flatten(self.conv(F.adaptive_avg_pool2d(x, (4, 4))), 1)
        logits: Tensor = self.fc2(self.dropout(F.relu(self.fc1(x))))
        return logits


class GoogLeNet(nn.Module):
    """torchvision's GoogLeNet; ``k5`` is the kernel of the "5×5" branch (torchvision: 3)."""

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True, k5: int = 3) -> None:
        super().__init__()
        self.stem = _seq(
            BasicConv(3, 64, 7, stride=2, padding=3),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
            BasicConv(64, 64, 1),
            BasicConv(64, 192, 3, padding=1),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
        )
        cin, blocks = 192, {}
        for name, widths in GOOGLENET_MODULES.items():
            blocks[name] = inception_v1(cin, *widths, k5=k5)
            cin = widths[0] + widths[2] + widths[4] + widths[5]
        self.inception = nn.ModuleDict(blocks)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.aux1 = GoogLeNetAux(512, num_classes) if aux_logits else None
        self.aux2 = GoogLeNetAux(528, num_classes) if aux_logits else None
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: Tensor) -> Any:
        block = self.inception
        x = block["3b"](block["3a"](self.stem(x)))
        x = block["4a"](self.maxpool3(x))
        aux = []
        if self.aux1 is not None and self.training:
            aux.append(self.aux1(x))
        x = block["4d"](block["4c"](block["4b"](x)))
        if self.aux2 is not None and self.training:
            aux.append(self.aux2(x))
        x = self.maxpool4(block["4e"](x))
        x = block["5b"](block["5a"](x))
        x = self.fc(self.dropout(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)))
        return (x, *aux) if aux else x


def googlenet(classes: int = 1000, aux_logits: bool = True, k5: int = 3) -> GoogLeNet:
    """torchvision.models.googlenet(weights=None, num_classes=classes, aux_logits=…); k5=5 gives
    the paper's 5×5 branch instead."""
    return GoogLeNet(classes, aux_logits, k5)


# Inception-v3 ------------------------------------------------------------------------------


def inception_a(cin: int, pool_features: int) -> Branches:
    """1×1 64 ‖ 1×1 48 → 5×5 64 ‖ 1×1 64 → 3×3 96 → 3×3 96 ‖ avg pool → 1×1."""
    return Branches(
        BasicConv(cin, 64, 1),
        _seq(BasicConv(cin, 48, 1), BasicConv(48, 64, 5, padding=2)),
        _seq(BasicConv(cin, 64, 1), BasicConv(64, 96, 3, padding=1),
             BasicConv(96, 96, 3, padding=1)),
        _avg_pool_proj(cin, pool_features),
    )


def inception_b(cin: int) -> Branches:
    """3×3 s2 384 ‖ 1×1 64 → 3×3 96 → 3×3 s2 96 ‖ 3×3 max pool s2."""
    return Branches(
        BasicConv(cin, 384, 3, stride=2),
        _seq(BasicConv(cin, 64, 1), BasicConv(64, 96, 3, padding=1),
             BasicConv(96, 96, 3, stride=2)),
        nn.MaxPool2d(3, stride=2),
    )


def inception_c(cin: int, c7: int) -> Branches:
    """1×1 192 ‖ 1×1 → 1×7 → 7×1 ‖ 1×1 → 7×1 → 1×7 → 7×1 → 1×7 ‖ avg pool → 1×1 192."""
    return Branches(
        BasicConv(cin, 192, 1),
        _seq(BasicConv(cin, c7, 1), _row(c7, c7), _col(c7, 192)),
        _seq(BasicConv(cin, c7, 1), _col(c7, c7), _row(c7, c7), _col(c7, c7), _row(c7, 192)),
        _avg_pool_proj(cin, 192),
    )


def inception_d(cin: int) -> Branches:
    """1×1 192 → 3×3 s2 320 ‖ 1×1 192 → 1×7 → 7×1 → 3×3 s2 192 ‖ 3×3 max pool s2."""
    return Branches(
        _seq(BasicConv(cin, 192, 1), BasicConv(192, 320, 3, stride=2)),
        _seq(BasicConv(cin, 192, 1), _row(192, 192), _col(192, 192),
             BasicConv(192, 192, 3, stride=2)),
        nn.MaxPool2d(3, stride=2),
    )


def _split_1x3_3x1(cin: int) -> Branches:
    return Branches(BasicConv(cin, 384, (1, 3), padding=(0, 1)),
                    BasicConv(cin, 384, (3, 1), padding=(1, 0)))


def inception_e(cin: int) -> Branches:
    """1×1 320 ‖ 1×1 384 → (1×3 ‖ 3×1) ‖ 1×1 448 → 3×3 384 → (1×3 ‖ 3×1) ‖ avg pool → 1×1 192."""
    return Branches(
        BasicConv(cin, 320, 1),
        _seq(BasicConv(cin, 384, 1), _split_1x3_3x1(384)),
        _seq(BasicConv(cin, 448, 1), BasicConv(448, 384, 3, padding=1), _split_1x3_3x1(384)),
        _avg_pool_proj(cin, 192),
    )


class InceptionV3Aux(nn.Module):
    """5×5 average pool, stride 3 → 1×1 conv 128 → 5×5 conv 768 (no padding) → adaptive
    average pool to 1×1 → fc 768 → classes."""

    def __init__(self, cin: int, num_classes: int) -> None:
        super().__init__()
        self.conv0 = BasicConv(cin, 128, 1)
        self.conv1 = BasicConv(128, 768, 5)
        self.fc = nn.Linear(768, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(self.conv0(F.avg_pool2d(x, kernel_size=5, stride=3)))
        logits: Tensor = self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
        return logits


class InceptionV3(nn.Module):
    """torchvision's Inception3 (transform_input only rescales the input: left out)."""

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.stem = _seq(
            BasicConv(3, 32, 3, stride=2),     # Conv2d_1a_3x3
            BasicConv(32, 32, 3),              # Conv2d_2a_3x3
            BasicConv(32, 64, 3, padding=1),   # Conv2d_2b_3x3
            nn.MaxPool2d(3, stride=2),
            BasicConv(64, 80, 1),              # Conv2d_3b_1x1
            BasicConv(80, 192, 3),             # Conv2d_4a_3x3
            nn.MaxPool2d(3, stride=2),
        )
        self.mixed_5_6 = _seq(
            inception_a(192, 32),    # Mixed_5b → 256
            inception_a(256, 64),    # Mixed_5c → 288
            inception_a(288, 64),    # Mixed_5d → 288
            inception_b(288),        # Mixed_6a → 768
            inception_c(768, 128),   # Mixed_6b
            inception_c(768, 160),   # Mixed_6c
            inception_c(768, 160),   # Mixed_6d
            inception_c(768, 192),   # Mixed_6e
        )
        self.aux = InceptionV3Aux(768, num_classes) if aux_logits else None
        self.mixed_7 = _seq(
            inception_d(768),        # Mixed_7a → 1280
            inception_e(1280),       # Mixed_7b → 2048
            inception_e(2048),       # Mixed_7c → 2048
        )
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x: Tensor) -> Any:
        x = self.mixed_5_6(self.stem(x))
        aux = self.aux(x) if self.aux is not None and self.training else None
        x = F.adaptive_avg_pool2d(self.mixed_7(x), 1)
        x = self.fc(torch.flatten(self.dropout(x), 1))
        return (x, aux) if aux is not None else x


def inception_v3(classes: int = 1000, aux_logits: bool = True,
                 variant: str = "torchvision") -> InceptionV3:
    """torchvision.models.inception_v3(weights=None, num_classes=classes, aux_logits=…);
    ``variant="keras"``: the same with keras.applications.InceptionV3's batch norms, which
    have no γ (``scale=False``): β alone is learnt."""
    if variant not in ("torchvision", "keras"):
        raise ValueError(f"variant must be one of torchvision, keras, got {variant!r}")
    model = InceptionV3(classes, aux_logits)
    if variant == "keras":
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight = None  # type: ignore[assignment]  # F.batch_norm: γ = 1
    return model


MODELS = {"googlenet": googlenet, "inception_v3": inception_v3}
"""Builders by zoo name, taking the spec's variables as keyword arguments. Their defaults are
torchvision's (auxiliary heads on); the zoo specs' default is aux_logits=false."""
