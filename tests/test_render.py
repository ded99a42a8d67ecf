"""Every output format: golden files (rewrite with `pytest --update-golden`), the column-sum
invariant, and LaTeX that compiles where a TeX engine is installed."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()

COMMANDS = {
    "count": ["mobilenet_v1", "--alpha", "0.75", "--rho", "0.714"],
    "count_by_kind": ["mobilenet_v1", "--summary", "--by-kind"],
    "compare": ["compare", "--cin", "512", "--cout", "512", "--kernel", "3", "--size", "14",
                "--alpha", "0.75"],
    "sweep": ["sweep", "mobilenet_v1", "--alpha", "1,0.5", "--resolution", "224,128"],
    "formula": ["formula", "mobilenet_v1"],
}
FORMATS = ["table", "markdown", "csv", "json", "latex", "html"]
SUFFIX = {"table": "txt", "markdown": "md", "csv": "csv", "json": "json", "latex": "tex",
          "html": "html"}


def output(args: list[str], fmt: str) -> str:
    result = runner.invoke(app, [*args, "--format", fmt], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", COMMANDS)
def test_golden(command: str, fmt: str, update_golden: bool) -> None:
    text = output(COMMANDS[command], fmt)
    path = GOLDEN / f"{command}.{SUFFIX[fmt]}"
    if update_golden or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{path.name} was missing and has been written; check it and rerun")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is intended, rerun with --update-golden"
    )


def test_csv_rows_add_up_to_the_printed_totals() -> None:
    rows = list(csv.reader(io.StringIO(output(COMMANDS["count"], "csv"))))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    for column in ("params", "MAdds"):
        i = header.index(column)
        assert sum(int(r[i]) for r in body) == int(total[i])
    by_kind = output(COMMANDS["count_by_kind"], "csv").split("\n\n")[-1]
    kinds = list(csv.reader(io.StringIO(by_kind)))
    header, body, total = kinds[0], kinds[1:-1], kinds[-1]
    for column in ("layers", "params", "MAdds"):
        i = header.index(column)
        assert sum(int(r[i]) for r in body) == int(total[i])


def test_markdown_totals_match_json_totals() -> None:
    data = json.loads(output(COMMANDS["count"], "json"))
    text = output(COMMANDS["count"], "markdown")
    assert f"**{data['totals']['params']:,}**" in text
    assert f"**{data['totals']['madds']:,}**" in text


@pytest.mark.parametrize("command", ["count", "compare", "sweep", "formula"])
def test_latex_compiles(command: str, tmp_path: Path) -> None:
    engine = next((e for e in ("pdflatex", "lualatex", "xelatex") if shutil.which(e)), None)
    if engine is None:
        pytest.skip("no TeX engine (pdflatex, lualatex or xelatex) is installed")
    body = output(COMMANDS[command], "latex")
    document = ("\\documentclass{article}\n\\usepackage{booktabs,longtable}\n"
                "\\usepackage{amsmath}\n"
                "\\usepackage[margin=1cm,landscape]{geometry}\n\\begin{document}\n"
                f"{body}\\end{{document}}\n")
    (tmp_path / "t.tex").write_text(document, encoding="utf-8")
    run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]


def test_counts_beyond_a_float_are_formatted() -> None:
    """10⁴⁰⁰ overflows a float: the short forms fall back to exact decimals (no OverflowError)."""
    from fractions import Fraction

    from complexity.render.numbers import decimal, megabytes, readable, short

    assert short(10**400) == "1.000e+388T"
    assert readable(2 * 10**350).endswith("(2.000e+338T)")
    assert megabytes(10**306) == "4.000e+294 TB"
    assert decimal(Fraction(10**301, 3)) == "3.33333e+300"
    assert short(568_740_352) == "568.7M"  # the float path is unchanged


@pytest.mark.parametrize("command", COMMANDS)
def test_json_is_one_object_with_the_shared_keys(command: str) -> None:
    data = json.loads(output(COMMANDS[command], "json"))
    assert isinstance(data, dict)
    if command != "compare":  # compare costs one layer, no model: its inputs are `problem`
        assert data["model"] == "mobilenet_v1" and data["convention"] == "paper"
    else:
        assert data["problem"]["cin"] == 512 and data["layer"]["cin"] == 384  # 0.75 · 512


def test_sweep_json_names_its_grid() -> None:
    data = json.loads(output(COMMANDS["sweep"], "json"))
    assert data["grid"] == {"alpha": [1.0, 0.5], "resolution": [224, 128]}
    assert [(p["alpha"], p["resolution"]) for p in data["points"]] == [
        (1.0, 224), (1.0, 128), (0.5, 224), (0.5, 128)]
    assert data["points"][0]["madds"] == 568_740_352  # the MobileNet paper's Table 8 figure


@pytest.mark.parametrize("command", COMMANDS)
def test_csv_is_one_table_with_an_ascii_header(command: str) -> None:
    text = output(COMMANDS[command], "csv")
    assert "\n\n" not in text
    header = text.splitlines()[0]
    assert header.isascii(), header


def test_html_aligns_numbers_right_and_latex_breaks_across_pages() -> None:
    html = output(COMMANDS["count"], "html")
    assert '<td style="text-align: right">4,147,200</td>' in html  # conv1's MAdds
    latex = output(COMMANDS["count"], "latex")
    assert latex.startswith("% needs \\usepackage{booktabs,longtable}")
    assert "\\begin{longtable}" in latex and "\\endhead" in latex
