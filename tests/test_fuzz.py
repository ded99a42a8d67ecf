"""Property and fuzz tests (hypothesis): random valid specs, random bad edits, monotonicity.

CI runs the "ci" profile (fixed seed, bounded examples); `HYPOTHESIS_PROFILE=long` hunts longer.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
from fractions import Fraction
from typing import Any

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from complexity.analysis.compare import Problem, compare  # noqa: E402
from complexity.cli import app, main  # noqa: E402
from complexity.engine.walk import walk  # noqa: E402
from complexity.errors import MbcalcError  # noqa: E402
from complexity.language.specfile import load_spec  # noqa: E402
from complexity.language.zoo import resolve, zoo_names  # noqa: E402

runner = CliRunner()
KERNELS = st.sampled_from([1, 3, 5])
WIDTH = st.integers(1, 48)


@st.composite
def simple_layer(draw: Any) -> dict[str, Any]:
    """A layer that is valid on any input (same padding, channels ≥ 1)."""
    kind = draw(st.sampled_from(["conv", "dw", "pw", "bn", "act", "se", "dropout", "pool"]))
    if kind == "conv":
        return {"kind": "conv", "out": draw(WIDTH), "kernel": draw(KERNELS),
                "stride": draw(st.sampled_from([1, 2])), "padding": "same",
                "bias": draw(st.booleans())}
    if kind == "dw":
        return {"kind": "dw", "kernel": draw(KERNELS), "stride": draw(st.sampled_from([1, 2])),
                "padding": "same", "multiplier": draw(st.integers(1, 2))}
    if kind == "pw":
        return {"kind": "pw", "out": draw(WIDTH), "bias": draw(st.booleans())}
    if kind == "act":
        return {"kind": "act", "fn": draw(st.sampled_from(["relu", "relu6", "hswish", "linear"]))}
    if kind == "se":
        return {"kind": "se", "reduction": draw(st.sampled_from([1, 2, 4])),
                "divisor": draw(st.sampled_from([None, 8]))}
    if kind == "pool":
        return {"kind": draw(st.sampled_from(["maxpool", "avgpool"])), "kernel": 2, "stride": 2,
                "padding": "same"}
    return {"kind": kind}


@st.composite
def item(draw: Any, depth: int = 0) -> dict[str, Any]:
    choice = draw(st.integers(0, 9)) if depth < 2 else 0
    if choice <= 6:
        return draw(simple_layer())
    if choice == 7:
        return {"kind": "repeat", "times": draw(st.integers(1, 3)),
                "layers": draw(st.lists(item(depth + 1), min_size=1, max_size=3))}
    if choice == 8:  # a residual whose body keeps the shape: pointwise back to the input width
        body = [{"kind": "pw", "out": draw(WIDTH)}, {"kind": "bn"},
                {"kind": "dw", "kernel": 3, "padding": "same"}, {"kind": "pw", "expansion": 1}]
        return {"kind": "residual", "when": "shapes_match", "layers": body}
    return {"kind": "concat", "branches": draw(st.lists(
        st.lists(item(depth + 1).filter(_keeps_size), max_size=2), min_size=1, max_size=3))}


def _keeps_size(layer: dict[str, Any]) -> bool:
    return layer.get("stride", 1) == 1 and layer["kind"] not in ("maxpool", "avgpool", "repeat")


@st.composite
def network(draw: Any) -> dict[str, Any]:
    layers = draw(st.lists(item(), min_size=1, max_size=8))
    return {"name": "random", "resolution": draw(st.integers(1, 40)),
            "in_channels": draw(st.integers(1, 4)),
            "layers": [*layers, {"kind": "global_pool"}, {"kind": "fc", "out": 10}]}


@given(network(), st.sampled_from(["paper", "torch", "keras"]))
def test_random_valid_specs_never_crash(data: dict[str, Any], convention: str) -> None:
    spec = load_spec(yaml.safe_dump(data), "random.yaml")
    report = walk(spec, convention=convention)  # type: ignore[arg-type]
    assert all(isinstance(r.params, int) and r.params >= 0 for r in report.rows)
    assert all(isinstance(r.madds, int) and r.madds >= 0 for r in report.rows)
    assert report.params == sum(r.params for r in report.rows)
    assert report.madds == sum(r.madds for r in report.rows)
    closed = report.madds_closed.subs({"alpha": 1, "rho": 1})
    assert closed >= 0


BAD_VALUES = [0, -1, "x", True, 1.5, 10**9, None, [1, 2, 3]]
INT_FIELDS = ("out", "kernel", "stride", "groups", "multiplier", "reduction", "times",
              "expansion")


def _layers(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every layer mapping in the spec, nested ones included."""
    found = []

    def visit(items: list[Any]) -> None:
        for entry in items:
            found.append(entry)
            for key in ("layers", "shortcut"):
                visit(entry.get(key, []))
            for branch in entry.get("branches", []):
                visit(branch)

    visit(data["layers"])
    return found


@given(network(), st.data())
def test_random_bad_edits_exit_2_naming_the_place(data: dict[str, Any], draw: Any) -> None:
    bad = copy.deepcopy(data)
    layer = draw.draw(st.sampled_from(_layers(bad)))
    edit = draw.draw(st.sampled_from(["value", "field", "kind", "no_kind"]))
    fields = [f for f in INT_FIELDS if f in layer]
    if edit == "value" and fields:
        layer[draw.draw(st.sampled_from(fields))] = draw.draw(st.sampled_from(BAD_VALUES))
    elif edit == "kind":
        layer["kind"] = draw.draw(st.sampled_from(["convv", "Conv", "", "linear"]))
    elif edit == "no_kind":
        del layer["kind"]
    else:
        layer["kernal"] = 3
    text = yaml.safe_dump(bad)
    with pytest.raises(MbcalcError) as caught:
        walk(load_spec(text, "bad.yaml"))
    message = str(caught.value)
    assert message.startswith("bad.yaml:") and "layers[" in message


def test_a_bad_edit_through_the_cli(tmp_path: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nlayers:\n  - {kind: conv, out: 8, kernel: 0}\n")
    result = runner.invoke(app, [str(path)])
    assert result.exit_code == 2 and "layers[0].kernel" in result.stderr


@given(st.integers(1, 256), st.integers(2, 256), st.integers(2, 7), st.integers(1, 56),
       st.integers(1, 2))
def test_depthwise_separable_never_costs_more(m: int, n: int, k: int, size: int,
                                              stride: int) -> None:
    costs = {c.variant.name: c for c in compare(Problem(m, n, k, size, stride),
                                                ["standard", "depthwise_separable"])}
    standard, separable = costs["standard"], costs["depthwise_separable"]
    assert separable.params <= standard.params
    assert separable.madds <= standard.madds


ALPHAS = [Fraction(k, 8) for k in range(2, 12)]  # 0.25 … 1.375
RESOLUTIONS = [96, 128, 160, 192, 224]


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_counts_never_decrease_as_alpha_or_rho_grow(name: str) -> None:
    spec = resolve(name)
    base = spec.network.resolution
    previous = None
    for alpha in ALPHAS:
        try:
            report = walk(spec, alpha)
        except MbcalcError:
            continue  # this α cannot be built (a grouped conv's channels do not divide)
        if previous is not None:
            assert report.params >= previous.params, f"params fall at alpha={alpha}"
            assert report.madds >= previous.madds, f"MAdds fall at alpha={alpha}"
        previous = report
    previous = None
    for resolution in sorted({*RESOLUTIONS, base}):
        try:
            report = walk(spec, resolution=resolution)
        except MbcalcError:
            continue  # too small for this network (or a fixed-size head)
        if previous is not None:
            assert report.params >= previous.params
            assert report.madds >= previous.madds, f"MAdds fall at {resolution}"
        previous = report


# --- the command line's options and raw spec text, fuzzed ----------------------------------------
HOSTILE_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
NUMBER_TEXT = st.one_of(
    st.from_regex(r"[+-]?[0-9]{0,12}(\.[0-9]{0,6})?([eE][+-]?[0-9]{1,10})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,6}/[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"[0-9.]{0,4}:[0-9.]{0,4}:[0-9e]{0,12}", fullmatch=True),
    st.sampled_from(["1", "0.5", "0.25,0.5,1", "224", "300M", "1e100000000", "nan", "-0"]),
    HOSTILE_TEXT,
)
OPTIONS = {
    "count": ["--alpha", "--rho", "--resolution", "--format", "--convention", "--set",
              "--output"],
    "sweep": ["--alpha", "--rho", "--resolution", "--format", "--set"],
    "formula": ["--alpha", "--rho", "--resolution", "--solve-madds", "--solve-params",
                "--format"],
    "compare": ["--cin", "--cout", "--kernel", "--size", "--stride", "--groups", "--expansion",
                "--alpha", "--rho", "--variants", "--format"],
}
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def run_main(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def one_error_line(code: int, err: str) -> None:
    """Exit 0, or exit 2 with exactly one clean ``error:`` line; never a bug's exit 1."""
    assert code in (0, 2), err
    assert "internal error" not in err and "Traceback" not in err, err
    assert not CONTROL.search(err), err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), err


@st.composite
def command_line(draw: Any) -> list[str]:
    command = draw(st.sampled_from(sorted(OPTIONS)))
    args = [command] if command == "compare" else [command, "mobilenet_v1"]
    if command == "compare":
        args += ["--cin", "8", "--cout", "16", "--kernel", "3", "--size", "7"]
    for option in draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=4)):
        if option == "--format":
            value = draw(st.sampled_from(["table", "csv", "json", "markdown", "latex", "html",
                                          "xml"]))
        elif option == "--convention":
            value = draw(st.sampled_from(["paper", "torch", "keras", "tf"]))
        elif option == "--output":
            value = draw(st.sampled_from(["/dev/null", "-", "/nonexistent/dir/x"]))
        elif option == "--set":
            value = draw(st.one_of(HOSTILE_TEXT, NUMBER_TEXT.map(lambda v: f"x={v}")))
        else:
            value = draw(NUMBER_TEXT)
        args += [option, value]
    return args


@pytest.mark.filterwarnings("ignore")
@given(command_line())
def test_fuzzed_command_lines_end_in_a_result_or_one_error_line(args: list[str]) -> None:
    if "sweep" in args and ("--format" not in args or "table" in args):
        args = [*args, "--format", "csv"]  # a legitimate large sweep is slow, not hostile
    code, _, err = run_main(args)
    one_error_line(code, err)


YAML_BITS = st.sampled_from([
    "name: n\n", "layers:\n", "  - {kind: conv, out: 8}\n", "  - kind: conv\n", "    out: 8\n",
    "    out: 16\n", "  - {kind: repeat, times: 1000000, layers: [{kind: bn}]}\n",
    "variables: {w: 8}\n", "  - {kind: conv, out: $w}\n", "&a [*a]\n", "!!python/name:os\n",
    "  - {kind: side, enabled: false, layers: [{kind: bn}]}\n", "resolution: 0\n", "{", "[",
    "- \x1b]0;x\x07\n", "  - {kind: concat, branches: [[], []]}\n", "\t", "---\n", "? x\n",
])


@given(st.lists(st.one_of(YAML_BITS, HOSTILE_TEXT), max_size=12))
def test_fuzzed_spec_text_ends_in_a_result_or_one_error_line(parts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/s.yaml"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("".join(parts))
        code, _, err = run_main([path, "--summary"])
    one_error_line(code, err)
