"""`mbcalc verify`: the spec beside a real model, layer by layer, and its exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app
from complexity.cli.group import EXIT_MISMATCH
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


# verify --reference: the user's own model (tests/models/small_net.py beside small_net.yaml).

MODELS = Path(__file__).resolve().parent / "models"
SPEC = str(MODELS / "small_net.yaml")
REF = f"{MODELS / 'small_net.py'}:build"


def verify_ref(*args: str, spec: str = SPEC, ref: str = REF) -> tuple[int, str, str]:
    result = runner.invoke(app, ["verify", spec, "--reference", ref, "--format", "markdown",
                                 *args])
    return result.exit_code, result.stdout, result.stderr


def crossed(out: str) -> list[str]:
    return [line for line in out.splitlines() if "✗" in line]


def test_reference_passes_on_a_correct_small_network() -> None:
    code, out, err = verify_ref()
    assert code == 0, out + err
    assert "all layers match" in out and not crossed(out)
    # The totals printed are torch's own: Σ numel of the parameters, FlopCounterMode / 2.
    from torch.utils.flop_counter import FlopCounterMode

    sys.path.insert(0, str(MODELS))
    try:
        import small_net
    finally:
        sys.path.remove(str(MODELS))
    model = small_net.build().eval()
    params = sum(p.numel() for p in model.parameters())
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, 64, 64))
    assert f"params: spec {params:,}, model {params:,}" in out
    madds = counter.get_total_flops() // 2
    assert f"MAdds: spec {madds:,}, model {madds:,}" in out
    assert "building model" in err and "running forward at 64×64" in err


def test_reference_as_module_callable_with_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(MODELS))
    code, out, _ = verify_ref("--reference-arg", "classes=7", "--set", "classes=7",
                              ref="small_net:build")
    assert code == 0 and "all layers match" in out
    code, out, _ = verify_ref("--reference-arg", "classes=7", ref="small_net:build")
    assert code == EXIT_MISMATCH and any("fc" in line for line in crossed(out))


def test_wrong_widths_fail_naming_the_layer(tmp_path: Path) -> None:
    text = Path(SPEC).read_text()
    wrong = text.replace("{kind: pw, name: pw, out: 32}", "{kind: pw, name: pw, out: 24}")
    assert wrong != text
    spec = tmp_path / "wrong.yaml"
    spec.write_text(wrong)
    code, out, err = verify_ref(spec=str(spec))
    assert code == EXIT_MISMATCH
    assert any("| pw |" in line for line in crossed(out))
    assert "mismatch: spec pw:" in err  # the first differing layers, side by side


def test_a_parameter_the_spec_lacks_fails_verify() -> None:
    # A learnable per-channel scale held by a block (not a leaf layer), as ConvNeXt's.
    code, out, err = verify_ref("--reference-arg", "layer_scale=true")
    assert code == EXIT_MISMATCH, out
    assert any("down.gamma" in line for line in crossed(out))
    assert "params: spec 64,818, model 64,882" in out  # 64 more: one scale per channel
    assert "down.gamma" in err


def test_a_shortcut_run_before_the_body_is_no_mismatch() -> None:
    # torchvision's RegNet runs its projection shortcut first; the counts are the same.
    code, out, err = verify_ref("--reference-arg", "shortcut_first=true")
    assert code == 0, out + err
    assert not crossed(out)


@pytest.mark.parametrize(("argument", "message"), [
    ("in_channels=1", "expected input[1, 3, 64, 64] to have 1 channels"),
    ("crash=true", "deliberate failure in forward"),
])
def test_a_model_that_cannot_run_is_a_one_line_error(argument: str, message: str) -> None:
    code, out, err = verify_ref("--reference-arg", argument)
    assert code == 2 and out == ""
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in err


def test_bad_references_are_clear_errors(tmp_path: Path) -> None:
    for ref, message in [(str(tmp_path / "none.py") + ":build", "no such file"),
                         (f"{MODELS / 'small_net.py'}:nothing", "has no 'nothing'"),
                         ("no_such_module_xyz:build", "cannot import module")]:
        code, _, err = verify_ref(ref=ref)
        assert code == 2 and message in err, err
    result = runner.invoke(app, ["verify", SPEC, "--reference-arg", "classes=3"])
    assert result.exit_code == 2 and "needs --reference" in result.stderr


def test_json_output_has_no_progress_lines() -> None:
    import json

    result = runner.invoke(app, ["verify", SPEC, "--reference", REF, "--format", "json"])
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["framework"] == "torch"
    assert data["madds_from_shapes"] == data["madds"]


def test_shared_parameters_count_once() -> None:
    from complexity.analysis.verify import measure_torch

    class Tied(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
            self.again = torch.nn.Conv2d(8, 8, 3, padding=1)
            self.twice = torch.nn.Conv2d(8, 8, 3, padding=1)
            self.twice.weight = self.again.weight  # tied weight, own bias

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.twice(self.again(self.conv(x)))

    measured = measure_torch(Tied(), 8)
    assert measured.params == (3 * 9 * 8 + 8) + (8 * 9 * 8 + 8) + 8
    assert sum(m.params for m in measured.layers) == measured.params
    assert measured.madds == measured.shape_madds == (3 * 9 * 8 + 2 * 8 * 9 * 8) * 8 * 8


def test_verify_from_python() -> None:
    import complexity as mb

    sys.path.insert(0, str(MODELS))
    try:
        import small_net
    finally:
        sys.path.remove(str(MODELS))
    check = mb.verify(SPEC, small_net.build())
    assert check.ok and not check.mismatches() and check.framework == "torch"
    bad = mb.verify(SPEC, small_net.build(layer_scale=True))
    assert not bad.ok and [p.theirs.name for p in bad.mismatches() if p.theirs] == ["down.gamma"]
    assert mb.verify(SPEC, REF, arguments={"shortcut_first": True}).ok
    with pytest.raises(mb.MbcalcError, match="cannot run"):
        mb.verify(SPEC, small_net.build(in_channels=1))
    with pytest.raises(mb.MbcalcError, match="expected a torch.nn.Module or a Keras model"):
        mb.verify(SPEC, object())


def test_keras_reference_runs_on_the_torch_backend() -> None:
    pytest.importorskip("keras")
    code, out, err = verify_ref(ref=f"{MODELS / 'small_net.py'}:build_keras")
    assert code == 0, out + err
    assert "all layers match" in out and "MAdds: spec 9,000,064, model 9,000,064" in out


def test_keras_reference_on_tensorflow() -> None:
    # Needs TensorFlow (pip install tensorflow-cpu, in a venv of its own: docs/verify.md).
    pytest.importorskip("tensorflow")
    import os
    import subprocess

    env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    done = subprocess.run([sys.executable, "-m", "complexity", "verify", SPEC, "--reference",
                           f"{MODELS / 'small_net.py'}:build_keras", "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    import json

    data = json.loads(done.stdout)
    assert data["ok"] and data["framework"] == "keras"


def test_keras_layers_pair_on_their_own_madds(tmp_path: Path) -> None:
    # The depthwise conv's stride moved to the pointwise conv after it: every layer keeps its
    # params and the map after pw keeps its size, but dw now runs at 32×32 instead of 16×16.
    # Keras's per-layer MAdds (FlopCounterMode around each layer) single out dw.
    pytest.importorskip("keras")
    text = Path(SPEC).read_text()
    moved = text.replace("{kind: dw, name: dw, kernel: 3, stride: 2, padding: 1}",
                         "{kind: dw, name: dw, kernel: 3, padding: 1}").replace(
        "{kind: pw, name: pw, out: 32}",
        "{kind: conv, name: pw, out: 32, kernel: 1, stride: 2, padding: 0}")
    assert moved != text
    spec = tmp_path / "moved.yaml"
    spec.write_text(moved)
    code, out, err = verify_ref(spec=str(spec), ref=f"{MODELS / 'small_net.py'}:build_keras")
    assert code == EXIT_MISMATCH, out + err
    bad = [line for line in crossed(out) if line.startswith("|")]
    assert len(bad) == 1 and "| dw |" in bad[0], bad
    assert "1 layer(s) do not match" in out
