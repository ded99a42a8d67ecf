"""`mbcalc verify`: the spec beside a real model, layer by layer, and its exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app
from complexity.cli.app import EXIT_MISMATCH
from complexity.language.zoo import zoo_dir, zoo_names

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.reference

runner = CliRunner()


FAMILY_MEMBERS_TESTED_ELSEWHERE = {
    "resnet34", "resnet101", "resnet152", "resnext101_32x8d", "resnext101_64x4d",
    "wide_resnet50_2", "wide_resnet101_2", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
    "vgg16_bn", "vgg19", "vgg19_bn", "densenet161", "densenet169", "densenet201",
    "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
}
"""Family members held to their references by tests/test_zoo_families.py (on torch's meta
device, in milliseconds); verify runs real forward passes, so it checks one or two per family."""


def with_reference() -> list[str]:
    from complexity.reference import torch_builders

    names = set(zoo_names()) & set(torch_builders())
    return sorted(names - FAMILY_MEMBERS_TESTED_ELSEWHERE)


@pytest.mark.slow
@pytest.mark.parametrize("name", with_reference())
def test_every_zoo_network_verifies_against_its_torch_reference(name: str) -> None:
    result = runner.invoke(app, ["verify", name])
    assert result.exit_code == 0, result.stdout[-2000:] + result.stderr
    assert "all layers match" in result.stdout


def test_verify_at_other_alpha_and_resolution() -> None:
    result = runner.invoke(app, ["verify", "mobilenet_v1", "--alpha", "0.5", "--rho", "0.714"])
    assert result.exit_code == 0, result.stdout
    assert "160×160" in result.stdout and "all layers match" in result.stdout


def test_verify_against_keras_applications() -> None:
    pytest.importorskip("keras")
    result = runner.invoke(app, ["verify", "mobilenet_v1", "--framework", "keras",
                                 "--resolution", "128"])
    assert result.exit_code == 0, result.stdout
    assert "128×128" in result.stdout
    assert "all layers match" in result.stdout


def test_a_wrong_spec_fails_and_marks_the_layer(tmp_path: Path) -> None:
    text = (zoo_dir() / "mobilenet_v1.yaml").read_text()
    wrong = text.replace("{kind: pw, name: pw5, out: 256}", "{kind: pw, name: pw5, out: 255}")
    assert wrong != text
    spec = tmp_path / "wrong.yaml"
    spec.write_text(wrong)
    result = runner.invoke(app, ["verify", str(spec), "--format", "markdown"])
    assert result.exit_code == EXIT_MISMATCH
    bad = [line for line in result.stdout.splitlines() if "✗" in line]
    assert bad and any("pw5" in line for line in bad)
    assert "do not match" in result.stdout


def test_json_output_says_ok() -> None:
    import json

    result = runner.invoke(app, ["verify", "mobilenet_v1", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["params"][0] == data["params"][1]
    assert all(layer["ok"] for layer in data["layers"])


def test_missing_torch_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    for module in [m for m in sys.modules if m.startswith("complexity.reference.")]:
        monkeypatch.delitem(sys.modules, module)
    result = runner.invoke(app, ["verify", "mobilenet_v1"])
    assert result.exit_code == 2
    assert "pip install 'mbcalc[reference]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_reference_is_a_clear_error(tmp_path: Path) -> None:
    spec = tmp_path / "mine.yaml"
    spec.write_text("name: mine\nlayers:\n  - {kind: conv, out: 8, kernel: 3}\n")
    result = runner.invoke(app, ["verify", str(spec)])
    assert result.exit_code == 2 and "no torch reference model for 'mine'" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("name", "sets"), [
    ("vgg16", []), ("xception", []), ("resnet50", ["--set", "variant=keras"]),
    ("inception_v3", ["--set", "variant=keras"]), ("mobilenet_v2", []),
])
def test_keras_applications_pair_layer_by_layer(name: str, sets: list[str]) -> None:
    pytest.importorskip("keras")
    result = runner.invoke(app, ["verify", name, "--framework", "keras", *sets])
    assert result.exit_code == 0, result.stdout[-3000:]
    assert "all layers match" in result.stdout
