"""Every op counted (`--ops`): the cost table's formulas by hand, per-layer terms summing to the
totals, and the formulas' text evaluating to the counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sympy import sympify
from typer.testing import CliRunner

from complexity.algebra.symbols import BY_NAME
from complexity.analysis.ops import KINDS, report_ops
from complexity.cli import app
from complexity.engine.walk import walk
from complexity.language.specfile import load_spec
from complexity.language.zoo import resolve, zoo_names

runner = CliRunner()


def spec(tmp_path: Path, layers: str, resolution: int = 8) -> object:
    return load_spec(f"name: net\nresolution: {resolution}\nlayers:\n{layers}")


def ops_of(tmp_path: Path, layers: str, resolution: int = 8) -> list[dict[str, int]]:
    report = walk(spec(tmp_path, layers, resolution))  # type: ignore[arg-type]
    return [r.counts for r in report_ops(report).rows]


def test_each_op_costs_what_the_table_says(tmp_path: Path) -> None:
    rows = ops_of(tmp_path, """\
  - {kind: conv, out: 4, kernel: 3, padding: 1, bias: true}
  - {kind: bn}
  - {kind: act, fn: relu}
  - {kind: act, fn: relu6}
  - {kind: act, fn: hsigmoid}
  - {kind: act, fn: hswish}
  - {kind: act, fn: sigmoid}
  - {kind: act, fn: swish}
  - {kind: act, fn: linear}
  - {kind: maxpool, kernel: 2}
  - {kind: avgpool, kernel: 2}
  - {kind: global_pool}
  - {kind: fc, out: 10}
  - {kind: act, fn: softmax}
""")
    e = 4 * 8 * 8  # elements of the 4×8×8 map
    assert rows[0] == {"bias": e}
    assert rows[1] == {"bn": 2 * e}
    assert [r["act"] for r in rows[2:8]] == [e, 2 * e, 4 * e, 5 * e, 3 * e, 4 * e]
    assert rows[8] == {}
    assert rows[9] == {"pool": (2 * 2 - 1) * 4 * 4 * 4}  # 3 compares per 4×4×4 output
    assert rows[10] == {"pool": 2 * 2 * 4 * 2 * 2}  # 3 adds + 1 divide per 4×2×2 output
    assert rows[11] == {"pool": 4 * 2 * 2}  # 4 channels of 2×2: 3 adds + 1 divide each
    assert rows[12] == {"bias": 10}
    assert rows[13] == {"act": 3 * 10 - 1}  # 10 exps, 9 adds, 10 divides


def test_norms_scale_linear_and_the_new_activations(tmp_path: Path) -> None:
    rows = ops_of(tmp_path, """\
  - {kind: conv, out: 4, kernel: 3, padding: 1}
  - {kind: layernorm}
  - {kind: layernorm, layout: channels_last, affine: false}
  - {kind: groupnorm, groups: 2}
  - {kind: groupnorm, groups: 2, affine: false}
  - {kind: normalization}
  - {kind: act, fn: silu}
  - {kind: act, fn: gelu}
  - {kind: act, fn: tanh}
  - {kind: act, fn: leaky_relu}
  - {kind: act, fn: elu}
  - {kind: scale}
  - {kind: scale, bias: true}
  - {kind: stochastic_depth, p: 0.1}
  - {kind: linear, out: 6}
  - {kind: linear, out: 4, bias: false}
  - {kind: scale, value: 0.17}
""")
    e, positions = 4 * 8 * 8, 8 * 8  # the 4×8×8 map
    # Per vector of n values: mean n, centre n, variance 2n, 1/sqrt(var + eps) 3, normalise n:
    # 5n + 3; gamma·x + beta 2n more. Layer norm: n = C = 4 at each of the 64 positions.
    assert rows[1] == {"bn": (7 * 4 + 3) * positions}
    assert rows[2] == {"bn": (5 * 4 + 3) * positions}
    # Group norm: 2 groups of n = 2 channels × 64 positions.
    assert rows[3] == {"bn": 2 * (7 * 2 * 64 + 3)}
    assert rows[4] == {"bn": 2 * (5 * 2 * 64 + 3)}
    # Keras Normalization: subtract + divide per element, sqrt + max per channel.
    assert rows[5] == {"bn": 2 * e + 2 * 4}
    # silu = x·sigmoid(x) 4, gelu 0.5·x·(1 + erf(x/√2)) 5, tanh 1, leaky relu 2, elu 4.
    assert [r["act"] for r in rows[6:11]] == [4 * e, 5 * e, e, 2 * e, 4 * e]
    assert rows[11] == {"scale": e}
    assert rows[12] == {"bias": e, "scale": e}
    assert rows[13] == {}  # stochastic depth: the identity at inference
    assert rows[14] == {"bias": 6 * positions}  # its 4·6·64 multiply-adds are MAdds
    assert rows[15] == {}
    assert rows[16] == {"scale": e}  # a constant scale: still 1 multiply per element


def test_se_activation_is_the_blocks(tmp_path: Path) -> None:
    # MBConv t = 1 on 16 channels: SE to floor(0.25·16) = 4 with swish (4 ops) between its
    # layers and a sigmoid gate (3 ops) on the 16 channels.
    rows = ops_of(tmp_path, """\
  - {kind: conv, out: 16, kernel: 1}
  - {kind: mbconv, out: 16, expand: 1}
""")
    se = next(r for r in rows if r.get("scale"))
    assert se["act"] == 4 * 4 + 3 * 16
    assert se["bias"] == 4 + 16 and se["pool"] == se["scale"] == 16 * 8 * 8


def test_residual_add_se_concat_and_shuffle(tmp_path: Path) -> None:
    rows = ops_of(tmp_path, """\
  - {kind: conv, out: 16, kernel: 1}
  - kind: residual
    layers: [{kind: se, reduction: 4, gate: hsigmoid}]
  - kind: concat
    branches: [[{kind: pw, out: 8}], [{kind: pw, out: 8}]]
  - {kind: shuffle, groups: 2}
""")
    e = 16 * 8 * 8
    se = rows[1]  # C = 16, C_r = 4
    assert se == {"bias": 4 + 16, "act": 4 + 4 * 16, "pool": e, "scale": e}
    assert rows[2] == {"add": e}
    assert rows[-2] == {} and rows[-1] == {}  # concat, shuffle


def test_adaptive_pool_windows_overlap_as_torch_does(tmp_path: Path) -> None:
    # 5 → 7: torch's windows [⌊5i/7⌋, ⌈5(i+1)/7⌉) have lengths 1,2,2,1,2,2,1 (sum 11).
    rows = ops_of(tmp_path, """\
  - {kind: conv, out: 3, kernel: 1}
  - {kind: adaptive_pool, size: 7}
  - {kind: adaptive_pool, size: 1, op: max}
""", resolution=5)
    assert rows[1] == {"pool": 3 * 11 * 11}
    assert rows[2] == {"pool": 3 * (7 * 7 - 1)}


@pytest.mark.parametrize("name", zoo_names())
def test_layers_sum_to_the_totals(name: str) -> None:
    report = walk(resolve(name), closed=False)
    ops = report_ops(report)
    for kind in KINDS:
        assert sum(r.counts.get(kind, 0) for r in ops.rows) == ops.totals[kind]
    assert sum(r.total for r in ops.rows) == ops.total


def test_json_ops_formulas_evaluate_to_the_counts_and_sum_to_the_totals() -> None:
    result = runner.invoke(app, ["mobilenet_v3_small", "--ops", "--format", "json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    sums = dict.fromkeys(KINDS, 0)
    for layer in data["layers"]:
        for kind, count in layer["ops"].items():
            formula = sympify(layer["ops_formulas"][kind], locals=BY_NAME)
            assert formula.subs({BY_NAME[k]: v for k, v in layer["ops_symbols"].items()}) == count
            sums[kind] += count
    totals = data["totals"]["ops"]
    assert {k: totals[k] for k in KINDS} == sums
    assert totals["total"] == sum(sums.values())
    assert data["totals"]["madds"] == 56_510_400  # MAdds unchanged by --ops


def test_ops_table_in_text_and_csv() -> None:
    result = runner.invoke(app, ["mobilenet_v2", "--ops", "--format", "csv"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "normalisation" in result.stdout and "13356224" in result.stdout
    plain = runner.invoke(app, ["mobilenet_v2", "--ops", "--summary"])
    assert plain.exit_code == 0 and "every op" in plain.stdout
