"""Tables as plain text for reports: GitHub markdown, CSV, and LaTeX (booktabs)."""

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


def csv_text(table: Table) -> str:
    """CSV with raw integers (no digit grouping), one header row, no notes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
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


def latex(table: Table) -> str:
    """A booktabs table environment (needs \\usepackage{booktabs})."""
    def line(cells: list[Cell]) -> str:
        return " & ".join(latex_escape(_text(c)) for c in cells) + r" \\"

    spec = "".join("r" if right else "l" for right in _numeric(table))
    lines = [
        r"\begin{table}[ht]",
        r"\centering",
        r"\caption{" + latex_escape(table.title) + "}",
        r"\begin{tabular}{" + spec + "}",
        r"\toprule",
        line(list(table.columns)),
        r"\midrule",
        *(line(row) for row in table.rows),
    ]
    if table.totals is not None:
        lines += [r"\midrule", line(table.totals)]
    lines += [r"\bottomrule", r"\end{tabular}"]
    lines += [r"\par\smallskip{\footnotesize " + latex_escape(n) + "}" for n in table.notes]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def html(table: Table) -> str:
    """A standalone HTML table (caption, header, body, totals in a footer, notes below)."""
    from html import escape

    def cells(tag: str, row: list[Cell]) -> str:
        return "".join(f"<{tag}>{escape(_text(c))}</{tag}>" for c in row)

    lines = ['<table class="mbcalc">', f"<caption>{escape(table.title)}</caption>",
             f"<thead><tr>{cells('th', list(table.columns))}</tr></thead>", "<tbody>"]
    lines += [f"<tr>{cells('td', row)}</tr>" for row in table.rows]
    lines.append("</tbody>")
    if table.totals is not None:
        lines.append(f"<tfoot><tr>{cells('td', table.totals)}</tr></tfoot>")
    lines.append("</table>")
    lines += [f"<p>{escape(n)}</p>" for n in table.notes]
    return "\n".join(lines) + "\n"
