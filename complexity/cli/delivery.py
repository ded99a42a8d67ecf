"""Delivering results: a table format rendered to text, printed or written to --output."""

from __future__ import annotations

import io
import sys
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


def render(tables: list[Table], fmt: Format, width: int = FILE_WIDTH, color: bool = False) -> str:
    """Tables as text in ``fmt`` (any format but JSON, which each command builds itself)."""
    if fmt is Format.table:
        from rich.console import Console

        from complexity.render.terminal import rich_table

        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system="auto" if color else None,
                          force_terminal=color)
        for table in tables:
            console.print(rich_table(table, width))
        return buffer.getvalue()
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
    if text is None and fmt is Format.table:
        from rich.console import Console

        from complexity.render.terminal import rich_table

        console = Console()
        for table in tables or []:
            console.print(rich_table(table, console.width))
        return
    sys.stdout.write(text if text is not None else render(tables or [], fmt))
