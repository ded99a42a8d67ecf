"""The Python examples of the docs run as written, outputs included (doctest on each ``pycon``
block, the blocks of one page sharing their names as a notebook's cells do)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ["python-api.md", "tutorials/python-notebook.md"]
BLOCK = re.compile(r"```pycon\n(.*?)```", re.S)


@pytest.mark.parametrize("page", PAGES)
def test_every_example_runs_with_the_output_shown(page: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    if "import torch" in text:
        pytest.importorskip("torch")
    if "to_dataframe" in text:
        pytest.importorskip("pandas")
    if "matplotlib" in text:
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)  # files the examples write land here
    blocks = BLOCK.findall(text)
    assert blocks, f"{page} has no pycon examples"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    names: dict[str, object] = {}
    for k, block in enumerate(blocks, 1):
        test = parser.get_doctest(block, names, f"{page} block {k}", page, 0)
        runner.run(test, clear_globs=False)
        names = test.globs
    failed, attempted = runner.summarize(verbose=False)
    assert attempted > 5 and failed == 0, f"{failed} example(s) of {page} failed (above)"
    if page == "tutorials/python-notebook.md":  # the plot was drawn
        image = tmp_path / "mobilenet_v2_sweep.png"
        assert image.stat().st_size > 10_000 and image.read_bytes()[:4] == b"\x89PNG"

