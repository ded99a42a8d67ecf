"""Bad input: every check gives exit code 2, one line on stderr naming where, no traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app, main

runner = CliRunner()

BASE = """\
name: net
resolution: 32
variables: {classes: 10}
layers:
  - {kind: conv, name: c1, out: 16, kernel: 3, padding: 1}
  - {kind: bn}
  - {kind: dw, name: dw2, kernel: 3, padding: same}
  - {kind: pw, name: pw2, out: 32}
  - {kind: global_pool, name: pool}
  - {kind: fc, name: fc, out: $classes, width: fixed}
"""


def fail(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    err = result.stderr
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err + result.stdout
    return err


def spec_error(tmp_path: Path, text: str, *args: str) -> str:
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    err = fail([str(path), *args])
    assert path.read_bytes() == before  # never written to
    return err


def edited(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new, 1)


CHECKS = {
    "malformed YAML": ("layers:\n  - {kind: conv\n", "net.yaml:3: malformed YAML"),
    "empty document": ("", "is empty"),
    "non-mapping document": ("- a\n- b\n", "must be a mapping"),
    "unknown layer kind": (edited("kind: pw,", "kind: pww,"),
                           "net.yaml:8: layers[3].kind (pw2): unknown layer kind 'pww'"),
    "misspelled field": (edited("out: 32}", "outs: 32}"), "layers[3].outs (pw2): unknown field"),
    "string for an int": (edited("out: 32}", "out: '32'}"), "layers[3].out (pw2): Input should"),
    "boolean for an int": (edited("kernel: 3, padding: 1", "kernel: true, padding: 1"),
                           "layers[0].kernel (c1)"),
    "float for channels": (edited("out: 32}", "out: 32.0}"), "layers[3].out (pw2)"),
    "zero channels": (edited("out: 32}", "out: 0}"),
                      "layers[3].out (pw2): Input should be greater"),
    "negative kernel": (edited("kernel: 3, padding: 1", "kernel: -3, padding: 1"),
                        "layers[0].kernel (c1)"),
    "zero stride": (edited("padding: same}", "padding: same, stride: 0}"),
                    "layers[2].stride (dw2)"),
    "zero dilation": (edited("padding: same}", "padding: same, dilation: 0}"),
                      "layers[2].dilation (dw2)"),
    "absurd channels": (edited("out: 32}", "out: 1000000000}"),
                        "layers[3].out (pw2): Input should be less than or equal to 1000000"),
    "zero groups": (edited("out: 32}", "out: 32, groups: 0}"), "layers[3].groups (pw2)"),
    "groups not dividing": (edited("out: 32}", "out: 32, groups: 3}"),
                            "net.yaml:8: layers[3].groups (pw2): groups=3 does not divide "
                            "in_channels=16"),
    "negative repeat": ("name: n\nlayers:\n  - {kind: repeat, times: -1, layers: [{kind: bn}]}\n",
                        "layers[0].times"),
    "absurd repeat": ("name: n\nlayers:\n  - kind: repeat\n    times: 1000000\n"
                      "    layers: [{kind: bn}, {kind: bn}]\n", "expands to more than 100,000"),
    "depthwise channels disagree": (edited("kernel: 3, padding: same}",
                                           "kernel: 3, padding: same, channels: 32}"),
                                    "layers[2].channels (dw2): channels=32 but the input has 16"),
    "kernel larger than padded input": (edited("kernel: 3, padding: 1", "kernel: 40, padding: 1"),
                                        "layers[0].kernel (c1): kernel reach 40 is larger than "
                                        "the padded input 34"),
    "layer after global pooling needs space": (
        BASE + "  - {kind: conv, name: late, out: 8, kernel: 3, padding: 0}\n",
        "layers[6].kernel (late): kernel reach 3 is larger than the padded input 1"),
    "fc on a spatial map": (edited("  - {kind: global_pool, name: pool}\n", ""),
                            "layers[4].kind (fc): fc needs a 1×1 input"),
    "residual shapes disagree": (
        "name: n\nresolution: 8\nlayers:\n  - kind: residual\n    name: res\n"
        "    layers: [{kind: conv, name: c, out: 8, kernel: 3, padding: 1}]\n",
        "layers[0].layers (res): residual add: layers give 8×8×8 but the shortcut gives 3×8×8"),
    "concat spatial sizes disagree": (
        "name: n\nresolution: 8\nlayers:\n  - kind: concat\n    name: cat\n    branches:\n"
        "      - [{kind: conv, out: 4, kernel: 3, stride: 2, padding: 1}]\n"
        "      - [{kind: pw, out: 4}]\n",
        "layers[0].branches (cat): concat: branch 2 gives 8×8 but branch 1 gives 4×4"),
    "uneven split": (
        "name: n\nresolution: 8\nlayers:\n  - {kind: concat, name: cat, split: true, "
        "branches: [[], []]}\n", "layers[0].split (cat): cannot split 3 channels"),
    "undefined spec variable": (edited("$classes", "$clases"),
                                "layers[5].out (fc): unknown variable 'clases'"),
    "python object tag": ("!!python/object/apply:os.system ['true']\n", "unsupported YAML tag"),
}


@pytest.mark.parametrize("case", CHECKS)
def test_spec_checks(case: str, tmp_path: Path) -> None:
    text, expected = CHECKS[case]
    assert expected in spec_error(tmp_path, text)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--alpha", "0"], "--alpha must be positive"),
        (["--alpha", "-1"], "--alpha must be positive"),
        (["--alpha", "nan"], "--alpha must be a number"),
        (["--alpha", "inf"], "--alpha must be a number"),
        (["--alpha", "x"], "--alpha must be a number"),
        (["--rho", "0"], "--rho must be positive"),
        (["--rho", "-0.5"], "--rho must be positive"),
        (["--rho", "NaN"], "--rho must be a number"),
        (["--rho", "1e-3"], "input resolution round(rho·32) = 0 is empty"),
        (["--rho", "1e-9"], "--rho must be between 1e-06 and 1000"),
        (["--resolution", "0"], "--resolution must be a positive integer"),
        (["--set", "classes=ten"], "--set classes='ten': expected a int"),
        (["--set", "nothing=1"], "--set nothing: unknown variable"),
        (["--set", "classes"], "--set expects NAME=VALUE"),
    ],
)
def test_command_line_checks(args: list[str], expected: str, tmp_path: Path) -> None:
    assert expected in spec_error(tmp_path, BASE, *args)


def test_unknown_model_suggests_names() -> None:
    assert "did you mean mobilenet_v1" in fail(["mobilenet_v11"])


def test_files_that_are_not_specs(tmp_path: Path) -> None:
    assert "is a directory" in fail([str(tmp_path)])
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"name: x\x00\x01")
    assert "binary" in fail([str(binary)])
    latin = tmp_path / "l.yaml"
    latin.write_bytes(b"name: caf\xe9\n")
    assert "not UTF-8" in fail([str(latin)])
    huge = tmp_path / "h.yaml"
    huge.write_text("# " + "x" * (2 << 20))
    assert "larger than" in fail([str(huge)])


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file whatever its mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(BASE)
    path.chmod(0)
    assert "cannot read" in fail([str(path)])


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(edited("out: 32}", "out: 32, groups: 3}"))
    result = runner.invoke(app, [str(path), "--debug"])
    assert result.exit_code == 2 and "Traceback" in result.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["mobilenet_v1", "--resolution", "abc"], "Invalid value for '--resolution'"),
        (["mobilenet_v1", "--bogus"], "No such option: --bogus"),
        (["compare", "--cin", "3"], "Missing option"),
        (["compare", "--cin", "0", "--cout", "8", "--kernel", "3", "--size", "4"], "--cin"),
        (["mobilenet_v1", "--format", "pdf"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors_are_one_line_too(argv: list[str], expected: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and expected in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err


def test_main_returns_zero_on_success(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mobilenet_v1", "--summary", "--format", "csv"]) == 0
    assert "568740352" in capsys.readouterr().out
