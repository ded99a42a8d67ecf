"""The Python API (``import complexity as mb``): the same numbers and text as the CLI, typed and
immutable values, exceptions instead of exit codes, and a cold start that imports nothing."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

import complexity as mb
from complexity.cli import app
from complexity.language.zoo import zoo_dir

runner = CliRunner()


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_issue_command_prints_the_160_figures() -> None:
    code = ("import complexity as mb; r = mb.count('mobilenet_v1', alpha=0.75, rho=0.714); "
            "print(r.params, r.madds)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == "2568144 166396800\n"


def test_import_loads_nothing_until_a_name_is_used() -> None:
    code = ("import sys, complexity; heavy = ['complexity.api', 'complexity.report', 'sympy', "
            "'pydantic', 'yaml', 'rich', 'typer', 'torch', 'pandas']; "
            "print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves_and_has_a_docstring() -> None:
    names = [n for n in mb.__all__ if n != "__version__"]
    assert set(names) == set(mb._LAZY)
    for name in names:
        value = getattr(mb, name)
        assert value.__doc__ and value.__doc__.strip(), name
        assert name in dir(mb)
    with pytest.raises(AttributeError):
        mb.no_such_name  # noqa: B018


def test_count_equals_the_hand_formulas() -> None:
    r = mb.count("mobilenet_v1")
    conv1 = r.layers[0]
    assert (conv1.name, conv1.input, conv1.output) == ("conv1", (3, 224, 224), (32, 112, 112))
    assert conv1.params == 3 * 3 * 3 * 32  # D_K²·M·N
    assert conv1.madds == 3 * 3 * 3 * 32 * 112 * 112  # D_K²·M·N·D_F²
    assert r.params == sum(x.params for x in r.layers)
    assert r.madds == sum(x.madds for x in r.layers)
    assert (r.alpha, r.rho, r.resolution, r.convention) == (1, 1, 224, "paper")


def test_numbers_are_read_exactly_as_the_cli_reads_them() -> None:
    r = mb.count("mobilenet_v1", alpha="0.75", rho=Fraction(714, 1000))
    assert (r.alpha, r.rho, r.resolution) == (Fraction(3, 4), Fraction(357, 500), 160)
    assert mb.count("mobilenet_v1", alpha=0.5, resolution=128).resolution == 128


def test_formulas_are_sympy_expressions_that_give_the_counts() -> None:
    sympy = pytest.importorskip("sympy")
    for name in ("mobilenet_v3_small", "shufflenet_v1"):  # SE (C, C_r); groups (M/g)
        for layer in mb.count(name, alpha=0.5).layers:
            assert isinstance(layer.params_formula, sympy.Expr)
            assert layer.params_formula.subs(layer.values) == layer.params, layer.name
            assert layer.madds_formula.subs(layer.values) == layer.madds, layer.name
    pw = next(x for x in mb.count("mobilenet_v1").layers if x.kind == "pw")
    assert {s.name for s in pw.params_formula.free_symbols} == {"M", "N"}
    assert all(isinstance(s, sympy.Symbol) for s in pw.params_formula.free_symbols)


def test_closed_forms_are_exact_at_alpha_and_rho_1() -> None:
    from sympy import Symbol

    r = mb.count("mobilenet_v2")
    alpha, rho = Symbol("alpha", positive=True), Symbol("rho", positive=True)
    assert r.params_closed.free_symbols <= {alpha, rho}
    assert r.params_closed.subs({alpha: 1, rho: 1}) == r.params
    assert r.madds_closed.subs({alpha: 1, rho: 1}) == r.madds
    # At ρ = 2 (448×448, a multiple of the total stride 32) no size is rounded: exact too.
    double = mb.count("mobilenet_v2", rho=2)
    assert r.madds_closed.subs({alpha: 1, rho: 2}) == double.madds


def test_reports_are_immutable() -> None:
    r = mb.count("mobilenet_v1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.params = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.layers[0].madds = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.layers[0].symbols["N"] = 0  # type: ignore[index]


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv", "latex", "html"])
def test_every_format_is_the_clis(fmt: str) -> None:
    args = ["mobilenet_v1", "--alpha", "0.75", "--rho", "0.714", "--format", fmt]
    r = mb.count("mobilenet_v1", alpha=0.75, rho=0.714)
    assert getattr(r, f"to_{fmt}")() == cli(*args)
    if fmt == "json":
        assert r.to_dict() == json.loads(cli(*args))
        assert r.to_dict(by_kind=True) == json.loads(cli(*args, "--by-kind"))


def test_a_report_prints_as_the_terminal_table_and_shows_in_jupyter() -> None:
    r = mb.count("mobilenet_v1", alpha=0.75, rho=0.714)
    text = str(r)
    assert "mobilenet_v1 — α = 0.75, ρ = 0.714 (160×160)" in text
    assert "2,568,144" in text and "166,396,800" in text and "\x1b[" not in text
    assert r._repr_html_() == r.to_html() and "<table" in r.to_html()


def test_load_takes_a_name_a_path_text_or_a_dict(tmp_path: Path) -> None:
    text = "name: tiny\nlayers:\n  - {kind: conv, out: 8, kernel: 3, padding: 0}\n  - {kind: bn}\n"
    path = tmp_path / "tiny.yaml"
    path.write_text(text)
    data = {"name": "tiny", "layers": [{"kind": "conv", "out": 8, "kernel": 3, "padding": 0},
                                       {"kind": "bn"}]}
    counts = {(r.params, r.madds) for r in
              (mb.count(text), mb.count(path), mb.count(str(path)), mb.count(data),
               mb.count(mb.load(data)))}
    assert counts == {(3 * 3 * 3 * 8, 3 * 3 * 3 * 8 * 222 * 222)}  # 224 in, 3×3 valid: 222
    assert mb.load("mobilenet_v1").network.name == "mobilenet_v1"


def test_sets_override_variables() -> None:
    fc = mb.count("mobilenet_v1", convention="torch", sets={"classes": 10}).layers[-2]
    assert (fc.kind, fc.params) == ("fc", 1024 * 10 + 10)


def test_errors_are_exceptions_with_locations(tmp_path: Path) -> None:
    with pytest.raises(mb.SpecError, match="unknown model 'mobilenet_v9'"):
        mb.count("mobilenet_v9")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nlayers:\n  - {kind: conv, out: 8, kernel: 3}\n"
                   "  - {kind: conv, out: 8, kernel: 3, groups: 3}\n")
    with pytest.raises(mb.SpecError) as info:
        mb.count(bad)
    assert f"{bad}:4" in str(info.value) and "groups" in str(info.value)
    for kwargs in ({"alpha": -1}, {"alpha": "wide"}, {"rho": 0}, {"resolution": 0},
                   {"convention": "caffe"}, {"rho": 1, "resolution": 224}, {"sets": {"x": [1]}}):
        with pytest.raises(mb.MbcalcError):
            mb.count("mobilenet_v1", **kwargs)  # type: ignore[arg-type]


def test_sweep_is_the_clis_and_each_point_is_a_count() -> None:
    s = mb.sweep("mobilenet_v1", alpha=[0.5, 1], resolution=[128, 224])
    assert [(float(p.alpha), p.resolution) for p in s.points] == [
        (0.5, 128), (0.5, 224), (1.0, 128), (1.0, 224)]
    for p in s.points:
        r = mb.count("mobilenet_v1", alpha=p.alpha, resolution=p.resolution)
        assert (p.params, p.madds) == (r.params, r.madds)
    args = ["sweep", "mobilenet_v1", "--alpha", "0.5,1", "--resolution", "128,224"]
    assert s.to_dict() == json.loads(cli(*args, "--format", "json"))
    assert s.to_markdown() == cli(*args, "--format", "markdown")


def test_to_dataframe_says_which_extra_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"mbcalc\[dataframe\]"):
        mb.count("mobilenet_v1").to_dataframe()


def test_to_dataframe() -> None:
    pytest.importorskip("pandas")
    r = mb.count("mobilenet_v1")
    frame = r.to_dataframe()
    assert len(frame) == len(r.layers) and int(frame["madds"].sum()) == r.madds
    grid = mb.sweep("mobilenet_v1", alpha=[0.25, 0.5], rho=[1]).to_dataframe()
    assert list(grid.columns) == ["alpha", "rho", "resolution", "params", "madds"]


def test_formula_solve_and_compare_are_the_clis() -> None:
    f = mb.formula("mobilenet_v1")
    assert f.to_dict() == json.loads(cli("formula", "mobilenet_v1", "--format", "json"))
    assert f.params == mb.count("mobilenet_v1").params_closed
    solved = mb.solve("mobilenet_v1", madds=300e6, rho=0.714)
    data = json.loads(cli("formula", "mobilenet_v1", "--solve-madds", "300M", "--rho", "0.714",
                          "--format", "json"))["solution"]
    assert (float(solved.alpha), solved.madds) == (data["alpha"], data["madds"])
    assert solved.madds <= 300e6 < mb.count("mobilenet_v1", alpha=solved.alpha +
                                            Fraction(1, 1000), rho=0.714).madds
    c = mb.compare(cin=32, cout=64, kernel=3, size=56)
    assert c.to_dict() == json.loads(cli("compare", "--cin", "32", "--cout", "64", "--kernel",
                                         "3", "--size", "56", "--format", "json"))
    standard = c.results[0]
    assert (standard.params, standard.madds) == (3 * 3 * 32 * 64, 3 * 3 * 32 * 64 * 56 * 56)
    with pytest.raises(mb.MbcalcError):
        mb.solve("mobilenet_v1")
    with pytest.raises(mb.MbcalcError):
        mb.compare(cin=0, cout=8, kernel=3, size=8)


def test_no_system_exit_anywhere(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text((zoo_dir() / "mobilenet_v1.yaml").read_text()[:200])
    for call in (lambda: mb.count(spec), lambda: mb.load("/no/such/file.yaml"),
                 lambda: mb.sweep("mobilenet_v1", alpha=[])):
        with pytest.raises(mb.MbcalcError):
            call()
