"""The built docs site in a real browser (headless Chromium): every page renders, no include line
leaks, every image loads, no table cell breaks a word, no output block hides columns behind a
scrollbar.

Slow (it builds the site and loads every page), so it runs only when asked and Chromium is
installed (Debian: `apt-get install chromium`):

    MBCALC_BROWSER_TEST=1 .venv/bin/python -m pytest tests/test_site_browser.py
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
pytestmark = [
    pytest.mark.skipif(not os.environ.get("MBCALC_BROWSER_TEST"),
                       reason="set MBCALC_BROWSER_TEST=1 to load the site in Chromium"),
    pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mkdocs")
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stdout + build.stderr
    return out


def pages(site: Path) -> list[str]:
    return sorted("/" + str(p.relative_to(site)) for p in site.rglob("index.html")
                  if "assets" not in p.parts and p.parent.name != "search")


def chromium(url: str, profile: Path, *extra: str) -> str:
    assert BROWSER is not None
    run = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def check(page: Path, profile: Path, width: int) -> dict[str, Any]:
    """The report of browser_check.js on ``page`` (a copy of it carries the script)."""
    script = (ROOT / "tests" / "browser_check.js").read_text(encoding="utf-8")
    checked = page.with_name("checked.html")
    checked.write_text(page.read_text(encoding="utf-8").replace(
        "</body>", f"<script>{script}</script></body>"), encoding="utf-8")
    dom = chromium(checked.as_uri(), profile, f"--window-size={width},900",
                   "--allow-file-access-from-files", "--dump-dom")
    found = re.search(r'<pre id="mbcalc-report">(.*?)</pre>', dom, re.DOTALL)
    assert found, f"{page}: no report (the page did not finish loading)"
    return json.loads(html.unescape(found.group(1)))  # type: ignore[no-any-return]


@pytest.mark.parametrize("width", [1280, 1600])
def test_every_page_in_chromium(site: Path, tmp_path: Path, width: int) -> None:
    listed = pages(site)
    assert len(listed) >= 20
    problems: dict[str, list[str]] = {}
    for name in listed:
        report = check(site / name.lstrip("/"), tmp_path / "profile", width)
        where = [] if report["rendered"] else ["did not render"]
        where += ["an include line leaked"] if report["leaks"] else []
        where += [f"image not loaded: {i}" for i in report["missing_images"]]
        where += [f"word broken in a table cell: {w}" for w in report["broken_words"]]
        if width >= 1600:  # a 100-column output block fits beside the navigation
            where += [f"output block scrolls: {b}" for b in report["scrolled_blocks"]]
        if where:
            problems[name] = where
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)[:4000]


def test_the_figures_are_on_the_pages(site: Path) -> None:
    for figure in (ROOT / "docs" / "figures").glob("*.svg"):
        assert (site / "figures" / figure.name).is_file()
        assert any(f"figures/{figure.name}" in p.read_text(encoding="utf-8")
                   for p in site.rglob("index.html")), figure.name
