"""The everyday invocations without loading typer (a third of the cold start): a plain count,
``mbcalc NAME [--alpha A] [--rho R | --resolution N] [--convention C] [--format F] [--summary]
[--by-kind] [--flops] [--memory [--dtype D]]``; ``mbcalc list [--format F]``; and ``mbcalc sweep
NAME [--alpha VALUES] [--rho VALUES | --resolution VALUES] [--convention C] [--format F]
[--memory [--dtype D] [--schedule S]]``. Anything else — another
command, any other option, a doubtful value, an error — is left to the typer command, which
prints exactly what this prints (both call ``count_run``, ``list_run`` or ``sweep_run``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from complexity.cli.delivery import Format, deliver, draw_plot
from complexity.errors import MbcalcError

if TYPE_CHECKING:  # annotations only: --output and --plot stay str, pathlib unimported
    from pathlib import Path

    from complexity.language.sources import LoadedSpec

_VALUES = {"--alpha", "--rho", "--resolution", "--convention", "--format", "--dtype"}
_FLAGS = {"--summary", "--by-kind", "--flops", "--memory"}
_OPTIONS = {"count": (_VALUES, _FLAGS), "sweep": (_VALUES | {"--schedule"}, {"--memory"}),
            "list": ({"--format"}, set())}
"""Per command the fast path takes: its options with a value, and its flags."""
_CONVENTIONS = ("paper", "torch", "keras")
DTYPES = ("float32", "float16", "bfloat16", "int8")
SCHEDULES = ("sequential", "inverted_residual")
"""The choices of --dtype and --schedule (typer's own enums in cli.group hold the same)."""
_COMMANDS = {"count", "compare", "sweep", "formula", "verify", "schema", "list", "peers", "import"}


def parse(argv: list[str]) -> dict[str, str | bool] | None:
    """The command (``count``, ``list`` or ``sweep``) and its options, or None when typer
    should read ``argv``."""
    command = "count"
    if argv and argv[0] in ("count", "sweep", "list"):
        command, argv = argv[0], argv[1:]
    elif not argv or argv[0] in _COMMANDS:
        return None
    found: dict[str, str | bool] = {"command": command}
    if command != "list":
        if not argv or argv[0].startswith("-"):
            return None
        found["model"], argv = argv[0], argv[1:]
    values, flags = _OPTIONS[command]
    rest = list(argv)
    while rest:
        token = rest.pop(0)
        name, equals, value = token.partition("=")
        if name in flags and not equals:
            pass
        elif name in values:
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
        found[key] = True if name in flags else value
    if found.get("convention", "paper") not in _CONVENTIONS:
        return None
    if found.get("format", "table") not in Format.__members__:
        return None
    if found.get("dtype", "float32") not in DTYPES:
        return None
    if found.get("schedule", "sequential") not in SCHEDULES:
        return None
    resolution = found.get("resolution")
    if command == "count" and resolution is not None and not (
            isinstance(resolution, str) and resolution.isdigit()):
        return None
    return found


def count_run(model: str, alpha: str, rho: str | None, resolution: int | None,
              convention: str, fmt: Format, summary: bool, by_kind: bool, flops: bool,
              plot: Path | None, output: Path | None, force: bool,
              sets: list[str] | None, *, ops: bool = False, as_peer: str | None = None,
              memory: bool = False, dtype: str = "float32", device_peak: str | None = None,
              device_bandwidth: str | None = None, cached: bool = False) -> None:
    """``mbcalc count``: walk the network, then print or write the chosen tables (with
    ``memory`` or a device bound, the memory view instead; ``ops`` and ``as_peer`` add the
    every-op and the peer's tables). ``cached``: take the spec from the cache of validated
    specs (``language.cache``) where it can."""
    from fractions import Fraction

    from complexity.cli.arguments import one_resolution, parse_sets, positive
    from complexity.engine.walk import walk

    spec = _spec(model, parse_sets(sets or []), cached)
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
    from complexity.render import tables

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


def list_run(fmt: Format | None, output: Path | None, force: bool) -> None:
    """``mbcalc list``: the zoo's networks, read from the files' headers (no validation)."""
    import json

    from complexity.language.zoo import zoo_entries

    zoo = zoo_entries()
    if fmt is None:
        from complexity.cli.delivery import table_width

        text = zoo_lines([[e.name, e.source, e.file.name, e.title] for e in zoo], table_width())
        deliver(Format.markdown, output, force, text=text)
    elif fmt is Format.json:
        data = {"models": [{"model": e.name, "title": e.title, "source": e.source,
                            "file": e.file.name, "variables": e.values} for e in zoo]}
        deliver(fmt, output, force, text=json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        from complexity.render.tables import Table

        table = Table(title="mbcalc zoo", columns=["model", "source", "file", "title"],
                      rows=[[e.name, e.source, e.file.name, e.title] for e in zoo])
        deliver(fmt, output, force, tables=[table])


MIN_TITLE = 30
"""Narrowest title column of ``mbcalc list``; narrower, the file column gives its room up."""


def zoo_lines(rows: list[list[str]], width: int) -> str:
    """``mbcalc list``'s default text: aligned columns (name, source, file, title) within
    ``width``, a network's title wrapped at its spaces under its own column. Where the title
    would get fewer than MIN_TITLE columns, the file column is left out."""
    from textwrap import wrap

    widths = [max(len(row[k]) for row in rows) + 2 for k in range(3)]
    if width - sum(widths) < MIN_TITLE:
        rows, widths = [row[:2] + row[3:] for row in rows], widths[:2]
    start = sum(widths)
    room = max(width - start, MIN_TITLE)
    out = []
    for *cells, title in rows:
        lead = "".join(f"{cell:{w}}" for cell, w in zip(cells, widths, strict=True))
        pieces = wrap(title, room, break_long_words=False, break_on_hyphens=False) or [""]
        out.append((lead + pieces[0]).rstrip() + "\n")
        out += [" " * start + piece + "\n" for piece in pieces[1:]]
    return "".join(out)


def sweep_run(model: str, alpha: str, rho: str | None, resolution: str | None,
              convention: str, fmt: Format, plot: Path | None, output: Path | None,
              force: bool, sets: list[str] | None, *, memory: bool = False,
              dtype: str = "float32", schedule: str = "sequential",
              cached: bool = False) -> None:
    """``mbcalc sweep``: totals (and with ``memory``, peak live memory) over α × ρ or
    α × resolution; ``cached`` as for ``count_run``."""
    from complexity.analysis.sweep import MAX_POINTS, parse_values
    from complexity.analysis.sweep import sweep as run_sweep
    from complexity.cli.arguments import parse_sets
    from complexity.cli.delivery import MAX_SWEEP_TABLE
    from complexity.errors import printable
    from complexity.language.numbers import LARGEST

    if rho is not None and resolution is not None:
        raise MbcalcError("give --rho or --resolution, not both")
    sizes = None
    if resolution is not None:
        values = parse_values("resolution", resolution)
        if any(v.denominator != 1 or v > LARGEST for v in values):
            raise MbcalcError(f"--resolution values must be whole numbers up to {LARGEST:,} (the "
                              f"largest a spec allows), got {printable(resolution)!r}")
        sizes = [int(v) for v in values]
    alphas = parse_values("alpha", alpha)
    rhos = parse_values("rho", rho) if rho is not None else None
    count = len(alphas) * len(sizes or rhos or [1])
    if count > MAX_POINTS:
        raise MbcalcError(f"a sweep is at most {MAX_POINTS:,} points, this one has {count:,}")
    if fmt is Format.table and count > MAX_SWEEP_TABLE:
        raise MbcalcError(f"{count:,} points are too many to draw as a table (at most "
                          f"{MAX_SWEEP_TABLE:,}); use --format csv, json or markdown")
    spec = _spec(model, parse_sets(sets or []), cached)
    import gc

    walk_at = None
    if memory:  # the walks, made once for both analyses
        from complexity.cli.memory import sweep_memory, walk_memo

        walk_at = walk_memo(spec, convention)
    gc.disable()  # the walks (and those kept for --memory) hold many objects, none cyclic garbage
    try:
        points = run_sweep(spec, alphas, rhos, sizes, convention,  # type: ignore[arg-type]
                           walk_at=walk_at)
        if memory:
            sweep_memory(spec, points, walk_at, dtype, schedule, fmt, plot, output,
                         force, convention, sizes is not None)
            return
    finally:
        gc.enable()
    if plot is not None:
        from complexity.render.plot import sweep_plot

        draw_plot(plot, lambda: sweep_plot(spec.network.name, points, plot, force))
    if fmt is Format.json:
        from complexity.render.jsonout import sweep_json

        deliver(fmt, output, force,
                text=sweep_json(spec.network.name, convention, points, sizes is not None))
        return
    from complexity.render.sweeps import sweep_table

    deliver(fmt, output, force, tables=[sweep_table(spec.network.name, convention, points)])


def _spec(model: str, overrides: dict[str, Any], cached: bool) -> LoadedSpec:
    """The spec ``model`` names: from the cache of validated specs if ``cached`` (the fast
    path: an error there makes typer's command run again, which reads the spec itself)."""
    if cached:
        from complexity.language.cache import load

        return load(model, overrides)
    from complexity.language.zoo import resolve

    return resolve(model, overrides)


def run(argv: list[str]) -> bool:
    """Run ``argv`` as ``mbcalc`` would if it is one of the everyday invocations; False
    (nothing printed) when it is not, or when anything goes wrong (typer then reports it in
    its own words)."""
    import os

    found = None if os.environ.get("_MBCALC_COMPLETE") else parse(argv)  # shell completion
    if found is None:
        return False
    fmt = found.get("format")
    convention = str(found.get("convention", "paper"))
    try:
        if found["command"] == "list":
            list_run(Format(fmt) if isinstance(fmt, str) else None, None, False)
        elif found["command"] == "sweep":
            resolution = found.get("resolution")
            rho = found.get("rho")
            sweep_run(str(found["model"]), str(found.get("alpha", "1")),
                      rho if isinstance(rho, str) else None,
                      resolution if isinstance(resolution, str) else None, convention,
                      Format(fmt or "table"), None, None, False, None,
                      memory=bool(found.get("memory")), dtype=str(found.get("dtype", "float32")),
                      schedule=str(found.get("schedule", "sequential")), cached=True)
        else:
            resolution = found.get("resolution")
            count_run(str(found["model"]), str(found.get("alpha", "1")),
                      found.get("rho"),  # type: ignore[arg-type]
                      int(resolution) if isinstance(resolution, str) else None,
                      convention, Format(fmt or "table"), bool(found.get("summary")),
                      bool(found.get("by-kind")), bool(found.get("flops")), None, None, False,
                      None, memory=bool(found.get("memory")),
                      dtype=str(found.get("dtype", "float32")), cached=True)
    except BrokenPipeError:
        raise
    except Exception:  # noqa: BLE001 - typer's path reports it (nothing was printed yet)
        return False
    return True
