#!/usr/bin/env python3
"""Benchmarks of mbcalc as whole processes: cold start, sweep, depth, memory, and two peers.

Every measurement runs a fresh process N times (``--runs``, default 5) and reports the median
wall time, the median CPU time (user + system) and the peak resident set size. Wall time is
``time.perf_counter()`` taken just before the process is started and just after it is reaped;
CPU time and peak RSS come from ``os.wait4()``, which returns the resource usage of that one
child (and of any children it reaped itself), so each figure is that process's own peak and not
the running maximum over all children so far that ``getrusage(RUSAGE_CHILDREN)`` gives. A
process still running after ``--timeout`` seconds is killed (with its whole process group) and
reported as a timeout; the remaining runs of that command are then skipped, as they are after a
failure. Each run's output is checked (JSON with the expected totals, rows or points).

The driver uses only the standard library. Run it with the project's interpreter, so that the
default mbcalc command (``python -m complexity``) finds the package::

    /work/venv/bin/python benchmarks/run.py --peer-python /work/bench-venv/bin/python \\
        --markdown /tmp/bench.md

See benchmarks/README.md for the targets and for setting up the peer environment.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import platform
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# --- targets (issue "Performance") -------------------------------------------------------------
COLD_MAX_S = 0.10
"""Wall time of the cold one-model run, in seconds, at most (issue 15)."""
LIST_MAX_S = 0.3
"""Wall time of a cold ``mbcalc list``, in seconds, less than (issue 12)."""
SWEEP_MAX_RATIO = 3.0
"""time(10,000-point sweep) / time(one model), at most."""
DEPTH_MAX_RATIO = 10.0
"""time(20,000 layers) / time(2,000 layers), at most."""
RSS_MAX_MB = 150.0
"""Peak RSS of the cold one-model run, in MB (10^6 bytes), less than."""
PEER_MAX_RATIO = 1 / 20
"""mbcalc / peer, for both wall time and peak RSS, at most."""
NO_CACHE = {"MBCALC_NO_CACHE": "1"}
"""A run that validates its spec (the first run of a spec, or the depth benchmark's)."""
MEMORY_MAX_RATIO = 1.2
"""time(one model, cold, --memory) / time(one model, cold), at most (issue 13)."""
MEMORY_SWEEP_MAX_RATIO = 3.0
"""time(10,000-point sweep --memory) / time(one model, cold), at most (issue 13)."""

SWEEP_ALPHA = "0.25:1.4"
SWEEP_RHO = "0.5:1"

PEERS = {name: HERE / f"peer_{name}.py" for name in ("ptflops", "fvcore")}
"""Import torch + build torchvision's mobilenet_v2 + count, as one process; each prints one JSON
line, and exits with status UNAVAILABLE if a package is missing."""
UNAVAILABLE = 3


# --- running one process -----------------------------------------------------------------------


@dataclass
class Sample:
    """One run of one process."""

    wall: float
    """Seconds, start to reaped."""
    cpu: float
    """User + system seconds of the process."""
    rss_kb: int
    """Peak resident set size, KiB (Linux ru_maxrss)."""
    returncode: int | None
    """None when killed at the timeout."""

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


@dataclass
class Measurement:
    """Up to N runs of one command."""

    label: str
    argv: list[str]
    timeout: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    status: str = "ok"
    """ok | timeout | error | unavailable | skipped."""
    detail: str = ""
    """Why, for anything but ok; a summary of the output for ok."""
    load: float = 0.0
    """1-minute load average when it started."""

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.samples)

    @property
    def done(self) -> list[Sample]:
        return [s for s in self.samples if not s.timed_out]

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.done)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.done)

    @property
    def rss_mb(self) -> float:
        """The largest peak over the runs, in MB (10^6 bytes)."""
        return max(s.rss_kb for s in self.done) * 1024 / 1e6


def run_once(argv: Sequence[str], timeout: float, cwd: Path, stdout: Path, stderr: Path,
             env: dict[str, str] | None = None) -> Sample:
    """Start argv, reap it with wait4 (its own rusage), kill its process group at the timeout."""
    reaped: list[tuple[float, int, resource.struct_rusage]] = []

    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, start_new_session=True,
                                env=None if env is None else {**os.environ, **env})

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            reaped.append((time.perf_counter(), status, usage))

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        try:
            waiter.join(timeout)
        finally:  # also on Ctrl-C or SIGTERM: leave no process behind
            timed_out = not reaped  # not is_alive(): wrong after an interrupted join (bpo-45274)
            if timed_out:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                waiter.join()

    end, status, usage = reaped[0]
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return Sample(wall=end - start, cpu=usage.ru_utime + usage.ru_stime, rss_kb=usage.ru_maxrss,
                  returncode=None if timed_out else proc.returncode)


Check = Callable[[str], str]
"""Validates a run's stdout: returns a short summary, raises ValueError if the output is wrong."""


def measure(label: str, argv: Sequence[str], args: argparse.Namespace, check: Check,
            env: dict[str, str] | None = None, warm_up: bool = False) -> Measurement:
    """Run argv --runs times (after one untimed run with ``warm_up``: the spec in the cache of
    validated specs); stop at the first timeout or failure, or once --budget is spent."""
    m = Measurement(label, list(argv), args.timeout, load=os.getloadavg()[0])
    shown = " ".join(f"{k}={v}" for k, v in (env or {}).items())
    log(f"{label}: {shown + ' ' if shown else ''}{shlex.join(argv)}")
    with tempfile.TemporaryDirectory(prefix="mbcalc-bench-") as tmp:
        out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
        if warm_up:
            run_once(argv, args.timeout, args.cwd, out, err, env)
        spent = 0.0
        for i in range(args.runs):
            s = run_once(argv, args.timeout, args.cwd, out, err, env)
            m.samples.append(s)
            took = f"{s.wall:.2f} s wall, {s.cpu:.2f} s CPU, {s.rss_kb * 1024 / 1e6:.1f} MB"
            log(f"  run {i + 1}/{args.runs}: {'TIMEOUT' if s.timed_out else took}")
            if s.timed_out:
                m.status, m.detail = "timeout", f"killed after {args.timeout:g} s"
                break
            spent += s.wall
            if s.returncode != 0:
                tail = err.read_text(errors="replace").strip().splitlines()[-3:]
                m.status = "unavailable" if s.returncode == UNAVAILABLE else "error"
                m.detail = f"exit {s.returncode}: " + " / ".join(tail)
                break
            try:
                m.detail = check(out.read_text(errors="replace"))
            except (ValueError, KeyError, TypeError, IndexError) as e:
                m.status, m.detail = "error", f"unexpected output: {e}"
                break
            if spent > args.budget and i + 1 < args.runs:
                log(f"  {spent:.0f} s spent, over --budget {args.budget:g} s: no more runs")
                break
    return m


def log(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


# --- output checks -----------------------------------------------------------------------------


def check_count(rows: int | None = None) -> Check:
    def check(text: str) -> str:
        data = json.loads(text)
        totals = data["totals"]
        if rows is not None and len(data["layers"]) != rows:
            raise ValueError(f"{len(data['layers'])} rows, expected {rows}")
        return f"params {totals['params']:,}, MAdds {totals['madds']:,}"

    return check


def check_sweep(points: int) -> Check:
    def check(text: str) -> str:
        data = json.loads(text)
        if isinstance(data, dict):  # {model, convention, grid, points} (a bare list before)
            data = data["points"]
        if len(data) != points or "madds" not in data[-1]:
            raise ValueError(f"{len(data)} points, expected {points}")
        return f"{len(data):,} points"

    return check


def check_list(text: str) -> str:
    models = json.loads(text)["models"]
    if not models:
        raise ValueError("no models listed")
    return f"{len(models)} networks"


def check_memory(text: str) -> str:
    data = json.loads(text)
    peak = data["memory"]["peak"]["sequential"]
    return f"peak {peak['bytes']:,} B at {peak['step']}, MAC {data['memory']['mac']:,}"


def check_sweep_memory(points: int) -> Check:
    def check(text: str) -> str:
        data = json.loads(text)["points"]
        if len(data) != points or "peak_memory" not in data[-1]:
            raise ValueError(f"{len(data)} points, expected {points}")
        return f"{len(data):,} points with peak memory"

    return check


def check_peer(text: str) -> str:
    data = json.loads(text.strip().splitlines()[-1])
    return ", ".join(f"{k} {int(v):,}" for k, v in data.items())


# --- the depth specs ---------------------------------------------------------------------------


def depth_spec(layers: int, use_repeat: bool) -> str:
    """A spec of exactly `layers` rows at 32×32 with 16 channels: a conv/bn/act stem, (layers-4)/4
    blocks of dw/bn/pw/act, a global pool; written out layer by layer, or as one `repeat`."""
    blocks = (layers - 4) // 4
    variant = "repeat" if use_repeat else "plain"
    lines = [
        f"# Generated by benchmarks/run.py: {layers} layers ({variant}).",
        f"name: depth_{variant}_{layers}",
        f"title: Depth benchmark, {layers} layers ({variant})",
        "resolution: 32",
        "layers:",
        "  - {kind: conv, name: stem, out: 16, kernel: 3, padding: 1}",
        "  - {kind: bn}",
        "  - {kind: act, fn: relu}",
    ]
    if use_repeat:
        lines += [
            "  - kind: repeat",
            f"    times: {blocks}",
            "    layers:",
            '      - {kind: dw, name: "b{i}/dw", kernel: 3, padding: 1}',
            "      - {kind: bn}",
            '      - {kind: pw, name: "b{i}/pw", out: 16}',
            "      - {kind: act, fn: relu}",
        ]
    else:
        for i in range(1, blocks + 1):
            lines += [
                f"  - {{kind: dw, name: b{i}/dw, kernel: 3, padding: 1}}",
                "  - {kind: bn}",
                f"  - {{kind: pw, name: b{i}/pw, out: 16}}",
                "  - {kind: act, fn: relu}",
            ]
    lines.append("  - {kind: global_pool, name: pool}")
    return "\n".join(lines) + "\n"


# --- the report --------------------------------------------------------------------------------


def fmt_time(m: Measurement) -> str:
    if m.status == "timeout":
        return f"timeout (> {m.timeout:g} s)" + (f" after {len(m.done)} ok" if m.done else "")
    if not m.ok:
        return f"{m.status}: {m.detail}"
    return f"{m.wall:.2f} s (CPU {m.cpu:.2f} s)"


def fmt_ratio(r: float) -> str:
    return f"{r:.2f}×" if r >= 0.1 else f"{r:.3f}× (1/{1 / r:.0f})"


def ratio(a: Measurement, b: Measurement, attr: str) -> tuple[float | None, bool]:
    """a/b of wall, cpu or rss_mb, and whether it is only a lower bound (a timed out)."""
    if a.ok and b.ok:
        return getattr(a, attr) / getattr(b, attr), False
    if a.status == "timeout" and b.ok and attr in ("wall", "cpu"):
        return a.timeout / getattr(b, attr), True
    return None, False


def ratio_text(a: Measurement, b: Measurement, attr: str) -> str:
    r, lower = ratio(a, b, attr)
    return "—" if r is None else ("> " if lower else "") + fmt_ratio(r)


def verdict(a: Measurement, b: Measurement, attr: str, limit: float) -> str:
    """PASS if a/b ≤ limit; a timeout whose lower bound is already over the limit is a FAIL."""
    r, lower = ratio(a, b, attr)
    if r is None or (lower and r <= limit):
        return "n/a"
    return "PASS" if r <= limit and not lower else "FAIL"


def report(args: argparse.Namespace, results: dict[str, Measurement], started: str,
           load_start: tuple[float, float, float]) -> str:
    rows: list[tuple[str, str, str, str, str]] = []
    cold = results.get("cold")

    if cold is not None:
        rows.append(("1. one model, cold: `mbcalc mobilenet_v2 --format json` (its spec in the "
                     "cache of validated specs)", f"≤ {COLD_MAX_S:g} s; the baseline of 2, 5, 6, 7",
                     fmt_time(cold) + (f"; {cold.detail}" if cold.ok else ""), "1×",
                     ("PASS" if cold.wall <= COLD_MAX_S else "FAIL") if cold.ok else "n/a"))
        for key, label in (("floor:python", "0. the interpreter alone: `python -c pass`"),
                           ("floor:pydantic", "0. the interpreter importing pydantic and PyYAML "
                            "(what validating a spec needs)"),
                           ("cold:validated", "1b. the same, validating the spec "
                            "(`MBCALC_NO_CACHE=1`: a spec's first run)")):
            m = results.get(key)
            if m is not None:
                rows.append((label, "— (reported)", fmt_time(m),
                             ratio_text(m, cold, "wall"), "info"))

        for a, r in args.sweep_points:
            m = results.get(f"sweep:{a}x{r}")
            if m is not None:
                target, outcome = "— (reported)", "info"
                if a * r == 10_000:
                    target = f"≤ {SWEEP_MAX_RATIO:g}×"
                    within = m.ok and cold.ok and m.wall <= SWEEP_MAX_RATIO * cold.wall
                    outcome = "PASS" if within else "FAIL"
                rows.append((f"2. sweep {a}×{r} = {a * r:,} points, vs (1)", target,
                             fmt_time(m), ratio_text(m, cold, "wall"), outcome))

    small_n, large_n = args.depths
    for variant in ("plain", "repeat"):
        small = results.get(f"depth:{variant}:{small_n}")
        large = results.get(f"depth:{variant}:{large_n}")
        if small is None or large is None:
            continue
        cpu = ratio_text(large, small, "cpu")
        rows.append((
            f"3. depth, {variant}: {large_n:,} / {small_n:,} layers",
            f"≤ {DEPTH_MAX_RATIO:g}×",
            f"{small_n:,}: {fmt_time(small)}; {large_n:,}: {fmt_time(large)}",
            ratio_text(large, small, "wall") + (f" (CPU {cpu})" if cpu != "—" else ""),
            verdict(large, small, "wall", DEPTH_MAX_RATIO),
        ))

    memory, memory_sweep = results.get("memory"), results.get("memory:sweep")
    if cold is not None and memory is not None:
        rows.append(("6. one model, cold, `--memory`, vs (1)", f"≤ {MEMORY_MAX_RATIO:g}×",
                     fmt_time(memory), ratio_text(memory, cold, "wall"),
                     verdict(memory, cold, "wall", MEMORY_MAX_RATIO)))
    if cold is not None and memory_sweep is not None:
        rows.append(("7. sweep 100×100 `--memory` (peak memory), vs (1)",
                     f"≤ {MEMORY_SWEEP_MAX_RATIO:g}×", fmt_time(memory_sweep),
                     ratio_text(memory_sweep, cold, "wall"),
                     verdict(memory_sweep, cold, "wall", MEMORY_SWEEP_MAX_RATIO)))

    listing = results.get("list")
    if listing is not None:
        rows.append(("8. `mbcalc list`, cold", f"< {LIST_MAX_S:g} s", fmt_time(listing), "—",
                     ("PASS" if listing.wall < LIST_MAX_S else "FAIL") if listing.ok else "n/a"))

    if cold is not None:
        rows.append((
            "4. peak RSS of (1)", f"< {RSS_MAX_MB:g} MB",
            f"{cold.rss_mb:.1f} MB" if cold.ok else "—",
            f"{cold.rss_mb / RSS_MAX_MB:.2f} of target" if cold.ok else "—",
            ("PASS" if cold.rss_mb < RSS_MAX_MB else "FAIL") if cold.ok else "n/a",
        ))

    target = f"≤ {PEER_MAX_RATIO:.3f} (1/{1 / PEER_MAX_RATIO:g})"
    for peer in PEERS:
        p = results.get(f"peer:{peer}")
        if p is None or cold is None:
            continue
        if not p.ok:
            rows.append((f"5. mbcalc / {peer}", target, f"{peer}: {fmt_time(p)}", "—", "n/a"))
            continue
        rows.append((f"5. mbcalc / {peer}, wall time", target, f"{peer}: {fmt_time(p)}",
                     ratio_text(cold, p, "wall"), verdict(cold, p, "wall", PEER_MAX_RATIO)))
        rows.append((f"5. mbcalc / {peer}, peak RSS", target, f"{peer}: {p.rss_mb:.1f} MB",
                     ratio_text(cold, p, "rss_mb"), verdict(cold, p, "rss_mb", PEER_MAX_RATIO)))

    load_end = os.getloadavg()
    out = [
        "# mbcalc benchmarks",
        "",
        f"- started {started}; up to {args.runs} run(s) per command, fewer once {args.budget:g} s"
        f" are spent (median wall and CPU, largest peak RSS); timeout {args.timeout:g} s per run",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}"
        f" {platform.release()}; driver Python {platform.python_version()}",
        f"- load average (1/5/15 min): {'/'.join(f'{x:.2f}' for x in load_start)} at start,"
        f" {'/'.join(f'{x:.2f}' for x in load_end)} at end",
        f"- mbcalc: `{shlex.join(args.mbcalc)}`, {engine_revision(args)}",
        f"- peer Python: `{args.peer_python or '(none)'}`",
        "",
        "| measurement | target | measured | ratio | result |",
        "| --- | --- | --- | --- | --- |",
        *("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows),
        "",
        "Times are medians of whole-process wall times, with the process's own CPU time (user +"
        " system); ratios are of wall times unless marked CPU; MB = 10^6 bytes.",
        "",
        "## Every command",
        "",
        "| command | runs | median wall | min wall | median CPU | peak RSS | load | output |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in results.values():
        if m.done:
            figures = (f"{m.wall:.2f} s | {min(s.wall for s in m.done):.2f} s | {m.cpu:.2f} s"
                       f" | {m.rss_mb:.1f} MB")
        else:
            figures = "— | — | — | —"
        status = f"{m.status}: {m.detail}".replace("|", "/")
        out.append(f"| {m.label}: `{shell_label(m.argv)}` | {len(m.samples)} | {figures}"
                   f" | {m.load:.2f} | {status} |")
    return "\n".join(out) + "\n"


def shell_label(argv: list[str]) -> str:
    """The command, with absolute paths other than the interpreter's cut to their file name."""
    if not argv:
        return ""
    return shlex.join([argv[0], *(Path(a).name if os.path.isabs(a) else a for a in argv[1:])])


def git(*cmd: str) -> str:
    return subprocess.run(["git", *cmd], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()


def engine_revision(args: argparse.Namespace) -> str:
    """Which code was measured: the --revision exported, or the work tree's HEAD."""
    try:
        if args.revision:
            rev = git("rev-parse", "--short", args.revision)
            subject = git("log", "-1", "--format=%s", rev)
            subject = subject if len(subject) <= 60 else subject[:59] + "…"
            return f"revision `{rev}` (“{subject}”), exported"
        rev = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "complexity", "specs")
    except (OSError, subprocess.CalledProcessError):
        return "revision unknown"
    return (f"work tree at `{rev}`"
            + (" (complexity/ or specs/ modified, uncommitted)" if dirty else ""))


def export_revision(rev: str, into: Path) -> None:
    """Write the files of `rev` (complexity/ and specs/) into a directory, via git archive."""
    archive = Path(into, "rev.tar")
    with open(archive, "wb") as f:
        subprocess.run(["git", "archive", "--format=tar", rev, "complexity", "specs"], cwd=REPO,
                       stdout=f, check=True)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):  # Python ≥ 3.11.4
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)  # noqa: S202 (our own repository's archive)
    archive.unlink()


# --- main --------------------------------------------------------------------------------------


def grid(text: str) -> tuple[int, int]:
    try:
        a, r = (int(x) for x in text.lower().split("x"))
        if a < 1 or r < 1:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected AxR like 100x100, not {text!r}") from None
    return a, r


def depths(text: str) -> tuple[int, int]:
    try:
        small, large = (int(x) for x in text.split(","))
        if small < 8 or large < 8 or small % 4 or large % 4:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected SMALL,LARGE, multiples of 4 and at least 8, not {text!r}") from None
    return small, large


BENCHES = ("cold", "sweep", "depth", "peers", "memory")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5,
                   help="runs per command; the median is reported (default 5)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds before a process is killed and reported as a timeout (300)")
    p.add_argument("--budget", type=float, default=120.0,
                   help="seconds of wall time per command after which no further run starts, so"
                        " that slow commands run fewer times (default 120; at least one run)")
    p.add_argument("--mbcalc", default=f"{shlex.quote(sys.executable)} -m complexity",
                   help="the mbcalc command, split as a shell would (default: this Python"
                        " -m complexity, run in the repository's root)")
    p.add_argument("--sweep-points", type=grid, action="append", metavar="AxR",
                   help="the sweep's grid, α count × ρ count; repeatable (default 100x100)")
    p.add_argument("--depths", type=depths, default=(2000, 20000), metavar="SMALL,LARGE",
                   help="layer counts of the depth specs; the ratio is LARGE/SMALL (2000,20000)")
    p.add_argument("--peer-python",
                   help="Python of the peer environment (torch, torchvision, ptflops, fvcore);"
                        " without it the peers are skipped")
    p.add_argument("--only", choices=BENCHES, action="append",
                   help="run only these benchmarks; repeatable (default: all; the cold run is"
                        " always made, as the others are compared with it)")
    p.add_argument("--revision", metavar="REV",
                   help="measure this git revision instead of the work tree: its complexity/ and"
                        " specs/ are exported to a temporary directory and the mbcalc command runs"
                        " there (needs a command that imports from its working directory, as the"
                        " default `python -m complexity` does)")
    p.add_argument("--markdown", type=Path, help="also write the markdown report to this file")
    args = p.parse_args(argv)
    if args.runs < 1:
        p.error("--runs must be at least 1")
    args.mbcalc = shlex.split(args.mbcalc)
    args.sweep_points = args.sweep_points or [(100, 100)]
    args.only = set(args.only or BENCHES)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds: the child is killed
    if not args.revision:
        args.cwd = REPO
        return bench(args)
    with tempfile.TemporaryDirectory(prefix="mbcalc-rev-") as tmp:
        export_revision(args.revision, Path(tmp))
        args.cwd = Path(tmp)
        return bench(args)


def bench(args: argparse.Namespace) -> int:
    """Run the benchmarks chosen, print the report and write it to --markdown."""
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_start = os.getloadavg()
    mb = args.mbcalc
    results: dict[str, Measurement] = {}

    cold = [*mb, "mobilenet_v2", "--format", "json"]
    # The cache of validated specs: the run's own, warmed by one untimed run where it is used
    os.environ["MBCALC_CACHE_DIR"] = tempfile.mkdtemp(prefix="mbcalc-bench-cache-")
    atexit.register(shutil.rmtree, os.environ["MBCALC_CACHE_DIR"], True)
    results["cold"] = measure("one model, cold", cold, args, check_count(), warm_up=True)
    results["cold:validated"] = measure("one model, cold, validating its spec (no cache)", cold,
                                        args, check_count(), env=NO_CACHE)
    if mb[1:3] == ["-m", "complexity"]:  # the same interpreter, doing nothing of mbcalc's
        results["floor:python"] = measure("the interpreter alone", [mb[0], "-c", "pass"], args,
                                          lambda text: "ok")
        results["floor:pydantic"] = measure(
            "the interpreter importing pydantic and PyYAML",
            [mb[0], "-c", "import pydantic.main, yaml"], args, lambda text: "ok")
    results["list"] = measure("mbcalc list, cold", [*mb, "list", "--format", "json"], args,
                              check_list)

    if "sweep" in args.only:
        for a, r in args.sweep_points:
            argv = [*mb, "sweep", "mobilenet_v2", "--alpha", f"{SWEEP_ALPHA}:{a}",
                    "--rho", f"{SWEEP_RHO}:{r}", "--format", "json"]
            results[f"sweep:{a}x{r}"] = measure(f"sweep {a}x{r} ({a * r:,} points)", argv, args,
                                                check_sweep(a * r))

    if "memory" in args.only:
        results["memory"] = measure("one model, cold, --memory",
                                    [*mb, "mobilenet_v2", "--memory", "--format", "json"], args,
                                    check_memory, warm_up=True)
        results["memory:sweep"] = measure(
            "sweep 100x100 --memory (10,000 points)",
            [*mb, "sweep", "mobilenet_v2", "--alpha", f"{SWEEP_ALPHA}:100", "--rho",
             f"{SWEEP_RHO}:100", "--memory", "--format", "json"], args, check_sweep_memory(10_000))

    if "depth" in args.only:
        with tempfile.TemporaryDirectory(prefix="mbcalc-depth-") as tmp:
            for use_repeat in (False, True):
                variant = "repeat" if use_repeat else "plain"
                for n in args.depths:
                    path = Path(tmp, f"depth_{variant}_{n}.yaml")
                    path.write_text(depth_spec(n, use_repeat))
                    results[f"depth:{variant}:{n}"] = measure(
                        f"depth {n:,} layers, {variant}", [*mb, str(path), "--format", "json"],
                        args, check_count(rows=n), env=NO_CACHE)

    if "peers" in args.only:
        for peer, script in PEERS.items():
            label = f"peer {peer}, mobilenet_v2"
            if args.peer_python:
                results[f"peer:{peer}"] = measure(label, [args.peer_python, str(script)], args,
                                                  check_peer)
            else:
                results[f"peer:{peer}"] = Measurement(label, [], status="skipped",
                                                      detail="no --peer-python")

    text = report(args, results, started, load_start)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
        log(f"written to {args.markdown}")
    return 1 if any(m.status == "error" for m in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
