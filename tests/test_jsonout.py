"""The JSON contract's formula recipe (README.md): run as written, in a fresh interpreter that
imports only sympy, over every layer of every zoo network, both formulas; and the indented
JSON writer, the same text as ``json.dumps``."""

from __future__ import annotations

import json
import keyword
import re
import subprocess
import sys
from pathlib import Path

import pytest

from complexity.engine.walk import walk
from complexity.language.zoo import resolve, zoo_names
from complexity.render.jsonout import indented, report_dict, report_json

README = Path(__file__).resolve().parents[1] / "README.md"

DRIVER = """
import io, json, sys
block, files = sys.argv[1], sys.argv[2:]
for name in files:
    sys.stdin = io.StringIO(open(name, encoding="utf-8").read())
    exec(compile(block, "README.md recipe", "exec"), {"__name__": "__main__"})
assert not [m for m in sys.modules if m.startswith("complexity")], "only sympy may be imported"
"""


def recipe() -> str:
    """The code block that follows the README's recipe marker, exactly as written."""
    found = re.search(r"<!-- recipe: the tests run this block verbatim -->\n```python\n(.*?)```",
                      README.read_text(encoding="utf-8"), re.S)
    assert found, "README.md lost its recipe block"
    return found.group(1)


def run_recipe(tmp_path: Path, reports: dict[str, str]) -> list[str]:
    files = []
    for name, text in reports.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run([sys.executable, "-I", "-c", DRIVER, recipe(), *files],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_the_readme_recipe_passes_on_every_zoo_network(tmp_path: Path) -> None:
    reports = {name: report_json(walk(resolve(name), convention="torch")) for name in zoo_names()}
    lines = run_recipe(tmp_path, reports)
    rows = [len(json.loads(text)["layers"]) for text in reports.values()]
    assert lines == [f"{n} layers: every formula gives its count" for n in rows]
    assert sum(rows) > 1000


def test_the_recipe_reads_names_that_sympy_owns(tmp_path: Path) -> None:
    # Names other formulas may use one day: each one sympy's own function or constant.
    names = ["N", "S", "E", "I", "Q", "O", "beta", "gamma", "pi", "zeta", "Symbol", "sin"]
    values = {name: k + 2 for k, name in enumerate(names)}
    product = 1
    for value in values.values():
        product *= value
    row = {"name": "x", "params": product, "madds": values["N"] * values["S"] + values["E"],
           "params_formula": "*".join(names), "madds_formula": "N*S + E", "symbols": values}
    lines = run_recipe(tmp_path, {"clash": json.dumps({"layers": [row]})})
    assert lines == ["1 layers: every formula gives its count"]


def test_zoo_symbol_names_are_not_reserved() -> None:
    used = set()
    for name in zoo_names():
        for row in walk(resolve(name), closed=False).rows:
            used |= set(row.values)
    assert used, "no symbols found"
    for name in used:
        assert name.isidentifier() and not keyword.iskeyword(name), name
        assert name not in ("alpha", "rho"), name


def test_sweep_json_is_object_json_of_sweep_dict() -> None:
    from fractions import Fraction

    from complexity.analysis.memory import PeakPoint
    from complexity.analysis.sweep import sweep
    from complexity.render.jsonout import object_json, sweep_dict, sweep_json

    spec = resolve("mobilenet_v2")
    alphas = [Fraction(1, 3), Fraction("0.745"), Fraction(1)]
    for rhos, sizes in (([Fraction(1, 2), Fraction(5, 7)], None), (None, [96, 161])):
        points = sweep(spec, alphas, rhos, sizes)
        by_resolution = sizes is not None
        assert sweep_json("m", "paper", points, by_resolution) == object_json(
            sweep_dict("m", "paper", points, by_resolution), "points")
        peaks = [PeakPoint(k * 1000 + 7, f'b{k}/"é"\u2028') for k in range(len(points))]
        extra = {"schedule": "sequential", "dtype": "int8", "bytes_per_element": 1}
        data = sweep_dict("m", "paper", points, by_resolution)
        data.update(extra)
        for point, q in zip(data["points"], peaks, strict=True):
            point.update({"peak_memory": q.elements, "peak_memory_bytes": q.elements,
                          "peak_at": q.step})
        data["peak_holder_changes"] = ["α = 1: a → b"]
        assert sweep_json("m", "paper", points, by_resolution, extra, peaks, 1,
                          ["α = 1: a → b"]) == object_json(data, "points")


def test_the_grid_lists_each_value_once_in_order() -> None:
    from fractions import Fraction

    from complexity.analysis.sweep import Point
    from complexity.render.jsonout import sweep_dict

    points = [Point(Fraction(a), Fraction(r), 224, 1, 1)  # equal values, distinct objects
              for a in ("0.5", "1", "0.5", "0.25") for r in ("1", "1/2", "1")]
    grid = sweep_dict("m", "paper", points, False)["grid"]
    assert grid == {"alpha": [0.5, 1.0, 0.25], "rho": [1.0, 0.5]}
    assert sweep_dict("m", "paper", points, True)["grid"] == {"alpha": [0.5, 1.0, 0.25],
                                                              "resolution": [224]}


@pytest.mark.parametrize("value", [
    {}, [], {"a": [], "b": {}, "c": [1, 2.5, None, True, False, "q\"\\\n\té\u2028", {"d": 0.1}]},
    [[[]]], {7: 2, None: 3, True: 4, 2.5: 5, False: [{}]}, (1, (2,)), float("inf"), -0.0,
    1e300, 10**30, "α", {"k": -float("inf"), "n": float("nan")}, 3, None, "",
])
def test_indented_is_json_dumps(value: object) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", ["mobilenet_v2", "inception_v3", "shufflenet_v2_x1_0",
                                  "convnext_tiny"])
def test_indented_writes_a_report_as_json_dumps_does(name: str) -> None:
    for convention in ("paper", "keras"):
        data = report_dict(walk(resolve(name), convention=convention), kinds=True)
        assert indented(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_indented_refuses_what_json_refuses() -> None:
    for bad in ({"a": object()}, {(1, 2): 3}, [set()]):
        with pytest.raises(TypeError):
            json.dumps(bad)
        with pytest.raises(TypeError):
            indented(bad)
