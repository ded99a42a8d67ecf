"""Built-in blocks take any activation (`act`): every kind has the field, it changes only the
activation rows (never params or MAdds), and a block with a non-default activation counts what
a real torch module with that activation counts — params, MAdds, every op (`--ops`) and each
peer's figure (`--as`)."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from typer.testing import CliRunner

from complexity.cli import app
from complexity.engine.walk import Report, walk
from complexity.errors import SpecError
from complexity.language.blocks import Block
from complexity.language.layers import Activation
from complexity.language.specfile import load_spec

SAMPLES: dict[str, str] = {
    "conv_bn": "out: 16",
    "sepconv": "out: 16",
    "dwsep": "out: 16",
    "inverted_residual": "expansion: 2, out: 16",
    "bneck": "exp: 32, out: 16, se: true",
    "fire": "squeeze: 4, expand1x1: 8, expand3x3: 8",
    "shufflenet_v1_unit": "out: 16, groups: 2",
    "shufflenet_v2_unit": "out: 16",
    "basic": "out: 16",
    "bottleneck": "mid: 8, out: 16, se: true",
    "inception_v1": "c1: 4, c3r: 4, c3: 8, c5r: 2, c5: 4, pool_proj: 4",
    "inception_a": "pool_features: 8",
    "inception_b": "",
    "inception_c": "c7: 8",
    "inception_d": "",
    "inception_e": "",
    "mbconv": "out: 16",
    "fused_mbconv": "out: 16",
}
"""One small use of every built-in block kind, on a 16-channel 9×9 map."""


def block_kinds() -> list[str]:
    return [kind for model in get_args(Block)
            for kind in get_args(model.model_fields["kind"].annotation)]


def one_block(kind: str, fields: str, act: str | None = None) -> Report:
    extra = ", ".join(f for f in (fields, f"act: {act}" if act else "") if f)
    text = (f"name: net\nresolution: 9\nlayers:\n  - {{kind: pw, out: 16}}\n"
            f"  - {{kind: {kind}, name: b, {extra}}}\n")
    return walk(load_spec(text), convention="torch", closed=False)


def activations(report: Report) -> list[str]:
    return [row.layer.fn for row in report.rows if isinstance(row.layer, Activation)]


def test_every_block_kind_is_sampled_and_has_an_act_field() -> None:
    assert sorted(SAMPLES) == sorted(block_kinds())
    for model in get_args(Block):
        assert "act" in model.model_fields, model.__name__


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_act_changes_the_activations_only(kind: str) -> None:
    """``act: elu`` (no block's default) turns every activation of the block into ELU and
    leaves every params and MAdds figure as it was; ``act: none`` leaves them out."""
    default = one_block(kind, SAMPLES[kind])
    model = next(m for m in get_args(Block)
                 if kind in get_args(m.model_fields["kind"].annotation))
    paper = model.model_fields["act"].default
    elu = one_block(kind, SAMPLES[kind], "elu")
    none = one_block(kind, SAMPLES[kind], "none")
    assert set(activations(default)) <= {paper}
    assert set(activations(elu)) == {"elu"}
    assert activations(none) == []
    if paper != "none":
        assert len(activations(elu)) == len(activations(default))
    for other in (elu, none):
        assert [(r.params, r.madds) for r in other.rows if r.kind != "act"] == [
            (r.params, r.madds) for r in default.rows if r.kind != "act"]
        assert (other.params, other.madds) == (default.params, default.madds)


def test_a_misspelt_activation_gets_a_did_you_mean() -> None:
    with pytest.raises(SpecError, match=r"net.yaml:5: layers\[1\].act \(b\): unknown value "
                                        r"'hswsh'; did you mean hswish\? one of: relu, .*none"):
        load_spec("name: net\nresolution: 9\nlayers:\n  - {kind: pw, out: 16}\n"
                  "  - {kind: fire, name: b, squeeze: 4, expand1x1: 8, expand3x3: 8, "
                  "act: hswsh}\n", "net.yaml")


def test_the_spec_reference_lists_the_activations_of_every_block() -> None:
    from complexity.language.schema import spec_schema

    definitions = spec_schema()["$defs"]
    for model in get_args(Block):
        act = json.dumps(definitions[model.__name__]["properties"]["act"])
        assert "hswish" in act and "none" in act, model.__name__


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


def test_ops_and_as_on_the_command_line_name_the_activation(tmp_path: Any) -> None:
    spec = tmp_path / "fire.yaml"
    spec.write_text("name: fire\nresolution: 8\nlayers:\n"
                    "  - {kind: fire, name: f, squeeze: 4, expand1x1: 8, expand3x3: 8, "
                    "act: hswish}\n")
    runner = CliRunner()
    result = runner.invoke(app, [str(spec), "--ops", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["layers"]
    assert [r["name"] for r in rows if r["kind"] == "act"] == [
        "f/squeeze/hswish", "f/expand1x1/hswish", "f/expand3x3/hswish"]
    # hswish: 5 ops per element of the 4×8×8 squeeze and the two 8×8×8 expands
    assert json.loads(result.stdout)["totals"]["ops"]["act"] == 5 * (4 + 8 + 8) * 8 * 8
