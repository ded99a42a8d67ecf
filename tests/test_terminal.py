"""The terminal table at any width: no formula token, number or name is ever split across lines,
and a pipe gets the same layout as --output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app
from complexity.cli.delivery import FILE_WIDTH, Format, render
from complexity.engine.walk import walk
from complexity.language.zoo import resolve
from complexity.render.comparisons import compare_table
from complexity.render.sweeps import formula_table
from complexity.render.tables import Table, kind_table, layer_table, summary_table
from complexity.render.terminal import plain_text, wrap

runner = CliRunner()
_SPLIT = re.compile(r"[\s·]+")
_DECOR = set("─█") | {"", "%"}


def tokens(text: str) -> set[str]:
    """The atoms a line may hold: the pieces between spaces and '·'."""
    return {t for t in _SPLIT.split(text) if t}


def table_tokens(table: Table) -> set[str]:
    cells = [table.title, *table.columns, *(f"{c}:" for c in table.columns), *table.notes]
    for row in [*table.rows, *([table.totals] if table.totals else [])]:
        for cell in row:
            cells += [f"{cell:,}", str(cell)] if isinstance(cell, int) else [cell, f"{cell}%"]
    known: set[str] = set()
    for cell in cells:
        known |= tokens(cell)
    return known


def assert_no_split(table: Table, width: int) -> str:
    text = plain_text(table, width)
    known = table_tokens(table)
    for line in text.splitlines():
        for token in tokens(line):
            bar = token.strip("█·")
            assert token in known or bar in known or set(token) <= set("─█·"), (
                f"{token!r} at width {width} is not a whole token of the table:\n{line}")
    return text


def tables() -> list[Table]:
    from complexity.analysis.compare import Problem, compare

    v1 = walk(resolve("mobilenet_v1"), 1, 1, None, "paper")  # type: ignore[arg-type]
    v2 = walk(resolve("mobilenet_v2"), 1, 1, None, "paper")  # type: ignore[arg-type]
    problem = Problem(cin=384, cout=384, kernel=3, size=14)
    return [layer_table(v1), layer_table(v2, flops=True), summary_table(v1), kind_table(v2),
            formula_table(v2), compare_table(compare(problem), problem)]


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_no_token_is_split_across_lines(width: int) -> None:
    for table in tables():
        text = assert_no_split(table, width)
        numbers = [c for row in table.rows for c in row if isinstance(c, int)]
        for n in numbers:
            assert f"{n:,}" in text  # every number printed whole


def test_a_long_title_wraps_at_a_comma_or_a_dash_within_the_width() -> None:
    from complexity.analysis.memory import analyse
    from complexity.render.memory import resolution_table

    table = resolution_table(analyse(walk(resolve("mobilenet_v2"), 1, 1, None, "paper"),
                                     "float32"))
    assert len(table.title) > 100
    for width in (60, 80, 100):
        text = assert_no_split(table, width)
        title = text.split("\n\n")[0].splitlines()
        assert len(title) > 1 and all(len(line) <= width for line in title), (width, title)
        assert " ".join(title) == table.title  # only spaces were cut
        if width >= 80:  # the cuts fall after a comma or before a dash
            assert all(line.endswith(",") or after.startswith("— ")
                       for line, after in zip(title, title[1:], strict=False)), title


def test_the_count_table_fits_80_columns() -> None:
    for table in tables()[:4]:
        for line in plain_text(table, 80).splitlines():
            assert len(line) <= 80, line


def test_wrap_breaks_only_at_the_notation_s_break_points() -> None:
    formula = "D_K²·M·N·D_F² = 3²·3·32·112²"
    assert wrap(formula, 40) == [formula]
    assert wrap(formula, 20) == ["D_K²·M·N·D_F²", "= 3²·3·32·112²"]
    assert wrap("a + bb + cc", 7) == ["a +", "bb + cc"]
    assert wrap("D_K²·M·N·D_F²", 6) == ["D_K²·", "M·N·", "D_F²"]
    assert wrap("unbreakable", 3) == ["unbreakable"]  # overflows rather than cut


def test_headers_wrap_at_spaces_never_inside_a_word() -> None:
    result = runner.invoke(app, ["sweep", "mobilenet_v1", "--alpha", "1,0.5", "--resolution",
                                 "224,128"], env={"COLUMNS": "60"})
    assert result.exit_code == 0
    assert "resolution" in result.stdout
    assert "(short)" in result.stdout
    assert not re.search(r"resolutio\s", result.stdout)


def test_a_pipe_gets_the_same_layout_as_output(tmp_path: Path) -> None:
    piped = runner.invoke(app, ["mobilenet_v1"], env={"COLUMNS": ""})
    out = tmp_path / "f.txt"
    written = runner.invoke(app, ["mobilenet_v1", "--output", str(out)], env={"COLUMNS": ""})
    assert piped.exit_code == written.exit_code == 0
    assert out.read_text(encoding="utf-8") == piped.stdout
    assert max(len(line) for line in piped.stdout.splitlines()) <= FILE_WIDTH


def test_render_uses_the_width_it_is_given() -> None:
    table = tables()[0]
    assert render([table], Format.table, 80) == plain_text(table, 80)


def test_by_kind_prints_the_breakdown_alone_and_csv_one_table() -> None:
    result = runner.invoke(app, ["mobilenet_v1", "--by-kind"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) < 20  # no 170-line layer table before it
    assert "Conv DW 3×3" in result.stdout
    for extra in ([], ["--summary"]):
        csv_out = runner.invoke(app, ["mobilenet_v1", "--by-kind", *extra, "--format", "csv"])
        lines = csv_out.stdout.splitlines()
        assert "" not in lines and lines[0].startswith("kind,layers,params")


@pytest.mark.parametrize(("params", "text"), [
    (4_209_088, "16.84 MB"), (865, "3.46 KB"), (10, "40 bytes"), (250, "1.00 KB"),
    (249, "996 bytes"), (0, "0 bytes"), (400_000_000, "1.60 GB")])
def test_model_sizes_print_in_sensible_units(params: int, text: str) -> None:
    from complexity.render.numbers import megabytes

    assert megabytes(params) == text  # params × 4 bytes, decimal units
