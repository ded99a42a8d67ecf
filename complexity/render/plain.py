"""Tables as plain text for reports: GitHub markdown, CSV, LaTeX (longtable) and HTML."""

from __future__ import annotations

import csv
import io

from complexity.render.numbers import grouped
from complexity.render.tables import Cell, Table


def _text(cell: Cell) -> str:
    return grouped(cell) if isinstance(cell, int) else cell


def _numeric(table: Table) -> list[bool]:
    """Columns whose cells are all numbers (or numeric text such as shares) align right."""
    return [
        all(isinstance(r[i], int) or r[i].replace(".", "", 1).isdigit() for r in table.rows)
        for i in range(len(table.columns))
    ]


def markdown(table: Table) -> str:
    """A GitHub-flavoured markdown table with its title and notes."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = ["---:" if right else "---" for right in _numeric(table)]
    body = [line(table.columns), "|" + "|".join(rule) + "|"]
    body += [line([_text(c) for c in row]) for row in table.rows]
    if table.totals is not None:
        body.append(line([f"**{_text(c)}**" if c != "" else "" for c in table.totals]))
    notes = [f"- {n}" for n in table.notes]
    return "\n".join([f"**{table.title}**", "", *body, *([""] + notes if notes else [])]) + "\n"


_ASCII = {"α": "alpha", "ρ": "rho", "×": "x", "→": "->", "—": "-", "²": "2"}


def ascii_header(name: str) -> str:
    """A column name as a plain-ASCII CSV key: 'α' -> 'alpha', 'input → output' ->
    'input -> output'."""
    return "".join(_ASCII.get(ch, ch) for ch in name)


def csv_text(table: Table) -> str:
    """CSV with raw integers (no digit grouping), one ASCII header row, no notes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([ascii_header(c) for c in table.columns])
    writer.writerows(table.rows)
    if table.totals is not None:
        writer.writerow(table.totals)
    return out.getvalue()


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "×": r"$\times$", "→": r"$\rightarrow$", "·": r"$\cdot$", "α": r"$\alpha$", "ρ": r"$\rho$",
    "—": "---", "²": r"\textsuperscript{2}", "³": r"\textsuperscript{3}",
    "⁴": r"\textsuperscript{4}", "−": "$-$", "‖": r"$\|$", "≤": r"$\leq$", "✓": "yes",
    "✗": "NO", "…": r"\ldots{}",
}


def latex_escape(text: str) -> str:
    """Text safe inside a LaTeX table cell, with the notation's symbols typeset."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


LATEX_PACKAGES = ("booktabs", "longtable")


def latex(table: Table) -> str:
    """A longtable (breaks across pages) with booktabs rules; its first line says the packages
    it needs."""
    def line(cells: list[Cell]) -> str:
        return " & ".join(latex_escape(_text(c)) for c in cells) + r" \\"

    spec = "".join("r" if right else "l" for right in _numeric(table))
    header = [r"\toprule", line(list(table.columns)), r"\midrule"]
    lines = [
        "% needs \\usepackage{" + ",".join(LATEX_PACKAGES) + "}",
        r"\begin{longtable}{" + spec + "}",
        r"\caption{" + latex_escape(table.title) + r"} \\",
        *header,
        r"\endfirsthead",
        *header,
        r"\endhead",
        *(line(row) for row in table.rows),
    ]
    if table.totals is not None:
        lines += [r"\midrule", line(table.totals)]
    lines += [r"\bottomrule", r"\end{longtable}"]
    lines += [r"\noindent{\footnotesize " + latex_escape(n) + r"}\par" for n in table.notes]
    return "\n".join(lines) + "\n"


def html(table: Table) -> str:
    """A standalone HTML table (caption, header, body, totals in a footer, notes below)."""
    from html import escape

    right = _numeric(table)

    def cells(tag: str, row: list[Cell]) -> str:
        return "".join(
            f'<{tag} style="text-align: right">{escape(_text(c))}</{tag}>' if r
            else f"<{tag}>{escape(_text(c))}</{tag}>"
            for c, r in zip(row, right, strict=True))

    lines = ['<table class="mbcalc">', f"<caption>{escape(table.title)}</caption>",
             f"<thead><tr>{cells('th', list(table.columns))}</tr></thead>", "<tbody>"]
    lines += [f"<tr>{cells('td', row)}</tr>" for row in table.rows]
    lines.append("</tbody>")
    if table.totals is not None:
        lines.append(f"<tfoot><tr>{cells('td', table.totals)}</tr></tfoot>")
    lines.append("</table>")
    lines += [f"<p>{escape(n)}</p>" for n in table.notes]
    return "\n".join(lines) + "\n"
