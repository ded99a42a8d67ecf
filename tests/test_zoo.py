"""The zoo: names, family files with variants, resolving names and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from complexity.engine.walk import walk
from complexity.errors import SpecError
from complexity.language import zoo

FAMILY = """\
name: tiny
title: A tiny family
variables:
  width: 8
  classes: 10
variants:
  tiny_a: {width: 8}
  tiny_b: {width: 16, classes: 5}
layers:
  - {kind: conv, name: conv, out: $width, kernel: 3}
  - {kind: global_pool}
  - {kind: fc, name: fc, out: $classes, width: fixed}
"""


@pytest.fixture
def family_zoo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "tiny.yaml").write_text(FAMILY)
    (tmp_path / "single.yaml").write_text(FAMILY.split("variants:")[0]
                                          + "layers:\n  - {kind: conv, out: 4, kernel: 1}\n")
    monkeypatch.setattr(zoo, "zoo_dir", lambda: tmp_path)
    zoo.zoo_index.cache_clear()
    zoo.zoo_entries.cache_clear()
    yield tmp_path
    zoo.zoo_index.cache_clear()
    zoo.zoo_entries.cache_clear()


def test_family_members_are_names(family_zoo: Path) -> None:
    assert zoo.zoo_names() == ["single", "tiny_a", "tiny_b"]


def test_member_takes_its_values(family_zoo: Path) -> None:
    spec = zoo.resolve("tiny_b")
    assert spec.network.name == "tiny_b"
    report = walk(spec)
    # conv 3·3·3·16 weights; fc 16·5
    assert report.params == 3 * 3 * 3 * 16 + 16 * 5


def test_set_overrides_a_member(family_zoo: Path) -> None:
    report = walk(zoo.resolve("tiny_b", {"classes": 7}))
    assert report.params == 3 * 3 * 3 * 16 + 16 * 7


def test_member_value_of_wrong_type_names_the_variable(family_zoo: Path) -> None:
    (family_zoo / "tiny.yaml").write_text(FAMILY.replace("{width: 16, classes: 5}",
                                                         "{width: wide}"))
    zoo.zoo_index.cache_clear()
    with pytest.raises(SpecError, match="width"):
        zoo.resolve("tiny_b")


def test_unknown_name_suggests(family_zoo: Path) -> None:
    with pytest.raises(SpecError, match="did you mean tiny_b, tiny_a"):
        zoo.resolve("tiny_c")


def test_shipped_zoo_resolves_every_name() -> None:
    for name in zoo.zoo_names():
        assert zoo.resolve(name).network.name == name


def test_a_member_takes_its_source_from_a_variable(family_zoo: Path) -> None:
    (family_zoo / "tiny.yaml").write_text(FAMILY.replace(
        "title: A tiny family\n", "title: A tiny family\nsource: $framework\n").replace(
        "  classes: 10\n", "  classes: 10\n  framework: torchvision\n").replace(
        "{width: 16, classes: 5}", "{width: 16, classes: 5, framework: keras}"))
    (family_zoo / "single.yaml").write_text(FAMILY.split("variants:")[0].replace(
        "  width: 8\n", "  width: 8\n  fw: 1\n  origin: {by: fw, values: {1: paper}}\n")
        .replace("title: A tiny family\n", "title: $origin\nsource: $origin\n")
        + "layers:\n  - {kind: conv, out: 4, kernel: 1}\n")
    zoo.zoo_index.cache_clear()
    zoo.zoo_entries.cache_clear()
    listed = {entry.name: entry for entry in zoo.zoo_entries()}
    assert [listed[n].source for n in ("single", "tiny_a", "tiny_b")] == [
        "paper", "torchvision", "keras"]
    assert listed["single"].title == "paper"
    for name in listed:  # the header's reading agrees with the spec's own, loaded in full
        assert zoo.resolve(name).network.source == listed[name].source


def test_every_shipped_network_names_its_source() -> None:
    """``mbcalc list`` shows a source on every row, the one the spec gives once loaded, and no
    title names a framework other than its source."""
    for entry in zoo.zoo_entries():
        assert entry.source, entry.name
        assert zoo.resolve(entry.name).network.source == entry.source, entry.name
        for framework in ("torchvision", "keras"):
            if framework in entry.title.lower():
                assert framework in entry.source, (entry.name, entry.title, entry.source)
    listed = {entry.name: entry.source for entry in zoo.zoo_entries()}
    assert listed["efficientnet_b0"] == "torchvision"
    assert listed["efficientnet_b0_keras"] == "keras"


def test_a_repeat_of_zero_times_leaves_its_layers_out() -> None:
    """How a family leaves out a layer some members lack (vgg.yaml's `times: $bn`)."""
    from complexity.language.specfile import load_spec

    text = """\
name: z
variables: {bn: 1}
layers:
  - {kind: conv, name: conv, out: 8, kernel: 3, padding: 1}
  - {kind: repeat, times: $bn, layers: [{kind: bn, name: norm}]}
  - {kind: act, fn: relu}
"""
    with_bn = walk(load_spec(text, "z.yaml"), convention="torch")
    without = walk(load_spec(text, "z.yaml", {"bn": 0}), convention="torch")
    assert [r.kind for r in with_bn.rows] == ["conv", "bn", "act"]
    assert [r.kind for r in without.rows] == ["conv", "act"]
    assert with_bn.params - without.params == 2 * 8, "the batch norm's γ, β"
