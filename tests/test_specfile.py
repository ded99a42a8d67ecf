"""Reading spec files: locations in messages, variables, hostile YAML."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from complexity.errors import SpecError
from complexity.language.sources import read_text
from complexity.language.specfile import load_spec

GOOD = """\
name: tiny
resolution: 32
variables: {classes: 10}
layers:
  - {kind: conv, name: c1, out: 8, kernel: 3, padding: 1}
  - {kind: global_pool}
  - {kind: fc, name: fc, out: $classes, width: fixed}
"""


def error_of(text: str, **kwargs: object) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(text, "net.yaml", **kwargs)  # type: ignore[arg-type]
    return str(info.value)


def test_good_spec_and_variable_override() -> None:
    spec = load_spec(GOOD, "net.yaml", {"classes": 5})
    assert spec.network.layers[2].out == 5  # type: ignore[union-attr]
    assert spec.network.variables == {"classes": 5}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("out: 8,", "out: 8, kernal: 3,"),
         "net.yaml:5: layers[0].kernal (c1): unknown field 'kernal'"),
        (("kind: conv", "kind: convv"),
         "net.yaml:5: layers[0].kind (c1): unknown layer kind 'convv'; did you mean conv?"),
        (("out: 8,", "out: '8',"),
         "net.yaml:5: layers[0].out (c1): Input should be a valid integer"),
        (("out: 8,", "out: 8.0,"), "layers[0].out (c1): Input should be a valid integer"),
        (("out: 8,", "out: true,"), "layers[0].out (c1): Input should be a valid integer"),
        (("out: 8,", "out: 0,"), "layers[0].out (c1): Input should be greater than 0"),
        (("out: 8,", "out: -3,"), "layers[0].out (c1): Input should be greater than 0"),
        (("$classes", "$clases"), "net.yaml:7: layers[2].out (fc): unknown variable 'clases'"),
        (("kind: global_pool", "kind: global_pool, size: 2"), "layers[1].size: unknown field"),
    ],
)
def test_bad_field_names_file_line_layer_and_field(edit: tuple[str, str], expected: str) -> None:
    assert expected in error_of(GOOD.replace(*edit))


def test_unknown_override() -> None:
    assert "--set clases: unknown variable" in error_of(GOOD, overrides={"clases": 3})


def test_empty_and_non_mapping_documents() -> None:
    assert "is empty" in error_of("")
    assert "must be a mapping" in error_of("- 1\n- 2\n")
    assert "missing field 'layers'" in error_of("name: x\n")


def test_malformed_yaml_names_the_line() -> None:
    assert error_of("name: x\nlayers: [\n").startswith("net.yaml:3: malformed YAML")


def test_python_tags_are_refused() -> None:
    text = "!!python/object/apply:os.system ['echo pwned']\n"
    assert "unsupported YAML" in error_of(text)
    assert "unsupported YAML" in error_of("name: !!python/name:os.system\nlayers: []\n")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    start = time.perf_counter()
    assert "alias bomb" in error_of("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1


def test_deep_nesting_is_refused_quickly() -> None:
    start = time.perf_counter()
    message = error_of("name: x\nlayers: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert "nested deeper than" in message
    assert time.perf_counter() - start < 1


def test_files_that_are_not_specs(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="is a directory"):
        read_text(tmp_path)
    with pytest.raises(SpecError, match="no such file"):
        read_text(tmp_path / "none.yaml")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(SpecError, match="binary"):
        read_text(binary)
    latin = tmp_path / "l.yaml"
    latin.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpecError, match="not UTF-8"):
        read_text(latin)
    huge = tmp_path / "h.yaml"
    huge.write_text("#" * (2 << 20))
    with pytest.raises(SpecError, match="larger than"):
        read_text(huge)


TABLE = """\
name: t
resolution: 8
variables:
  groups: 3
  width: {by: groups, values: {1: 12, 3: 24}}
layers:
  - {kind: conv, name: c, out: $width, kernel: 1, groups: $groups}
"""


def test_table_variables_follow_their_key() -> None:
    assert load_spec(TABLE).network.layers[0].out == 24  # type: ignore[union-attr]
    assert load_spec(TABLE, overrides={"groups": 1}).network.layers[0].out == 12  # type: ignore[union-attr]
    assert "no value for groups=2 (choices: 1, 3)" in error_of(TABLE, overrides={"groups": 2})
