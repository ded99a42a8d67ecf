"""--plot on sweep and on a model (the optional plot extra)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app

runner = CliRunner()


def test_plots_are_real_png_and_svg(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png, svg = tmp_path / "sweep.png", tmp_path / "model.svg"
    result = runner.invoke(app, ["sweep", "mobilenet_v1", "--alpha", "1,0.5", "--resolution",
                                 "224,128", "--plot", str(png), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    result = runner.invoke(app, ["mobilenet_v1", "--summary", "--plot", str(svg)])
    assert result.exit_code == 0, result.stderr
    assert b"<svg" in svg.read_bytes()[:2000]
    again = runner.invoke(app, ["mobilenet_v1", "--summary", "--plot", str(svg)])
    assert again.exit_code == 2 and "exists; add --force" in again.stderr


def test_plot_refuses_other_suffixes(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = runner.invoke(app, ["mobilenet_v1", "--plot", str(tmp_path / "x.jpg")])
    assert result.exit_code == 2 and ".png or .svg" in result.stderr
    assert not (tmp_path / "x.jpg").exists()


def test_plot_without_matplotlib_says_how_to_install(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = runner.invoke(app, ["mobilenet_v1", "--plot", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "pip install 'mbcalc[plot]'" in result.stderr


def test_by_kind_plots_the_shares(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    svg = tmp_path / "kinds.svg"
    result = runner.invoke(app, ["mobilenet_v1", "--by-kind", "--plot", str(svg)])
    assert result.exit_code == 0, result.stderr
    text = svg.read_text(encoding="utf-8")
    assert "by kind" in text and "94.86%" in text  # 539,492,352 / 568,740,352 of MAdds in 1×1
