"""Tables for the terminal: columns that never fold a token, formulas under their values.

The layout is worked out here, not by rich's folding, so that no formula symbol, number or name
is ever split across lines, whatever the width:

1. Some columns are drawn inside others so the table stays narrow: a '<x> formula' column goes
   under the value of the column after it (right-aligned beneath it), a 'kind' column after the
   layer's name.
2. If the row is still wider than the terminal, headers wrap at their spaces, then the widest
   text columns (e.g. 'input → output') move under the row as 'name: value', then text cells
   wrap at the break points of the notation (' = ', ' + ', '·', spaces).
3. A formula too long for the room under its value wraps at those break points, each piece
   right-aligned under the value. Nothing is ever cut: a single token longer than the width
   simply overflows.

Column groups added to a ``Table`` (more numbers, more formulas) take part in the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text

from complexity.render.numbers import grouped
from complexity.render.tables import Cell, Table

BAR_WIDTH = 8
BARS_FROM = 110
"""Terminal width from which share columns get a bar."""
GAP = 2
"""Spaces between columns."""
INDENT = 2
"""Spaces before the first column."""
_INLINE_AFTER = {"kind": "layer"}
"""Columns drawn after another column's text, separated by a space."""
_BREAKS = [re.compile(r"(?= = )"), re.compile(r"(?<= \+ )|(?<= − )"),
           re.compile(r"(?<=·)"), re.compile(r"(?<= )")]
"""Where text may wrap, best first: around ' = ', after ' + ' / ' − ', after '·', after a space."""
_TITLE_BREAKS = [re.compile(r"(?<=, )|(?= — )"), re.compile(r"(?<= )")]
"""Where a title may wrap: after a comma or before a dash, else at a space."""


_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?%?")
"""Text cells that are numbers (shares, ratios, decimals) align right like integers."""


def share_bar(share: str) -> Text:
    """'94.86' -> a bar of up to BAR_WIDTH cells, then the share."""
    filled = round(float(share) / 100 * BAR_WIDTH)
    bar = Text("█" * filled, style="cyan")
    bar.append("·" * (BAR_WIDTH - filled), style="dim")
    bar.append(f" {share}%")
    return bar


def _cell(column: str, cell: Cell, bars: bool) -> Text:
    if isinstance(cell, int):
        return Text(grouped(cell))
    if column.startswith("%") and cell:
        return share_bar(cell) if bars else Text(f"{cell}%")
    return Text(cell)


def wrap(text: str, width: int, level: int = 0,
         breaks: list[re.Pattern[str]] = _BREAKS) -> list[str]:
    """``text`` in pieces of at most ``width`` characters, cut only at ``breaks`` (the
    notation's break points, best first); a piece with no break point that fits is left whole
    (it overflows)."""
    if len(text) <= width or level == len(breaks):
        return [text]
    parts = [p for p in breaks[level].split(text) if p]
    if len(parts) == 1:
        return wrap(text, width, level + 1, breaks)
    lines: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + len(part.rstrip()) > width:
            lines.append(current.rstrip())
            current = part.lstrip()
        else:
            current += part
    lines.append(current.rstrip())
    out: list[str] = []
    for line in lines:
        out += wrap(line, width, level + 1, breaks)
    return [line for line in out if line]


@dataclass
class _Column:
    index: int
    name: str
    numeric: bool
    width: int
    header: list[str]


def _header_lines(name: str, width: int) -> list[str]:
    return wrap(name, width, len(_BREAKS) - 1) if len(name) > width else [name]


def render_lines(table: Table, width: int = 120) -> list[Text]:
    """``table`` laid out ``width`` columns wide, as lines of styled text (see the module)."""
    bars = width >= BARS_FROM
    names = table.columns
    every = [*table.rows, *([table.totals] if table.totals is not None else [])]

    under: dict[int, int] = {}  # host column -> formula column drawn under it
    inline: dict[int, int] = {}  # host column -> column drawn after its text
    for i, name in enumerate(names):
        if name in _INLINE_AFTER and _INLINE_AFTER[name] in names:
            inline[names.index(_INLINE_AFTER[name])] = i
        elif name.endswith("formula") and i + 1 < len(names):
            under[i + 1] = i

    def text_of(row: list[Cell], i: int) -> Text:
        text = _cell(names[i], row[i], bars)
        if i in inline and row[inline[i]] != "":
            text.append(f" {row[inline[i]]}", style="dim")
        return text

    main = [i for i in range(len(names)) if i not in under.values() and i not in inline.values()]
    columns = []
    for i in main:
        numeric = all(isinstance(r[i], int) or r[i] == "" or _NUMBER.fullmatch(r[i])
                      for r in table.rows) and any(r[i] != "" for r in table.rows)
        cells = max((len(text_of(r, i)) for r in every), default=0)
        columns.append(_Column(i, names[i], numeric, max(cells, len(names[i])), [names[i]]))

    def total() -> int:
        return INDENT + sum(c.width for c in columns) + GAP * (len(columns) - 1)

    # 0. as far as the width allows, widen the formulas' hosts so a row's formulas share a line
    previous = -1  # position in `columns` of the last host seen
    for j, column in enumerate(columns):
        if column.index not in under:
            continue
        f = under[column.index]
        longest = max((len(r[f]) for r in table.rows if isinstance(r[f], str)), default=0)
        room = sum(c.width for c in columns[previous + 1:j + 1]) + GAP * (j - previous - 1)
        need = longest + (GAP + 1 if previous >= 0 else INDENT)
        column.width += max(min(need - room, width - total()), 0)
        previous = j
    # 1. headers wrap at their spaces
    for column in sorted(columns, key=lambda c: -c.width):
        if total() <= width:
            break
        cells = max((len(text_of(r, column.index)) for r in every), default=0)
        header = _header_lines(column.name, max(cells, 1))
        column.header, column.width = header, max(cells, *(len(h) for h in header))
    # 2. the widest text columns (not the first text column: it names the row) move under it
    namer = next((c for c in columns if not c.numeric), columns[0])
    moved: list[_Column] = []
    while total() > width:
        movable = [c for c in columns if c is not namer and not c.numeric
                   and not c.name.startswith("%") and c.index not in under]
        if not movable or len(columns) <= 2:
            break
        widest = max(movable, key=lambda c: c.width)
        columns.remove(widest)
        moved.append(widest)
    # 3. text cells wrap at break points
    wrapped: set[int] = set()
    for column in sorted(columns, key=lambda c: -c.width):
        excess = total() - width
        if excess <= 0:
            break
        if column.numeric or column.name.startswith("%") or column is namer:
            continue
        column.width = max(len(column.name.split()[0]), column.width - excess, 8)
        wrapped.add(column.index)

    right_edge: dict[int, int] = {}
    x = INDENT
    for column in columns:
        right_edge[column.index] = x + column.width
        x += column.width + GAP

    def line_of(cells: list[list[Text]], styles: str = "") -> list[Text]:
        height = max(len(c) for c in cells)
        lines = []
        for k in range(height):
            line = Text(" " * INDENT, style=styles)
            for j, column in enumerate(columns):
                piece = cells[j][k] if k < len(cells[j]) else Text("")
                pad = " " * max(column.width - len(piece), 0)
                line.append_text(Text(pad) + piece if column.numeric else piece + Text(pad))
                if j + 1 < len(columns):
                    line.append(" " * GAP)
            line.rstrip()
            lines.append(line)
        return lines

    def row_cells(row: list[Cell]) -> list[list[Text]]:
        cells = []
        for column in columns:
            text = text_of(row, column.index)
            if column.index in wrapped:
                cells.append([Text(p) for p in wrap(text.plain, column.width)])
            else:
                cells.append([text])
        return cells

    def under_lines(row: list[Cell]) -> list[Text]:
        lines: list[Text] = []
        start = right_edge[namer.index] - namer.width if namer in columns else INDENT
        for column in moved:
            value = text_of(row, column.index).plain
            if value:
                label = f"{column.name}: "
                for k, piece in enumerate(wrap(value, width - start - len(label))):
                    lines.append(Text(" " * start + (label if k == 0 else " " * len(label))
                                      + piece, style="dim"))
        formulas = [(right_edge[h], str(row[f])) for h, f in sorted(under.items())
                    if h in right_edge and isinstance(row[f], str) and row[f] not in ("", "0")]
        # each formula right-aligned under its value, sharing a line with the one before it
        # where there is room; one too long for the room under its value wraps
        line, x = Text(""), start
        for edge, formula in formulas:
            if edge - len(formula) >= x:
                line.append(" " * (edge - len(formula) - len(line)))
                line.append(formula, style="dim")
                x = edge + GAP + 1
                continue
            if len(line):
                lines.append(line)
            pieces = wrap(formula, max(edge - start, 1))
            for piece in pieces[:-1]:
                lines.append(Text(" " * max(edge - len(piece), 0)) + Text(piece, style="dim"))
            last = pieces[-1]
            line = Text(" " * max(edge - len(last), 0)) + Text(last, style="dim")
            x = edge + GAP + 1
        if len(line):
            lines.append(line)
        return lines

    out = [Text(piece, style="bold") for piece in wrap(table.title, width, 0, _TITLE_BREAKS)]
    out.append(Text(""))
    header_height = max(len(c.header) for c in columns)
    out += line_of([[Text(h, style="bold") for h in
                     [""] * (header_height - len(c.header)) + c.header] for c in columns])
    rule = Text(" " + "─" * (total() - 1))
    out.append(rule)
    for row in table.rows:
        out += line_of(row_cells(row))
        out += under_lines(row)
    if table.totals is not None:
        out.append(rule.copy())
        out += line_of(row_cells(table.totals))
    if table.notes:
        out.append(Text(""))
        for note in table.notes:
            out += [Text(("  " if k else "") + piece)
                    for k, piece in enumerate(wrap(note, width - 2, len(_BREAKS) - 1))]
    return out


def plain_text(table: Table, width: int = 120) -> str:
    """``table`` as plain text ``width`` wide, ending in a newline."""
    return "".join(line.plain.rstrip() + "\n" for line in render_lines(table, width))
