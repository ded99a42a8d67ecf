"""Delivering results: a table format rendered to text, printed or written to --output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from complexity.render.tables import Table

FILE_WIDTH = 120
"""Width of terminal tables written to a file."""


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


def deliver(fmt: Format, output: Path | None, force: bool, tables: list[Table] | None = None,
            text: str | None = None) -> None:
    """Print to the terminal, or write atomically to ``output``."""
    if output is not None:
        from complexity.output import write_atomically

        write_atomically(output, text if text is not None else render(tables or [], fmt), force)
        print(f"wrote {output}", file=sys.stderr)
        return
    if text is None and fmt is Format.table and sys.stdout.isatty():
        from rich.console import Console

        from complexity.render.terminal import render_lines

        console = Console(highlight=False)
        for k, table in enumerate(tables or []):
            if k:
                console.print()
            for line in render_lines(table, table_width()):
                line.rstrip()
                console.print(line, soft_wrap=True)
        return
    sys.stdout.write(text if text is not None else render(tables or [], fmt))


def draw_plot(path: Path, draw: Callable[[], None]) -> None:
    """Run ``draw`` (it takes seconds: matplotlib), saying so on a terminal, then 'wrote FILE'
    on stderr like --output."""
    if sys.stderr.isatty():
        print(f"drawing {path} …", file=sys.stderr, flush=True)
    draw()
    print(f"wrote {path}", file=sys.stderr)
