"""The everyday invocation, ``mbcalc NAME [--alpha A] [--rho R | --resolution N] [--convention
C] [--format F] [--summary] [--by-kind] [--flops]``, without loading typer (a third of the cold
start). Anything else — another command, any other option, a doubtful value, an error — is left
to the typer command, which prints exactly what this prints (both call ``count_run``)."""

from __future__ import annotations

from pathlib import Path

from complexity.cli.delivery import Format, deliver, draw_plot
from complexity.errors import MbcalcError

_VALUES = {"--alpha", "--rho", "--resolution", "--convention", "--format"}
_FLAGS = {"--summary", "--by-kind", "--flops"}
_CONVENTIONS = ("paper", "torch", "keras")
_COMMANDS = {"count", "compare", "sweep", "formula", "verify", "schema", "list", "peers", "import"}


def parse(argv: list[str]) -> dict[str, str | bool] | None:
    """The options of a plain count, or None when typer should read ``argv``."""
    if argv and argv[0] == "count":
        argv = argv[1:]
    if not argv or argv[0].startswith("-") or argv[0] in _COMMANDS:
        return None
    found: dict[str, str | bool] = {"model": argv[0]}
    rest = argv[1:]
    while rest:
        token = rest.pop(0)
        name, equals, value = token.partition("=")
        if name in _FLAGS and not equals:
            pass
        elif name in _VALUES:
            if not equals:
                if not rest:
                    return None
                value = rest.pop(0)
            if not value or value.startswith("-"):
                return None
        else:
            return None
        key = name[2:]
        if key in found:  # repeated: typer decides which one counts
            return None
        found[key] = True if name in _FLAGS else value
    if found.get("convention", "paper") not in _CONVENTIONS:
        return None
    if found.get("format", "table") not in Format.__members__:
        return None
    resolution = found.get("resolution")
    if resolution is not None and not (isinstance(resolution, str) and resolution.isdigit()):
        return None
    return found


def count_run(model: str, alpha: str, rho: str | None, resolution: int | None,
              convention: str, fmt: Format, summary: bool, by_kind: bool, flops: bool,
              plot: Path | None, output: Path | None, force: bool,
              sets: list[str] | None, *, ops: bool = False, as_peer: str | None = None,
              memory: bool = False, dtype: str = "float32", device_peak: str | None = None,
              device_bandwidth: str | None = None) -> None:
    """``mbcalc count``: walk the network, then print or write the chosen tables (with
    ``memory`` or a device bound, the memory view instead; ``ops`` and ``as_peer`` add the
    every-op and the peer's tables)."""
    from fractions import Fraction

    from complexity.cli.arguments import one_resolution, parse_sets, positive
    from complexity.engine.walk import walk
    from complexity.language.zoo import resolve
    from complexity.render import tables

    spec = resolve(model, parse_sets(sets or []))
    rho_value, size = one_resolution(rho, resolution)
    report = walk(spec, positive("alpha", alpha) or Fraction(1), rho_value, size,
                  convention)  # type: ignore[arg-type]
    if as_peer is not None:
        from complexity.analysis.peers import check_peer

        check_peer(as_peer)
    if memory or device_peak is not None or device_bandwidth is not None:
        if ops or as_peer is not None:
            raise MbcalcError("--memory (or a --device-* bound) is a view of its own: give it "
                              "without --ops and --as")
        from complexity.cli.memory import memory_view

        memory_view(report, dtype, device_peak, device_bandwidth, fmt, output,
                    force, summary, plot, by_kind)
        return
    if plot is not None:  # with --by-kind, the shares by kind; else the cost layer by layer
        from complexity.render.plot import kind_plot, model_plot

        draw = kind_plot if by_kind else model_plot
        draw_plot(plot, lambda: draw(report, plot, force))
    if fmt is Format.json:
        from complexity.render.jsonout import report_json

        deliver(fmt, output, force, text=report_json(report, by_kind, ops, as_peer))
        return
    if by_kind:  # the breakdown alone (then the totals, if asked, except in CSV: one table)
        chosen = [tables.kind_table(report)]
        if summary and fmt is not Format.csv:
            chosen.append(tables.summary_table(report, flops))
    elif summary:
        chosen = [tables.summary_table(report, flops)]
    else:
        chosen = [tables.layer_table(report, flops)]
    if ops or as_peer:
        from complexity.render import peers

        chosen += [peers.ops_table(report)] if ops else []
        chosen += [peers.as_table(report, peers.predict(report, as_peer))] if as_peer else []
    deliver(fmt, output, force, tables=chosen)


def run(argv: list[str]) -> bool:
    """Count as ``mbcalc`` would if ``argv`` is a plain count; False (nothing printed) when it
    is not, or when anything goes wrong (typer then reports it in its own words)."""
    import os

    found = None if os.environ.get("_MBCALC_COMPLETE") else parse(argv)  # shell completion
    if found is None:
        return False
    try:
        resolution = found.get("resolution")
        count_run(str(found["model"]), str(found.get("alpha", "1")),
                  found.get("rho"), int(resolution) if isinstance(resolution, str) else None,
                  str(found.get("convention", "paper")), Format(found.get("format", "table")),
                  bool(found.get("summary")), bool(found.get("by-kind")),
                  bool(found.get("flops")), None, None, False, None)
    except BrokenPipeError:
        raise
    except Exception:  # noqa: BLE001 - typer's path reports it (nothing was printed yet)
        return False
    return True
