"""The docs: every number in them is mbcalc's current output, and the site builds strictly.

``docs/generate.py`` runs mbcalc and writes ``docs/snippets/*.md`` (and README.md's example
output); the pages include the snippets. These tests regenerate them in memory and fail when a
committed one differs, check that every include resolves, that no hand-written page types a
count itself, and build the site with ``mkdocs build --strict`` when MkDocs is installed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REGENERATE = "run `python docs/generate.py` and commit what it rewrites"
INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$', re.MULTILINE)
COUNT = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
"""A count with thousands separators (4,209,088): one only mbcalc may write."""


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    return _load_generator()


@pytest.fixture(scope="module")
def generated(generate: ModuleType) -> dict[Path, str]:
    return generate.build()  # type: ignore[no-any-return]


def _pages() -> list[Path]:
    """The hand-written pages: everything under docs/ but the generated snippets."""
    return sorted(p for p in DOCS.rglob("*.md") if "snippets" not in p.relative_to(DOCS).parts)


def test_every_snippet_is_what_mbcalc_prints_now(generate: ModuleType,
                                                 generated: dict[Path, str]) -> None:
    stale = generate.differences(generated)
    assert not stale, (
        f"docs out of date with mbcalc's output: {', '.join(stale)}; {REGENERATE}"
    )


def test_generation_is_deterministic(generate: ModuleType, generated: dict[Path, str]) -> None:
    generate._run.cache_clear()
    again = {p: generate.SNIPPET_FUNCTIONS[p.name]() for p in generated
             if p.parent == generate.SNIPPETS and p.name in ("signature.md", "papers.md")}
    assert again and all(text == generated[p] for p, text in again.items())


def test_every_include_exists_and_every_snippet_is_used(generated: dict[Path, str]) -> None:
    included: set[Path] = set()
    for page in _pages():
        for target in INCLUDE.findall(page.read_text(encoding="utf-8")):
            path = (DOCS / target).resolve()
            assert path.is_file() or path in generated, f"{page.relative_to(ROOT)}: {target}"
            included.add(path)
    snippets = {p for p in generated if p.parent == DOCS / "snippets"}
    unused = sorted(p.name for p in snippets - included if p.name != "readme-output.md")
    assert not unused, f"snippets no page includes: {unused}"


def test_no_page_types_a_count_by_hand() -> None:
    """Counts (anything written 1,234 or longer) come from snippets, so they cannot drift.
    docs/zoo/*.md are the zoo pages' own, checked by their tests."""
    found = []
    for page in _pages():
        if page.parent.name == "zoo":
            continue
        for line in page.read_text("utf-8").splitlines():
            found += [f"{page.relative_to(ROOT)}: {m.group()} in {line.strip()[:60]!r}"
                      for m in COUNT.finditer(line)]
    assert not found, ("hand-typed counts (generate them in docs/generate.py and include the "
                       "snippet):\n" + "\n".join(found))


def test_every_page_is_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s+([\w/.-]+\.md)\s*$", config, re.MULTILINE))
    missing = sorted(str(p.relative_to(DOCS)) for p in _pages()
                     if str(p.relative_to(DOCS)) not in listed)
    assert not missing, f"pages missing from mkdocs.yml's nav: {missing}"


def test_every_zoo_page_is_in_the_papers_table(generated: dict[Path, str]) -> None:
    text = generated[DOCS / "snippets" / "papers.md"]
    text += (DOCS / "paper-vs-mbcalc.md").read_text(encoding="utf-8")
    missing = [p.name for p in sorted((DOCS / "zoo").glob("*.md")) if f"zoo/{p.name}" not in text]
    assert not missing, f"docs/paper-vs-mbcalc.md does not link {missing}"


FENCE = re.compile(r"^```(text|\s*\{ \.text \.wraps \})\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def test_every_terminal_block_fits_the_docs_width(generate: ModuleType,
                                                  generated: dict[Path, str]) -> None:
    """What the real-browser test checks at 1600 px, without a browser: a ``$ mbcalc`` block
    is at most WIDTH columns; only a ``wraps`` block's error lines may be wider."""
    wide = []
    for path, text in generated.items():
        for fence, block in FENCE.findall(text):
            if not block.startswith("$ mbcalc"):
                continue
            for line in block.splitlines():
                error = "wraps" in fence and line.startswith("error: ")
                if len(line) > generate.WIDTH and not error:
                    wide.append(f"{path.name}: {len(line)}: {line[:60]}")
    assert not wide, "\n".join(wide)


def test_long_commands_continue_before_an_option_with_its_value(generate: ModuleType) -> None:
    import shlex

    args = ("import", "--torch", "docs/examples/tiny_resnet.py:build", "--reference-arg",
            "classes=100", "--input", "3x32x32", "--check", "--output", "my model.yaml", "--force")
    for width in (60, 80, 100):
        text = generate.shell_lines(args, width)
        lines = text.splitlines()
        assert all(len(line) <= width for line in lines), (width, lines)
        assert all(line.endswith(" \\") for line in lines[:-1])
        assert all(after.startswith("    -") for after in lines[1:])  # an option starts a line
        assert shlex.split(text.removeprefix("$ ").replace("\\\n", "")) == ["mbcalc", *args]
    assert generate.shell_lines(("mobilenet_v1",)) == "$ mbcalc mobilenet_v1"


def test_readme_and_ci_run_the_same_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.compile(r'^pip install "\.\[[\w,]+\]" && python -m pytest$', re.MULTILINE)
    ours, theirs = command.findall(readme), command.findall(ci)
    assert len(ours) == 1 and ours == theirs, (ours, theirs)
    assert "docs" in ours[0]


def test_site_builds_with_mkdocs_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="MkDocs is not installed (the 'docs' extra)")
    pytest.importorskip("material", reason="mkdocs-material is not installed (the 'docs' extra)")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = (site / "tutorials" / "depthwise-separable" / "index.html").read_text("utf-8")
    assert "--8&lt;--" not in page and "462,422,016" in page  # the snippets were included
