"""The command line: the signature command, formats, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sympy import sympify
from typer.testing import CliRunner

from complexity.algebra import symbols as S
from complexity.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_signature_command_prints_160_resolution_totals() -> None:
    code, out, _ = run("mobilenet_v1", "--alpha", "0.75", "--rho", "0.714")
    assert code == 0
    assert "160×160" in out
    # Paper, Table 7 (α = 0.75 at 160 is not printed; these are exact and checked elsewhere).
    assert "2,568,144" in out and "166,396,800" in out
    assert "Closed form (unrounded" in out


def test_default_totals_are_the_papers() -> None:
    code, out, _ = run("mobilenet_v1", "--summary")
    assert code == 0
    assert "568,740,352" in out and "568.7M" in out
    assert "4,209,088" in out and "4.2M" in out
    assert "16.84 MB" in out  # 4,209,088 × 4 bytes


def test_count_subcommand_is_the_default() -> None:
    assert run("count", "mobilenet_v1", "--summary")[1] == run("mobilenet_v1", "--summary")[1]


def test_json_contract() -> None:
    code, out, _ = run("mobilenet_v1", "--alpha", "0.5", "--resolution", "128", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"model", "alpha", "rho", "resolution", "convention", "totals", "layers"} <= set(data)
    assert data["model"] == "mobilenet_v1" and data["alpha"] == 0.5
    assert data["resolution"] == 128 and data["convention"] == "paper"
    assert data["totals"]["params"] == sum(layer["params"] for layer in data["layers"])
    assert data["totals"]["madds"] == sum(layer["madds"] for layer in data["layers"])
    for layer in data["layers"]:
        assert {"name", "kind", "input", "output", "params", "madds", "params_formula",
                "madds_formula"} <= set(layer)
        assert len(layer["input"]) == len(layer["output"]) == 3
        values = {S.BY_NAME[k]: v for k, v in layer["symbols"].items()}
        for key in ("params", "madds"):
            formula = sympify(layer[f"{key}_formula"], locals=S.BY_NAME)
            assert formula.xreplace(values) == layer[key], (layer["name"], key)
    closed = sympify(data["closed_form"]["madds"], locals=S.BY_NAME)
    assert closed.subs({S.alpha: 1, S.rho: 1}) == 568_740_352


def test_csv_has_raw_integers_and_a_total_row() -> None:
    code, out, _ = run("mobilenet_v1", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    params = header.index("params")
    assert sum(int(r[params]) for r in body) == int(total[params]) == 4_209_088


def test_markdown_and_latex_render_the_by_kind_table() -> None:
    code, out, _ = run("mobilenet_v1", "--by-kind", "--summary", "--format", "markdown")
    assert code == 0
    assert "| Conv 1×1 | 13 | 3,139,584 | 74.59 | 539,492,352 | 94.86 |" in out
    code, out, _ = run("mobilenet_v1", "--by-kind", "--format", "latex")
    assert code == 0
    assert r"\toprule" in out and r"\end{longtable}" in out
    assert "Conv DW 3$\\times$3 & 13 & 44,640 & 1.06 & 17,385,984 & 3.06" in out


def test_conventions_change_params_only() -> None:
    totals = {}
    for convention in ("paper", "torch", "keras"):
        code, out, _ = run("mobilenet_v1", "--convention", convention, "--format", "json")
        assert code == 0
        totals[convention] = json.loads(out)["totals"]
    assert len({t["madds"] for t in totals.values()}) == 1
    # BN channels of MobileNetV1: 32 + Σ(dw + pw outputs) = 21,888; FC bias 1000.
    bn_channels = 32 + 32 + 64 + 64 + 128 + 128 + 128 + 128 + 256 + 256 + 256 + 256 + 512 \
        + 10 * 512 + 512 + 1024 + 1024 + 1024
    assert totals["torch"]["params"] == 4_209_088 + 1000 + 2 * bn_channels
    assert totals["keras"]["params"] == 4_209_088 + 1000 + 4 * bn_channels


def test_set_variable_changes_the_classifier() -> None:
    code, out, _ = run("mobilenet_v1", "--set", "classes=10", "--format", "json")
    assert code == 0
    fc = json.loads(out)["layers"][-2]
    assert fc["output"] == [10, 1, 1] and fc["params"] == 1024 * 10


def test_list_shows_the_zoo() -> None:
    code, out, _ = run("list")
    assert code == 0 and "mobilenet_v1" in out


def test_user_spec_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "tiny.yaml"
    spec.write_text(
        "name: tiny\nresolution: 32\nlayers:\n"
        "  - {kind: conv, out: 8, kernel: 3, padding: 1}\n"
        "  - {kind: global_pool}\n"
        "  - {kind: fc, out: 10, width: fixed}\n"
    )
    before = spec.read_bytes()
    code, out, _ = run(str(spec), "--format", "json")
    assert code == 0
    assert json.loads(out)["totals"] == {"params": 3 * 3 * 3 * 8 + 8 * 10,
                                         "madds": 3 * 3 * 3 * 8 * 32 * 32 + 8 * 10}
    assert spec.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["nosuchnet"], "unknown model 'nosuchnet'"),
        (["mobilenetv1"], "did you mean mobilenet_v1"),
        (["missing.yaml"], "missing.yaml: no such file"),
        (["mobilenet_v1", "--alpha", "0"], "--alpha must be positive"),
        (["mobilenet_v1", "--alpha", "-0.5"], "--alpha must be positive"),
        (["mobilenet_v1", "--alpha", "abc"], "--alpha must be a number"),
        (["mobilenet_v1", "--alpha", "nan"], "--alpha must be a number"),
        (["mobilenet_v1", "--rho", "inf"], "--rho must be a number"),
        (["mobilenet_v1", "--rho", "0.5", "--resolution", "112"], "not both"),
        (["mobilenet_v1", "--rho", "0.001"], "resolution"),
        (["mobilenet_v1", "--set", "clases=10"], "unknown variable"),
        (["mobilenet_v1", "--set", "classes=ten"], "expected a int"),
        (["mobilenet_v1", "--alpha", "0.001"], "round to 0"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], needle: str) -> None:
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert err.startswith("error: ") and needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


def test_schema_describes_every_layer_kind() -> None:
    code, out, _ = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "mbcalc network spec"
    kinds = {d["properties"]["kind"].get("const") for d in schema["$defs"].values()
             if "kind" in d.get("properties", {})}
    assert {"conv", "dw", "pw", "fc", "se", "bn", "repeat", "residual", "concat",
            "inverted_residual", "fire"} <= kinds
    assert schema["$defs"]["Conv"]["properties"]["out"]["description"].startswith("Output")


def test_formula_command_closed_form_is_a_alpha2_plus_b_alpha() -> None:
    code, out, _ = run("formula", "mobilenet_v1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    params = sympify(data["params"], locals=S.BY_NAME)
    madds = sympify(data["madds"], locals=S.BY_NAME)
    assert madds.subs({S.alpha: 1, S.rho: 1}) == 568_740_352
    assert params.subs({S.alpha: 1, S.rho: 1}) == 4_209_088
    poly = params.as_poly(S.alpha)
    assert poly.degree() == 2 and poly.coeff_monomial(1) == 0
    a, b = poly.coeff_monomial(S.alpha**2), poly.coeff_monomial(S.alpha)
    assert a.is_Integer and b.is_Integer and a > 0 and b > 0


def test_formula_solves_a_budget_checked_against_exact_counts() -> None:
    code, out, _ = run("formula", "mobilenet_v1", "--solve-madds", "300M", "--format", "json")
    assert code == 0
    solution = json.loads(out)["solution"]
    assert solution["madds"] <= 300_000_000
    code, out, _ = run("mobilenet_v1", "--alpha", str(solution["alpha"] + 0.001), "--format",
                       "json")
    assert json.loads(out)["totals"]["madds"] > 300_000_000


def test_a_closed_pipe_is_not_an_error() -> None:
    import subprocess
    import sys

    for command in ("mobilenet_v2", "list"):
        run_ = subprocess.run(f"{sys.executable} -m complexity {command} | head -n 1",
                              shell=True, capture_output=True, text=True, timeout=60)
        assert run_.stdout.strip(), command
        assert "error" not in run_.stderr.lower(), (command, run_.stderr)


def test_list_in_every_format() -> None:
    for fmt in ("table", "markdown", "csv", "json", "latex", "html"):
        code, out, _ = run("list", "--format", fmt)
        assert code == 0 and "mobilenet" in out, fmt  # (LaTeX escapes the underscore)
    listed = {e["model"]: e for e in json.loads(run("list", "--format", "json")[1])["models"]}
    assert listed["mobilenet_v1"]["title"] == "MobileNetV1 (Howard et al. 2017)"
    assert listed["resnet101"] == {
        "model": "resnet101", "title": "ResNet, ResNeXt, Wide ResNet (He et al. 2015; Xie et al. "
        "2016) — depth=101", "source": "torchvision", "file": "resnet.yaml",
        "variables": {"depth": 101}}
    assert listed["efficientnet_b0_keras"]["source"] == "keras"  # a member's own source
    assert all(entry["source"] for entry in listed.values())
    for fmt, sep in (("csv", ","), ("markdown", "|")):
        rows = [[cell.strip() for cell in line.strip("| ").split(sep)]
                for line in run("list", "--format", fmt)[1].splitlines()]
        assert ["efficientnet_b0_keras", "keras"] in [row[:2] for row in rows], fmt
