"""--output: never over an existing file without --force, never a partial file."""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

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


def _race(target: str, data: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        write_atomically(Path(target), data)
        results.put(data)
    except MbcalcError:
        results.put("refused")


def test_two_concurrent_writers_exactly_one_wins(tmp_path: Path) -> None:
    """Two processes writing one new path at the same moment, 40 times: one wins every time,
    and the file holds the winner's data whole."""
    context = multiprocessing.get_context("fork")
    for attempt in range(40):
        target = tmp_path / f"race{attempt}.csv"
        barrier, results = context.Barrier(2), context.Queue()
        writers = [context.Process(target=_race, args=(str(target), name * 50_000, barrier,
                                                       results)) for name in "ab"]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(10)
        outcomes = sorted(results.get(timeout=5) for _ in writers)
        assert outcomes[1] == "refused" and outcomes[0] in ("a" * 50_000, "b" * 50_000)
        assert target.read_text() == outcomes[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"race{i}.csv"
                                                                 for i in range(40))


def test_threads_racing_on_one_path(tmp_path: Path) -> None:
    """Eight threads, one new path, 30 rounds: exactly one writes it."""
    for attempt in range(30):
        target = tmp_path / f"t{attempt}"
        barrier = threading.Barrier(8)
        won: list[int] = []

        def write(k: int, target: Path = target, barrier: threading.Barrier = barrier,
                  won: list[int] = won) -> None:
            barrier.wait()
            try:
                write_atomically(target, str(k))
                won.append(k)
            except MbcalcError:
                pass

        threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1 and target.read_text() == str(won[0])


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077, 0o027])
def test_new_files_respect_the_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        write_atomically(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o666 & ~mask


@pytest.mark.parametrize("mode", [0o664, 0o600, 0o644, 0o640, 0o666])
def test_force_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "old.txt"
    target.write_text("old")
    target.chmod(mode)
    write_atomically(target, "new", force=True)
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == mode


def test_a_dangling_symlink_exists(tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "nowhere")
    for force in (False, True):
        with pytest.raises(MbcalcError, match="symbolic link"):
            write_atomically(link, "x", force=force)
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_link_to_a_file_is_neither_followed_nor_replaced(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(precious)
    with pytest.raises(MbcalcError, match="symbolic link"):
        write_atomically(link, "x", force=True)
    assert precious.read_text() == "keep" and link.is_symlink()


def test_non_regular_targets(tmp_path: Path) -> None:
    with pytest.raises(MbcalcError, match="directory"):
        write_atomically(tmp_path, "x", force=True)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(MbcalcError, match="FIFO with no reader"):  # not a hang, not replaced
        write_atomically(fifo, "x", force=True)
    assert time.monotonic() - start < 2 and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    write_atomically("/dev/null", "x")  # a device: written in place, never renamed over
    write_atomically("/dev/null", "x", force=True)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    assert list(tmp_path.iterdir()) == [fifo]


def test_a_fifo_with_a_reader_gets_the_data(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    for _ in range(100):  # wait for the reader to open its end
        try:
            write_atomically(fifo, "hello")
            break
        except MbcalcError:
            time.sleep(0.02)
    reader.join(5)
    assert got == [b"hello"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_dash_is_standard_output(capfd: pytest.CaptureFixture[str], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomically("-", "to stdout\n")
    assert capfd.readouterr().out == "to stdout\n" and list(tmp_path.iterdir()) == []
