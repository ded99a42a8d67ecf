"""Ratios that a drifting machine cannot skew: every command runs once per round, in turn, and
each ratio is taken within its round (then the median over rounds). ``run.py`` runs a command N
times before the next, so a machine whose speed drifts between commands (this one's, by up to a
third within minutes) moves its ratios; here each round's commands share the same conditions.

    python benchmarks/interleaved.py [--python PY] [--rounds 9]

Run from the repository's root (``PY -m complexity`` imports the work tree); standard library
only. Prints each command's median and least wall time, then each ratio to the count of the
same round: median, least and largest. The cache of validated specs is the run's own (a
temporary ``MBCALC_CACHE_DIR``), filled by one untimed round; "count, validating" runs with
``MBCALC_NO_CACHE=1``, as a spec's first count does.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SWEEP = ["--alpha", "0.25:1.4:100", "--rho", "0.5:1:100"]


def commands(py: str) -> dict[str, list[str]]:
    mb = [py, "-m", "complexity"]
    return {
        "count": [*mb, "mobilenet_v2", "--format", "json"],
        "count, validating": ["env", "MBCALC_NO_CACHE=1", *mb, "mobilenet_v2", "--format",
                              "json"],
        "count --memory": [*mb, "mobilenet_v2", "--memory", "--format", "json"],
        "sweep 100x100": [*mb, "sweep", "mobilenet_v2", *SWEEP, "--format", "json"],
        "sweep 100x100 --memory": [*mb, "sweep", "mobilenet_v2", *SWEEP, "--memory",
                                   "--format", "json"],
        "list": [*mb, "list", "--format", "json"],
        "python -c pass": [py, "-c", "pass"],
        "import pydantic, yaml": [py, "-c", "import pydantic.main, yaml"],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python", default=sys.executable, help="the interpreter to run mbcalc with")
    p.add_argument("--rounds", type=int, default=9)
    args = p.parse_args(argv)
    cmds = commands(args.python)
    wall: dict[str, list[float]] = {k: [] for k in cmds}
    ratios: dict[str, list[float]] = {k: [] for k in cmds if k.startswith(("count", "sweep"))
                                      and k != "count"}
    os.environ["MBCALC_CACHE_DIR"] = tempfile.mkdtemp(prefix="mbcalc-interleaved-")
    atexit.register(shutil.rmtree, os.environ["MBCALC_CACHE_DIR"], True)
    for argv_ in cmds.values():  # the untimed round: every spec into the cache
        subprocess.run(argv_, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    for _ in range(args.rounds):
        here = {}
        for name, argv_ in cmds.items():
            start = time.perf_counter()
            done = subprocess.run(argv_, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  check=False)
            here[name] = time.perf_counter() - start
            if done.returncode:
                print(f"{name}: exit {done.returncode}: {done.stderr.decode()[-300:]}")
                return 1
            wall[name].append(here[name])
        for name in ratios:
            ratios[name].append(here[name] / here["count"])
    for name, values in wall.items():
        print(f"{name:24} median {statistics.median(values):.3f} s   least {min(values):.3f} s")
    for name, values in ratios.items():
        print(f"{name:24} / count: median {statistics.median(values):.2f}×"
              f"   (least {min(values):.2f}×, largest {max(values):.2f}×)")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
