"""Pictures for reports (the optional `plot` extra, matplotlib): a sweep's trade-off, where a
model's cost goes layer by layer, and its shares by kind. PNG or SVG by the file's suffix; written
atomically like every --output. SVG output is deterministic (fixed ids, no date, text as text),
so the docs' figures can be drift-tested like their tables."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from complexity.analysis.sweep import Point
from complexity.engine.walk import Report
from complexity.errors import MbcalcError
from complexity.output import write_atomically

SUFFIXES = (".png", ".svg")
_STABLE = {"svg.hashsalt": "mbcalc", "svg.fonttype": "none", "font.family": "DejaVu Sans"}
"""Settings that make an SVG the same on every run: fixed ids, text kept as text."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MbcalcError("--plot needs matplotlib: pip install 'mbcalc[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def image(figure: Any, fmt: str) -> bytes:
    """``figure`` as PNG or SVG bytes, without a date or any other varying metadata."""
    plt = _pyplot()
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with plt.rc_context(_STABLE):
        figure.savefig(buffer, format=fmt, bbox_inches="tight", dpi=150, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


def _save(figure: Any, path: Path, force: bool) -> None:
    if path.suffix.lower() not in SUFFIXES:
        _pyplot().close(figure)
        raise MbcalcError(f"{path}: --plot writes .png or .svg files")
    write_atomically(path, image(figure, path.suffix.lower()[1:]), force)


def _log_axis(axis: Any) -> None:
    """Log-scale ticks at 1, 2 and 5 of each decade, written as plain numbers."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def sweep_figure(model: str, points: list[Point]) -> Any:
    """MAdds against params on log axes, one line per resolution, as the MobileNet paper's
    trade-off figures; α labelled once, beside the highest resolution's points."""
    plt = _pyplot()
    with plt.rc_context(_STABLE):
        figure, axes = plt.subplots(figsize=(7, 5))
        sizes = sorted({p.resolution for p in points}, reverse=True)
        for resolution in sizes:
            chosen = [p for p in points if p.resolution == resolution]
            axes.plot([p.madds / 1e6 for p in chosen], [p.params / 1e6 for p in chosen], "o-",
                      markersize=4, label=f"{resolution}×{resolution}")
        alphas = sorted({p.alpha for p in points})
        if sizes and len(alphas) <= 16:
            top = {p.alpha: p for p in points if p.resolution == sizes[0]}
            for alpha in alphas:
                p = top[alpha]
                axes.annotate(f"α = {float(alpha):g}", (p.madds / 1e6, p.params / 1e6),
                              fontsize=8, xytext=(6, -3), textcoords="offset points",
                              ha="left", va="top")
        axes.set_xscale("log")
        axes.set_yscale("log")
        _log_axis(axes.xaxis)
        _log_axis(axes.yaxis)
        axes.margins(x=0.12, y=0.08)
        axes.set_xlabel("MAdds (millions)")
        axes.set_ylabel("params (millions)")
        axes.set_title(f"{model}: α × resolution")
        if len(sizes) <= 12:
            axes.legend(title="input", fontsize=8)
        axes.grid(True, which="major", alpha=0.3)
    return figure


def model_figure(report: Report) -> Any:
    """Two bar charts, layer by layer: MAdds and params of every layer that costs anything."""
    plt = _pyplot()
    rows = [r for r in report.rows if r.params or r.madds]
    with plt.rc_context(_STABLE):
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
    return figure


def kind_figure(report: Report) -> Any:
    """Shares of MAdds and params by kind of layer, as the MobileNet paper's Table 2."""
    from complexity.analysis.breakdown import by_kind

    plt = _pyplot()
    shares = by_kind(report)
    with plt.rc_context(_STABLE):
        figure, axes = plt.subplots(figsize=(7, 0.5 * len(shares) + 1.2))
        ys = range(len(shares))
        madds = [100 * s.madds / report.madds if report.madds else 0 for s in shares]
        params = [100 * s.params / report.params if report.params else 0 for s in shares]
        axes.barh([y - 0.2 for y in ys], madds, height=0.4, color="tab:blue", label="MAdds")
        axes.barh([y + 0.2 for y in ys], params, height=0.4, color="tab:orange", label="params")
        for y, m, p in zip(ys, madds, params, strict=True):
            axes.annotate(f"{m:.2f}%", (m, y - 0.2), xytext=(3, 0), textcoords="offset points",
                          va="center", fontsize=7)
            axes.annotate(f"{p:.2f}%", (p, y + 0.2), xytext=(3, 0), textcoords="offset points",
                          va="center", fontsize=7)
        axes.set_yticks(list(ys))
        axes.set_yticklabels([s.category for s in shares])
        axes.invert_yaxis()
        axes.set_xlim(0, 112)
        axes.set_xlabel("share of the total (%)")
        axes.set_title(f"{report.model} — by kind, {report.convention} convention")
        axes.legend(fontsize=8, loc="lower right")
    return figure


def sweep_plot(model: str, points: list[Point], path: Path, force: bool = False) -> None:
    """``sweep_figure`` written to ``path``."""
    _save(sweep_figure(model, points), path, force)


def model_plot(report: Report, path: Path, force: bool = False) -> None:
    """``model_figure`` written to ``path``."""
    _save(model_figure(report), path, force)


def kind_plot(report: Report, path: Path, force: bool = False) -> None:
    """``kind_figure`` written to ``path``."""
    _save(kind_figure(report), path, force)


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
