"""Built-in blocks take any activation (`act`): every kind has the field, validated and listed
like every activation, and it changes only the activation rows, never params or MAdds
(tests/test_reference_blocks.py holds such blocks to real torch modules)."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from typer.testing import CliRunner

from complexity.cli import app
from complexity.engine.walk import Report, walk
from complexity.errors import SpecError
from complexity.language.blocks import Block
from complexity.language.layers import Activation
from complexity.language.specfile import load_spec

SAMPLES: dict[str, str] = {
    "conv_bn": "out: 16",
    "sepconv": "out: 16",
    "dwsep": "out: 16",
    "inverted_residual": "expansion: 2, out: 16",
    "bneck": "exp: 32, out: 16, se: true",
    "fire": "squeeze: 4, expand1x1: 8, expand3x3: 8",
    "shufflenet_v1_unit": "out: 16, groups: 2",
    "shufflenet_v2_unit": "out: 16",
    "basic": "out: 16",
    "bottleneck": "mid: 8, out: 16, se: true",
    "inception_v1": "c1: 4, c3r: 4, c3: 8, c5r: 2, c5: 4, pool_proj: 4",
    "inception_a": "pool_features: 8",
    "inception_b": "",
    "inception_c": "c7: 8",
    "inception_d": "",
    "inception_e": "",
    "mbconv": "out: 16",
    "fused_mbconv": "out: 16",
}
"""One small use of every built-in block kind, on a 16-channel 9×9 map."""


def block_kinds() -> list[str]:
    return [kind for model in get_args(Block)
            for kind in get_args(model.model_fields["kind"].annotation)]


def one_block(kind: str, fields: str, act: str | None = None) -> Report:
    extra = ", ".join(f for f in (fields, f"act: {act}" if act else "") if f)
    text = (f"name: net\nresolution: 9\nlayers:\n  - {{kind: pw, out: 16}}\n"
            f"  - {{kind: {kind}, name: b, {extra}}}\n")
    return walk(load_spec(text), convention="torch", closed=False)


def activations(report: Report) -> list[str]:
    return [row.layer.fn for row in report.rows if isinstance(row.layer, Activation)]


def test_every_block_kind_is_sampled_and_has_an_act_field() -> None:
    assert sorted(SAMPLES) == sorted(block_kinds())
    for model in get_args(Block):
        assert "act" in model.model_fields, model.__name__


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_act_changes_the_activations_only(kind: str) -> None:
    """``act: elu`` (no block's default) turns every activation of the block into ELU and
    leaves every params and MAdds figure as it was; ``act: none`` leaves them out."""
    default = one_block(kind, SAMPLES[kind])
    model = next(m for m in get_args(Block)
                 if kind in get_args(m.model_fields["kind"].annotation))
    paper = model.model_fields["act"].default
    elu = one_block(kind, SAMPLES[kind], "elu")
    none = one_block(kind, SAMPLES[kind], "none")
    assert set(activations(default)) <= {paper}
    assert set(activations(elu)) == {"elu"}
    assert activations(none) == []
    if paper != "none":
        assert len(activations(elu)) == len(activations(default))
    for other in (elu, none):
        assert [(r.params, r.madds) for r in other.rows if r.kind != "act"] == [
            (r.params, r.madds) for r in default.rows if r.kind != "act"]
        assert (other.params, other.madds) == (default.params, default.madds)


def test_a_misspelt_activation_gets_a_did_you_mean() -> None:
    with pytest.raises(SpecError, match=r"net.yaml:5: layers\[1\].act \(b\): unknown value "
                                        r"'hswsh'; did you mean hswish\? one of: relu, .*none"):
        load_spec("name: net\nresolution: 9\nlayers:\n  - {kind: pw, out: 16}\n"
                  "  - {kind: fire, name: b, squeeze: 4, expand1x1: 8, expand3x3: 8, "
                  "act: hswsh}\n", "net.yaml")


def test_the_spec_reference_lists_the_activations_of_every_block() -> None:
    from complexity.language.schema import spec_schema

    definitions = spec_schema()["$defs"]
    for model in get_args(Block):
        act = json.dumps(definitions[model.__name__]["properties"]["act"])
        assert "hswish" in act and "none" in act, model.__name__


def test_ops_and_as_on_the_command_line_name_the_activation(tmp_path: Any) -> None:
    spec = tmp_path / "fire.yaml"
    spec.write_text("name: fire\nresolution: 8\nlayers:\n"
                    "  - {kind: fire, name: f, squeeze: 4, expand1x1: 8, expand3x3: 8, "
                    "act: hswish}\n")
    runner = CliRunner()
    result = runner.invoke(app, [str(spec), "--ops", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["layers"]
    assert [r["name"] for r in rows if r["kind"] == "act"] == [
        "f/squeeze/hswish", "f/expand1x1/hswish", "f/expand3x3/hswish"]
    # hswish: 5 ops per element of the 4×8×8 squeeze and the two 8×8×8 expands
    assert json.loads(result.stdout)["totals"]["ops"]["act"] == 5 * (4 + 8 + 8) * 8 * 8
