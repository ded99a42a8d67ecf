"""Blocks with another activation than their paper's, held to real torch modules written from
the paper (or torchvision) with that activation: params, MAdds (FlopCounterMode / 2), every
activation op (forward hooks on the activation modules) and each peer's figure (`--as`)."""

from __future__ import annotations

from typing import Any

import pytest

from complexity.engine.walk import walk
from complexity.language.specfile import load_spec

# The blocks that used to be locked to ReLU, each beside a torch module written from its paper
# (or torchvision) with another activation: what the real layers count.

PER_ELEMENT = {"ReLU": 1, "ReLU6": 2, "Hardswish": 5, "SiLU": 4, "GELU": 5, "Tanh": 1, "ELU": 4}
"""Ops per output element of each activation module, as docs/why-counters-disagree.md's cost
table states them (the counts of elements come from the real tensors)."""


def _torch_cases() -> dict[str, tuple[str, int, Any]]:
    """name → (the spec's layers, the resolution, a builder of the torch module)."""
    return {
        "fire_hswish": ("  - {kind: fire, squeeze: 4, expand1x1: 8, expand3x3: 8, "
                        "act: hswish}\n", 8, _fire),
        "shufflenet_v1_gelu": ("  - {kind: pw, out: 16}\n"
                               "  - {kind: shufflenet_v1_unit, out: 32, stride: 2, groups: 2, "
                               "act: gelu}\n"
                               "  - {kind: shufflenet_v1_unit, out: 32, groups: 2, act: gelu}\n",
                               8, _shuffle_v1),
        "shufflenet_v2_silu": ("  - {kind: pw, out: 16}\n"
                               "  - {kind: shufflenet_v2_unit, out: 32, stride: 2, act: silu}\n"
                               "  - {kind: shufflenet_v2_unit, out: 32, act: silu}\n",
                               8, _shuffle_v2),
        "inception_v1_elu": ("  - {kind: inception_v1, c1: 4, c3r: 4, c3: 8, c5r: 2, c5: 4, "
                             "pool_proj: 4, act: elu}\n", 8, _inception_v1),
        "inception_b_tanh": ("  - {kind: inception_b, act: tanh}\n", 9, _inception_b),
        "sepconv_relu6": ("  - {kind: pw, out: 8}\n  - {kind: sepconv, out: 16, act: relu6}\n",
                          8, _sepconv),
    }


def _cbn(cin: int, cout: int, k: int = 1, s: int = 1, p: int = 0, groups: int = 1,
         act: Any = None) -> Any:
    from torch import nn

    layers = [nn.Conv2d(cin, cout, k, s, p, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, *([act()] if act else []))


def _shuffle(x: Any, groups: int) -> Any:
    b, c, h, w = x.shape
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


def _fire() -> Any:
    import torch
    from torch import nn

    class Fire(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.squeeze = nn.Sequential(nn.Conv2d(3, 4, 1), nn.Hardswish())
            self.e1 = nn.Sequential(nn.Conv2d(4, 8, 1), nn.Hardswish())
            self.e3 = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.Hardswish())

        def forward(self, x: Any) -> Any:
            x = self.squeeze(x)
            return torch.cat([self.e1(x), self.e3(x)], 1)

    return Fire()


def _shuffle_v1() -> Any:
    import torch
    from torch import nn

    class Unit(nn.Module):  # ShuffleNet (Zhang et al. 2017), Fig. 2 (b) and (c)
        def __init__(self, cin: int, out: int, stride: int) -> None:
            super().__init__()
            mid, self.stride = out // 4, stride
            self.gconv1 = _cbn(cin, mid, groups=2, act=nn.GELU)
            self.dw = _cbn(mid, mid, 3, stride, 1, groups=mid)
            self.gconv2 = _cbn(mid, out - cin if stride == 2 else out, groups=2)
            self.pool = nn.AvgPool2d(3, 2, 1)
            self.act = nn.GELU()

        def forward(self, x: Any) -> Any:
            body = self.gconv2(self.dw(_shuffle(self.gconv1(x), 2)))
            merged = torch.cat([self.pool(x), body], 1) if self.stride == 2 else x + body
            return self.act(merged)

    return nn.Sequential(nn.Conv2d(3, 16, 1, bias=False), Unit(16, 32, 2), Unit(32, 32, 1))


def _shuffle_v2() -> Any:
    import torch
    from torch import nn

    class Unit(nn.Module):  # torchvision's shufflenetv2.InvertedResidual with SiLU
        def __init__(self, cin: int, out: int, stride: int) -> None:
            super().__init__()
            half, self.stride = out // 2, stride
            self.left = nn.Sequential(_cbn(cin, cin, 3, 2, 1, groups=cin),
                                      _cbn(cin, half, act=nn.SiLU)) if stride == 2 else None
            inner = cin if stride == 2 else half
            self.right = nn.Sequential(_cbn(inner, half, act=nn.SiLU),
                                       _cbn(half, half, 3, stride, 1, groups=half),
                                       _cbn(half, half, act=nn.SiLU))

        def forward(self, x: Any) -> Any:
            if self.left is None:
                x1, x2 = x.chunk(2, dim=1)
                return _shuffle(torch.cat([x1, self.right(x2)], 1), 2)
            return _shuffle(torch.cat([self.left(x), self.right(x)], 1), 2)

    return nn.Sequential(nn.Conv2d(3, 16, 1, bias=False), Unit(16, 32, 2), Unit(32, 32, 1))


def _inception_v1() -> Any:
    import torch
    from torch import nn

    class Inception(nn.Module):  # torchvision's googlenet.Inception, ELU after every BN
        def __init__(self) -> None:
            super().__init__()
            self.b1 = _cbn(3, 4, act=nn.ELU)
            self.b2 = nn.Sequential(_cbn(3, 4, act=nn.ELU), _cbn(4, 8, 3, 1, 1, act=nn.ELU))
            self.b3 = nn.Sequential(_cbn(3, 2, act=nn.ELU), _cbn(2, 4, 5, 1, 2, act=nn.ELU))
            self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True),
                                    _cbn(3, 4, act=nn.ELU))

        def forward(self, x: Any) -> Any:
            return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)

    return Inception()


def _inception_b() -> Any:
    import torch
    from torch import nn

    class InceptionB(nn.Module):  # torchvision's inception.InceptionB, Tanh after every BN
        def __init__(self) -> None:
            super().__init__()
            self.b3x3 = _cbn(3, 384, 3, 2, act=nn.Tanh)
            self.dbl = nn.Sequential(_cbn(3, 64, act=nn.Tanh), _cbn(64, 96, 3, 1, 1, act=nn.Tanh),
                                     _cbn(96, 96, 3, 2, act=nn.Tanh))
            self.pool = nn.MaxPool2d(3, 2)

        def forward(self, x: Any) -> Any:
            return torch.cat([self.b3x3(x), self.dbl(x), self.pool(x)], 1)

    return InceptionB()


def _sepconv() -> Any:
    from torch import nn

    return nn.Sequential(nn.Conv2d(3, 8, 1, bias=False),
                         nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False),
                         nn.Conv2d(8, 16, 1, bias=False), nn.ReLU6())


def _torch_activation_ops(model: Any, resolution: int) -> int:
    """Activation ops of one forward pass: each activation module's output elements × its
    per-element cost."""
    import torch

    total = 0

    def count(module: Any, args: Any, out: Any) -> None:
        nonlocal total
        total += PER_ELEMENT[type(module).__name__] * out.numel()

    hooks = [m.register_forward_hook(count) for m in model.modules()
             if type(m).__name__ in PER_ELEMENT]
    try:
        with torch.no_grad():
            model.eval()(torch.zeros(1, 3, resolution, resolution))
    finally:
        for hook in hooks:
            hook.remove()
    return total


@pytest.mark.reference
@pytest.mark.parametrize("case", sorted(_torch_cases()))
def test_a_block_with_another_activation_counts_what_torch_counts(case: str) -> None:
    torch = pytest.importorskip("torch")
    from torch_counts import torch_madds

    from complexity.analysis.ops import report_ops

    layers, resolution, build = _torch_cases()[case]
    text = f"name: {case}\nresolution: {resolution}\nlayers:\n{layers}"
    model = build().eval()
    report = walk(load_spec(text), convention="torch", closed=False)
    assert report.params == sum(p.numel() for p in model.parameters())
    assert report.madds == torch_madds(model, torch.zeros(1, 3, resolution, resolution))
    assert report_ops(report).totals["act"] == _torch_activation_ops(model, resolution)


@pytest.mark.reference
@pytest.mark.peers
@pytest.mark.parametrize("case", sorted(_torch_cases()))
def test_a_block_with_another_activation_is_what_each_peer_prints(case: str) -> None:
    """``--as PEER`` for the block equals the peer run on the torch module."""
    pytest.importorskip("torch")
    for module in ("ptflops", "fvcore", "thop", "torchinfo"):
        pytest.importorskip(module)
    import peer_runs

    from complexity.analysis.peers import PEERS, predict

    layers, resolution, build = _torch_cases()[case]
    report = walk(load_spec(f"name: {case}\nresolution: {resolution}\nlayers:\n{layers}"),
                  closed=False)
    for peer in PEERS:
        got = predict(report, peer, style={})
        assert (got.params, got.ops) == peer_runs.RUNS[peer](build(), resolution), peer
