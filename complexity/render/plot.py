"""Pictures for reports (the optional `plot` extra, matplotlib): a sweep's trade-off and where a
model's cost goes. PNG or SVG by the file's suffix; written atomically like every --output."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from complexity.analysis.sweep import Point
from complexity.engine.walk import Report
from complexity.errors import MbcalcError
from complexity.output import write_atomically

SUFFIXES = (".png", ".svg")


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MbcalcError("--plot needs matplotlib: pip install 'mbcalc[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Any, path: Path, force: bool) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise MbcalcError(f"{path}: --plot writes .png or .svg files")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=path.suffix.lower()[1:], bbox_inches="tight", dpi=150)
    write_atomically(path, buffer.getvalue(), force)


def sweep_plot(model: str, points: list[Point], path: Path, force: bool = False) -> None:
    """MAdds against params on log axes, one labelled point per (α, ρ), as the MobileNet
    paper's trade-off figures."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 5))
    rhos = sorted({p.resolution for p in points})
    for resolution in rhos:
        chosen = [p for p in points if p.resolution == resolution]
        axes.plot([p.madds / 1e6 for p in chosen], [p.params / 1e6 for p in chosen], "o-",
                  label=f"{resolution}×{resolution}")
        if len(points) <= 64:
            for p in chosen:
                axes.annotate(f"α={float(p.alpha):g}", (p.madds / 1e6, p.params / 1e6),
                              fontsize=7, xytext=(3, 3), textcoords="offset points")
    axes.set_xscale("log")
    axes.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, NullFormatter

    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    axes.set_xlabel("MAdds (millions)")
    axes.set_ylabel("params (millions)")
    axes.set_title(f"{model}: α × resolution")
    if len(rhos) <= 12:
        axes.legend(title="input")
    axes.grid(True, which="both", alpha=0.3)
    _save(figure, path, force)
    plt.close(figure)


def model_plot(report: Report, path: Path, force: bool = False) -> None:
    """Two bar charts, layer by layer: MAdds and params of every layer that costs anything."""
    plt = _pyplot()
    rows = [r for r in report.rows if r.params or r.madds]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(max(8, len(rows) * 0.12), 7),
                                         sharex=True)
    positions = range(len(rows))
    top.bar(positions, [r.madds / 1e6 for r in rows], color="tab:blue")
    top.set_ylabel("MAdds (millions)")
    top.set_title(f"{report.model} — α = {float(report.alpha):g}, "
                  f"{report.resolution}×{report.resolution}, {report.convention} convention")
    bottom.bar(positions, [r.params / 1e6 for r in rows], color="tab:orange")
    bottom.set_ylabel("params (millions)")
    bottom.set_xticks(list(positions))
    bottom.set_xticklabels([r.name for r in rows], rotation=90, fontsize=6)
    _save(figure, path, force)
    plt.close(figure)


def memory_plot(memory: Any, path: Path, force: bool = False) -> None:
    """Live memory at every layer under both schedules (MobileNetV2 §5.1's beside the plain
    sequential one), the peaks marked."""
    from complexity.analysis.memory import SCHEDULES, profile, steps_of

    plt = _pyplot()
    report = memory.report
    figure, axes = plt.subplots(figsize=(max(8, len(report.rows) * 0.06), 4.5))
    labels = {"sequential": "sequential", "inverted_residual": "inverted residual (§5.1)"}
    for schedule, colour in zip(SCHEDULES, ("tab:red", "tab:blue"), strict=True):
        steps = steps_of(report, schedule)
        live = profile(steps, memory.tensors)
        xs: list[float] = []
        ys: list[float] = []
        for step, value in zip(steps, live, strict=True):
            xs += [step.first + 0.5, step.end + 0.5]
            ys += [value * memory.bytes / 1e6] * 2
        axes.plot(xs, ys, color=colour, label=labels[schedule], linewidth=1.2)
        top = memory.peaks[schedule]
        axes.axhline(top.elements * memory.bytes / 1e6, color=colour, linestyle=":",
                     linewidth=0.8)
    axes.set_xlabel("layer (row of `mbcalc count`)")
    axes.set_ylabel(f"live activations (MB, {memory.dtype})")
    axes.set_title(f"{report.model} — live memory at each layer, {report.resolution}×"
                   f"{report.resolution}, α = {float(report.alpha):g}")
    axes.set_xlim(0.5, len(report.rows) + 0.5)
    axes.set_ylim(bottom=0)
    axes.legend()
    axes.grid(True, alpha=0.3)
    _save(figure, path, force)
    plt.close(figure)


def sweep_memory_plot(model: str, points: list[Point], peaks: list[Any], bytes_per: int,
                      path: Path, force: bool = False) -> None:
    """Peak live memory against MAdds, one line per input resolution."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 5))
    sizes = sorted({p.resolution for p in points})
    for resolution in sizes:
        chosen = [(p, q) for p, q in zip(points, peaks, strict=True)
                  if p.resolution == resolution]
        axes.plot([p.madds / 1e6 for p, _ in chosen],
                  [q.elements * bytes_per / 1e6 for _, q in chosen], "o-",
                  label=f"{resolution}×{resolution}", markersize=3)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("MAdds (millions)")
    axes.set_ylabel("peak live memory (MB)")
    axes.set_title(f"{model}: peak memory over α × resolution")
    if len(sizes) <= 12:
        axes.legend(title="input")
    axes.grid(True, which="both", alpha=0.3)
    _save(figure, path, force)
    plt.close(figure)
