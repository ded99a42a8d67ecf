"""``count --memory``: the memory view of a report, in every output format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from complexity.cli.delivery import Format, deliver
from complexity.errors import MbcalcError


def memory_view(report: Any, dtype: str, device_peak: str | None, device_bandwidth: str | None,
                fmt: Format, output: Path | None, force: bool, summary: bool,
                plot: Path | None) -> None:
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
        import json

        from complexity.render.jsonout import report_dict

        data = report_dict(report)
        for layer, extra in zip(data["layers"], view.layer_dicts(analysed, bound), strict=True):
            layer["memory"] = extra
        data["memory"] = view.memory_dict(analysed, bound)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        deliver(fmt, output, force, text=text)
        return
    tables = [] if summary else [view.memory_table(analysed, bound)]
    if summary:
        from complexity.render.tables import Table, heading

        tables.append(Table(title=f"{heading(report)} — memory, {dtype}", columns=["total"],
                            rows=[], notes=view.memory_notes(analysed, bound)))
    tables.append(view.resolution_table(analysed))
    if bound is not None and not summary:
        tables.append(view.bound_table(analysed, bound, *rates))
    deliver(fmt, output, force, tables=tables)
