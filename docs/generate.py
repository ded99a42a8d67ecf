"""Every number in the docs, printed by mbcalc: writes docs/snippets/*.md, docs/figures/*.svg and
README.md's example.

    python docs/generate.py           # rewrite the snippets and the README's generated block
    python docs/generate.py --check   # exit 1, naming the files, if any is out of date

The pages include the snippets with pymdownx.snippets (a line ``--8<-- "snippets/NAME.md"``);
``tests/test_docs.py`` regenerates them in memory and fails when a committed one differs. mbcalc
runs in-process (``complexity.cli.main``), from the repository root, at a fixed terminal width and
without colour, so the output does not depend on who runs it or where. Nothing here runs torch or
keras (``mbcalc verify``): generation takes a few seconds.

Figures printed in papers are written below as constants, each with its source; everything
else in a snippet comes from mbcalc's output.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import inspect
import io
import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "docs" / "snippets"
README = ROOT / "README.md"
WIDTH = 100
"""Terminal width of the text outputs shown in the docs."""

if importlib.util.find_spec("complexity") is None:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))


# --------------------------------------------------------------------------------------------
# Running mbcalc


@dataclass(frozen=True)
class Run:
    """One mbcalc command and what it printed."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def command(self) -> str:
        return "mbcalc " + shlex.join(self.args)


_UNSET = ("FORCE_COLOR", "NO_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
          "JUPYTER_COLUMNS", "JUPYTER_LINES")


@contextmanager
def _fixed_terminal() -> Iterator[None]:
    """The repository root as working directory, a WIDTH-column terminal, no colour."""
    saved = {k: os.environ.get(k) for k in ("COLUMNS", "LINES", *_UNSET)}
    cwd = os.getcwd()
    os.environ["COLUMNS"], os.environ["LINES"] = str(WIDTH), "50"
    for key in _UNSET:
        os.environ.pop(key, None)
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(cwd)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _tidy(text: str) -> str:
    """Trailing spaces (rich pads every line to the width) and trailing blank lines removed."""
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


@cache
def _run(args: tuple[str, ...]) -> Run:
    from complexity.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _fixed_terminal(), redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return Run(args, code, _tidy(out.getvalue()), _tidy(err.getvalue()))


def mbcalc(*args: str, expect: int = 0) -> Run:
    """Run ``mbcalc ARGS`` in-process; its exit code must be ``expect``."""
    run = _run(tuple(args))
    if run.code != expect:
        raise RuntimeError(f"`{run.command}` exited {run.code}, expected {expect}: {run.err}")
    return run


def data(*args: str) -> Any:
    """The JSON that ``mbcalc ARGS --format json`` prints (see the README's JSON contract)."""
    return json.loads(mbcalc(*args, "--format", "json").out)


@cache
def _spec(model: str, sets: tuple[str, ...]) -> Any:
    from complexity.cli.arguments import parse_sets
    from complexity.language.zoo import resolve

    with _fixed_terminal():  # a spec file's path is relative to the repository root
        return resolve(model, parse_sets(list(sets)))


def totals(*args: str) -> dict[str, int]:
    """``{"params": …, "madds": …}`` of ``mbcalc MODEL [--alpha A] [--rho R | --resolution N]
    [--convention C] [--set NAME=VALUE …]``, from the engine that command runs (the walk, without
    the command line and the printing: totals are most of the docs' numbers, so this keeps
    generation fast)."""
    from complexity.engine.walk import walk

    model, options, sets = args[0], dict[str, str](), list[str]()
    rest = list(args[1:])
    while rest:
        option, value = rest.pop(0), rest.pop(0)
        if option == "--set":
            sets.append(value)
        elif option in ("--alpha", "--rho", "--resolution", "--convention"):
            options[option] = value
        else:
            raise ValueError(f"totals() does not know {option}")
    fast = {"closed": False} if "closed" in inspect.signature(walk).parameters else {}
    report = walk(_spec(model, tuple(sets)), alpha=Fraction(options.get("--alpha", "1")),
                  rho=Fraction(options["--rho"]) if "--rho" in options else None,
                  resolution=int(options["--resolution"]) if "--resolution" in options else None,
                  convention=options.get("--convention", "paper"),  # type: ignore[arg-type]
                  **fast)  # no closed form needed
    return {"params": report.params, "madds": report.madds}


def compared(cin: int, cout: int, kernel: int, size: int, *options: str) -> dict[str, Any]:
    """``mbcalc compare`` as a mapping from variant name to its JSON object."""
    args = ["compare", "--cin", str(cin), "--cout", str(cout), "--kernel", str(kernel),
            "--size", str(size), *options]
    return {v["variant"]: v for v in data(*args)["variants"]}


# --------------------------------------------------------------------------------------------
# Writing markdown


def n(value: int) -> str:
    """568740352 -> '568,740,352'."""
    return f"{value:,}"


def mb(params: int, bytes_per_param: float = 4) -> str:
    """Size in MB (10⁶ bytes), as mbcalc prints it."""
    return f"{params * bytes_per_param / 1e6:.2f}"


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f} %"


def ratio(value: float) -> str:
    return f"{value:.3f}"


def table(header: list[str], rows: list[list[Any]], right: set[int] | None = None) -> str:
    """A markdown table; columns in ``right`` (default: those whose cells are numbers) align
    right."""
    cells = [[n(c) if isinstance(c, int) and not isinstance(c, bool) else str(c) for c in row]
             for row in rows]
    if right is None:
        right = {i for i in range(len(header))
                 if all(isinstance(r[i], int) and not isinstance(r[i], bool) for r in rows)}
    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    rule = "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in cells)]) + "\n"


def shell_lines(args: tuple[str, ...], width: int = WIDTH) -> str:
    """``$ mbcalc ARGS`` within ``width`` columns: continued with a backslash before an option
    where it would be wider, each option kept with its value."""
    units: list[str] = []
    for arg in args:
        quoted = shlex.quote(arg)
        if units and not arg.startswith("-") and units[-1].startswith("-") \
                and " " not in units[-1]:
            units[-1] += " " + quoted
        else:
            units.append(quoted)
    lines, current = [], "$ mbcalc"
    for unit in units:
        if len(current) + 1 + len(unit) + 2 > width and current != "$ mbcalc":
            lines.append(current + " \\")
            current = "    " + unit
        else:
            current += " " + unit
    return "\n".join([*lines, current])


def console(*runs: Run, show_err: bool = False) -> str:
    """Commands and their terminal output as a ``text`` block, as a shell shows them; a block
    with an error line wider than WIDTH wraps it as the terminal would (class ``wraps``)."""
    parts = []
    wraps = False
    for run in runs:
        parts.append(shell_lines(run.args))
        if run.out:
            parts.append(run.out)
        if show_err and run.err:
            parts.append(run.err)
            wraps |= any(len(line) > WIDTH for line in run.err.splitlines())
        if show_err:
            parts.append(f"$ echo $?\n{run.code}")
    fence = "``` { .text .wraps }" if wraps else "```text"
    return fence + "\n" + "\n".join(parts) + "\n```\n"


def markdown_output(*args: str, note: str = "") -> str:
    """``mbcalc ARGS --format markdown``, under the command that printed it."""
    run = mbcalc(*args, "--format", "markdown")
    return f"`$ {run.command}`{note}\n\n{run.out}\n"


_CELL = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> list[str]:
    return [c.strip().replace("\\|", "|") for c in _CELL.split(line.strip())[1:-1]]


def _number(cell: str) -> int:
    return int(cell.strip("*").replace(",", ""))


def rows_excerpt(args: list[str], prefixes: tuple[str, ...], label: str) -> str:
    """The rows of ``mbcalc ARGS --format markdown`` whose layer name starts with one of
    ``prefixes``, with a subtotal row."""
    run = mbcalc(*args, "--format", "markdown")
    lines = [line for line in run.out.splitlines() if line.startswith("|")]
    header = _cells(lines[0])
    layer, params, madds = header.index("layer"), header.index("params"), header.index("MAdds")
    kept = [line for line in lines[2:] if _cells(line)[layer].startswith(prefixes)]
    sums = [sum(_number(_cells(line)[i]) for line in kept) for i in (params, madds)]
    total = ["" for _ in header]
    total[layer], total[params], total[madds] = f"**{label}**", f"**{n(sums[0])}**", \
        f"**{n(sums[1])}**"
    shown = " and ".join(f"`{p}…`" for p in prefixes)
    return (f"`$ {run.command}`, rows {shown} only:\n\n"
            + "\n".join([lines[0], lines[1], *kept, "| " + " | ".join(total) + " |"]) + "\n")


def elided(run: Run, head: int = 3, tail: int = 2) -> Run:
    """A layer table cut to its first ``head`` and last ``tail`` layers (rows numbered at the
    start of a line), with a '…' line between."""
    lines = run.out.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s*\d+\s{2,}\S", line)]
    if len(starts) <= head + tail:
        return run
    cut = lines[: starts[head]] + ["  …"] + lines[starts[-tail]:]
    return Run(run.args, run.code, "\n".join(cut), run.err)


def indent(text: str, by: int = 4) -> str:
    return "\n".join((" " * by + line) if line else "" for line in text.splitlines()) + "\n"


# --------------------------------------------------------------------------------------------
# Snippets: name -> function giving its text

SNIPPET_FUNCTIONS: dict[str, Callable[[], str]] = {}


def snippet(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(function: Callable[[], str]) -> Callable[[], str]:
        SNIPPET_FUNCTIONS[name] = function
        return function

    return register


SIGNATURE = ("mobilenet_v1", "--alpha", "0.75", "--rho", "0.714")


# Getting started --------------------------------------------------------------------------


@snippet("signature.md")
def _signature() -> str:
    return console(elided(mbcalc(*SIGNATURE)))


@snippet("signature-columns.md")
def _signature_columns() -> str:
    run = mbcalc(*SIGNATURE, "--format", "markdown")
    lines = [line for line in run.out.splitlines() if line.startswith("|")]
    header, first = _cells(lines[0]), _cells(lines[2])
    row = dict(zip(header, first, strict=True))
    meaning = {
        "#": "Position of the row in the walk, input to output.",
        "layer": "The layer's name in the spec; unnamed layers are named after the layer "
                 "before them (`conv1/bn`). The kind (`conv`, `dw`, `pw`, `bn`, `act`, …) "
                 "follows it in the terminal table.",
        "kind": "The layer's kind, as written in the spec.",
        "input → output": "Shapes as C×H² (C×H×W when not square): channels after α, sizes "
                          "after ρ and the strides.",
        "params formula": "The params formula in the papers' notation, then with the values "
                          "put in. Printed in grey under the params in the terminal.",
        "params": "The exact number of parameters the convention counts (paper: weights only).",
        "MAdds formula": "The MAdds formula, then with the values put in.",
        "MAdds": "Exact multiply-adds for one image.",
        "% MAdds": "The row's share of the network's MAdds.",
    }
    rows = [[f"`{col}`", row[col], meaning.get(col, "")] for col in header]
    return (f"Row 1 of `{run.command}`, column by column:\n\n"
            + table(["column", "row 1", "what it is"], rows, right=set()))


@snippet("signature-full.md")
def _signature_full() -> str:
    run = mbcalc(*SIGNATURE, "--format", "markdown")
    count = sum(1 for line in run.out.splitlines() if re.match(r"^\| \d+ \|", line))
    return (f'??? example "All {count} rows: `{run.command}`"\n\n' + indent(run.out) + "\n")


@snippet("summary.md")
def _summary() -> str:
    return console(mbcalc("mobilenet_v1", "--summary"))


@snippet("list.md")
def _list() -> str:
    return console(mbcalc("list"))


# README -----------------------------------------------------------------------------------


@snippet("readme-output.md")
def _readme_output() -> str:
    full = totals("mobilenet_v1")
    return (console(elided(mbcalc(*SIGNATURE), head=3, tail=2))
            + f"\nAt α = 1, ρ = 1 it gives {n(full['madds'])} MAdds and {n(full['params'])} "
              "params: the paper's 569M and 4.2M.\n")


# Params and MAdds by hand -----------------------------------------------------------------

BY_HAND = "docs/examples/by_hand.yaml"


@snippet("by-hand-table.md")
def _by_hand_table() -> str:
    return markdown_output(BY_HAND)


@snippet("by-hand-check.md")
def _by_hand_check() -> str:
    rows = []
    for layer in data(BY_HAND)["layers"]:
        if not layer["params"]:
            continue
        _, h, w = layer["output"]
        positions = h * w if layer["kind"] != "fc" else 1
        assert layer["params"] * positions == layer["madds"], layer["name"]
        rows.append([f"`{layer['name']}`", layer["params"],
                     f"{h}×{w} = {n(positions)}" if positions > 1 else "1 (one output vector)",
                     layer["madds"]])
    return table(["layer", "params (weights)", "× output positions", "= MAdds"], rows)


@snippet("by-hand-conventions.md")
def _by_hand_conventions() -> str:
    paper = data(BY_HAND)
    bn = sum(r["symbols"]["C"] for r in paper["layers"] if r["kind"] == "bn")
    bias = sum(r["symbols"]["N"] for r in paper["layers"] if r["kind"] == "fc")
    added = {"paper": "conv and fc weights only",
             "torch": f"+ 2·{bn} batch-norm γ, β (2·C for C = {bn} channels) + {bias} fc biases",
             "keras": f"+ 4·{bn} (γ, β, moving mean and variance) + {bias} fc biases"}
    rows = []
    for convention in ("paper", "torch", "keras"):
        report = data(BY_HAND, "--convention", convention)
        rows.append([f"`{convention}`", report["totals"]["params"], added[convention],
                     report["totals"]["madds"]])
    assert rows[1][1] == rows[0][1] + 2 * bn + bias and rows[2][1] == rows[0][1] + 4 * bn + bias
    return (f"`$ mbcalc {BY_HAND} --convention C --summary`:\n\n"
            + table(["convention", "params", "what it counts", "MAdds"], rows))


@snippet("by-hand-flops.md")
def _by_hand_flops() -> str:
    return console(mbcalc(BY_HAND, "--summary", "--flops"))


# Depthwise-separable convolution ----------------------------------------------------------


@snippet("separable-seed003.md")
def _separable_seed003() -> str:
    return markdown_output("compare", "--cin", "3", "--cout", "32", "--kernel", "3", "--size", "16",
                           "--variants", "standard,depthwise_separable")


@snippet("separable-ratio.md")
def _separable_ratio() -> str:
    rows = []
    for kernel, width in [(3, 16), (3, 32), (3, 64), (3, 128), (3, 256), (3, 512), (3, 1024),
                          (5, 512), (7, 512)]:
        c = compared(width, width, kernel, 14, "--variants", "standard,depthwise_separable")
        std, sep = c["standard"], c["depthwise_separable"]
        r = Fraction(sep["madds"], std["madds"])
        assert r == Fraction(1, width) + Fraction(1, kernel * kernel)
        rows.append([f"{kernel}×{kernel}", width, std["madds"], sep["madds"],
                     f"1/{width} + 1/{kernel * kernel} = {ratio(float(r))}",
                     f"{float(1 / r):.2f}×"])
    return ("`$ mbcalc compare --cin N --cout N --kernel D_K --size 14 "
            "--variants standard,depthwise_separable` for each row:\n\n"
            + table(["D_K", "M = N", "standard MAdds", "separable MAdds",
                     "ratio 1/N + 1/D_K²", "cheaper by"], rows))


TABLE3 = [  # MobileNet paper, Table 3: a 3×3 layer on a 14×14×512 map, 512 filters.
    ("Conv 14×14×512", "standard", (), "462", "2.36"),
    ("Depthwise separable conv", "depthwise_separable", (), "52.3", "0.27"),
    ("α = 0.75", "depthwise_separable", ("--alpha", "0.75"), "29.6", "0.15"),
    ("ρ = 0.714", "depthwise_separable", ("--alpha", "0.75", "--rho", "0.714"), "15.1", "0.15"),
]


def _table3_counts() -> list[tuple[str, dict[str, Any]]]:
    return [(label, compared(512, 512, 3, 14, "--variants", variant, *options)[variant])
            for label, variant, options, _, _ in TABLE3]


@snippet("separable-table3.md")
def _separable_table3() -> str:
    rows = []
    for (label, variant, options, paper_madds, paper_params), (_, c) in zip(
            TABLE3, _table3_counts(), strict=True):
        command = " ".join(["--variants", variant, *options])
        rows.append([label, f"`{command}`", c["madds"], f"{paper_madds}M",
                     verdict(c["madds"], _m(paper_madds)),
                     c["params"], f"{paper_params}M",
                     verdict(c["params"], _m(paper_params))])
    return ("`$ mbcalc compare --cin 512 --cout 512 --kernel 3 --size 14 …` (MobileNet paper, "
            "Table 3):\n\n"
            + table(["layer", "options", "MAdds", "paper", "matches?", "params", "paper",
                     "matches?"], rows))


# What seed 004 prints for the same four cases: (its 参数量 "params" line, its 计算量 "MAdds" line,
# what went wrong). See docs/tutorials/depthwise-separable.md.
SEED004 = [
    ("235,293", "462,422,016", "3·3·512·512 printed with a digit dropped (its \"≈ 2.36M\" is "
                               "right)"),
    ("52,283,392", "266,572", "labels swapped; and 3·3·512 + 512·512 mis-added"),
    ("150,912", "29,578,752", ""),
    ("15,079,129", "150,912", "labels swapped; the case is titled ρ = 0.75 but computed with "
                              "0.714; its MAdds use (0.714·14)² = 9.996², a map no layer has "
                              "(the layer's map is round(9.996) = 10)"),
]


@snippet("separable-seed004.md")
def _separable_seed004() -> str:
    rows = []
    for (label, *_), (_, c), (params, madds, what) in zip(TABLE3, _table3_counts(), SEED004,
                                                          strict=True):
        marks = ["✓" if int(text.replace(",", "")) == right else "✗"
                 for text, right in ((params, c["params"]), (madds, c["madds"]))]
        rows.append([label, f"{params} {marks[0]}", f"{madds} {marks[1]}", c["params"],
                     c["madds"], what or "nothing"])
    return table(["case", "seed: params (参数量)", "seed: MAdds (计算量)", "params",
                  "MAdds", "what went wrong"], rows, right={1, 2, 3, 4})


def _short_verdict(actual: int, printed_millions: str) -> str:
    return "✓" if verdict(actual, _m(printed_millions)) != "no" else "✗"


@snippet("separable-table4.md")
def _separable_table4() -> str:
    rows = []
    for label, spec, paper_madds, paper_params in [
        ("Conv MobileNet (full 3×3 convs)", "docs/examples/mobilenet_v1_fullconv.yaml", "4866",
         "29.3"),
        ("MobileNet (depthwise separable)", "mobilenet_v1", "569", "4.2"),
    ]:
        report = data(spec)
        madds, params = report["totals"]["madds"], report["totals"]["params"]
        no_fc = madds - sum(r["madds"] for r in report["layers"] if r["kind"] == "fc")
        rows.append([label, f"`{spec}`", f"{paper_madds}M", madds, _short_verdict(madds,
                     paper_madds), no_fc, _short_verdict(no_fc, paper_madds),
                     f"{paper_params}M", params, _short_verdict(params, paper_params)])
    (full, full_no_fc), (mobile, mobile_no_fc) = ((r[3], r[5]) for r in rows)
    return ("MobileNet paper, Table 4, beside `mbcalc SPEC --summary`:\n\n"
            + table(["network", "spec", "paper MAdds", "mbcalc", "matches?",
                     "without the fc layer", "matches?", "paper params", "mbcalc", "matches?"],
                    rows, right={3, 5, 8})
            + f"\nThe full-conv network costs {float(full / mobile):.1f}× the MAdds of "
              f"MobileNet. Its printed 4866M matches it without the fc layer "
              f"({n(full_no_fc)}; with it, {n(full)}), while the same table's 569M for MobileNet "
              f"counts the fc layer ({n(mobile)}; {n(mobile_no_fc)} without it): the paper "
              "seems to have left the fc layer out of one of the two.\n")


@snippet("mobilenet_v1-by-kind.md")
def _mobilenet_v1_by_kind() -> str:
    return markdown_output("mobilenet_v1", "--by-kind", "--summary")


# MobileNetV1's Tables 2, 6, 7 ------------------------------------------------------------

TABLES_6_7 = [  # (α, resolution, paper MAdds, paper params): MobileNet paper, Tables 6 and 7.
    ("1", 224, "569", "4.2"), ("0.75", 224, "325", "2.6"), ("0.5", 224, "149", "1.3"),
    ("0.25", 224, "41", "0.5"), ("1", 192, "418", "4.2"), ("1", 160, "290", "4.2"),
    ("1", 128, "186", "4.2"),
]


def _bold_no(text: str) -> str:
    return "**no**" if text == "no" else text


@snippet("mobilenet_v1-tables-6-7.md")
def _mobilenet_v1_tables_6_7() -> str:
    rows = []
    for alpha, resolution, paper_madds, paper_params in TABLES_6_7:
        t = totals("mobilenet_v1", "--alpha", alpha, "--resolution", str(resolution))
        rows.append([alpha, resolution, f"{paper_madds}M", t["madds"],
                     _bold_no(verdict(t["madds"], _m(paper_madds))),
                     f"{paper_params}M", t["params"],
                     _bold_no(verdict(t["params"], _m(paper_params)))])
    return ("`$ mbcalc mobilenet_v1 --alpha A --resolution R --summary` beside the paper's "
            "Tables 6 and 7:\n\n"
            + table(["α", "resolution", "paper MAdds", "mbcalc MAdds", "matches?", "paper params",
                     "mbcalc params", "matches?"], rows, right={0, 1, 3, 6}))


TABLE_2 = {  # MobileNet paper, Table 2: (% Mult-Adds, % params) per kind of layer.
    "Conv 1×1": ("94.86", "74.59"), "Conv DW 3×3": ("3.06", "1.06"),
    "Conv 3×3": ("1.19", "0.02"), "Fully Connected": ("0.18", "24.33"),
}


@snippet("mobilenet_v1-table-2.md")
def _mobilenet_v1_table_2() -> str:
    report = data("mobilenet_v1", "--by-kind")
    madds, params = report["totals"]["madds"], report["totals"]["params"]
    rows = []
    for kind in report["by_kind"]:
        paper_madds, paper_params = TABLE_2[kind["kind"]]
        ours_madds = f"{100 * kind['madds'] / madds:.2f}"
        ours_params = f"{100 * kind['params'] / params:.2f}"
        rows.append([kind["kind"], paper_madds,
                     ours_madds if ours_madds == paper_madds else f"**{ours_madds}**",
                     paper_params,
                     ours_params if ours_params == paper_params else f"**{ours_params}**"])
    return ("`$ mbcalc mobilenet_v1 --by-kind --summary` beside the paper's Table 2 (a share that "
            "differs in bold):\n\n"
            + table(["kind", "paper % MAdds", "mbcalc % MAdds", "paper % params",
                     "mbcalc % params"], rows, right={1, 2, 3, 4}))


@snippet("mobilenet_v1-conv1.md")
def _mobilenet_v1_conv1() -> str:
    report = data("mobilenet_v1", "--by-kind")
    conv1 = report["layers"][0]
    total = report["totals"]["madds"]
    s = conv1["symbols"]
    shares = [float(f"{100 * k['madds'] / total:.2f}") for k in report["by_kind"]]
    with_misprint = sum(shares) - float(f"{100 * conv1['madds'] / total:.2f}") + 1.19
    return (f"The first conv costs {s['D_K']}·{s['D_K']}·{s['M']}·{s['N']}·{s['D_F']}·{s['D_F']}"
            f" = {n(conv1['madds'])} MAdds, {100 * conv1['madds'] / total:.3f} % of {n(total)}. "
            f"The paper's 1.19 % transposes the digits of 1.91 %: with 1.19 the column would sum "
            f"to {with_misprint:.2f} %, with 1.91 it sums to {sum(shares):.2f} % (rounding).\n")


# Width and resolution ---------------------------------------------------------------------


@snippet("width-sweep.md")
def _width_sweep() -> str:
    return markdown_output("sweep", "mobilenet_v1", "--alpha", "1,0.75,0.5,0.25",
                           "--resolution", "224,192,160,128")


@snippet("width-formula.md")
def _width_formula() -> str:
    return markdown_output("formula", "mobilenet_v1")


@snippet("width-closed-vs-exact.md")
def _width_closed_vs_exact() -> str:
    from sympy import Rational, Symbol, sympify

    alpha, rho = Symbol("alpha"), Symbol("rho")
    closed = data("mobilenet_v1")["closed_form"]
    names = {"alpha": alpha, "rho": rho}
    params, madds = sympify(closed["params"], locals=names), sympify(closed["madds"], locals=names)
    rows = []
    for a, resolution in [("1", 224), ("0.75", 224), ("0.75", 160), ("0.35", 224),
                          ("0.35", 128)]:
        t = totals("mobilenet_v1", "--alpha", a, "--resolution", str(resolution))
        values = {alpha: Rational(a), rho: Rational(resolution, 224)}
        cp, cm = params.subs(values), madds.subs(values)
        rows.append([a, resolution, str(Fraction(resolution, 224)), t["params"], _decimal(cp),
                     t["madds"], _decimal(cm)])
    return ("Exact counts (`mbcalc mobilenet_v1 --alpha A --resolution R`) beside the closed "
            "form evaluated at the same α and ρ = R/224:\n\n"
            + table(["α", "resolution", "ρ", "exact params", "closed form", "exact MAdds",
                     "closed form"], rows, right={0, 1, 2, 3, 4, 5, 6}))


def _decimal(value: Any) -> str:
    """An exact rational as an integer, or with one decimal."""
    exact = Fraction(str(value))
    return n(int(exact)) if exact.denominator == 1 else f"{float(exact):,.1f}"


@snippet("width-rounding.md")
def _width_rounding() -> str:
    from complexity.language.width import WidthRule

    floor, divisible = WidthRule(rule="floor"), WidthRule(rule="divisible", divisor=8)
    alphas = ["0.35", "0.5", "0.75", "1.4"]
    rows = []
    for c in (16, 24, 32, 64, 96, 160, 320):
        row: list[Any] = [c]
        for a in alphas:
            exact = c * Fraction(a)
            row.append(f"{float(exact):g} → {floor.round(exact)} / {divisible.round(exact)}")
        rows.append(row)
    return ("c·α, then `floor` / `divisible` (divisor 8), as the engine rounds them:\n\n"
            + table(["c", *(f"α = {a}" for a in alphas)], rows, right={0}))


@snippet("width-solve.md")
def _width_solve() -> str:
    lines = []
    for args in (("formula", "mobilenet_v1", "--solve-madds", "300M"),
                 ("formula", "mobilenet_v1", "--solve-params", "1M"),
                 ("formula", "mobilenet_v1", "--alpha", "0.5", "--solve-madds", "60M")):
        run = mbcalc(*args, "--format", "markdown")
        budget = next(line for line in run.out.splitlines() if line.startswith("- Budget"))
        lines.append(f"- `$ mbcalc {shlex.join(args)}`: {budget[2:]}")
    return "\n".join(lines) + "\n"


@snippet("width-table5.md")
def _width_table5() -> str:
    rows = []
    for label, args, paper_madds, paper_params in [
        ("0.75 MobileNet (narrower)", ("mobilenet_v1", "--alpha", "0.75"), "325", "2.6"),
        ("Shallow MobileNet (five blocks fewer)", ("docs/examples/mobilenet_v1_shallow.yaml",),
         "307", "2.9"),
    ]:
        t = totals(*args)
        rows.append([label, f"`{' '.join(args)}`", t["madds"], f"{paper_madds}M", t["params"],
                     f"{paper_params}M"])
    return "MobileNet paper, Table 5:\n\n" + table(
        ["network", "mbcalc", "MAdds", "paper", "params", "paper"], rows)


# Inverted residuals -----------------------------------------------------------------------


@snippet("inverted-rows.md")
def _inverted_rows() -> str:
    return rows_excerpt(["mobilenet_v2"], ("b2/", "b3/"), "b2 + b3")


@snippet("inverted-compare.md")
def _inverted_compare() -> str:
    return markdown_output("compare", "--cin", "24", "--cout", "24", "--kernel", "3", "--size",
                           "56", "--expansion", "6", "--variants",
                           "standard,depthwise_separable,inverted_residual")


def _widths(layers: list[dict[str, Any]], prefix: str) -> str:
    convs = [r for r in layers if r["name"].startswith(prefix) and r["kind"] in ("pw", "dw",
                                                                                   "conv")]
    return " → ".join([str(convs[0]["input"][0]), *(str(r["output"][0]) for r in convs)])


@snippet("inverted-shapes.md")
def _inverted_shapes() -> str:
    rows = []
    for label, model, prefix in [("ResNet-50 bottleneck (`resnet50`, `layer1.1`)", "resnet50",
                                  "layer1.1/"),
                                 ("MobileNetV2 inverted residual (`mobilenet_v2`, `b3`)",
                                  "mobilenet_v2", "b3/")]:
        layers = data(model)["layers"]
        block = [r for r in layers if r["name"].startswith(prefix)]
        rows.append([label, _widths(layers, prefix), f"{block[0]['input'][1]}²",
                     sum(r["params"] for r in block), sum(r["madds"] for r in block)])
    return table(["block", "channels through it", "map", "params", "MAdds"], rows)


@snippet("inverted-v1-v2.md")
def _inverted_v1_v2() -> str:
    rows = []
    for model in ("mobilenet_v1", "mobilenet_v2"):
        report = data(model, "--by-kind")
        kinds = {k["kind"]: k for k in report["by_kind"]}
        rows.append([f"`{model}`", report["totals"]["params"], report["totals"]["madds"],
                     pct(kinds["Conv 1×1"]["madds"], report["totals"]["madds"]),
                     pct(kinds["Conv DW 3×3"]["madds"], report["totals"]["madds"])])
    return ("`$ mbcalc MODEL --by-kind --summary`:\n\n"
            + table(["network", "params", "MAdds", "1×1 convs' share of MAdds",
                     "depthwise 3×3 share"], rows))


# Squeeze-and-excite and h-swish -----------------------------------------------------------


@snippet("se-rows.md")
def _se_rows() -> str:
    return rows_excerpt(["mobilenet_v3_large"], ("b4/",), "b4")


@snippet("se-conventions.md")
def _se_conventions() -> str:
    rows = []
    for convention in ("paper", "torch", "keras"):
        layers = data("mobilenet_v3_large", "--convention", convention)["layers"]
        se = next(r for r in layers if r["name"] == "b4/se")
        rows.append([f"`{convention}`", f"C = {se['symbols']['C']}, C_r = {se['symbols']['C_r']}",
                     se["params"], se["madds"]])
    return table(["convention", "widths", "`b4/se` params", "`b4/se` MAdds"], rows)


@snippet("se-share.md")
def _se_share() -> str:
    rows = []
    for model in ("mobilenet_v3_large", "mobilenet_v3_small"):
        report = data(model, "--by-kind")
        se = next(k for k in report["by_kind"] if k["kind"] == "Squeeze-Excite")
        t = report["totals"]
        rows.append([f"`{model}`", se["layers"], se["params"], pct(se["params"], t["params"]),
                     se["madds"], pct(se["madds"], t["madds"])])
    return ("`$ mbcalc MODEL --by-kind --summary`, the Squeeze-Excite row:\n\n"
            + table(["network", "SE layers", "params", "share", "MAdds", "share"], rows))


@snippet("hswish-elements.md")
def _hswish_elements() -> str:
    layers = data("mobilenet_v3_large")["layers"]
    counts: dict[int, dict[str, list[int]]] = {}
    for r in layers:
        fn = r["name"].rsplit("/", 1)[-1]
        if r["kind"] != "act" or fn not in ("relu", "hswish"):
            continue
        c, h, w = r["output"]
        entry = counts.setdefault(h, {}).setdefault(fn, [0, 0])
        entry[0] += 1
        entry[1] += c * h * w
    rows = [[f"{h}×{h}", *(f"{v[0]} / {n(v[1])}" if (v := by_fn.get(fn)) else "—"
                           for fn in ("relu", "hswish"))]
            for h, by_fn in sorted(counts.items(), reverse=True)]
    return ("The activation rows of `mbcalc mobilenet_v3_large` by map size: layers / values "
            "passed through (C·H·W each; none of them costs a MAdd):\n\n"
            + table(["map", "ReLU", "h-swish"], rows, right={1, 2}))


# Group convolution and channel shuffle ----------------------------------------------------


@snippet("group-groups.md")
def _group_groups() -> str:
    rows = []
    for g in (1, 2, 3, 4, 8, 240):
        c = compared(240, 240, 1, 28, "--variants", "standard,group", "--groups", str(g))
        v = c["standard"] if g == 1 else c["group"]
        rows.append([g if g < 240 else "240 (= M: one channel per group)", v["params"], v["madds"],
                     ratio(v["ratio_madds"])])
    return ("`$ mbcalc compare --cin 240 --cout 240 --kernel 1 --size 28 --variants "
            "standard,group --groups g`:\n\n"
            + table(["g", "params", "MAdds", "× standard"], rows, right={0, 1, 2, 3}))


@snippet("group-unit.md")
def _group_unit() -> str:
    return rows_excerpt(["shufflenet_v1"], ("stage3.2/",), "stage3.2")


@snippet("group-shufflenet.md")
def _group_shufflenet() -> str:
    rows = []
    for g in (1, 2, 3, 4, 8):
        report = data("shufflenet_v1", "--set", f"groups={g}")
        layers = report["layers"]
        widths = [next(r for r in reversed(layers) if r["name"].startswith(f"stage{s}."))
                  ["output"][0] for s in (2, 3, 4)]
        rows.append([g, ", ".join(map(str, widths)), report["totals"]["params"],
                     report["totals"]["madds"]])
    return ("`$ mbcalc shufflenet_v1 --set groups=g` (1×):\n\n"
            + table(["g", "stage widths", "params", "MAdds"], rows, right={0, 2, 3}))


@snippet("group-resnext.md")
def _group_resnext() -> str:
    rows = []
    for model in ("resnet50", "resnext50_32x4d"):
        report = data(model)
        conv = next(r for r in report["layers"] if r["name"] == "layer1.0/conv2")
        groups = conv["symbols"].get("g", 1)
        rows.append([f"`{model}`", f"{conv['input'][0]} → {conv['output'][0]}, g = {groups}",
                     conv["params"], conv["madds"], report["totals"]["params"],
                     report["totals"]["madds"]])
    return table(["network", "`layer1.0/conv2` (3×3)", "its params", "its MAdds",
                  "network params", "network MAdds"], rows)


# SqueezeNet's fire module -----------------------------------------------------------------


@snippet("fire-compare.md")
def _fire_compare() -> str:
    return markdown_output("compare", "--cin", "96", "--cout", "128", "--kernel", "3", "--size",
                           "54", "--variants", "standard,fire")


@snippet("fire-rows.md")
def _fire_rows() -> str:
    return rows_excerpt(["squeezenet1_0"], ("fire2/",), "fire2")


@snippet("fire-networks.md")
def _fire_networks() -> str:
    alexnet = totals("alexnet", "--convention", "torch")["params"]
    rows = []
    for model in ("alexnet", "squeezenet1_0", "squeezenet1_1"):
        paper, torch = totals(model), totals(model, "--convention", "torch")
        rows.append([f"`{model}`", paper["params"], torch["params"], mb(torch["params"]),
                     f"{alexnet / torch['params']:.1f}×" if model != "alexnet" else "—",
                     paper["madds"]])
    return ("`$ mbcalc MODEL --summary` (and `--convention torch`, which counts the biases):\n\n"
            + table(["network", "params (weights)", "params with biases", "MB as float32",
                     "fewer params than AlexNet", "MAdds"], rows))


# VGG and Inception ------------------------------------------------------------------------


@snippet("vgg-stacked.md")
def _vgg_stacked() -> str:
    rows = []
    for kernel in (5, 7):
        c = compared(256, 256, kernel, 56, "--variants", "standard,stacked_3x3")
        std, stacked = c["standard"], c["stacked_3x3"]
        rows.append([f"{kernel}×{kernel}", f"{(kernel - 1) // 2} × 3×3", std["params"],
                     stacked["params"], f"{(kernel - 1) // 2 * 9}C² / {kernel * kernel}C² = "
                     f"{ratio(stacked['params'] / std['params'])}", stacked["madds"]])
    return ("`$ mbcalc compare --cin 256 --cout 256 --kernel K --size 56 --variants "
            "standard,stacked_3x3`:\n\n"
            + table(["one conv", "replaced by", "its params", "stacked params", "ratio",
                     "stacked MAdds"], rows))


@snippet("vgg-by-kind.md")
def _vgg_by_kind() -> str:
    return markdown_output("vgg16", "--by-kind", "--summary")


@snippet("inception-reduction.md")
def _inception_reduction() -> str:
    rows = []
    for label, spec in [("naive (Figure 2a)", "docs/examples/inception_naive.yaml"),
                        ("with 1×1 reductions (Figure 2b)",
                         "docs/examples/inception_reduced.yaml")]:
        report = data(spec)
        rows.append([label, f"`{spec}`", report["layers"][-1]["output"][0],
                     report["totals"]["params"], report["totals"]["madds"]])
    return table(["inception (3a)", "spec", "output channels", "params", "MAdds"], rows)


@snippet("inception-factorise.md")
def _inception_factorise() -> str:
    rows = []
    for kernel, variant, label in [(5, "stacked_3x3", "two 3×3"),
                                   (3, "asymmetric", "1×3 then 3×1"),
                                   (7, "asymmetric", "1×7 then 7×1")]:
        c = compared(192, 192, kernel, 17, "--variants", f"standard,{variant}")
        std, other = c["standard"], c[variant]
        rows.append([f"{kernel}×{kernel}", label, std["madds"], other["madds"],
                     ratio(other["ratio_madds"])])
    return ("`$ mbcalc compare --cin 192 --cout 192 --kernel K --size 17 --variants "
            "standard,VARIANT`:\n\n"
            + table(["conv", "factorised as", "MAdds", "factorised MAdds", "× standard"], rows))


# Pruning, a what-if -----------------------------------------------------------------------

PRUNED = ("mobilenet_v1", "mobilenet_v2", "squeezenet1_0", "resnet50", "alexnet", "vgg16")
SPARSITY = (50, 70, 90)


@snippet("pruning-kept.md")
def _pruning_kept() -> str:
    rows = []
    for model in PRUNED:
        params = totals(model)["params"]
        rows.append([f"`{model}`", params, *(params - params * s // 100 for s in SPARSITY)])
    return ("**What-if, not a measurement:** weights left at each sparsity, "
            "params × (1 − s), from `mbcalc MODEL --summary` (paper convention: conv and fc "
            "weights).\n\n"
            + table(["network", "dense", *(f"{s} % zero" for s in SPARSITY)], rows))


@snippet("pruning-size.md")
def _pruning_size() -> str:
    rows = []
    for model in PRUNED:
        params = totals(model)["params"]
        row: list[Any] = [f"`{model}`", mb(params)]
        for s in SPARSITY:
            kept = params - params * s // 100
            row.append(f"{mb(kept)} / {(kept * 4 + params / 8) / 1e6:.2f}")
        rows.append(row)
    return ("**What-if, not a measurement:** size in MB (10⁶ bytes) of the weights stored as "
            "float32: dense, then at each sparsity the nonzero values alone / the values plus a "
            "one-bit mask saying where they go (params / 8 bytes).\n\n"
            + table(["network", "dense", *(f"{s} % zero" for s in SPARSITY)], rows, right=set(
                range(1, 2 + len(SPARSITY)))))


@snippet("pruning-fc.md")
def _pruning_fc() -> str:
    rows = []
    for model in ("alexnet", "vgg16"):
        report = data(model, "--by-kind")
        total = report["totals"]["params"]
        fc = next(k for k in report["by_kind"] if k["kind"] == "Fully Connected")["params"]
        kept = total - fc * 90 // 100
        rows.append([f"`{model}`", total, fc, pct(fc, total), kept, mb(kept),
                     f"{total / kept:.1f}×"])
    return ("**What-if:** only the fully connected layers pruned, 90 % of their weights zero "
            "(from `mbcalc MODEL --by-kind --summary`):\n\n"
            + table(["network", "params", "in fc layers", "share", "left", "MB (values only)",
                     "smaller by"], rows))


# Writing a spec ---------------------------------------------------------------------------


@snippet("custom-first.md")
def _custom_first() -> str:
    return console(mbcalc("docs/examples/tinynet_first.yaml"))


@snippet("custom-tinynet.md")
def _custom_tinynet() -> str:
    return console(elided(mbcalc("docs/examples/tinynet.yaml"), head=6, tail=3))


@snippet("custom-variations.md")
def _custom_variations() -> str:
    return console(mbcalc("docs/examples/tinynet.yaml", "--set", "blocks=3", "--summary"),
                   mbcalc("docs/examples/tinynet.yaml", "--alpha", "0.5", "--summary"))


@snippet("custom-by-kind.md")
def _custom_by_kind() -> str:
    return markdown_output("docs/examples/tinynet.yaml", "--by-kind", "--summary")


@snippet("custom-error.md")
def _custom_error() -> str:
    return console(mbcalc("docs/examples/tinynet_broken.yaml", expect=2),
                   mbcalc("docs/examples/tinynet.yaml", "--set", "block=3", expect=2),
                   show_err=True)


@snippet("custom-csv.md")
def _custom_csv() -> str:
    return console(mbcalc("docs/examples/tinynet.yaml", "--summary", "--format", "csv"))


# Conventions ------------------------------------------------------------------------------


@snippet("conventions-presets.md")
def _conventions_presets() -> str:
    rows = []
    for model in ("mobilenet_v1", "mobilenet_v2", "resnet50", "xception", "vgg16"):
        counts = [totals(model, "--convention", c) for c in ("paper", "torch", "keras")]
        assert len({c["madds"] for c in counts}) == 1
        rows.append([f"`{model}`", *(c["params"] for c in counts), counts[0]["madds"]])
    return ("`$ mbcalc MODEL --convention C --summary`:\n\n"
            + table(["network", "paper params", "torch params", "keras params",
                     "MAdds (all three)"], rows))


@snippet("conventions-closed-form.md")
def _conventions_closed_form() -> str:
    return markdown_output("formula", "mobilenet_v1")


# Zoo families ------------------------------------------------------------------------------

TORCHVISION_TABLE: dict[str, tuple[int, str]] = {
    "resnet18": (11_689_512, "1.814"), "resnet34": (21_797_672, "3.664"),
    "resnet50": (25_557_032, "4.089"), "resnet101": (44_549_160, "7.801"),
    "resnet152": (60_192_808, "11.514"), "resnext50_32x4d": (25_028_904, "4.23"),
    "resnext101_32x8d": (88_791_336, "16.414"), "resnext101_64x4d": (83_455_272, "15.46"),
    "wide_resnet50_2": (68_883_240, "11.398"), "wide_resnet101_2": (126_886_696, "22.753"),
    "vgg11": (132_863_336, "7.609"), "vgg11_bn": (132_868_840, "7.609"),
    "vgg13": (133_047_848, "11.308"), "vgg13_bn": (133_053_736, "11.308"),
    "vgg16": (138_357_544, "15.47"), "vgg16_bn": (138_365_992, "15.47"),
    "vgg19": (143_667_240, "19.632"), "vgg19_bn": (143_678_248, "19.632"),
    "densenet121": (7_978_856, "2.834"), "densenet161": (28_681_000, "7.728"),
    "densenet169": (14_149_480, "3.36"), "densenet201": (20_013_928, "4.291"),
    "mnasnet0_5": (2_218_512, "0.104"), "mnasnet0_75": (3_170_208, "0.215"),
    "mnasnet1_0": (4_383_312, "0.314"), "mnasnet1_3": (6_282_256, "0.526"),
}
"""torchvision 0.29's model table (each weights enum's meta): ``num_params`` (exact) and
``_ops``, which it labels GFLOPS and which are multiply-adds in units of 10⁹ (3 decimals)."""


def _family_members(names: list[str]) -> str:
    rows = []
    for name in names:
        paper, torch_ = totals(name), totals(name, "--convention", "torch")
        small = totals(name, "--resolution", "160")
        listed_params, listed_ops = TORCHVISION_TABLE[name]
        printed = Printed(listed_ops, Decimal(listed_ops), 10**9)
        rows.append([f"`{name}`", paper["madds"], small["madds"], paper["params"],
                     torch_["params"], f"{listed_params:,}", listed_ops,
                     "yes" if torch_["params"] == listed_params
                     and verdict(paper["madds"], printed) == "rounds to it" else "**no**"])
    return ("`mbcalc NAME --summary` (`--resolution 160`, `--convention torch`), beside "
            "torchvision's model table (its weights' `num_params` and \"GFLOPS\", which are "
            "multiply-adds):\n\n"
            + table(["network", "MAdds 224", "MAdds 160", "params: paper", "torch",
                     "torchvision params", "torchvision \"GFLOPS\"", "agree?"], rows,
                    right={1, 2, 3, 4, 5}))


@snippet("resnet-members.md")
def _resnet_members() -> str:
    return _family_members(["resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
                            "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
                            "wide_resnet50_2", "wide_resnet101_2"])


@snippet("vgg-members.md")
def _vgg_members() -> str:
    return _family_members([f"vgg{d}{bn}" for d in (11, 13, 16, 19) for bn in ("", "_bn")])


@snippet("densenet-members.md")
def _densenet_members() -> str:
    return _family_members(["densenet121", "densenet161", "densenet169", "densenet201"])


@snippet("mnasnet-members.md")
def _mnasnet_members() -> str:
    return _family_members(["mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"])


# Papers vs mbcalc -------------------------------------------------------------------------


from complexity.analysis.papers import PAPERS, Figure, Printed, _m, verdict  # noqa: E402


def _family_table(names: list[str], *sets: str) -> str:
    """Each member at its own resolution and at 224: params (paper, torch) and MAdds."""
    rows = []
    for name in names:
        own = _spec(name, sets).network.resolution
        paper, torch_ = totals(name, *sets), totals(name, "--convention", "torch", *sets)
        at224 = totals(name, "--resolution", "224", *sets)
        rows.append([f"`{name}`", own, paper["params"], torch_["params"], paper["madds"],
                     at224["madds"]])
    return table(["network", "own size", "paper params", "torch params", "MAdds (own size)",
                  "MAdds at 224"], rows, right={1, 2, 3, 4, 5})


@snippet("efficientnet-members.md")
def _efficientnet_members() -> str:
    return _family_table([f"efficientnet_b{i}" for i in range(8)]
                         + ["efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"])


@snippet("regnet-members.md")
def _regnet_members() -> str:
    sizes = ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf")
    return _family_table([f"regnet_x_{s}" for s in sizes]
                         + [f"regnet_y_{s}" for s in (*sizes, "128gf")])


@snippet("convnext-members.md")
def _convnext_members() -> str:
    return _family_table([f"convnext_{s}" for s in ("tiny", "small", "base", "large")]
                         + ["convnext_xlarge_keras"])


@snippet("convnext-by-kind.md")
def _convnext_by_kind() -> str:
    return console(mbcalc("convnext_tiny", "--convention", "torch", "--by-kind", "--summary"))


KERAS_APPLICATIONS = [
    ("mobilenet_v1", "MobileNet"), ("mobilenet_v2", "MobileNetV2"),
    ("mobilenet_v3_large", "MobileNetV3Large"), ("mobilenet_v3_small", "MobileNetV3Small"),
    ("inception_v3", "InceptionV3"), ("inception_resnet_v2", "InceptionResNetV2"),
    ("xception", "Xception"),
    *((f"resnet{d}", f"ResNet{d}") for d in (50, 101, 152)),
    *((f"resnet{d}_v2", f"ResNet{d}V2") for d in (50, 101, 152)),
    ("vgg16", "VGG16"), ("vgg19", "VGG19"),
    *((f"densenet{d}", f"DenseNet{d}") for d in (121, 169, 201)),
    *((f"efficientnet_b{i}_keras", f"EfficientNetB{i}") for i in range(8)),
    *((f"efficientnet_v2_b{i}_keras", f"EfficientNetV2B{i}") for i in range(4)),
    *((f"efficientnet_v2_{s}", f"EfficientNetV2{s.upper()}") for s in "sml"),
    *((f"convnext_{s}", f"ConvNeXt{s.title()}") for s in ("tiny", "small", "base", "large")),
    ("convnext_xlarge_keras", "ConvNeXtXLarge"),
]
"""Every keras.applications CNN the zoo has (complexity/reference/keras_apps.py's
APPLICATIONS, with the Keras constructor's name), in the order docs/zoo/keras.md lists them."""

KERAS_SETS = {"mobilenet_v3_large": ("--set", "rounding=keras"),
              "mobilenet_v3_small": ("--set", "rounding=keras"),
              "inception_v3": ("--set", "variant=keras"),
              **{f"resnet{d}": ("--set", "variant=keras") for d in (50, 101, 152)}}
"""The variables a zoo name needs set to be Keras's network (APPLICATIONS' second item)."""


def _keras_table(names: list[tuple[str, str]]) -> str:
    """Each Keras network at its own size: params under paper and keras (= count_params())
    and MAdds (= FlopCounterMode / 2 on Keras's torch backend: mbcalc verify --framework keras)."""
    rows = []
    for name, application in names:
        sets = KERAS_SETS.get(name, ())
        own = _spec(name, tuple(sets[1::2])).network.resolution
        paper, keras = totals(name, *sets), totals(name, "--convention", "keras", *sets)
        rows.append([f"`{name}`" + (f" `{' '.join(sets)}`" if sets else ""),
                     f"`{application}`", own, paper["params"], keras["params"], paper["madds"]])
    return table(["zoo name", "keras.applications", "size", "paper params",
                  "keras params (count_params)", "MAdds"], rows, right={2, 3, 4, 5})


@snippet("keras-members.md")
def _keras_members() -> str:
    return _keras_table(KERAS_APPLICATIONS)


@snippet("efficientnet-v2-keras.md")
def _efficientnet_v2_keras() -> str:
    return _keras_table([(n, a) for n, a in KERAS_APPLICATIONS if n.startswith("efficientnet_v2")])


@snippet("inception-resnet-v2-conventions.md")
def _inception_resnet_v2_conventions() -> str:
    counts = {c: totals("inception_resnet_v2", "--convention", c)["params"]
              for c in ("paper", "torch", "keras")}
    what = {"paper": "conv and fc weights",
            "torch": "+ biases (the 40 up-projections' and the fc's) + batch norm β "
                     "(no γ: Keras's scale=False)",
            "keras": "+ batch norm moving mean and variance: `count_params()`"}
    return table(["convention", "params", "what it counts"],
                 [[c, counts[c], what[c]] for c in counts], right={1})


def _measure(figure: Figure) -> int:
    if figure.quantity == "conv MAdds":
        return sum(r["madds"] for r in data(*figure.args)["layers"]
                   if r["kind"] in ("conv", "pw", "dw"))
    counts = totals(*figure.args)
    return {"params": counts["params"], "MAdds": counts["madds"],
            "FLOPs": 2 * counts["madds"]}[figure.quantity]


@snippet("papers.md")
def _papers() -> str:
    parts, verdicts = [], []
    for family, page, figures in PAPERS:
        rows = []
        for f in figures:
            actual = _measure(f)
            v = verdict(actual, f.printed)
            verdicts.append(v)
            rows.append([f"`{' '.join(f.args)}`", f.quantity, f.printed.text, f.source, actual,
                         _bold_no(v), f.note])
        parts.append(f"## {family}\n\nEvery figure explained: [{family}]({page}).\n\n"
                     + table(["`mbcalc …`", "quantity", "printed", "where", "mbcalc gives",
                              "reproduces?", "note"], rows, right={4}))
    matched = sum(v != "no" for v in verdicts)
    return (f"{matched} of the {len(verdicts)} printed figures below reproduce (exactly, or to "
            "the digits printed); each of the other "
            f"{len(verdicts) - matched} is explained on its network's page.\n\n"
            + "\n".join(parts))


# Memory -----------------------------------------------------------------------------------

MEMORY_FIGURE = ROOT / "docs" / "img" / "memory-mobilenet_v2.png"
"""The live-memory plot of the memory tutorial (written by ``main``, from the data in
snippets/memory-plot-data.md, which the docs tests keep current)."""

TABLE3_PAPER = {  # MobileNetV2 (Sandler et al. 2018, arXiv:1801.04381v4), Table 3: channels/Kb
    "mobilenet_v1": {112: "64/1600", 56: "128/800", 28: "256/400", 14: "512/200",
                     7: "1024/199", 1: "1024/2"},
    "mobilenet_v2": {112: "16/400", 56: "32/200", 28: "64/100", 14: "160/62", 7: "320/32",
                     1: "1280/2"},
    "shufflenet_v1": {112: "32/800", 56: "48/300", 28: "400/600", 14: "800/310",
                      7: "1600/156", 1: "1600/3"},
}
TABLE3_MAX = {"mobilenet_v1": "1600K", "mobilenet_v2": "400K", "shufflenet_v1": "600K"}
TABLE3_RUNS = {"mobilenet_v1": ("mobilenet_v1",), "mobilenet_v2": ("mobilenet_v2",),
               "shufflenet_v1": ("shufflenet_v1", "--set", "scale=2.0x", "--set", "groups=3"),
               "shufflenet_g2": ("shufflenet_v1", "--set", "scale=2.0x", "--set", "groups=2")}


def _memory(*args: str) -> Any:
    return data(*args, "--memory", "--dtype", "float16")


@snippet("memory-layers.md")
def _memory_layers() -> str:
    return console(elided(mbcalc("mobilenet_v2", "--memory"), head=4, tail=1))


@snippet("memory-table3.md")
def _memory_table3() -> str:
    rows = []
    measured = {name: _memory(*args)["memory"]["by_resolution"]["inverted_residual"]
                for name, args in TABLE3_RUNS.items()}
    for size in (224, 112, 56, 28, 14, 7, 1):
        row: list[Any] = [f"{size}×{size}"]
        for name in TABLE3_RUNS:
            ours = next((r for r in measured[name] if r["h"] == size), None)
            if name in TABLE3_PAPER:
                row.append(TABLE3_PAPER[name].get(size, "—"))
            row.append(f"{ours['channels']}/{ours['bytes'] / 1000:.0f}" if ours else "—")
        rows.append(row)
    peaks = {name: max(r["bytes"] for r in measured[name]) for name in TABLE3_RUNS}
    rows.append(["max"] + [x for name in TABLE3_RUNS
                           for x in ((TABLE3_MAX[name],) if name in TABLE3_MAX else ())
                           + (f"{peaks[name] / 1000:.0f}K",)])
    header = ["map", "V1 paper", "V1 mbcalc", "V2 paper", "V2 mbcalc",
              "ShuffleNet 2× paper", "2×, g = 3", "2×, g = 2"]
    commands = "; ".join(f"`mbcalc {shlex.join(args)} --memory --dtype float16`"
                         for args in TABLE3_RUNS.values())
    return (f"{commands} (widest tensor at each map size, the memory-efficient schedule; "
            "channels/KB, 16-bit, KB = 10³ bytes):\n\n"
            + table(header, rows, right=set(range(1, 8))))


@snippet("memory-peaks.md")
def _memory_peaks() -> str:
    rows = []
    for name in ("mobilenet_v1", "mobilenet_v2", "shufflenet_v2_x1_0", "resnet18"):
        m = _memory(name)["memory"]
        for schedule, label in (("sequential", "sequential"),
                                ("inverted_residual", "inverted residual (§5.1)")):
            p = m["peak"][schedule]
            rows.append([name, label, f"{p['bytes'] / 1e6:.2f} MB", p["step"],
                         " + ".join(p["live"]), p["closed_form"]])
    return ("`mbcalc MODEL --memory --dtype float16 --format json`, `memory.peak`:\n\n"
            + table(["network", "schedule", "peak", "at", "live tensors",
                     "closed form (elements)"], rows))


@snippet("memory-g1.md")
def _memory_g1() -> str:
    return console(mbcalc("compare", "--cin", "32", "--cout", "64", "--kernel", "1", "--size",
                          "56", "--variants", "pointwise", "--memory"))


@snippet("memory-g2.md")
def _memory_g2() -> str:
    rows = []
    for groups, width in ((1, 128), (2, 180), (4, 256), (8, 360)):  # ShuffleNet V2, Table 2
        c = compared(width, width, 1, 56, "--groups", str(groups), "--variants", "group",
                     "--memory")["group"]
        rows.append([groups, width, c["madds"], c["mac"], f"{c['madds'] / c['mac']:.1f}"])
    return ("`mbcalc compare --cin C --cout C --kernel 1 --size 56 --groups G --variants group "
            "--memory` (widths from ShuffleNet V2's Table 2, chosen to keep the FLOPs):\n\n"
            + table(["g", "c1 = c2", "MAdds", "MAC", "MAdds/MAC"], rows))


@snippet("memory-g4.md")
def _memory_g4() -> str:
    rows = []
    for name in ("mobilenet_v2", "shufflenet_v2_x1_0", "resnet50"):
        layers = data(name, "--memory")["layers"]
        free = [x for x in layers if x["madds"] == 0]
        total = sum(x["memory"]["mac"] for x in layers)
        moved = sum(x["memory"]["mac"] for x in free)
        rows.append([name, len(free), len(layers), moved, total, pct(moved, total)])
    return ("`mbcalc MODEL --memory --format json`: rows with no MAdds (batch norm, activations, "
            "adds, concat, shuffle, pooling) and the MAC they still cost:\n\n"
            + table(["network", "rows with 0 MAdds", "rows", "their MAC", "total MAC",
                     "share"], rows))


@snippet("memory-sweep.md")
def _memory_sweep() -> str:
    return console(mbcalc("sweep", "shufflenet_v2_x1_0", "--alpha", "0.5,1,2", "--resolution",
                          "64,224,512", "--memory", "--dtype", "float16"))


@snippet("memory-solve.md")
def _memory_solve() -> str:
    return console(mbcalc("formula", "mobilenet_v2", "--solve-peak-memory", "1MB", "--dtype",
                          "float16", "--schedule", "inverted_residual"))


@snippet("memory-bound.md")
def _memory_bound() -> str:
    run = mbcalc("mobilenet_v2", "--memory", "--summary", "--device-peak", "1.2T",
                 "--device-bandwidth", "25GB/s")
    return console(run)


def _memory_profile() -> tuple[Any, dict[str, list[int]]]:
    from complexity.analysis.memory import SCHEDULES, analyse, profile, steps_of
    from complexity.engine.walk import walk

    memory = analyse(walk(_spec("mobilenet_v2", ())), "float16")
    live = {}
    for schedule in SCHEDULES:
        steps = steps_of(memory.report, schedule)
        values = profile(steps, memory.tensors)
        live[schedule] = [next(v for st, v in zip(steps, values, strict=True)
                               if st.first <= k < st.end) for k in range(len(memory.report.rows))]
    return memory, live


@snippet("memory-plot-data.md")
def _memory_plot_data() -> str:
    memory, live = _memory_profile()
    rows, current = [], None
    for k, row in enumerate(memory.report.rows):
        block = row.name.split("/")[0]
        if block != current:
            rows.append([block, f"{row.output.h}×{row.output.w}", 0, 0])
            current = block
        rows[-1][2] = max(rows[-1][2], live["sequential"][k] * 2)
        rows[-1][3] = max(rows[-1][3], live["inverted_residual"][k] * 2)
    return ("The data behind the plot: the most live memory (bytes, float16) within each block "
            "of `mbcalc mobilenet_v2 --memory --dtype float16 --plot FILE.png`:\n\n"
            + table(["block", "map", "sequential", "inverted residual (§5.1)"], rows))


def memory_figure() -> None:
    """Draw the memory tutorial's PNG (needs matplotlib; its data is the drift-tested snippet
    memory-plot-data.md)."""
    from complexity.render.plot import memory_plot

    memory, _ = _memory_profile()
    MEMORY_FIGURE.parent.mkdir(parents=True, exist_ok=True)
    memory_plot(memory, MEMORY_FIGURE, force=True)
# Why the counters disagree ----------------------------------------------------------------


@snippet("peers-zoo.md")
def _peers_zoo() -> str:
    import subprocess
    import sys

    from complexity.analysis.peers import PEERS
    from complexity.language.zoo import zoo_names

    # The names with a torch reference, asked of a child process: importing torch here would
    # weigh on every later step (and on the test process that runs this generator).
    names = subprocess.run([sys.executable, "-c", "from complexity.reference import "
                            "torch_builders; print(*torch_builders(), sep=chr(10))"],
                           capture_output=True, text=True, check=False)
    checked = set(names.stdout.split()) if names.returncode == 0 else set()

    rows = []
    for name in zoo_names():
        run = _run(("peers", name, "--format", "json"))
        if run.code == 2:  # no torch model to predict (a Keras-only input normalisation)
            rows.append([f"`{name}`", "—", "—", *("—" for _ in PEERS)])
            continue
        if run.code:
            raise RuntimeError(f"`{run.command}` exited {run.code}: {run.err}")
        got = json.loads(run.out)
        rows.append([f"`{name}`", "✓" if name in checked else "", got["madds"],
                     *(p["ops"] for p in got["peers"])])
    return table(["network", "run", "mbcalc MAdds", *PEERS], rows)


@snippet("peers-intro.md")
def _peers_intro() -> str:
    got = data("peers", "mobilenet_v2")
    short = {p["peer"]: f"{p['ops'] / 1e6:.1f}M" for p in got["peers"]}
    return (f"For torchvision's MobileNetV2 at 224×224, the conv and fully connected layers do "
            f"{n(got['madds'])} multiply-adds. The counters people use print {short['ptflops']} "
            f"(ptflops), {short['ptflops-aten']} (ptflops' aten backend), {short['fvcore']} "
            f"(fvcore), {short['thop']} (thop), {short['torchinfo']} (torchinfo) and "
            f"{short['flopcounter']} (torch's `FlopCounterMode`).\n")


@snippet("peers-terms.md")
def _peers_terms() -> str:
    got = data("peers", "mobilenet_v2")
    p = next(p for p in got["peers"] if p["peer"] == "ptflops")
    b = p["breakdown"]
    return (f"The terms add up exactly: ptflops' {n(p['ops'])} is the {n(got['madds'])} MAdds, "
            f"plus the classifier's {n(b['bias'])} bias adds, plus batch norm at 2 per element "
            f"({n(b['bn'])}), plus ReLU6 at 1 per element ({n(b['act'])}), plus the global "
            f"pool's 1280·7² input elements ({n(b['pool'])}).\n")


@snippet("peers-mobilenet_v2.md")
def _peers_mobilenet_v2() -> str:
    return markdown_output("peers", "mobilenet_v2")


@snippet("peers-as-ptflops.md")
def _peers_as_ptflops() -> str:
    return markdown_output("mobilenet_v3_small", "--as", "ptflops", "--summary")


@snippet("ops-costs.md")
def _ops_costs() -> str:
    from complexity.analysis.ops import COSTS, LABELS

    return table(["op", "cost (ops)", "column", "why, and the source"],
                 [[c.op, c.cost, LABELS.get(c.column, c.column), c.why] for c in COSTS])


@snippet("ops-mobilenet_v3_small.md")
def _ops_rows() -> str:
    run = mbcalc("mobilenet_v3_small", "--ops", "--format", "markdown")
    lines = run.out.splitlines()
    start = next(i for i, line in enumerate(lines) if "every op" in line)
    last = next(i for i in range(start, len(lines)) if "**total**" in lines[i])
    cells = lines[last].count("|") - 1
    gap = "|" + " … |" * cells
    body = [*lines[start:start + 12], gap, *lines[last:]]
    return (f"`$ {run.command}`, cut to its first rows\n\n" + "\n".join(body) + "\n")


# Bring your own model (mbcalc import) ------------------------------------------------------

TINY = "docs/examples/tiny_resnet.py:build"
TINY_IMPORT = ("import", "--torch", TINY, "--reference-arg", "classes=100", "--input",
               "3x32x32")
TINY_SPEC = "tiny_resnet.yaml"
"""The name the tutorial gives the imported spec (written to a temporary folder here)."""


@cache
def _tiny_folder() -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="mbcalc-docs-"))
    mbcalc(*TINY_IMPORT, "--output", str(folder / TINY_SPEC))
    return folder


def _as_shown(run: Run) -> Run:
    """A run with the temporary folder taken out of its command and output."""
    folder = str(_tiny_folder()) + "/"
    args = tuple(a.replace(folder, "") for a in run.args)
    return Run(args, run.code, run.out.replace(folder, ""), run.err.replace(folder, ""))


@snippet("byom-import.md")
def _byom_import() -> str:
    return console(mbcalc(*TINY_IMPORT))


@snippet("byom-check.md")
def _byom_check() -> str:
    spec = str(_tiny_folder() / TINY_SPEC)
    run = mbcalc(*TINY_IMPORT, "--check", "--output", spec, "--force")
    return console(_as_shown(Run(run.args, run.code, run.err or run.out, "")))


@snippet("byom-count.md")
def _byom_count() -> str:
    spec = str(_tiny_folder() / TINY_SPEC)
    return console(_as_shown(mbcalc(spec, "--alpha", "0.5", "--rho", "2")))


@snippet("byom-sweep.md")
def _byom_sweep() -> str:
    folder = _tiny_folder()
    figure = folder / "tiny_resnet_sweep.png"
    run = mbcalc("sweep", str(folder / TINY_SPEC), "--alpha", "0.5,0.75,1,1.5", "--resolution",
                 "32,48,64", "--plot", str(figure), "--force")
    if not figure.is_file() or figure.stat().st_size == 0:
        raise RuntimeError("mbcalc sweep --plot drew no figure")
    return console(_as_shown(run))


BYOM_PYTHON = """\
from complexity.engine.walk import walk
from complexity.importers import import_torch
from tiny_resnet import build

imported = import_torch(build(classes=100), input=(3, 32, 32))
print([line for line in imported.yaml.splitlines() if line.startswith("- ")][:2])
report = walk(imported.spec, resolution=64)
print(f"{report.params:,} params, {report.madds:,} MAdds at 64×64")
"""


@snippet("byom-python.md")
def _byom_python() -> str:
    import contextlib

    out = io.StringIO()
    folder = str(ROOT / "docs" / "examples")
    sys.path.insert(0, folder)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(BYOM_PYTHON, "byom", "exec"), {})  # noqa: S102 - our own example
    finally:
        sys.path.remove(folder)
        sys.modules.pop("tiny_resnet", None)
    return f"```python\n{BYOM_PYTHON}```\n\nprints\n\n```text\n{out.getvalue()}```\n"


# Reference --------------------------------------------------------------------------------


@snippet("cli-reference.md")
def _cli_reference() -> str:
    import typer.main

    from complexity.cli import app

    group = typer.main.get_command(app)
    root = group.make_context("mbcalc", [], resilient_parsing=True)
    parts = ["## `mbcalc`\n", (group.help or "").replace("\n\n", "\n\n") + "\n"]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        ctx = command.make_context(name, [], parent=root, resilient_parsing=True)
        usage = command.get_usage(ctx).replace("Usage: ", "")
        parts.append(f"## `mbcalc {name}`\n\n{command.help}\n\n```text\n{usage}\n```\n")
        rows = []
        for param in command.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            names, help_text = record
            extra = ""
            if match := re.search(r"\s*\[([^\]]*)\]$", help_text):
                help_text, extra = help_text[: match.start()], match.group(1)
            rows.append([f"`{names}`", help_text.strip(), extra])
        parts.append(table(["option", "meaning", "default, range"], rows, right=set()))
    return "\n".join(parts)


_INT = {"integer": "int", "number": "number", "string": "string", "boolean": "bool",
        "null": "null"}

FIELD_NOTES = {  # for fields the schema leaves undescribed; a description in the schema wins
    "kernel": "Kernel size D_K, or [K_h, K_w].",
    "stride": "Stride, or [s_h, s_w].",
    "dilation": "Dilation, or [d_h, d_w].",
    "groups": "Groups g: each output channel sees M/g input channels.",
    "bias": "Has a bias per output channel (counted by the torch and keras conventions, not by "
            "paper).",
    "out": "Output channels N before the width multiplier.",
    "fn": "The nonlinearity; every one is free.",
    "op": "Average or max.",
    "p": "Drop probability; changes no count.",
    "size": "Output H×W, or [H, W].",
    "ceil_mode": "Round the output size up, as torch's ceil_mode does.",
    "width": "How α applies: `scaled` c·α rounded by the width rule; `fixed` c; `grow_only` "
             "c·max(1, α).",
    "layers": "The layers inside, in order.",
    "times": "How many times `layers` repeat.",
    "start": "The number `{i}` takes on the first repetition.",
    "act": "The activation after each conv (`none`: no activation).",
    "expansion": "Expansion t: the hidden width is t times the input channels.",
    "c1": "1×1 branch width.",
    "c3r": "1×1 reduction before the 3×3.",
    "c3": "3×3 branch width.",
    "c5r": "1×1 reduction before the k5×k5.",
    "c5": "k5×k5 branch width.",
    "pool_proj": "1×1 after the pooling branch.",
    "pool_features": "1×1 after the pooling branch.",
    "c7": "Width inside the 7×7-factorised branches.",
    "squeeze": "Squeeze 1×1 width.",
    "expand1x1": "Expand 1×1 width.",
    "expand3x3": "Expand 3×3 width.",
    "mid": "Width of the 1×1 → 3×3 inside the block.",
    "exp": "Expansion width (none: no expansion layer).",
    "se": "Has squeeze-and-excite after the depthwise conv.",
    "se_reduction": "Squeeze-and-excite reduction r: C_r = C/r.",
    "se_divisor": "Make C_r divisible by this.",
    "reduction": "r: the squeeze width is C/r.",
    "gate": "The gate's activation.",
    "stride_on": "Which conv strides: `3x3` (torchvision, \"ResNet v1.5\") or `1x1` (the "
                 "original paper, Keras).",
    "exp_width": "How the expansion width scales: `scaled` rounds exp·α (torchvision); "
                 "`from_input` takes exp/inp of the actual input, rounded by the width rule "
                 "(TF-slim, Keras).",
    "relative_to": "With `width: from_input`: the input width `out` is given at.",
}
_PAIRS = ("kernel", "stride", "dilation", "size")
"""Fields whose note mentions a pair form, true only where the type allows one."""


def _bounds(field: dict[str, Any]) -> str:
    low = (field["exclusiveMinimum"] + 1 if field.get("type") == "integer"
           and "exclusiveMinimum" in field else field.get("minimum", field.get("exclusiveMinimum")))
    high = field.get("maximum")
    op = "> " if "exclusiveMinimum" in field and field.get("type") != "integer" else ""
    if low is not None and high is not None and not op:
        return f" {low}–{high:,}"
    parts = ([f"{op or '≥ '}{low}"] if low is not None else []) + (
        [f"≤ {high:,}"] if high is not None else [])
    return f" ({', '.join(parts)})" if parts else ""


def _type_text(field: dict[str, Any]) -> str:
    """A schema type as a reader wants it: ``int 1–1,000,000 or [h, w]``, ``"avg"``/``"max"``."""
    if "$ref" in field:
        title = field["$ref"].rsplit("/", 1)[-1]
        return f"[{title}](#{_anchor(title)})"
    if "const" in field:
        return f"`{json.dumps(field['const'])}`"
    if "enum" in field:
        return " / ".join(f"`{json.dumps(v)}`" for v in field["enum"])
    if "anyOf" in field:
        options = field["anyOf"]
        texts = []
        for option in options:
            pair = option.get("prefixItems")
            if pair and len(pair) == 2 and pair[0] == pair[1] and pair[0] in options:
                texts.append("a pair [h, w] of those")
            else:
                texts.append(_type_text(option))
        return " or ".join(texts)
    kind = field.get("type")
    if kind == "array":
        if "prefixItems" in field:
            return "[" + ", ".join(_type_text(f) for f in field["prefixItems"]) + "]"
        items = field.get("items", {})
        if "discriminator" in items or "anyOf" in items or "oneOf" in items:
            return "list of [layers](#layers-blocks-and-containers)"
        return f"list of {_type_text(items)}"
    if kind == "object" and "additionalProperties" in field:
        return f"mapping: name → {_type_text(field['additionalProperties'])}"
    return _INT.get(str(kind), str(kind)) + _bounds(field)


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _fields_table(model: dict[str, Any], skip: tuple[str, ...] = ()) -> str:
    required = set(model.get("required", []))
    rows = []
    for name, field in model.get("properties", {}).items():
        if name in skip:
            continue
        default = ("required" if name in required
                   else f"`{json.dumps(field['default'], ensure_ascii=False)}`"
                   if "default" in field else "")
        description = " ".join(field.get("description", FIELD_NOTES.get(name, "")).split())
        kind = _type_text(field)
        if "description" not in field and name in _PAIRS and "pair" not in kind:
            description = description.split(", or ")[0] + "."  # an int-only stride: no pair
        if "description" not in field and name == "act" and '"none"' not in kind:
            description = "The activation after each conv."
        rows.append([f"`{name}`", kind, default, description.replace("``", "`")])
    if not rows:
        return "No fields but `kind` and `name`.\n"
    return table(["field", "type", "default", "description"], rows, right=set())


def _description(model: dict[str, Any]) -> str:
    return " ".join(model.get("description", "").split()).replace("``", "`") + "\n"


@snippet("spec-reference.md")
def _spec_reference() -> str:
    from complexity.language.blocks import Block
    from complexity.language.containers import Container
    from complexity.language.layers import Primitive

    schema = data_schema()
    defs = schema["$defs"]
    mapping = {kind: ref.rsplit("/", 1)[-1] for kind, ref in
               schema["properties"]["layers"]["items"]["discriminator"]["mapping"].items()}
    groups = {"layer": {m.__name__ for m in _members(Primitive)},
              "container": {m.__name__ for m in _members(Container)},
              "block": {m.__name__ for m in _members(Block)}}
    grouped = set().union(*groups.values())
    missing = sorted(set(mapping.values()) - grouped)
    if missing:
        raise RuntimeError(f"kinds in no group (layer, container, block): {missing}")
    parts = ["## The network\n", _description(schema), _fields_table(schema)]
    nested = [*_refs(schema), *_refs(list(defs.values()))]  # SE options, block parameters …
    for title in sorted({r.rsplit("/", 1)[-1] for r in nested} - grouped):
        parts += [f"### {title}\n", _description(defs[title]), _fields_table(defs[title])]
    parts += ["## Layers, blocks and containers\n",
              "Every entry of `layers` is a mapping with a `kind`, which picks the fields below. "
              "Every kind also takes `name`: a layer's row label (unnamed layers are named after "
              "the layer before them, `conv1/bn`), or the prefix of the rows inside a block or "
              "container (`b3/expand`).\n"]
    headings = {"layer": "Primitive layers: one row each, with its formulas",
                "container": "Containers: how layers are wired",
                "block": "Blocks: the papers' building blocks, expanded into layers"}
    for group in ("layer", "container", "block"):
        parts.append(f"### {headings[group]}\n")
        titles = sorted({t for t in mapping.values() if t in groups[group]},
                        key=lambda t: min(k for k, v in mapping.items() if v == t))
        for title in titles:
            kinds = sorted(k for k, v in mapping.items() if v == title)
            parts += ["#### " + ", ".join(f"`{k}`" for k in kinds) + "\n",
                      _description(defs[title]), _fields_table(defs[title], skip=("name", "kind"))]
    return "\n".join(parts)


def data_schema() -> dict[str, Any]:
    return json.loads(mbcalc("schema").out)  # type: ignore[no-any-return]


def _members(union: Any) -> list[Any]:
    from typing import get_args

    return list(get_args(union)) or [union]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key not in ("$defs", "discriminator"):
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


# Reliability ------------------------------------------------------------------------------


@snippet("reliability-limits.md")
def _reliability_limits() -> str:
    """The bounds on input, read from the constants that enforce them."""
    from complexity.analysis.sweep import MAX_POINTS
    from complexity.cli.delivery import MAX_SWEEP_TABLE, MAX_TABLE_ROWS
    from complexity.engine.walk import MAX_ROWS
    from complexity.language import numbers, sources, specfile
    from complexity.language.fields import LARGEST

    rows = [
        ("spec file size", f"{sources.MAX_BYTES // 1024:,} KiB", "language/sources.py"),
        ("spec nesting depth", f"{specfile.MAX_DEPTH:,}", "language/specfile.py"),
        ("values a spec expands to (aliases)", f"{specfile.MAX_NODES:,}", "language/specfile.py"),
        ("layers, repetitions and branches walked", f"{MAX_ROWS:,}", "engine/walk.py"),
        ("channels, kernels, strides, resolutions, repeats (spec or option)", f"{LARGEST:,}",
         "language/fields.py"),
        ("α and ρ", f"{float(numbers.MIN_MULTIPLIER):g} to {int(numbers.MAX_MULTIPLIER):,}",
         "language/numbers.py"),
        ("characters in a typed number", f"{numbers.MAX_TEXT:,}", "language/numbers.py"),
        ("exponent of a typed number", f"±{numbers.MAX_EXPONENT:,}", "language/numbers.py"),
        ("a budget (--solve-madds, --solve-params)", f"{numbers.MAX_COUNT:.0e}",
         "language/numbers.py"),
        ("sweep points", f"{MAX_POINTS:,}", "analysis/sweep.py"),
        ("sweep points drawn as a table", f"{MAX_SWEEP_TABLE:,}", "cli/delivery.py"),
        ("rows drawn as a table (any command)", f"{MAX_TABLE_ROWS:,}", "cli/delivery.py"),
    ]
    lines = ["| limit | value | enforced in |", "|---|---|---|"]
    lines += [f"| {what} | {value} | `complexity/{where}` |" for what, value, where in rows]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# The Python API's reference (docs/python-api.md): every public name, from the code itself


def _signature_text(name: str, function: Any, skip_self: bool = False) -> str:
    """``count(spec: …, alpha: Number = 1, …) -> Report``, annotations as written."""
    parts = []
    for parameter in list(inspect.signature(function).parameters.values())[int(skip_self):]:
        text = parameter.name
        if parameter.annotation is not inspect.Parameter.empty:
            text += f": {parameter.annotation}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {parameter.default!r}"
        parts.append(text)
    returns = inspect.signature(function).return_annotation
    tail = "" if returns is inspect.Signature.empty else f" -> {returns}"
    return f"{name}({', '.join(parts)}){tail}"


def _field_docs(cls: type) -> list[tuple[str, str, str]]:
    """A dataclass's fields: name, annotation and the docstring written under it."""
    import ast
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(tree, ast.ClassDef)
    fields, body = [], tree.body
    for k, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            after = body[k + 1] if k + 1 < len(body) else None
            doc = (after.value.value if isinstance(after, ast.Expr)
                   and isinstance(after.value, ast.Constant) else "")
            fields.append((node.target.id, ast.unparse(node.annotation), str(doc)))
    return fields


def _api_members(cls: type) -> list[tuple[str, str, str]]:
    """A class's public methods and properties: name, signature and docstring."""
    found, seen = [], set()
    members = [item for klass in cls.__mro__ if klass is not object
               for item in vars(klass).items()]
    for name, member in members:
        if (name.startswith("_") and name not in ("_repr_html_", "__str__")) or name in seen:
            continue
        seen.add(name)
        doc = inspect.getdoc(member) or ""
        if isinstance(member, property | functools.cached_property):
            found.append((name, f"{name}  (property)", doc))
        elif isinstance(member, classmethod):
            found.append((name, _signature_text(name, member.__func__, True), doc))
        elif inspect.isfunction(member):
            found.append((name, _signature_text(name, member, True), doc))
    return found


@snippet("python-api-reference.md")
def _python_api_reference() -> str:
    import dataclasses

    import complexity

    out = []
    for name in complexity.__all__:
        if name == "__version__":
            continue
        value = getattr(complexity, name)
        out.append(f"### `{name}`\n")
        if inspect.isclass(value) and issubclass(value, BaseException):
            out.append(f"```python\nclass {name}({value.__bases__[0].__name__})\n```\n")
            out.append(inspect.getdoc(value) + "\n")
            continue
        if inspect.isfunction(value):
            out.append(f"```python\n{_signature_text(name, value)}\n```\n")
            out.append(inspect.getdoc(value) + "\n")
            continue
        bases = ", ".join(b.__name__ for b in value.__bases__ if b is not object)
        out.append(f"```python\nclass {name}{f'({bases})' if bases else ''}\n```\n")
        out.append(inspect.getdoc(value) + "\n")
        if dataclasses.is_dataclass(value):
            out.append("Fields:\n")
            out += [f"- `{f}: {t}`: {' '.join(d.split())}" for f, t, d in _field_docs(value)]
            out.append("\nMethods and properties:\n")
        for _, signature, doc in _api_members(value):
            text = " ".join(doc.split())
            out.append(f"- `{signature}`: {text}" if text else f"- `{signature}`")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------------------------
# Putting it together

README_BEGIN = "<!-- BEGIN generated by docs/generate.py from snippets/readme-output.md -->"
README_END = "<!-- END generated -->"


# Figures ------------------------------------------------------------------------------------

FIGURES = ROOT / "docs" / "figures"
"""SVG figures drawn by complexity.render.plot (deterministic SVG, drift-tested like snippets)."""


def figures() -> dict[Path, str]:
    """The docs' figures as SVG text; none where matplotlib (the plot extra) is missing."""
    if importlib.util.find_spec("matplotlib") is None:
        return {}
    from complexity.analysis.sweep import sweep
    from complexity.engine.walk import walk
    from complexity.language.zoo import resolve
    from complexity.render import plot

    spec = resolve("mobilenet_v1")
    points = sweep(spec, [Fraction(1), Fraction(3, 4), Fraction(1, 2), Fraction(1, 4)], None,
                   [224, 192, 160, 128], "paper")
    report = walk(spec)

    def svg(figure: Any) -> str:
        return plot.image(figure, "svg").decode("utf-8")

    return {
        FIGURES / "mobilenet_v1-sweep.svg": svg(plot.sweep_figure("mobilenet_v1", points)),
        FIGURES / "mobilenet_v1-layers.svg": svg(plot.model_figure(report)),
        FIGURES / "mobilenet_v1-by-kind.svg": svg(plot.kind_figure(report)),
    }


def build() -> dict[Path, str]:
    """Every generated file's path and text: the snippets, the figures and README.md."""
    files = {SNIPPETS / name: function() for name, function in SNIPPET_FUNCTIONS.items()}
    files.update(figures())
    readme = README.read_text(encoding="utf-8")
    begin, end = readme.find(README_BEGIN), readme.find(README_END)
    if begin < 0 or end < begin:
        raise RuntimeError(f"README.md lacks the lines {README_BEGIN!r} … {README_END!r}")
    files[README] = (readme[: begin + len(README_BEGIN)] + "\n"
                     + files[SNIPPETS / "readme-output.md"] + readme[end:])
    return files


def differences(files: dict[Path, str]) -> list[str]:
    """Files whose text on disk differs from ``files``, and stale snippets."""
    stale = [f"{p.relative_to(ROOT)} (not generated any more)" for p in sorted(SNIPPETS.glob("*"))
             if p not in files]
    changed = [str(p.relative_to(ROOT)) for p, text in files.items()
               if not p.is_file() or p.read_text(encoding="utf-8") != text]
    return changed + stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report out-of-date files (exit 1 if any)")
    args = parser.parse_args(argv)
    files = build()
    out_of_date = differences(files)
    if args.check:
        for name in out_of_date:
            print(f"out of date: {name}")
        return 1 if out_of_date else 0
    SNIPPETS.mkdir(parents=True, exist_ok=True)
    FIGURES.mkdir(parents=True, exist_ok=True)
    for path in SNIPPETS.glob("*"):
        if path not in files:
            path.unlink()
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    memory_figure()
    print(f"{len(files) - 1} snippets and figures, and README.md, up to date "
          f"({len(out_of_date)} rewritten)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
