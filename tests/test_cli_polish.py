"""The command line's everyday surface: --version, -h, completion, bare `mbcalc`, help text
without Python types, --plot saying what it wrote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app, main

runner = CliRunner()
COMMANDS = ["count", "compare", "sweep", "formula", "verify", "schema", "list"]


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"mbcalc {version('mbcalc')}\n"


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS), ["mobilenet_v1"]])
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    short = runner.invoke(app, [*command, "-h"], env={"COLUMNS": "80"})
    long = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"})
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout and "Usage:" in short.stdout


def test_shell_completion_is_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--show-completion", "bash"]) == 0
    out = capsys.readouterr().out
    assert "complete" in out and "mbcalc" in out


def test_bare_mbcalc_prints_the_help_and_no_empty_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert "Usage:" in out and "count" in out
    assert "error" not in err


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_metavars_not_python_types(command: str) -> None:
    text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "80"}).stdout
    for python_type in ("<str>", "<bool>", "<int>", "<path>", "list[str]", "{model}",
                        "<int range>"):
        assert python_type not in text, (command, python_type)
    assert "--plot" not in text or command in ("count", "sweep")
    words = re.findall(r"[a-z_]{3,}", " ".join(line.strip("│ ") for line in text.splitlines()))
    for choice in ("markdown", "latex"):  # --format's choices are never cut mid-word
        if "--format" in text:
            assert choice in words


def test_count_help_names_the_values() -> None:
    text = runner.invoke(app, ["count", "--help"], env={"COLUMNS": "100"}).stdout
    assert re.search(r"--alpha\s+ALPHA", text)
    assert re.search(r"--set\s+NAME=VALUE", text)
    assert "Usage: root count [OPTIONS] MODEL" in text  # CliRunner's program name is 'root'


def test_force_mentions_plot_only_where_there_is_one() -> None:
    compare = runner.invoke(app, ["compare", "--help"], env={"COLUMNS": "100"}).stdout
    count = runner.invoke(app, ["count", "--help"], env={"COLUMNS": "100"}).stdout
    assert "Let --output overwrite a file" in compare and "--plot" not in compare
    assert "Let --output and --plot overwrite a file" in count


def test_plot_says_what_it_wrote(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "p.svg"
    result = runner.invoke(app, ["mobilenet_v1", "--summary", "--plot", str(target)])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {target}" in result.stderr
    assert target.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_completion_completes_commands_and_options(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from complexity.cli import fast

    monkeypatch.setenv("_MBCALC_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "mbcalc mobilenet_v1 --al")
    monkeypatch.setenv("COMP_CWORD", "2")
    assert fast.run(["mobilenet_v1"]) is False  # completion is typer's, never the fast count
    assert main([]) == 0
    assert "--alpha" in capsys.readouterr().out.split()
