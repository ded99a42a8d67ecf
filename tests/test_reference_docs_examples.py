"""The spec-format reference's examples against torch models written from them, layer by
layer: params (`sum(numel)`, the torch convention) and MAdds (FlopCounterMode / 2), a side
branch in eval and in training mode."""

from __future__ import annotations

from typing import Any

import pytest
from test_docs_examples import counts

# Torch modules written from the examples' comments, layer by layer.

def _cbn(nn: Any, cin: int, cout: int, k: int, s: int, act: Any = None) -> list[Any]:
    return [nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout),
            *([act()] if act else [])]


def _efficientnet_stages() -> Any:
    import torch
    from torch import nn

    class SE(nn.Module):  # torchvision's SqueezeExcitation
        def __init__(self, c: int, squeezed: int, act: Any) -> None:
            super().__init__()
            self.pool, self.act, self.gate = nn.AdaptiveAvgPool2d(1), act(), nn.Sigmoid()
            self.fc1, self.fc2 = nn.Conv2d(c, squeezed, 1), nn.Conv2d(squeezed, c, 1)

        def forward(self, x: Any) -> Any:
            return x * self.gate(self.fc2(self.act(self.fc1(self.pool(x)))))

    class MB(nn.Module):
        def __init__(self, cin: int, out: int, stride: int = 1, t: int = 6, k: int = 3,
                     act: Any = nn.SiLU, squeezed: int | None = None) -> None:
            super().__init__()
            hidden = cin * t
            self.add = stride == 1 and cin == out
            self.body = nn.Sequential(
                *_cbn(nn, cin, hidden, 1, 1, act), nn.Conv2d(hidden, hidden, k, stride, k // 2,
                                                             groups=hidden, bias=False),
                nn.BatchNorm2d(hidden), act(),
                SE(hidden, cin // 4 if squeezed is None else squeezed, act),
                *_cbn(nn, hidden, out, 1, 1))

        def forward(self, x: Any) -> Any:
            return x + self.body(x) if self.add else self.body(x)

    # the inverted residual: ReLU6, SE to make_divisible(40 // 4 = 10, 8) = 16 (8 < 0.9·10)
    # with ReLU inside, as the se layer's default
    ir = MB(40, 40, t=4, act=nn.ReLU6, squeezed=16)
    ir.body[6].act = nn.ReLU()
    return nn.Sequential(*_cbn(nn, 3, 16, 3, 2, nn.SiLU), MB(16, 24, 2, 6, 5), MB(24, 32, 2),
                         MB(32, 40), MB(40, 40), ir, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(40, 10)), torch.zeros(1, 3, 64, 64)


def _modern_layers() -> Any:
    import torch
    from torch import nn

    class ChannelsLast(nn.Module):  # x → permute → f → permute back
        def __init__(self, f: Any) -> None:
            super().__init__()
            self.f = f

        def forward(self, x: Any) -> Any:
            return self.f(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)

    class Block(nn.Module):  # torchvision's CNBlock
        def __init__(self, dim: int) -> None:
            super().__init__()
            self.dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
            self.mlp = ChannelsLast(nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, 4 * dim),
                                                  nn.GELU(), nn.Linear(4 * dim, dim)))
            self.gamma = nn.Parameter(torch.ones(dim, 1, 1))

        def forward(self, x: Any) -> Any:
            return x + self.gamma * self.mlp(self.dw(x))

    return nn.Sequential(nn.Conv2d(3, 32, 4, 4), ChannelsLast(nn.LayerNorm(32)), Block(32),
                         nn.Conv2d(32, 64, 3, 2, 1, bias=False), nn.GroupNorm(8, 64), nn.SiLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(64, 10)), torch.zeros(1, 3, 32, 32)


def _user_block() -> Any:
    import torch
    from torch import nn

    def sep(cin: int, out: int, stride: int, act: Any) -> list[Any]:
        return [nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False),
                nn.BatchNorm2d(cin), act(), nn.Conv2d(cin, out, 1, bias=False)]

    return nn.Sequential(*_cbn(nn, 3, 8, 3, 1, nn.ReLU), *sep(8, 16, 2, nn.ReLU),
                         *sep(16, 32, 1, nn.GELU), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(32, 10)), torch.zeros(1, 3, 32, 32)


def _merge_keys() -> Any:
    import torch
    from torch import nn

    return nn.Sequential(*_cbn(nn, 3, 16, 3, 2, nn.ReLU), *_cbn(nn, 16, 16, 3, 1, nn.ReLU),
                         *_cbn(nn, 16, 32, 3, 2, nn.ReLU), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(32, 10)), torch.zeros(1, 3, 32, 32)


@pytest.mark.reference
@pytest.mark.parametrize(("name", "build"), [
    ("efficientnet_stages.yaml", _efficientnet_stages), ("modern_layers.yaml", _modern_layers),
    ("user_block.yaml", _user_block), ("merge_keys.yaml", _merge_keys)])
def test_an_example_counts_what_its_torch_model_counts(name: str, build: Any) -> None:
    pytest.importorskip("torch")
    from torch_counts import torch_madds

    model, x = build()
    assert counts(name) == (sum(p.numel() for p in model.parameters()),
                            torch_madds(model.eval(), x))


@pytest.mark.reference
def test_the_side_branch_counts_as_torch_eval_and_train_modes_run() -> None:
    torch = pytest.importorskip("torch")
    from torch import nn
    from torch.utils.flop_counter import FlopCounterMode

    class Net(nn.Module):  # GoogLeNet's pattern: the aux head runs only in training mode
        def __init__(self, aux: bool) -> None:
            super().__init__()
            self.conv1 = nn.Sequential(*_cbn(nn, 3, 16, 3, 1, nn.ReLU))
            self.aux = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                     nn.Linear(16, 10)) if aux else None
            self.rest = nn.Sequential(*_cbn(nn, 16, 32, 3, 2, nn.ReLU), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten(), nn.Linear(32, 10))

        def forward(self, x: Any) -> Any:
            x = self.conv1(x)
            aux = self.aux(x) if self.aux is not None and self.training else None
            return self.rest(x), aux

    def real(aux: bool, train: bool) -> tuple[int, int]:
        model = Net(aux).train(train)
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(torch.zeros(1, 3, 32, 32))
        return sum(p.numel() for p in model.parameters()), counter.get_total_flops() // 2

    assert counts("side_branch.yaml") == real(False, False)
    assert counts("side_branch.yaml", aux_logits=True) == real(True, False)
    assert counts("side_branch.yaml", aux_logits=True, training=True) == real(True, True)
    assert counts("side_branch.yaml", aux_logits=True)[1] < real(True, True)[1]
