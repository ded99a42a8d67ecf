"""How long `mbcalc import` takes on ResNet-50 (the target: under 5 s on the project machine).

Run from the repository root, with the `reference` extra installed (torch, onnx):

    python benchmarks/import_time.py [--runs 3]

It times the whole command as a user meets it (a fresh process: Python start-up, imports of
torch and mbcalc, building the model, the trace, the spec, its YAML), then the import alone
inside one process (``import_torch`` on a built model, after one warm-up call), and prints the
medians in seconds with the pass/fail of the 5 s target for the whole command's CPU time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 5.0
REF = "complexity.reference.resnet:resnet50"


def whole_command(runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run of the whole command; CPU is the child's own user +
    system time (``os.wait4``), which a machine shared with other work inflates far less."""
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(runs):
            out = Path(folder) / f"resnet50_{i}.yaml"
            start = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-m", "complexity", "import", "--torch",
                                      REF, "--output", str(out)])
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            if status != 0 or "kind: bottleneck" not in out.read_text():
                raise SystemExit("the import failed or did not produce ResNet-50's bottlenecks")
            times.append((wall, usage.ru_utime + usage.ru_stime))
    return times


def in_process(runs: int) -> list[float]:
    from complexity.importers import import_torch
    from complexity.reference.resnet import resnet50

    model = resnet50()
    import_torch(model)  # warm-up: the first call imports torch.fx and fake tensors
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        import_torch(model)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    runs_done = whole_command(runs)
    wall = statistics.median(w for w, _ in runs_done)
    cpu = statistics.median(c for _, c in runs_done)
    warm = statistics.median(in_process(runs))
    verdict = "pass" if cpu < TARGET_SECONDS else "FAIL"
    print("| what | median wall (s) | median CPU (s) |\n|---|---|---|")
    print(f"| `mbcalc import --torch {REF}` (whole process) | {wall:.2f} | {cpu:.2f} |")
    print(f"| `import_torch(resnet50())` in a warm process | {warm:.3f} | |")
    print(f"\ntarget: the whole command under {TARGET_SECONDS:.0f} s of CPU: {verdict}"
          f" (wall time equals CPU time on an idle machine)")
    if verdict != "pass":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
