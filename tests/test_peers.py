"""`--as PEER` and `mbcalc peers`: each prediction held to the real counter run on the network's
torch reference (the `peers` extra), and the gap's terms adding up exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from complexity.analysis.peers import PEERS, predict, torch_params
from complexity.cli import app
from complexity.engine.walk import walk
from complexity.language.zoo import resolve, zoo_names

runner = CliRunner()

FEW = ("mobilenet_v2", "mobilenet_v3_small", "shufflenet_v1", "squeezenet1_1", "convnext_tiny",
       "efficientnet_b0")
"""The default run's networks: SE and h-swish, torch.relu after a concat, biases and ceil-mode
pools, the issue's MobileNetV2; layer norm, GELU, layer scale and per-pixel linear layers
(ConvNeXt-T); swish inside SE, a functional pool and gate (EfficientNet-B0)."""


def as_json(name: str, peer: str, *options: str) -> dict[str, Any]:
    result = runner.invoke(app, [name, "--as", peer, "--format", "json", *options])
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)["totals"]["as"]


def reference(name: str) -> Any:
    """The torch reference of zoo network ``name``, built with its spec's variables."""
    from complexity.analysis.verify import torch_model

    return torch_model(name, 1.0, dict(resolve(name).network.variables))


def real(name: str, peer: str, resolution: int, model: Any = None) -> tuple[int, int]:
    """What the installed peer prints for the torch reference of ``name``."""
    pytest.importorskip("torch")
    import peer_runs

    return peer_runs.RUNS[peer](reference(name) if model is None else model, resolution)


def with_reference() -> list[str]:
    try:
        from complexity.reference import torch_builders
    except ImportError:
        return []
    return sorted(set(zoo_names()) & set(torch_builders()))


def one_per_family() -> list[str]:
    """The default slow grid: in each zoo file, the name with a torch reference that sorts first
    by (length, name) — the family's smallest, resnet18 before resnet101 — and RegNetY-400MF,
    whose reference differs from RegNetX's (SE)."""
    from complexity.language.zoo import zoo_index

    index, first, refs = zoo_index(), dict[object, str](), set(with_reference())
    for name in sorted(zoo_names(), key=lambda n: (len(n), n)):
        if name in refs:
            first.setdefault(index[name][0], name)
    return sorted({*first.values(), "regnet_y_400mf"} & refs)


def grid() -> list[Any]:
    """Every zoo name with a torch reference; beyond one per family, marked ``fullgrid``."""
    chosen = set(one_per_family())
    return [name if name in chosen else pytest.param(name, marks=pytest.mark.fullgrid)
            for name in with_reference()]


def _skip_without_peers() -> None:
    for module in ("torch", "ptflops", "fvcore", "thop", "torchinfo"):
        pytest.importorskip(module)


@pytest.mark.reference
@pytest.mark.peers
@pytest.mark.parametrize("peer", list(PEERS))
@pytest.mark.parametrize("name", FEW)
def test_as_peer_prints_what_the_peer_prints(name: str, peer: str) -> None:
    _skip_without_peers()
    resolution = resolve(name).network.resolution
    got = as_json(name, peer)
    assert (got["params"], got["ops"]) == real(name, peer, resolution)
    assert got["peer"] == peer and got["version"] == PEERS[peer].version
    assert got["madds"] + sum(got["breakdown"].values()) == got["ops"]


def test_as_layers_sum_to_the_peers_count() -> None:
    result = runner.invoke(app, ["mobilenet_v3_small", "--as", "thop", "--format", "json"])
    data = json.loads(result.stdout)
    assert sum(sum(layer["as"].values()) for layer in data["layers"]) == data["totals"]["as"]["ops"]


def _other_resolution(name: str) -> int:
    base = resolve(name).network.resolution
    return 160 if base == 224 else 224  # inception_v3 and xception are 299 networks


@pytest.mark.slow
@pytest.mark.reference
@pytest.mark.peers
@pytest.mark.parametrize("name", grid())
def test_every_zoo_network_every_peer_two_resolutions(name: str) -> None:
    """The grid, through ``predict`` (what ``--as`` prints; the CLI path is held above): one
    model per network, each peer cleaning up after itself. By default one network per zoo file
    (family); ``-m fullgrid`` adds the other members (about 4 minutes for all 46 on the shared
    machine)."""
    _skip_without_peers()
    model = reference(name)
    spec = resolve(name)
    for resolution in (spec.network.resolution, _other_resolution(name)):
        report = walk(spec, resolution=resolution, closed=False)
        for peer in PEERS:
            got = predict(report, peer)
            expected = real(name, peer, resolution, model)
            assert (got.params, got.ops) == expected, (peer, resolution)


@pytest.mark.reference
@pytest.mark.peers
def test_the_issues_figures_for_mobilenet_v2() -> None:
    """The figures of issue 16 for torchvision's MobileNetV2 at 224, from the real counters."""
    _skip_without_peers()
    printed = {peer: real("mobilenet_v2", peer, 224)[1] for peer in PEERS}
    assert printed["ptflops"] == 320_300_008
    assert round(printed["ptflops-aten"], -5) == 300_800_000
    assert round(printed["fvcore"], -5) == 314_200_000
    assert round(printed["thop"], -5) == 327_500_000
    assert round(printed["torchinfo"], -5) == 300_800_000
    assert round(printed["flopcounter"], -5) == 601_500_000
    assert printed["flopcounter"] == 2 * 300_774_272


def test_ptflops_on_mobilenet_v2_term_by_term() -> None:
    """320,300,008 = 300,774,272 MAdds + the fc's 1,000 bias adds + batch norm's 2 per element
    + ReLU6's 1 per element + the global pool's 1280·7² input elements, by hand."""
    report = walk(resolve("mobilenet_v2"))
    bn = sum(2 * r.output.as_list()[0] * r.output.h * r.output.w for r in report.rows
             if r.kind == "bn")
    relu6 = sum(r.output.as_list()[0] * r.output.h * r.output.w for r in report.rows
                if r.kind == "act")
    hand = {"bias": 1000, "bn": bn, "act": relu6, "pool": 1280 * 7 * 7}
    got = as_json("mobilenet_v2", "ptflops")
    assert got["madds"] == 300_774_272
    assert {k: v for k, v in got["breakdown"].items() if v} == hand
    assert 300_774_272 + sum(hand.values()) == got["ops"] == 320_300_008


def test_peers_command_shows_every_counter_and_the_terms() -> None:
    result = runner.invoke(app, ["peers", "mobilenet_v2", "--format", "markdown"])
    assert result.exit_code == 0, result.stdout + result.stderr
    for text in ("320,300,008", "300,774,272", "601,548,544", "300M", "0.7.5",
                 "0.1.5.post20221221", "0.1.1.post2209072238", "1.8.0",
                 "MAdds + 1,000 bias adds + 13,356,224 normalisation + 6,105,792 activations + "
                 "62,720 pooling"):
        assert text in result.stdout, text


def test_peers_command_json_lists_six_counters() -> None:
    result = runner.invoke(app, ["peers", "resnet18", "--format", "json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert [p["peer"] for p in data["peers"]] == list(PEERS)
    for p in data["peers"]:
        assert data["madds"] + sum(p["breakdown"].values()) == p["ops"]


def test_as_in_text_formats_builds_the_count() -> None:
    result = runner.invoke(app, ["mobilenet_v1", "--as", "thop", "--summary", "--format", "csv"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "thop" in result.stdout and "0.1.1.post2209072238" in result.stdout


def test_unknown_peer_is_a_user_error() -> None:
    result = runner.invoke(app, ["mobilenet_v1", "--as", "keras"])
    assert result.exit_code == 2
    assert "unknown peer 'keras'" in result.stderr and "ptflops" in result.stderr


def test_a_row_without_a_lowering_is_a_user_error() -> None:
    result = runner.invoke(app, ["efficientnet_b0_keras", "--as", "fvcore"])
    assert result.exit_code == 2
    assert "--as fvcore: no prediction yet for layer" in result.stderr
    assert "normalization" in result.stderr and "Traceback" not in result.stderr


def test_peers_command_on_convnext_names_each_counter() -> None:
    result = runner.invoke(app, ["peers", "convnext_tiny", "--format", "json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert [p["peer"] for p in data["peers"]] == list(PEERS)


@pytest.mark.parametrize("name", zoo_names())
def test_peer_params_are_the_torch_convention(name: str) -> None:
    spec = resolve(name)
    expected = walk(spec, convention="torch", closed=False).params
    for convention in ("paper", "torch", "keras"):
        assert torch_params(walk(spec, convention=convention, closed=False)) == expected


@pytest.mark.parametrize("name", ["mobilenet_v3_large", "resnet50", "vgg16"])
def test_terms_add_up_for_every_peer(name: str) -> None:
    report = walk(resolve(name))
    for peer in PEERS:
        p = predict(report, peer)
        assert report.madds + sum(p.terms.values()) == p.ops
        assert sum(sum(r.values()) for r in p.rows) == p.ops


@pytest.mark.reference
@pytest.mark.peers
def test_the_installed_peers_are_the_pinned_versions() -> None:
    """The rules in analysis/peers.py are read from these versions' source."""
    _skip_without_peers()
    from importlib.metadata import version

    import torch

    for peer in PEERS.values():
        installed = torch.__version__.split("+")[0] if peer.package == "torch" else version(
            peer.package)
        assert installed.replace("-", ".post") == peer.version or installed == peer.version, (
            peer.name, installed)


TOY = """\
name: toy
resolution: 16
layers:
  - {kind: conv, out: 8, kernel: 3, padding: 1, bias: true}
  - {kind: groupnorm, groups: 2}
  - {kind: act, fn: tanh}
  - {kind: pw, out: 8, bias: true}
  - {kind: act, fn: elu}
  - {kind: act, fn: leaky_relu}
  - {kind: act, fn: gelu}
  - {kind: act, fn: silu}
  - {kind: global_pool}
  - {kind: flatten}
  - {kind: fc, out: 10}
"""


@pytest.mark.reference
@pytest.mark.peers
@pytest.mark.parametrize("peer", list(PEERS))
def test_group_norm_and_the_activations_no_zoo_reference_has(peer: str) -> None:
    """The rules no zoo reference exercises (GroupNorm; Tanh, ELU, LeakyReLU, nn.GELU, nn.SiLU
    modules), held to the real peer on a toy torch model written beside its spec."""
    _skip_without_peers()
    from torch import nn

    from complexity.language.specfile import load_spec

    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.GroupNorm(2, 8), nn.Tanh(),
                          nn.Conv2d(8, 8, 1), nn.ELU(), nn.LeakyReLU(), nn.GELU(), nn.SiLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))
    got = predict(walk(load_spec(TOY), closed=False), peer, style={})
    assert (got.params, got.ops) == real("toy", peer, 16, model)
