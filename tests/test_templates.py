"""The language of issue 12: user-defined blocks, per-repetition values, products, merge keys,
the padding rule, no silent residual drops, did-you-mean for fields, side branches."""

from __future__ import annotations

import time

import pytest

from complexity.engine.walk import walk
from complexity.errors import SpecError
from complexity.language.specfile import load_spec

USER_BLOCK = """\
name: net
resolution: 32
blocks:
  sep:
    params:
      out: int
      stride: {type: int, default: 1}
      act: {type: str, default: relu}
    layers:
      - {kind: dw, name: dw, kernel: 3, stride: $stride}
      - {kind: bn}
      - {kind: act, fn: $act}
      - {kind: pw, name: pw, out: $out}
layers:
  - {kind: conv, name: stem, out: 8, kernel: 3}
  - {kind: sep, name: b1, out: 16, stride: 2}
  - {kind: sep, name: b2, out: 32, act: gelu}
"""


def error_of(text: str) -> str:
    with pytest.raises(SpecError) as info:
        walk(load_spec(text, "net.yaml"))
    return str(info.value)


def test_user_block_expands_like_a_builtin() -> None:
    report = walk(load_spec(USER_BLOCK, "net.yaml"))
    rows = {r.name: r for r in report.rows}
    # stem 3·3·3·8 on 32×32; b1: dw 3·3·8 at 16×16, pw 8·16 at 16×16; b2: dw 3·3·16, pw 16·32
    assert rows["b1/dw"].output.as_list() == [8, 16, 16]
    assert rows["b2/pw"].output.as_list() == [32, 16, 16]
    assert report.params == 3 * 3 * 3 * 8 + 3 * 3 * 8 + 8 * 16 + 3 * 3 * 16 + 16 * 32
    assert report.madds == (3 * 3 * 3 * 8 * 32 * 32 + (3 * 3 * 8 + 8 * 16) * 16 * 16
                            + (3 * 3 * 16 + 16 * 32) * 16 * 16)
    assert [r.layer.fn for r in report.rows if r.kind == "act"] == ["relu", "gelu"]


def test_error_inside_a_block_names_the_definition_and_the_use() -> None:
    text = USER_BLOCK.replace("{kind: pw, name: pw, out: $out}",
                              "{kind: pw, name: pw, out: $out, groups: 3}")
    message = error_of(text)
    assert message.startswith("net.yaml:13: ")  # the pw line in the definition
    assert "in block 'sep' used at net.yaml:16" in message  # b1
    assert "groups=3" in message


def test_block_parameters_are_checked_at_the_use() -> None:
    assert "did you mean stride?" in error_of(USER_BLOCK.replace("stride: 2}", "strid: 2}"))
    message = error_of(USER_BLOCK.replace("{kind: sep, name: b1, out: 16, stride: 2}",
                                          "{kind: sep, name: b1, stride: 2}"))
    assert message.startswith("net.yaml:16:") and "needs parameter 'out'" in message
    assert "defined at net.yaml:5" in message  # its params line
    assert "is a int, got 'wide'" in error_of(USER_BLOCK.replace("out: 16", "out: wide"))


def test_a_misspelt_block_kind_suggests_the_block() -> None:
    message = error_of(USER_BLOCK.replace("{kind: sep, name: b2", "{kind: sepp, name: b2"))
    assert "unknown layer kind 'sepp'; did you mean sep?" in message
    assert message.endswith("this spec's blocks: sep")


def test_a_block_cannot_use_itself_or_take_a_builtin_name() -> None:
    looped = USER_BLOCK.replace("{kind: pw, name: pw, out: $out}", "{kind: sep, out: $out}")
    assert "uses itself" in error_of(looped)
    assert "built-in kind" in error_of(USER_BLOCK.replace("  sep:\n", "  mbconv:\n"))


def test_each_gives_every_repetition_its_values() -> None:
    text = """\
name: net
resolution: 32
layers:
  - kind: repeat
    name: stage
    times: 3
    each: {s: [2, 1], c: [8, 16, 24]}
    layers: [{kind: conv, out: $c, kernel: 3, stride: $s}]
"""
    report = walk(load_spec(text, "net.yaml"))
    assert [r.output.as_list() for r in report.rows] == [[8, 16, 16], [16, 16, 16],
                                                          [24, 16, 16]]
    assert [r.name for r in report.rows] == ["stage.1", "stage.2", "stage.3"]


def test_each_value_errors_point_at_the_repeat() -> None:
    text = """\
name: net
layers:
  - kind: repeat
    times: 2
    each: {c: [8, 0]}
    layers: [{kind: conv, out: $c, kernel: 3}]
"""
    assert error_of(text).startswith("net.yaml:6: layers[0].bodies[1][0].out")


def test_mul_multiplies_numbers() -> None:
    text = """\
name: net
variables: {c: 12}
layers:
  - {kind: conv, out: {mul: [$c, 4]}, kernel: 1}
"""
    assert walk(load_spec(text, "net.yaml")).rows[0].output.c == 48
    assert "mul takes a list of numbers" in error_of(text.replace("[$c, 4]", "[$c, x]"))


def test_merge_keys_copy_a_mapping_and_keep_lines() -> None:
    text = """\
name: net
resolution: 32
layers:
  - &block {kind: conv, name: a, out: 8, kernel: 3, stride: 2}
  - {<<: *block, name: b, stride: 1}
  - <<: *block
    name: c
    out: 4
    groups: 3
"""
    rows = walk(load_spec(text[: text.index("  - <<")], "net.yaml")).rows
    assert [r.output.as_list() for r in rows] == [[8, 16, 16], [8, 16, 16]]
    assert error_of(text).startswith("net.yaml:9: layers[2].groups (c)")


def test_merge_key_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 {x: 1, y: 2}"]
    for n in range(1, 25):
        lines.append(f"a{n}: &a{n} {{<<: [*a{n - 1}], p{n}: *a{n - 1}, q{n}: *a{n - 1}}}")
    start = time.perf_counter()
    assert "alias bomb" in error_of("\n".join(lines) + "\nname: n\nlayers: []\n")
    assert time.perf_counter() - start < 10  # bounded, not hanging (CI machines are shared)


def test_convolutions_pad_same_and_pools_do_not() -> None:
    text = """\
name: net
resolution: 15
layers:
  - {kind: conv, out: 4, kernel: 3}
  - {kind: dw, kernel: 5, stride: 2}
  - {kind: maxpool, kernel: 3, stride: 2}
"""
    rows = walk(load_spec(text, "net.yaml")).rows
    # same: ceil(15/1) = 15, ceil(15/2) = 8; the pool pads 0: floor((8 − 3)/2) + 1 = 3
    assert [r.output.h for r in rows] == [15, 8, 3]


def test_a_residual_shrunk_without_stride_is_an_error() -> None:
    text = """\
name: net
resolution: 16
layers:
  - kind: residual
    when: shapes_match
    layers: [{kind: conv, out: 3, kernel: 3, padding: 0}]
"""
    message = error_of(text)
    assert message.startswith("net.yaml:5: layers[0].when")
    assert "16×16 into 14×14" in message and "silently" in message
    # with a stride the shapes differ by design (MobileNetV2's stride-2 blocks): no add, no error
    strided = text.replace("padding: 0", "stride: 2")
    assert [r.kind for r in walk(load_spec(strided, "net.yaml")).rows] == ["conv"]


def test_unknown_field_suggests_the_nearest() -> None:
    text = "name: net\nlayers:\n  - {kind: conv, out: 4, kernal: 3}\n"
    assert "unknown field 'kernal'; did you mean kernel?" in error_of(text)
    top = "name: net\nresolutoin: 32\nlayers:\n  - {kind: bn}\n"
    assert "did you mean resolution?" in error_of(top)


@pytest.mark.parametrize(("text", "expected"), [
    ("layers:\n  - {kind: bneck, exp: 8, out: 4, se: {ratoi: 0.25}}\n",
     "net.yaml:3: layers[0].se.ratoi: unknown field 'ratoi'; did you mean ratio?"),
    ("width_rule: {rule: divisible, divisr: 8}\nlayers:\n  - {kind: bn}\n",
     "net.yaml:2: width_rule.divisr: unknown field 'divisr'; did you mean divisor?"),
    ("layers:\n  - {kind: repeat, times: 2, layers: [{kind: bn}], eahc: {s: [1]}}\n",
     "net.yaml:3: layers[0].eahc: unknown field 'eahc'; did you mean each?"),
    ("layers:\n  - {kind: side, layers: [{kind: pw, out: 4, bais: true}]}\n",
     "layers[0].layers[0].bais: unknown field 'bais'; did you mean bias?"),
    ("width_rule: {rule: divisble}\nlayers:\n  - {kind: bn}\n",
     "width_rule.rule: unknown value 'divisble'; did you mean divisible? one of: floor, "
     "divisible"),
    ("layers:\n  - {kind: conv, out: 4, padding: sme}\n",
     "layers[0].padding: unknown value 'sme'; did you mean same? one of: same, valid"),
    ("layers:\n  - {kind: layernorm, layout: channel_last}\n",
     "did you mean channels_last?"),
    ("variables: {width: 16}\nlayers:\n  - {kind: pw, out: $widht}\n",
     "net.yaml:4: layers[0].out: unknown variable 'widht'; did you mean width?"),
    ("blocks:\n  b:\n    param: {out: int}\n    layers: [{kind: pw, out: $out}]\n"
     "layers:\n  - {kind: b, out: 4}\n",
     "net.yaml:4: blocks.b.param: unknown field 'param' of a block definition (did you mean "
     "params?"),
    ("blocks:\n  b:\n    params: {out: integer}\n    layers: [{kind: pw, out: $out}]\n"
     "layers:\n  - {kind: b, out: 4}\n",
     "net.yaml:4: blocks.b.params.out: unknown parameter type 'integer'; did you mean int?"),
    ("blocks:\n  b:\n    params: {out: {type: int, defalt: 3}}\n"
     "    layers: [{kind: pw, out: $out}]\nlayers:\n  - {kind: b}\n",
     "blocks.b.params.out.defalt: unknown field 'defalt' of a parameter (did you mean default?"),
])
def test_mistakes_anywhere_get_the_nearest_name(text: str, expected: str) -> None:
    """Nested mappings (an SE's options, the width rule, a repeat, a side branch's layers), a
    word out of a list, a variable, a block definition: each names the nearest."""
    assert expected in error_of("name: net\n" + text)


SIDE = """\
name: net
resolution: 8
variables: {training: false}
layers:
  - {kind: conv, out: 4, kernel: 3}
  - kind: side
    run: $training
    layers: [{kind: global_pool}, {kind: fc, out: 10, bias: false}]
  - {kind: conv, out: 2, kernel: 1}
"""


def test_side_branch_counts_params_and_madds_only_when_run() -> None:
    idle = walk(load_spec(SIDE, "net.yaml"))
    running = walk(load_spec(SIDE, "net.yaml", {"training": True}))
    convs = 3 * 3 * 3 * 4 * 8 * 8 + 4 * 2 * 8 * 8
    assert idle.params == running.params == 3 * 3 * 3 * 4 + 4 * 10 + 4 * 2
    assert (idle.madds, running.madds) == (convs, convs + 4 * 10)


def test_block_se_squeezes_from_the_block_input() -> None:
    text = """\
name: net
resolution: 8
in_channels: 48
layers:
  - {kind: bottleneck, mid: 104, out: 104, group_width: 8, stride: 2, se: true}
"""
    rows = {r.name: r for r in walk(load_spec(text, "net.yaml")).rows}
    se = next(r for name, r in rows.items() if name.endswith("se"))
    # RegNetY: squeeze to 0.25 × the block's input (48 → 12), not of the SE's input (104)
    assert (se.values["C"], se.values["C_r"]) == (104, 12)
    assert next(r for n, r in rows.items() if n.endswith("conv2")).values["g"] == 13
    absolute = text.replace("se: true", "se: {squeeze: 20}")
    se = next(r for r in walk(load_spec(absolute, "net.yaml")).rows if r.kind == "se")
    assert se.values["C_r"] == 20
    both = text.replace("se: true", "se: {squeeze: 20, ratio: 0.5}")
    assert "give one of reduction, ratio and squeeze" in error_of(both)


def test_a_misspelt_set_names_the_variable() -> None:
    with pytest.raises(SpecError, match=r"--set aux_logit: unknown variable; did you mean "
                                        r"aux_logits\?"):
        load_spec(SIDE.replace("{training: false}", "{training: false, aux_logits: false}"),
                  "net.yaml", {"aux_logit": True})
