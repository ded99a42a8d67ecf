"""Memory and data movement: MAC against ShuffleNet V2's hand formula, both schedules' peaks by
hand on small networks, closed forms, the sweep of peaks, the roofline bound and the CLI."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from complexity.analysis.memory import analyse, parse_rate, peak, peak_grid, steps_of
from complexity.cli import app
from complexity.engine.walk import walk
from complexity.errors import MbcalcError
from complexity.language.specfile import load_spec
from complexity.language.zoo import resolve, zoo_names

runner = CliRunner()


def one_pointwise(c1: int, c2: int, size: int, bias: bool = False) -> str:
    return (f"name: pw\nresolution: {size}\nin_channels: {c1}\nlayers:\n"
            f"  - {{kind: pw, name: pw, out: {c2}, bias: {str(bias).lower()}}}\n")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 512), st.integers(1, 512), st.integers(1, 64))
def test_mac_of_a_1x1_conv_is_shufflenet_v2s_formula(c1: int, c2: int, size: int) -> None:
    layer = analyse(walk(load_spec(one_pointwise(c1, c2, size)))).layers[0]
    h = w = size
    assert layer.mac == h * w * (c1 + c2) + c1 * c2
    assert layer.read == h * w * c1 and layer.written == h * w * c2 and layer.weights == c1 * c2
    assert str(layer.mac_formula) == "h*w*(c_1 + c_2) + M*N"


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 48), st.integers(1, 32))
def test_at_fixed_flops_mac_is_smallest_with_equal_widths(k: int, size: int) -> None:
    """ShuffleNet V2's G1: for c1·c2 = k² fixed (so MAdds h·w·c1·c2 fixed), MAC is smallest at
    c1 = c2 = k, over every split of k² into two widths."""
    macs = {}
    for c1 in range(1, k * k + 1):
        if (k * k) % c1 == 0:
            report = walk(load_spec(one_pointwise(c1, k * k // c1, size)))
            assert report.madds == size * size * k * k
            macs[c1] = analyse(report).mac
    assert min(macs, key=lambda c: (macs[c], c != k)) == k
    assert all(macs[c] > macs[k] for c in macs if c != k)


TINY = """\
name: tiny_ir
resolution: 16
layers:
  - {kind: conv, name: stem, out: 16, kernel: 3, padding: same}
  - {kind: inverted_residual, name: block, expansion: 6, out: 16}
"""


def test_both_schedules_by_hand_on_one_inverted_residual() -> None:
    memory = analyse(walk(load_spec(TINY)))
    hw = 16 * 16
    x, expanded = 16 * hw, 96 * hw
    # sequential: x stays live for the add while two expanded tensors meet (expand → BN)
    assert memory.peaks["sequential"].elements == x + 2 * expanded
    assert memory.peaks["sequential"].step == "block/expand/bn"
    # §5.1: the block is one step holding x, y and one expanded channel before and after the dw
    inverted = memory.peaks["inverted_residual"]
    assert inverted.elements == x + x + hw + hw
    assert inverted.step == "block" and inverted.scratch == 2 * hw
    assert [t.name for t in inverted.live] == ["stem", "block/add"]
    assert memory.largest["sequential"].elements == expanded
    assert memory.largest["inverted_residual"].elements == x


def test_residual_inputs_and_concat_branches_stay_live() -> None:
    spec = load_spec("""\
name: live
resolution: 8
in_channels: 4
layers:
  - kind: concat
    branches:
      - [{kind: pw, name: a, out: 8}]
      - [{kind: pw, name: b, out: 16}]
  - kind: residual
    layers: [{kind: pw, name: c, out: 24}]
""")
    memory = analyse(walk(spec))
    hw = 64
    # at b: the input (still read by b), a (waits for the concat) and b's output
    # at the add: its two operands (the concat's output and c) and its own output
    assert memory.peaks["sequential"].elements == max(4 * hw + 8 * hw + 16 * hw, 3 * 24 * hw)
    assert memory.peaks["sequential"].step == "residual/add" or memory.peaks[
        "sequential"].elements == 3 * 24 * hw


@pytest.mark.parametrize("name", zoo_names())
def test_closed_forms_equal_the_exact_counts_at_alpha_rho_one(name: str) -> None:
    report = walk(resolve(name))
    memory = analyse(report)
    one = Fraction(1)
    if report.params_closed.at(one, one) != report.params:
        pytest.skip("rounding even at α = 1 (an SE squeeze width): the closed form is unrounded")
    assert memory.mac_closed.at(one, one) == memory.mac
    for p in memory.peaks.values():
        assert p.closed.at(one, one) == p.elements
    for m in memory.layers:
        assert m.mac_closed.at(one, one) == m.mac, m.row.name


def test_weights_are_the_conventions_params_at_each_dtype() -> None:
    report = walk(resolve("mobilenet_v1"))
    assert analyse(report, "int8").weights == 4_209_088  # the paper's 4.2M
    data = json.loads(runner.invoke(app, ["mobilenet_v1", "--memory", "--dtype", "float16",
                                          "--format", "json"]).stdout)
    assert data["memory"]["weight_bytes"] == 2 * 4_209_088


@pytest.mark.parametrize("name", ["mobilenet_v2", "shufflenet_v2_x1_0", "googlenet",
                                  "resnet18", "vgg16", "efficientnet_b0", "convnext_tiny"])
@pytest.mark.parametrize("schedule", ["sequential", "inverted_residual"])
def test_peak_grid_equals_walking_every_point(name: str, schedule: str) -> None:
    spec = resolve(name)
    alphas = [Fraction(1, 4), Fraction(7, 20), Fraction(1, 2), Fraction(1), Fraction(7, 5)]
    sizes = [96, 131, 160, 224]
    if name == "vgg16":
        alphas = [Fraction(1, 2), Fraction(1)]

    def at(alpha: Fraction, size: int):  # type: ignore[no-untyped-def]
        return walk(spec, alpha, resolution=size, closed=False)

    grid = peak_grid(at, alphas, sizes, schedule)  # type: ignore[arg-type]
    direct = []
    for a in alphas:
        for r in sizes:
            report = at(a, r)
            memory = analyse(report)
            direct.append((memory.peaks[schedule].elements, memory.peaks[schedule].step))  # type: ignore[index]
    assert [(p.elements, p.step) for p in grid] == direct


def test_parse_rates() -> None:
    assert parse_rate("device-peak", "1.2T", "") == Fraction(12, 10) * 10**12
    assert parse_rate("device-bandwidth", "25GB/s", "B") == 25 * 10**9
    assert parse_rate("device-bandwidth", "800 MB/s", "B") == 800 * 10**6
    for bad in ("", "fast", "-3G", "0", "1e400"):
        with pytest.raises(MbcalcError):
            parse_rate("device-peak", bad, "")


def test_roofline_bound_by_hand() -> None:
    from complexity.analysis.memory import bounds

    memory = analyse(walk(load_spec(one_pointwise(32, 64, 56))))
    (bound,) = bounds(memory, Fraction(10**9), Fraction(10**9))
    madds = 56 * 56 * 32 * 64
    moved = 4 * (56 * 56 * (32 + 64) + 32 * 64)
    assert bound.compute == Fraction(madds, 10**9) and bound.memory == Fraction(moved, 10**9)
    assert bound.seconds == Fraction(max(madds, moved), 10**9)
    assert bound.limit == ("compute" if madds >= moved else "memory")


def test_count_memory_json_carries_the_contract() -> None:
    result = runner.invoke(app, ["mobilenet_v2", "--memory", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    layer = data["layers"][0]["memory"]
    for key in ("read", "read_bytes", "written", "written_bytes", "weight_bytes", "mac",
                "mac_bytes", "read_formula", "written_formula", "mac_formula", "symbols",
                "mac_closed_form", "madds_per_byte", "reads"):
        assert key in layer, key
    totals = data["memory"]
    assert totals["weight_bytes"] == 4 * data["totals"]["params"]
    assert set(totals["peak"]) == {"sequential", "inverted_residual"}
    assert set(totals["largest_tensor"]) == {"sequential", "inverted_residual"}
    assert totals["mac"] == sum(x["memory"]["mac"] for x in data["layers"])
    # MobileNetV2's first conv: 3×224² read, 32×112² written, 3·3·3·32 weights
    assert layer["read"] == 3 * 224 * 224 and layer["written"] == 32 * 112 * 112
    assert layer["mac"] == 3 * 224 * 224 + 32 * 112 * 112 + 27 * 32


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "latex", "html"])
def test_count_memory_in_every_format(fmt: str) -> None:
    result = runner.invoke(app, ["mobilenet_v2", "--memory", "--dtype", "float16", "--format",
                                 fmt, "--device-peak", "1.2T", "--device-bandwidth", "25GB/s"])
    assert result.exit_code == 0, result.output
    assert "MAC" in result.stdout and "552" in result.stdout  # conv1: MAC 552,800
    if fmt != "csv":  # CSV carries the table's cells only
        words = " ".join(result.stdout.split())  # the note wraps at the table's width
        assert "not a latency prediction" in words and "float16" in result.stdout


def test_count_without_memory_is_unchanged_and_bad_input_exits_2() -> None:
    plain = runner.invoke(app, ["mobilenet_v2", "--format", "json"])
    assert "memory" not in json.loads(plain.stdout)
    half = runner.invoke(app, ["mobilenet_v2", "--device-peak", "1T"])
    assert half.exit_code == 2 and "--device-bandwidth" in half.output
    bad = runner.invoke(app, ["mobilenet_v2", "--memory", "--dtype", "float8"])
    assert bad.exit_code == 2


def test_schedules_are_named_steps() -> None:
    report = walk(resolve("mobilenet_v2"))
    blocks = [s for s in steps_of(report, "inverted_residual") if s.end - s.first > 1]
    assert len(blocks) == 17  # MobileNetV2's 17 bottlenecks, each one step
    assert peak(steps_of(report, "sequential"), analyse(report).tensors,
                "sequential").elements == 2 * 96 * 112 * 112


def test_solve_peak_memory_is_the_largest_alpha_within_the_budget() -> None:
    from complexity.analysis.memory import peak_bytes
    from complexity.analysis.solve import solve_alpha

    spec = resolve("mobilenet_v2")
    measure = peak_bytes("float16", "inverted_residual")
    solution = solve_alpha(spec, "peak_memory", 10**6, measure=measure)
    alpha = solution.report.alpha
    assert solution.value == measure(walk(spec, alpha)) <= 10**6
    assert measure(walk(spec, alpha + Fraction(1, 1000))) > 10**6
    result = runner.invoke(app, ["formula", "mobilenet_v2", "--solve-peak-memory", "1MB",
                                 "--dtype", "float16", "--schedule", "inverted_residual",
                                 "--format", "json"])
    assert json.loads(result.stdout)["solution"]["alpha"] == float(alpha)
    bad = runner.invoke(app, ["formula", "mobilenet_v2", "--solve-peak-memory", "lots"])
    assert bad.exit_code == 2


def test_sweep_memory_reports_the_peak_and_its_holder() -> None:
    result = runner.invoke(app, ["sweep", "mobilenet_v2", "--alpha", "0.5,1", "--resolution",
                                 "128,224", "--memory", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for point in data["points"]:
        report = walk(resolve("mobilenet_v2"), Fraction(point["alpha"]).limit_denominator(),
                      resolution=point["resolution"])
        p = analyse(report).peaks["sequential"]
        assert (point["peak_memory"], point["peak_at"]) == (p.elements, p.step)
        assert point["peak_memory_bytes"] == 4 * p.elements
    table = runner.invoke(app, ["sweep", "mobilenet_v2", "--alpha", "0.5,1", "--memory"])
    assert "peak at" in table.stdout


def test_compare_memory_shows_mac_beside_madds_and_g1() -> None:
    from complexity.analysis.compare import VARIANTS, Problem, data_movement, g1_pairs

    problem = Problem(32, 64, 3, 56)
    mac, _ = data_movement(VARIANTS["pointwise"], problem)
    assert mac == 56 * 56 * (32 + 64) + 32 * 64
    pairs = g1_pairs(problem)
    assert all(c1 * c2 == 32 * 64 for c1, c2, _ in pairs)
    macs = [m for _, _, m in pairs]
    assert macs == sorted(macs) and pairs[0][:2] == (32, 64)  # the most equal split moves least
    result = runner.invoke(app, ["compare", "--cin", "32", "--cout", "64", "--kernel", "3",
                                 "--size", "56", "--memory", "--format", "json"])
    rows = {r["variant"]: r for r in json.loads(result.stdout)["variants"]}
    assert rows["pointwise"]["mac"] == mac


def test_the_docs_figure_exists_and_the_plot_draws(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The tutorial's figure is committed (its data is the drift-tested snippet
    memory-plot-data.md), and the plot command writes a PNG."""
    from pathlib import Path

    figure = Path(__file__).resolve().parent.parent / "docs" / "img" / "memory-mobilenet_v2.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pytest.importorskip("matplotlib")
    out = tmp_path / "m.png"
    result = runner.invoke(app, ["mobilenet_v2", "--memory", "--plot", str(out), "--format",
                                 "json"])
    assert result.exit_code == 0 and out.read_bytes()[:4] == b"\x89PNG"


def _profile(text: str) -> tuple[list[str], list[int], list[int]]:
    """Each sequential step's name, live elements and scratch on a spec given as text."""
    from complexity.analysis.memory import profile

    report = walk(load_spec(text))
    steps = steps_of(report, "sequential")
    return ([s.name for s in steps], profile(steps, analyse(report).tensors),
            [s.scratch for s in steps])


def test_views_write_no_tensor_and_move_nothing() -> None:
    """Dropout and stochastic depth return their input in eval mode and a flatten is a view:
    the fc reads the pw's own tensor, nothing else is ever live."""
    text = """\
name: views
resolution: 8
in_channels: 4
layers:
  - {kind: pw, name: a, out: 8}
  - {kind: dropout, name: d}
  - {kind: stochastic_depth, name: s}
  - {kind: flatten, name: f}
  - {kind: fc, name: fc, out: 10}
"""
    hw = 64
    names, live, _ = _profile(text)
    assert names == ["a", "d", "s", "f", "fc"]
    assert live == [4 * hw + 8 * hw, 8 * hw, 8 * hw, 8 * hw, 8 * hw + 10]
    memory = analyse(walk(load_spec(text)))
    assert [(m.read, m.written, m.mac) for m in memory.layers[1:4]] == [(0, 0, 0)] * 3
    assert memory.layers[4].mac == 8 * hw + 8 * hw * 10 + 10
    assert memory.largest["sequential"].name == "a"


def test_squeeze_excite_writes_its_modules_six_tensors() -> None:
    """Pool (C), squeeze (C_r), act (C_r), excite (C), gate (C), then the scaled map, which
    holds the gate: the peak is the scale step, x + gate + its output."""
    text = """\
name: se
resolution: 8
in_channels: 16
layers:
  - {kind: pw, name: a, out: 32}
  - {kind: se, name: se, reduction: 4}
  - {kind: pw, name: b, out: 16}
"""
    hw, c, c_r = 64, 32, 8
    x = c * hw
    names, live, _ = _profile(text)
    assert names == ["a", "se/pool", "se/reduce", "se/act", "se/expand", "se/gate", "se", "b"]
    assert live == [16 * hw + x, x + c, x + c + c_r, x + 2 * c_r, x + c_r + c, x + 2 * c,
                    x + c + x, x + 16 * hw]
    top = analyse(walk(load_spec(text))).peaks["sequential"]
    assert (top.elements, top.step) == (2 * x + c, "se")
    assert [t.name for t in top.live] == ["a", "se", "se/gate"]


def test_a_layer_norm_on_a_channels_first_map_holds_a_copy() -> None:
    """torch's layer norm makes its permuted input contiguous: a copy at the first norm after
    the (channels-first) input; its output is channels-last, and so is everything after it, so
    the second norm copies nothing; a 1×1 map is contiguous either way."""
    text = """\
name: ln
resolution: 8
in_channels: 3
layers:
  - {kind: conv, name: stem, out: 16, kernel: 1}
  - {kind: layernorm, name: n1}
  - {kind: pw, name: p, out: 16}
  - {kind: layernorm, name: n2, layout: channels_last}
  - {kind: global_pool, name: pool}
  - {kind: layernorm, name: n3}
"""
    hw, x = 64, 16 * 64
    _, live, scratch = _profile(text)
    assert scratch == [0, x, 0, 0, 0, 0]
    assert live == [3 * hw + x, 3 * x, 2 * x, 2 * x, x + 16, 2 * 16]
