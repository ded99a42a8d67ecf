"""Delivering results: a table format rendered to text, printed or written to --output."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from complexity.errors import MbcalcError, printable

if TYPE_CHECKING:  # annotations only: a JSON count imports neither the tables nor pathlib
    from pathlib import Path

    from complexity.render.tables import Table

FILE_WIDTH = 120
"""Width of terminal tables written to a file."""
MAX_TABLE_ROWS = 5_000
"""Rows a drawn (``--format table``) table may have: drawing is slow (about 2 ms a row) and holds
every cell several times over (4 GB for 10⁶ rows); the text formats need far less."""
MAX_SWEEP_TABLE = 1_000
"""Points a sweep draws as a table (a sweep's rows are checked before any point is computed)."""


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    latex = "latex"
    html = "html"


def table_width() -> int:
    """One width for every non-terminal (a pipe, a redirect, --output): FILE_WIDTH, or COLUMNS
    when set; a terminal's own width when printing to one."""
    import os

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((FILE_WIDTH, 24)).columns
    return FILE_WIDTH


def render(tables: list[Table], fmt: Format, width: int | None = None) -> str:
    """Tables as text in ``fmt`` (any format but JSON, which each command builds itself)."""
    if fmt is Format.table:
        from complexity.render.terminal import plain_text

        return "\n".join(plain_text(t, width or table_width()) for t in tables)
    from complexity.render import plain

    write = {Format.markdown: plain.markdown, Format.csv: plain.csv_text,
             Format.latex: plain.latex, Format.html: plain.html}[fmt]
    return "\n".join(write(t) for t in tables)


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What json.dumps(ensure_ascii=False) leaves raw but a terminal acts on: DEL, C1 controls (8-bit
CSI), line separators, bidirectional overrides. Escaped as \\uXXXX, the JSON means the same."""


def safe(table: Table) -> Table:
    """``table`` with control characters in its text escaped (a spec's layer names may hold ESC
    or OSC sequences that would retitle or clear a terminal)."""
    def clean(cell: Any) -> Any:
        return printable(cell) if isinstance(cell, str) else cell

    return table.replace(title=printable(table.title), columns=[clean(c) for c in table.columns],
                         rows=[[clean(c) for c in row] for row in table.rows],
                         notes=[printable(n) for n in table.notes],
                         totals=None if table.totals is None else
                         [clean(c) for c in table.totals])


def deliver(fmt: Format, output: Path | None, force: bool, tables: list[Table] | None = None,
            text: str | None = None) -> None:
    """Print to the terminal, or write atomically to ``output`` (``-``: standard output)."""
    tables = [safe(t) for t in tables or []]
    if text is not None and fmt is Format.json:
        text = _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    rows = sum(len(t.rows) for t in tables)
    if text is None and fmt is Format.table and rows > MAX_TABLE_ROWS:
        raise MbcalcError(f"{rows:,} rows are too many to draw as a table (at most "
                          f"{MAX_TABLE_ROWS:,}); use --format csv, json or markdown")
    if output is not None:
        from complexity.output import write_atomically

        write_atomically(output, text if text is not None else render(tables, fmt), force)
        if str(output) != "-":
            print(f"wrote {printable(str(output))}", file=sys.stderr)
        return
    if text is None and fmt is Format.table and sys.stdout.isatty():
        from rich.console import Console

        from complexity.render.terminal import render_lines

        console = Console(highlight=False)
        for k, table in enumerate(tables or []):
            if k:
                console.print()
            for line in render_lines(table, table_width()):
                console.print(line, soft_wrap=True)
        return
    sys.stdout.write(text if text is not None else render(tables or [], fmt))


def draw_plot(path: Path, draw: Callable[[], None]) -> None:
    """Run ``draw`` (it takes seconds: matplotlib), saying so on a terminal, then 'wrote FILE'
    on stderr like --output."""
    if sys.stderr.isatty():
        print(f"drawing {printable(str(path))} …", file=sys.stderr, flush=True)
    draw()
    print(f"wrote {printable(str(path))}", file=sys.stderr)
