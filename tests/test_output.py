"""--output: never over an existing file without --force, never a partial file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app
from complexity.errors import MbcalcError
from complexity.output import write_atomically

runner = CliRunner()


def test_writes_the_same_text_as_stdout(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    args = ["mobilenet_v1", "--summary", "--format", "markdown"]
    result = runner.invoke(app, [*args, "--output", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text() == runner.invoke(app, args).stdout


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("precious")
    result = runner.invoke(app, ["mobilenet_v1", "--format", "csv", "--output", str(target)])
    assert result.exit_code == 2 and "exists; add --force" in result.stderr
    assert target.read_text() == "precious"
    result = runner.invoke(app, ["mobilenet_v1", "--format", "csv", "--output", str(target),
                                 "--force"])
    assert result.exit_code == 0 and target.read_text().startswith("#,layer")


def test_every_command_takes_output(tmp_path: Path) -> None:
    commands = {
        "compare": ["compare", "--cin", "8", "--cout", "16", "--kernel", "3", "--size", "4"],
        "sweep": ["sweep", "mobilenet_v1", "--alpha", "0.5,1"],
        "formula": ["formula", "mobilenet_v1"],
        "count": ["mobilenet_v1"],
    }
    for name, args in commands.items():
        target = tmp_path / f"{name}.json"
        result = runner.invoke(app, [*args, "--format", "json", "--output", str(target)])
        assert result.exit_code == 0, result.stderr
        assert target.read_text().strip().startswith(("{", "["))


def test_no_partial_file_when_writing_fails(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.link", broken)  # a new file is linked into place
    with pytest.raises(MbcalcError, match="No space left"):
        write_atomically(target, "data")
    assert list(tmp_path.iterdir()) == []
    target.write_text("old")
    monkeypatch.setattr("os.replace", broken)  # an existing one is replaced
    with pytest.raises(MbcalcError, match="No space left"):
        write_atomically(target, "data", force=True)
    assert list(tmp_path.iterdir()) == [target] and target.read_text() == "old"


def test_missing_folder_and_directory_target(tmp_path: Path) -> None:
    with pytest.raises(MbcalcError, match="does not exist"):
        write_atomically(tmp_path / "nope" / "out.txt", "x")
    with pytest.raises(MbcalcError, match="is a directory"):
        write_atomically(tmp_path, "x", force=True)
