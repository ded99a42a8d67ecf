"""The hostile-input corpus (tests/hostile_cases.py): every case ends in exit 2 and one
``error:`` line (or succeeds where the input is legitimate), within 5 s and 500 MB, and changes
no file it was not asked to write. Most cases run in-process through ``complexity.cli.main``;
those about streams and processes run as real processes (their peak memory from ``wait4``)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from hostile_cases import CASES, Case  # noqa: E402

from complexity.cli import main  # noqa: E402

TIME_LIMIT = 5.0
"""Seconds of CPU a case may take (a real process: including the interpreter's start). CPU, not
wall-clock time, so that a loaded machine does not fail the corpus; a blocked case (a FIFO read)
uses no CPU and is caught by WALL_LIMIT instead."""
WALL_LIMIT = 30.0
"""Seconds on the clock after which a case counts as hung."""
MEMORY_LIMIT = 500 * 1024 * 1024
"""Bytes of peak resident memory a case may add (a real process: its whole peak)."""
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters no output may carry raw: C0 but newline and tab, DEL, C1, separators, bidi."""
ROOT = Path(__file__).resolve().parents[1]


def _materialise(folder: Path, files: dict[str, Any]) -> None:
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content[0] == "fifo":
            os.mkfifo(path)
        elif content[0] == "dir":
            path.mkdir()
        elif content[0] == "link":
            path.symlink_to(content[1])


def snapshot(folder: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``folder`` (links not followed, FIFOs not opened): kind, mode, content."""
    seen: dict[str, tuple[Any, ...]] = {}
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top) / name
            info = os.lstat(path)
            key = str(path.relative_to(folder))
            if stat.S_ISLNK(info.st_mode):
                seen[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                seen[key] = ("file", info.st_mode, hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                seen[key] = ("other", info.st_mode)
    return seen


def _expand(case: Case, folder: Path) -> list[str]:
    return [arg.replace("{tmp}", str(folder)) for arg in case.args]


def _in_process(args: list[str]) -> tuple[int, str, str]:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
        out.flush()
    return code, out.buffer.getvalue().decode("utf-8"), err.getvalue()  # type: ignore[attr-defined]


LAUNCHER = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a runaway cannot take the box
report, close, argv = int(sys.argv[1]), sys.argv[2] == "closed", sys.argv[3:]
pid = os.fork()
if pid == 0:
    if close:
        os.close(1)
    os.execv(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
os.write(report, f"{code} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}".encode())
"""
"""Runs mbcalc as the child of a small process and reports its exit code, peak RSS (KiB) and
CPU time. Spawned straight from the test process, mbcalc would inherit the test process's
resident size as its own peak (``ru_maxrss`` survives ``fork``/``vfork`` and ``exec``)."""


def _real_process(case: Case, args: list[str],
                  folder: Path) -> tuple[int, str, str, int, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **case.env}
    env.pop("COLUMNS", None)
    out_path, err_path = folder.parent / f"{folder.name}.out", folder.parent / f"{folder.name}.err"
    read_end, write_end = os.pipe()
    with open(err_path, "wb") as err, contextlib.ExitStack() as stack:
        stack.callback(os.close, read_end)
        if case.stdout == "full":
            out: Any = stack.enter_context(open("/dev/full", "wb"))
        elif case.stdout == "closed":
            out = None
        else:
            out = stack.enter_context(open(out_path, "wb"))
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, str(write_end), case.stdout or "file",
                 sys.executable, "-m", "complexity", *args], stdout=out, stderr=err,
                stdin=subprocess.DEVNULL, env=env, cwd=folder, pass_fds=(write_end,),
                start_new_session=True)
        finally:
            os.close(write_end)
        try:
            process.wait(timeout=WALL_LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"{case.id}: still running after {WALL_LIMIT} s")
        code, peak_kib, cpu = os.read(read_end, 200).decode().split()
    stdout = out_path.read_bytes().decode("utf-8", "replace") if out_path.exists() else ""
    return (int(code), stdout, err_path.read_bytes().decode("utf-8", "replace"),
            int(peak_kib) * 1024, float(cpu))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _hung(signum: int, frame: Any) -> None:
    raise TimeoutError(f"still running after {WALL_LIMIT} s")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    _materialise(folder, case.files)
    before = snapshot(folder)
    args = _expand(case, folder)
    if case.subprocess:
        code, stdout, stderr, peak, elapsed = _real_process(case, args, folder)
    else:
        # what the case adds to this process's high-water mark (other tests may have raised it
        # already: then growth below it is not seen, and the real-process cases measure exactly)
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        start = _cpu()
        previous = signal.signal(signal.SIGALRM, _hung)
        signal.alarm(int(WALL_LIMIT))
        try:
            code, stdout, stderr = _in_process(args)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        elapsed = _cpu() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - baseline

    assert "Traceback" not in stderr, stderr
    assert code == case.exit, f"exit {code}, wanted {case.exit}: {stderr!r}"
    lines = stderr.splitlines()
    if case.exit == 2:
        assert len(lines) == 1 and lines[0].startswith("error: "), f"not one error line: {stderr!r}"
        assert "internal error" not in lines[0]
        if case.message is not None:
            assert case.message in lines[0], lines[0]
    else:
        assert not any(line.startswith("error") for line in lines), stderr
    assert not CONTROL.search(stderr), f"raw control characters in {stderr!r}"
    if case.clean:
        assert not CONTROL.search(stdout), f"raw control characters in the output {stdout!r}"
        for name in case.writes:
            assert not CONTROL.search((folder / name).read_text()), name
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s of CPU"
    assert peak < MEMORY_LIMIT, f"peak memory {peak / 2**20:.0f} MB"

    after = snapshot(folder)
    allowed = set(case.writes)
    changed = {k for k in before.keys() | after.keys()
               if before.get(k) != after.get(k) and k not in allowed}
    assert not changed, f"changed files it was not asked to write: {sorted(changed)}"
    for name in case.writes:
        assert name in after and after[name][0] == "file", f"{name} not written"
        if name not in before:  # a new file gets 0666 & ~umask
            mask = os.umask(0)
            os.umask(mask)
            assert stat.S_IMODE(after[name][1]) == 0o666 & ~mask


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 200 and len({c.id for c in CASES}) == len(CASES)
    families = {c.id.split("-")[0] for c in CASES}
    assert {"number", "compare", "spec", "yaml", "bomb", "name", "output", "option", "set",
            "stdout", "subprocess"} <= families
    assert sum(c.subprocess for c in CASES) >= 15
