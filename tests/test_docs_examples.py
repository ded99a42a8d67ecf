"""The spec-format reference's examples (docs/examples/*.yaml, included in
docs/reference/spec-format.md) load as a reader copies them and count what real torch layers
written from them count: params (`sum(numel)`, the torch convention) and MAdds
(FlopCounterMode / 2), side branches in eval and training mode."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from complexity.engine.walk import walk
from complexity.language.specfile import load_spec

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGE = DOCS / "reference" / "spec-format.md"


def included() -> list[str]:
    """The example files the spec-format page includes."""
    return re.findall(r'--8<-- "examples/([\w.]+\.yaml)"', PAGE.read_text(encoding="utf-8"))


def counts(name: str, convention: str = "torch", **values: Any) -> tuple[int, int]:
    path = DOCS / "examples" / name
    report = walk(load_spec(path.read_text(encoding="utf-8"), str(path), values or None),
                  convention=convention, closed=False)  # type: ignore[arg-type]
    return report.params, report.madds


def test_the_page_includes_an_example_of_each_feature() -> None:
    assert {"user_block.yaml", "efficientnet_stages.yaml", "merge_keys.yaml",
            "modern_layers.yaml", "side_branch.yaml"} <= set(included())


MISTAKES = {"residual_unpadded.yaml"}
"""Examples of what mbcalc refuses."""


@pytest.mark.parametrize("name", sorted(set(included()) - MISTAKES))
def test_every_included_example_loads(name: str) -> None:
    assert counts(name)[1] > 0


def test_merge_keys_copy_the_anchored_layer() -> None:
    # a: 3·3·3·16 at 16×16; b: 3·3·16·16 at 16×16; c: 3·3·16·32 at 8×8; fc 32·10 (paper)
    assert counts("merge_keys.yaml", "paper") == (
        3 * 3 * 3 * 16 + 3 * 3 * 16 * 16 + 3 * 3 * 16 * 32 + 32 * 10,
        3 * 3 * 3 * 16 * 16 * 16 + 3 * 3 * 16 * 16 * 16 * 16 + 3 * 3 * 16 * 32 * 8 * 8 + 32 * 10)


def test_the_unpadded_residual_stops_with_the_error_the_page_quotes() -> None:
    from complexity.errors import SpecError

    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    quoted = re.search(r"`error: (residual_unpadded\.yaml:9: .*?)` \(exit 2\)", text)
    assert quoted is not None
    with pytest.raises(SpecError) as info:
        counts("residual_unpadded.yaml")
    assert str(info.value).replace(str(DOCS / "examples") + "/", "") == quoted.group(1)
