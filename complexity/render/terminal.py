"""Tables for the terminal, drawn with rich: formulas under their values, share bars."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from complexity.render.numbers import grouped
from complexity.render.tables import Cell, Table

BAR_WIDTH = 8
BARS_FROM = 110
"""Terminal width from which share columns get a bar."""
_HOSTS = {"kind": "layer"}


def share_bar(share: str) -> Text:
    """'94.86' -> a bar of up to BAR_WIDTH cells, then the share."""
    filled = round(float(share) / 100 * BAR_WIDTH)
    bar = Text("█" * filled, style="cyan")
    bar.append("·" * (BAR_WIDTH - filled), style="dim")
    bar.append(f" {share}%")
    return bar


def _next(names: list[str], i: int) -> str:
    return names[i + 1] if i + 1 < len(names) else ""


def _cell(column: str, cell: Cell, bars: bool) -> Text:
    if isinstance(cell, int):
        return Text(grouped(cell))
    if column.startswith("%") and cell:
        return share_bar(cell) if bars else Text(f"{cell}%")
    return Text(cell)


def rich_table(table: Table, width: int = 120) -> RenderableType:
    """``table`` as a rich renderable for a terminal ``width`` wide; notes follow it.

    Some columns are drawn dimmed inside another one's cell, so the table stays narrow: a
    '<x> formula' column under the value after it, a 'kind' column after the layer's name.
    """
    bars = width >= BARS_FROM
    names = table.columns
    under = {
        names.index(host): i
        for i, name in enumerate(names)
        if (host := _HOSTS.get(name, _next(names, i) if name.endswith("formula") else "")) in names
    }
    keep = [i for i in range(len(names)) if i not in under.values()]
    out = RichTable(box=box.SIMPLE_HEAD, show_footer=table.totals is not None)
    for i in keep:
        name = table.columns[i]
        numeric = all(isinstance(row[i], int) for row in table.rows)
        footer = "" if table.totals is None else _cell(name, table.totals[i], bars)
        widest = max((len(_cell(name, c, bars)) for c in [*(r[i] for r in table.rows),
                                                           *(table.totals or [])[i:i + 1]]),
                     default=1)
        out.add_column(name, justify="right" if numeric else "left", footer=footer,
                       no_wrap=i not in under, overflow="fold", min_width=widest)
    for row in table.rows:
        cells = []
        for i in keep:
            text = _cell(table.columns[i], row[i], bars)
            formula = row[under[i]] if i in under else ""
            if isinstance(formula, str) and formula and formula != "0":
                joint = " " if table.columns[under[i]] in _HOSTS else "\n"
                text.append(f"{joint}{formula}", style="dim")
            cells.append(text)
        out.add_row(*cells)
    return Group(Text(table.title, style="bold"), out, *(Text(n) for n in table.notes))
