"""``count --memory``: the memory view of a report, in every output format."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from complexity.cli.delivery import Format, deliver
from complexity.errors import MbcalcError

if TYPE_CHECKING:  # annotations only, as in cli.fast
    from pathlib import Path


def memory_view(report: Any, dtype: str, device_peak: str | None, device_bandwidth: str | None,
                fmt: Format, output: Path | None, force: bool, summary: bool,
                plot: Path | None, by_kind: bool = False) -> None:
    """Analyse ``report``'s memory at ``dtype`` and deliver it (with a roofline bound when both
    device options are given)."""
    from complexity.analysis.memory import analyse, bounds, parse_rate
    from complexity.render import memory as view

    if (device_peak is None) != (device_bandwidth is None):
        raise MbcalcError("the roofline bound needs both --device-peak and --device-bandwidth")
    analysed = analyse(report, dtype)
    bound, rates = None, (0.0, 0.0)
    if device_peak is not None and device_bandwidth is not None:
        peak = parse_rate("device-peak", device_peak, "")
        bandwidth = parse_rate("device-bandwidth", device_bandwidth, "B")
        bound, rates = bounds(analysed, peak, bandwidth), (float(peak), float(bandwidth))
    if plot is not None:
        from complexity.render.plot import memory_plot

        memory_plot(analysed, plot, force)
    if fmt is Format.json:
        from complexity.render.jsonout import indented, report_dict

        data = report_dict(report, by_kind)
        for layer, extra in zip(data["layers"], view.layer_dicts(analysed, bound), strict=True):
            layer["memory"] = extra
        data["memory"] = view.memory_dict(analysed, bound)
        text = indented(data)
        deliver(fmt, output, force, text=text)
        return
    tables = [] if summary else [view.memory_table(analysed, bound)]
    if summary:
        tables.append(view.memory_summary(analysed, bound))
    tables.append(view.resolution_table(analysed))
    if bound is not None and not summary:
        tables.append(view.bound_table(analysed, bound, *rates))
    if by_kind:
        from complexity.render.tables import kind_table

        tables.append(kind_table(report))
    deliver(fmt, output, force, tables=tables)


def walk_memo(spec: Any, convention: str) -> Callable[[Fraction, int], Any]:
    """Walks of ``spec`` by (α, resolution), each made once (the sweep and the peaks share
    them); a walk that fails fails again each time it is asked for."""
    from complexity.engine.walk import walk

    done: dict[tuple[Fraction, int], Any] = {}
    shared: dict[Any, Any] = {}  # rows the walks share (engine.walk.walk)

    def at(alpha: Fraction, size: int) -> Any:
        key = (alpha, size)
        if key not in done:
            try:
                done[key] = walk(spec, alpha, None, size, convention,  # type: ignore[arg-type]
                                 closed=False, shared=shared)
            except MbcalcError as exc:
                done[key] = exc
        result = done[key]
        if isinstance(result, MbcalcError):
            raise result
        return result

    return at


def sweep_memory(spec: Any, points: list[Any], walk_at: Callable[[Fraction, int], Any],
                 dtype: str, schedule: str, fmt: Format, plot: Path | None,
                 output: Path | None, force: bool, convention: str,
                 by_resolution: bool = False) -> None:
    """``sweep --memory``: each point's peak live memory and the layer that holds it; in JSON,
    the sweep's object (``sweep_dict``) with the precision and each point's peak."""

    from complexity.analysis.memory import bytes_per, holder_changes, peak_grid
    from complexity.render.memory import sweep_memory_table

    per = bytes_per(dtype)
    alphas = list(dict.fromkeys(p.alpha for p in points))
    sizes = [p.resolution for p in points[: len(points) // len(alphas)]]
    peaks = peak_grid(walk_at, alphas, sizes, schedule)  # type: ignore[arg-type]
    model = spec.network.name
    if plot is not None:
        from complexity.render.plot import sweep_memory_plot

        sweep_memory_plot(model, points, peaks, per, plot, force)
    labels = [f"α = {float(p.alpha):g}, {p.resolution}×{p.resolution}" for p in points]
    changes = holder_changes(peaks, labels)
    if fmt is Format.json:
        from complexity.render.jsonout import sweep_json

        extra = {"schedule": schedule, "dtype": dtype, "bytes_per_element": per}
        deliver(fmt, output, force, text=sweep_json(model, convention, points, by_resolution,
                                                     extra, peaks, per, changes))
        return
    deliver(fmt, output, force, tables=[sweep_memory_table(model, convention, points, peaks,
                                                           dtype, schedule, changes)])
