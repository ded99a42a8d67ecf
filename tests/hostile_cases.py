"""The hostile-input corpus run by tests/test_hostile.py: command lines, files, links, FIFOs,
numbers, YAML tricks, names and streams that a careless tool would hang on, blow up on, clobber
files with or print a traceback for. Each case says what must happen: exit 2 with one ``error:``
line (naming what was wrong), or success where the input is legitimate."""

from __future__ import annotations

from dataclasses import dataclass, field

File = bytes | tuple[str, ...]
"""A file's bytes, or ('fifo',), ('dir',), ('link', target)."""


@dataclass(frozen=True)
class Case:
    """One hostile run. ``{tmp}`` in an argument is the case's scratch folder."""

    id: str
    args: tuple[str, ...]
    exit: int = 2
    message: str | None = None
    """Text the error line must contain."""
    files: dict[str, File] = field(default_factory=dict)
    writes: tuple[str, ...] = ()
    """Files the case asks to be written (the only ones allowed to change)."""
    subprocess: bool = False
    """Run as a real process (streams, signals, fds), else in-process via complexity.cli.main."""
    stdout: str = "pipe"
    """'pipe', 'closed' or 'full' (a real process's standard output)."""
    env: dict[str, str] = field(default_factory=dict)
    clean: bool = False
    """Standard output (and written files) must hold no control characters but newlines."""


NET = """name: net
resolution: 32
variables: {classes: 10}
layers:
  - {kind: conv, name: c1, out: 16, kernel: 3, padding: same}
  - {kind: bn}
  - {kind: act, fn: relu}
  - {kind: pw, name: pw2, out: 32}
  - {kind: global_pool, name: pool}
  - {kind: fc, name: fc, out: $classes, width: fixed}
"""
NET_B = NET.encode()


def conv_out(value: str) -> dict[str, File]:
    """A one-conv spec whose ``out`` is the YAML text ``value``."""
    return {"s.yaml": spec("  - {kind: conv, out: " + value + "}\n")}


def spec(layers: str, head: str = "name: h\nresolution: 32\n") -> bytes:
    """A spec file whose ``layers:`` is the YAML text ``layers``."""
    return (head + "layers:\n" + layers).encode()


CASES: list[Case] = []


def add(*cases: Case) -> None:
    CASES.extend(cases)


# --- numbers typed on the command line -----------------------------------------------------------
BAD_NUMBERS = {
    "huge_exponent": "1e100000000", "neg_huge_exponent": "-1e100000000",
    "tiny_exponent": "1e-100000000", "e300": "1e300", "e_minus_300": "1e-300",
    "many_digits": "9" * 5000, "div_zero": "1/0", "nan": "nan", "inf": "inf", "empty": "",
    "hex": "0x10", "dangling_e": "1e", "power": "10**200", "two_dots": "1.2.3",
    "escape": "\x1b[2J1", "newline": "1\n2", "long_fraction": "1/" + "7" * 200,
}
NUMBER_OPTIONS = {
    "count_alpha": ("count", "mobilenet_v1", "--alpha"),
    "count_rho": ("count", "mobilenet_v1", "--rho"),
    "sweep_alpha": ("sweep", "mobilenet_v1", "--alpha"),
    "sweep_rho": ("sweep", "mobilenet_v1", "--rho"),
    "sweep_resolution": ("sweep", "mobilenet_v1", "--resolution"),
    "formula_alpha": ("formula", "mobilenet_v1", "--solve-madds", "300M", "--alpha"),
    "formula_solve_madds": ("formula", "mobilenet_v1", "--solve-madds"),
    "formula_solve_params": ("formula", "mobilenet_v1", "--solve-params"),
    "compare_alpha": ("compare", "--cin", "8", "--cout", "16", "--kernel", "3", "--size", "7",
                      "--alpha"),
    "compare_rho": ("compare", "--cin", "8", "--cout", "16", "--kernel", "3", "--size", "7",
                    "--rho"),
}
for option_id, prefix in NUMBER_OPTIONS.items():
    for value_id, value in BAD_NUMBERS.items():
        add(Case(f"number-{option_id}-{value_id}", (*prefix, value)))

COMPARE = {"cin": "8", "cout": "16", "kernel": "3", "size": "7"}
for option in ("cin", "cout", "kernel", "size", "stride", "groups", "expansion"):
    for value_id, value in {"over_limit": "2000000", "power": "10**12", "zero": "0",
                            "negative": "-1", "many_digits": "9" * 5000}.items():
        args = {**COMPARE, option: value}
        flat = [x for k, v in args.items() for x in (f"--{k}", v)]
        add(Case(f"compare-{option}-{value_id}", ("compare", *flat)))

add(
    Case("count-resolution-over-limit", ("mobilenet_v1", "--resolution", "2000000"),
         message="at most 1,000,000"),
    Case("count-resolution-power", ("mobilenet_v1", "--resolution", "10**200")),
    Case("count-resolution-many-digits", ("mobilenet_v1", "--resolution", "9" * 5000)),
    Case("count-alpha-at-limit", ("mobilenet_v1", "--alpha", "1000", "--summary"), exit=0),
    Case("count-largest-resolution", ("mobilenet_v1", "--alpha", "1000", "--resolution",
                                      "1000000", "--summary"), exit=0),
    Case("count-alpha-fraction", ("mobilenet_v1", "--alpha", "3/4", "--summary"), exit=0),
    Case("count-alpha-exponent-ok", ("mobilenet_v1", "--alpha", "7.5e-1", "--summary"), exit=0),
    Case("count-rho-and-resolution", ("mobilenet_v1", "--rho", "0.5", "--resolution", "112")),
    Case("count-rho-too-small", ("mobilenet_v1", "--rho", "0.001"), message="is empty"),
    Case("formula-contradictory-pair", ("formula", "mobilenet_v1", "--rho", "0.5",
                                        "--resolution", "112"), message="not both"),
    Case("formula-bad-alpha-no-budget", ("formula", "mobilenet_v1", "--alpha", "1e100000000")),
    Case("formula-bad-rho-no-budget", ("formula", "mobilenet_v1", "--rho", "-1")),
    Case("formula-both-budgets", ("formula", "mobilenet_v1", "--solve-madds", "1M",
                                  "--solve-params", "1M")),
    Case("formula-budget-suffix-only", ("formula", "mobilenet_v1", "--solve-madds", "M")),
    Case("formula-budget-too-big", ("formula", "mobilenet_v1", "--solve-madds", "1e31")),
    Case("formula-budget-ok", ("formula", "mobilenet_v1", "--solve-madds", "300M"), exit=0),
    Case("sweep-range-materialised", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:100000000000"),
         message="at most 50,000 points"),
    Case("sweep-range-count-exponent", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:1e100000000")),
    Case("sweep-range-count-fraction", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:2.5")),
    Case("sweep-range-count-zero", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:0")),
    Case("sweep-range-four-parts", ("sweep", "mobilenet_v1", "--alpha", "1:2:3:4")),
    Case("sweep-range-empty-parts", ("sweep", "mobilenet_v1", "--alpha", "::")),
    Case("sweep-only-commas", ("sweep", "mobilenet_v1", "--alpha", ",,,")),
    Case("sweep-grid-too-large", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:1000", "--rho",
                                  "0.5:1:1000", "--format", "csv"), message="at most 50,000"),
    Case("sweep-million-point-table", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:1000",
                                       "--rho", "0.5:1:1000")),
    Case("sweep-table-too-long", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:2000"),
         message="--format csv"),
    Case("sweep-resolution-fraction", ("sweep", "mobilenet_v1", "--resolution", "224.5")),
    Case("sweep-resolution-over-limit", ("sweep", "mobilenet_v1", "--resolution", "2000000")),
    Case("sweep-rho-and-resolution", ("sweep", "mobilenet_v1", "--rho", "1", "--resolution",
                                      "224")),
    Case("sweep-small-ok", ("sweep", "mobilenet_v1", "--alpha", "0.25:1:4", "--format", "csv"),
         exit=0),
    Case("sweep-alpha-range-over-limit", ("sweep", "mobilenet_v1", "--alpha", "0.5:2000:3")),
)

# --- compare's variants --------------------------------------------------------------------------
add(
    Case("compare-variants-commas", ("compare", "--cin", "8", "--cout", "16", "--kernel", "3",
                                     "--size", "7", "--variants", ",,,"), message="no variant"),
    Case("compare-variants-unknown", ("compare", "--cin", "8", "--cout", "16", "--kernel", "3",
                                      "--size", "7", "--variants", "standard,\x1b]0;x\x07")),
    Case("compare-groups-not-dividing", ("compare", "--cin", "9", "--cout", "16", "--kernel",
                                         "3", "--size", "7", "--groups", "2", "--variants",
                                         "group"), message="must divide"),
    Case("compare-even-kernel-asked", ("compare", "--cin", "8", "--cout", "16", "--kernel", "4",
                                       "--size", "7", "--variants", "stacked_3x3"),
         message="odd"),
    Case("compare-groups-default-noted", ("compare", "--cin", "9", "--cout", "16", "--kernel",
                                          "3", "--size", "7", "--groups", "2"), exit=0),
    Case("compare-even-kernel-noted", ("compare", "--cin", "8", "--cout", "16", "--kernel", "4",
                                       "--size", "7"), exit=0),
    Case("compare-huge-expansion", ("compare", "--cin", "1000", "--cout", "1000", "--kernel", "3",
                                    "--size", "7", "--expansion", "1000000", "--variants",
                                    "inverted_residual"), exit=0),
    Case("compare-alpha-zero-channels", ("compare", "--cin", "8", "--cout", "16", "--kernel",
                                         "3", "--size", "7", "--alpha", "0.01")),
    Case("compare-huge-kernel", ("compare", "--cin", "8", "--cout", "16", "--kernel", "1000000",
                                 "--size", "7", "--variants", "stacked_3x3")),
    Case("compare-json", ("compare", "--cin", "8", "--cout", "16", "--kernel", "3", "--size",
                          "7", "--format", "json"), exit=0),
)

# --- spec paths ----------------------------------------------------------------------------------
add(
    Case("spec-fifo", ("{tmp}/net.yaml",), files={"net.yaml": ("fifo",)}, message="FIFO"),
    Case("spec-dev-zero", ("/dev/zero",), message="device"),
    Case("spec-dev-null", ("/dev/null",), message="device"),
    Case("spec-dev-urandom", ("/dev/urandom",)),
    Case("spec-directory", ("{tmp}/d.yaml",), files={"d.yaml": ("dir",)}, message="directory"),
    Case("spec-dangling-link", ("{tmp}/l.yaml",), files={"l.yaml": ("link", "nowhere.yaml")}),
    Case("spec-link-loop", ("{tmp}/a.yaml",), files={"a.yaml": ("link", "b.yaml"),
                                                      "b.yaml": ("link", "a.yaml")}),
    Case("spec-link-to-fifo", ("{tmp}/l.yaml",), files={"f": ("fifo",), "l.yaml": ("link", "f")},
         message="FIFO"),
    Case("spec-link-to-file", ("{tmp}/l.yaml",), files={"n.yaml": NET_B,
                                                        "l.yaml": ("link", "n.yaml")}, exit=0),
    Case("spec-missing", ("{tmp}/missing.yaml",), message="no such file"),
    Case("spec-name-newline", ("{tmp}/a\nb.yaml",)),
    Case("spec-name-escape", ("{tmp}/\x1b]0;pwned\x07.yaml",)),
    Case("spec-name-nul", ("{tmp}/a\0b.yaml",), message="NUL"),
    Case("spec-name-too-long", ("{tmp}/" + "a" * 5000 + ".yaml",)),
    Case("spec-deep-path", ("{tmp}/" + "a/" * 3000 + "x.yaml",)),
    Case("model-name-too-long", ("a" * 5000,), message="unknown model"),
    Case("model-name-escape", ("mob\x1b[2J\x1b]0;x\x07",), message="unknown model"),
    Case("spec-too-large", ("{tmp}/big.yaml",), files={"big.yaml": b"#" * (2 << 20)},
         message="KiB"),
    Case("spec-binary", ("{tmp}/b.yaml",), files={"b.yaml": b"\x7fELF\0\0\0"}, message="binary"),
    Case("spec-not-utf8", ("{tmp}/l1.yaml",), files={"l1.yaml": b"name: caf\xe9\nlayers: []\n"},
         message="UTF-8"),
    Case("spec-utf16", ("{tmp}/u.yaml",), files={"u.yaml": NET.encode("utf-16")}),
    Case("spec-empty", ("{tmp}/e.yaml",), files={"e.yaml": b""}, message="empty"),
    Case("spec-whitespace", ("{tmp}/w.yaml",), files={"w.yaml": b"   \n\n\t\n"}),
    Case("spec-ok", ("{tmp}/n.yaml", "--format", "csv"), files={"n.yaml": NET_B}, exit=0),
    Case("spec-bom", ("{tmp}/n.yaml",), files={"n.yaml": b"\xef\xbb\xbf" + NET_B}, exit=0),
    Case("spec-crlf", ("{tmp}/n.yaml",), files={"n.yaml": NET_B.replace(b"\n", b"\r\n")}, exit=0),
)

# --- YAML tricks ---------------------------------------------------------------------------------
LAYER = "  - {kind: conv, out: 8}\n"
add(
    Case("yaml-duplicate-field", ("{tmp}/s.yaml",),
         files=conv_out("8, out: 16"), message="duplicate key"),
    Case("yaml-duplicate-block-field", ("{tmp}/s.yaml",),
         files={"s.yaml": spec("  - kind: conv\n    out: 8\n    out: 16\n")},
         message="lines 5 and 6"),
    Case("yaml-duplicate-layers", ("{tmp}/s.yaml",),
         files={"s.yaml": spec(LAYER) + b"layers:\n" + LAYER.encode()},
         message="duplicate key 'layers'"),
    Case("yaml-duplicate-name", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: a\nname: b\nlayers:\n" + LAYER.encode()}),
    Case("yaml-duplicate-variable", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: a\nvariables: {w: 8, w: 16}\nlayers:\n  - {kind: conv, "
                          b"out: $w}\n"}),
    Case("yaml-duplicate-int-key", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: a\nvariants: {1: {}, 1: {}}\nlayers:\n" + LAYER.encode()}),
    Case("yaml-python-object", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: !!python/object/apply:os.system ['touch pwned']\nlayers: []\n"}),
    Case("yaml-python-name", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: !!python/name:os.system\nlayers: []\n"}),
    Case("yaml-binary-tag", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: !!binary aGVsbG8=\nlayers:\n" + LAYER.encode()},
         message="unsupported YAML value"),
    Case("yaml-timestamp", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: 2001-12-14\nlayers:\n" + LAYER.encode()}),
    Case("yaml-custom-tag", ("{tmp}/s.yaml",),
         files={"s.yaml": b"name: a\nlayers: !custom\n" + LAYER.encode()}),
    Case("yaml-set-tag", ("{tmp}/s.yaml",), files={"s.yaml": b"name: a\nlayers: !!set {a, b}\n"}),
    Case("yaml-alias-bomb", ("{tmp}/s.yaml",), files={"s.yaml": (
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))).encode()},
         message="alias bomb"),
    Case("yaml-deep-flow", ("{tmp}/s.yaml",), files={"s.yaml": b"name: " + b"[" * 5000}),
    Case("yaml-deep-block", ("{tmp}/s.yaml",), files={"s.yaml": "".join(
        " " * i + "a:\n" for i in range(300)).encode()}),
    Case("yaml-merge-key", ("{tmp}/s.yaml",),
         files={"s.yaml": b"base: &b {kind: conv, out: 8}\nname: a\nlayers:\n  - {<<: *b}\n"}),
    Case("yaml-two-documents", ("{tmp}/s.yaml",), files={"s.yaml": NET_B + b"---\n" + NET_B}),
    Case("yaml-complex-key", ("{tmp}/s.yaml",), files={"s.yaml": b"? [a, b]\n: 1\n"}),
    Case("yaml-null-key", ("{tmp}/s.yaml",), files={"s.yaml": b"~: 1\nname: a\n"}),
    Case("yaml-bool-key", ("{tmp}/s.yaml",), files={"s.yaml": b"yes: 1\nname: a\n"}),
    Case("yaml-list-document", ("{tmp}/s.yaml",), files={"s.yaml": b"- a\n- b\n"}),
    Case("yaml-scalar-document", ("{tmp}/s.yaml",), files={"s.yaml": b"just text\n"}),
    Case("yaml-tab-indent", ("{tmp}/s.yaml",), files={"s.yaml": b"name: a\nlayers:\n\t- x\n"}),
    Case("yaml-unclosed-quote", ("{tmp}/s.yaml",), files={"s.yaml": b"name: 'a\nlayers: []\n"}),
    Case("yaml-huge-int", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        "  - {kind: conv, out: " + "9" * 4000 + "}\n")}),
    Case("yaml-huge-int-5000", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        "  - {kind: conv, out: " + "9" * 5000 + "}\n")}),
    Case("yaml-out-over-limit", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        "  - {kind: conv, out: 1000001}\n")}),
    Case("yaml-out-float", ("{tmp}/s.yaml",), files=conv_out("8.0")),
    Case("yaml-out-inf", ("{tmp}/s.yaml",), files=conv_out(".inf")),
    Case("yaml-out-nan", ("{tmp}/s.yaml",), files=conv_out(".nan")),
    Case("yaml-out-bool", ("{tmp}/s.yaml",), files=conv_out("yes")),
    Case("yaml-out-string", ("{tmp}/s.yaml",), files=conv_out("'8'")),
    Case("yaml-out-negative", ("{tmp}/s.yaml",), files=conv_out("-8")),
    Case("yaml-out-list", ("{tmp}/s.yaml",), files=conv_out("[8]")),
    Case("yaml-out-hex", ("{tmp}/s.yaml",), files=conv_out("0x10"),
         exit=0),  # YAML 1.1 reads 0x10 as 16: legitimate
    Case("yaml-out-sexagesimal", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        "  - {kind: conv, out: 1:30}\n")}, exit=0),  # YAML 1.1 base 60: 90, legitimate
    Case("yaml-resolution-over-limit", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        LAYER, "name: h\nresolution: 10000000\n")}),
    Case("yaml-kernel-over-limit", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        "  - {kind: conv, out: 8, kernel: 1000001}\n")}),
    Case("yaml-unknown-kind", ("{tmp}/s.yaml",), files={"s.yaml": spec("  - {kind: conv2d}\n")},
         message="did you mean"),
    Case("yaml-kind-escape", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        '  - {kind: "\\e]0;x\\a"}\n')}),
    Case("yaml-layers-mapping", ("{tmp}/s.yaml",), files={"s.yaml": b"name: a\nlayers: {a: 1}\n"}),
    Case("yaml-layers-missing", ("{tmp}/s.yaml",), files={"s.yaml": b"name: a\n"}),
    Case("yaml-undefined-variable", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        "  - {kind: conv, out: $nope}\n")}),
    Case("yaml-list-table-variable", ("{tmp}/s.yaml",), files={"s.yaml": (
        b"name: a\nvariables:\n  ws: [1, 2]\n  w: {by: ws, values: {1: 8}}\n"
        b"layers:\n  - {kind: conv, out: $w}\n")}, message="is a list"),
    Case("yaml-table-variable-self", ("{tmp}/s.yaml",), files={"s.yaml": (
        b"name: a\nvariables:\n  w: {by: w, values: {1: 8}}\n"
        b"layers:\n  - {kind: conv, out: $w}\n")}),
    Case("yaml-table-variable-missing-choice", ("{tmp}/s.yaml",), files={"s.yaml": (
        b"name: a\nvariables:\n  s: 3\n  w: {by: s, values: {1: 8}}\n"
        b"layers:\n  - {kind: conv, out: $w}\n")}),
    Case("yaml-table-variable-by-map", ("{tmp}/s.yaml",), files={"s.yaml": (
        b"name: a\nvariables:\n  w: {by: {a: 1}, values: {1: 8}}\n"
        b"layers:\n  - {kind: conv, out: $w}\n")}),
)

# --- expansion bombs -----------------------------------------------------------------------------
def nested(inner: str, times: int = 1000000, depth: int = 2) -> bytes:
    """``depth`` repeats of ``times`` around the layer item ``inner``."""
    text, indent = "", "  "
    for _ in range(depth):
        text += f"{indent}- kind: repeat\n{indent}  times: {times}\n{indent}  layers:\n"
        indent += "    "
    return spec(text + indent + inner + "\n")


add(
    Case("bomb-disabled-side", ("{tmp}/s.yaml",), files={"s.yaml": nested(
        "- {kind: side, enabled: false, layers: [{kind: conv, out: 8}]}")},
         message="expands to more than"),
    Case("bomb-empty-concat", ("{tmp}/s.yaml",), files={"s.yaml": nested(
        "- {kind: concat, branches: [[], []]}")}),
    Case("bomb-residual-around-nothing", ("{tmp}/s.yaml",), files={"s.yaml": nested(
        "- {kind: residual, layers: []}")}),
    Case("bomb-residual-identity", ("{tmp}/s.yaml",), files={"s.yaml": nested(
        "- {kind: residual, layers: [{kind: act, fn: relu}]}")}),
    Case("bomb-rows", ("{tmp}/s.yaml",), files={"s.yaml": nested("- {kind: bn}")},
         message="expands to more than"),
    Case("bomb-three-levels", ("{tmp}/s.yaml",), files={"s.yaml": nested(
        "- {kind: side, enabled: false, layers: [{kind: bn}]}", 1000, 3)}),
    Case("bomb-empty-repeat", ("{tmp}/s.yaml",), files={"s.yaml": nested(
        "- {kind: repeat, times: 1000000, layers: []}")}),
    Case("bomb-dropout", ("{tmp}/s.yaml",), files={"s.yaml": nested("- {kind: dropout}")}),
    Case("bomb-times-over-limit", ("{tmp}/s.yaml",), files={"s.yaml": spec(
        "  - {kind: repeat, times: 10000000, layers: [{kind: bn}]}\n")}),
    Case("bomb-small-repeat-ok", ("{tmp}/s.yaml", "--summary"), files={"s.yaml": nested(
        "- {kind: bn}", 10, 2)}, exit=0),
)

# --- names that reach a terminal or a file -------------------------------------------------------
HOSTILE_NAMES = {
    "osc-title": "\x1b]0;pwned\x07", "clear-screen": "\x1b[2J\x1b[H", "newline": "a\nb",
    "carriage-return": "ok\rEVIL", "del": "a\x7fb", "c1-csi": "a\x9b31mb",
    "bidi-override": "a\u202eb", "backspace": "abc\x08\x08\x08xyz", "bell": "\x07\x07",
    "line-separator": "a\u2028b",
}
for name_id, name in HOSTILE_NAMES.items():
    body = ("name: h\nresolution: 32\nlayers:\n  - kind: conv\n    out: 8\n    name: \""
            + name.encode("unicode_escape").decode().replace('"', '\\"') + "\"\n").encode()
    for fmt in ("table", "csv", "markdown", "html", "latex", "json"):
        add(Case(f"name-{name_id}-{fmt}", ("{tmp}/s.yaml", "--format", fmt),
                 files={"s.yaml": body}, exit=0, clean=True))
    add(Case(f"name-{name_id}-in-error", ("{tmp}/s.yaml",), files={"s.yaml": (
        "name: h\nresolution: 32\nlayers:\n  - kind: conv\n    out: 8\n    groups: 3\n"
        "    name: \"" + name.encode("unicode_escape").decode() + "\"\n").encode()}))
    add(Case(f"name-{name_id}-output-file", ("{tmp}/s.yaml", "--format", "csv", "--output",
                                             "{tmp}/out.csv"),
             files={"s.yaml": body}, exit=0, writes=("out.csv",), clean=True))

# --- output files --------------------------------------------------------------------------------
OUT = ("mobilenet_v1", "--summary", "--format", "csv", "--output")
add(
    Case("output-dangling-link", (*OUT, "{tmp}/o.csv"), files={"o.csv": ("link", "nowhere")},
         message="symbolic link"),
    Case("output-dangling-link-force", (*OUT, "{tmp}/o.csv", "--force"),
         files={"o.csv": ("link", "nowhere")}, message="symbolic link"),
    Case("output-link-to-file-force", (*OUT, "{tmp}/o.csv", "--force"),
         files={"keep": b"precious", "o.csv": ("link", "keep")}, message="symbolic link"),
    Case("output-existing", (*OUT, "{tmp}/o.csv"), files={"o.csv": b"precious"},
         message="--force"),
    Case("output-existing-force", (*OUT, "{tmp}/o.csv", "--force"), files={"o.csv": b"old"},
         exit=0, writes=("o.csv",)),
    Case("output-new", (*OUT, "{tmp}/o.csv"), exit=0, writes=("o.csv",)),
    Case("output-directory", (*OUT, "{tmp}/d", "--force"), files={"d": ("dir",)},
         message="directory"),
    Case("output-dot", (*OUT, "{tmp}/.", "--force")),
    Case("output-fifo-no-reader", (*OUT, "{tmp}/f", "--force"), files={"f": ("fifo",)},
         message="no reader"),
    Case("output-dev-null", (*OUT, "/dev/null"), exit=0),
    Case("output-dev-null-force", (*OUT, "/dev/null", "--force"), exit=0),
    Case("output-missing-folder", (*OUT, "{tmp}/no/such/o.csv"), message="does not exist"),
    Case("output-under-a-file", (*OUT, "{tmp}/file/o.csv"), files={"file": b"x"},
         message="Not a directory"),
    Case("output-name-newline", (*OUT, "{tmp}/a\nb.csv"), exit=0, writes=("a\nb.csv",)),
    Case("output-name-escape-existing", (*OUT, "{tmp}/\x1b[2J.csv"),
         files={"\x1b[2J.csv": b"keep"}),
    Case("output-name-nul", (*OUT, "{tmp}/a\0b")),
    Case("output-name-too-long", (*OUT, "{tmp}/" + "a" * 300)),
    Case("output-dash", (*OUT, "-"), exit=0),
    Case("plot-existing", ("mobilenet_v1", "--plot", "{tmp}/p.png"), files={"p.png": b"img"},
         message="--force"),
    Case("plot-dangling-link", ("mobilenet_v1", "--plot", "{tmp}/p.svg"),
         files={"p.svg": ("link", "nowhere")}),
    Case("plot-bad-suffix", ("mobilenet_v1", "--plot", "{tmp}/p.exe")),
    Case("output-sweep-existing", ("sweep", "mobilenet_v1", "--alpha", "0.5,1", "--output",
                                   "{tmp}/o.json", "--format", "json"),
         files={"o.json": b"keep"}),
    Case("output-compare-link", ("compare", "--cin", "8", "--cout", "8", "--kernel", "3",
                                 "--size", "7", "--output", "{tmp}/o", "--force"),
         files={"t": b"keep", "o": ("link", "t")}),
    Case("output-formula-fifo", ("formula", "mobilenet_v1", "--output", "{tmp}/f"),
         files={"f": ("fifo",)}),
)

# --- options and --set ---------------------------------------------------------------------------
add(
    Case("option-unknown", ("mobilenet_v1", "--nope")),
    Case("option-bad-format", ("mobilenet_v1", "--format", "xml")),
    Case("option-bad-convention", ("mobilenet_v1", "--convention", "\x1b[31m")),
    Case("option-missing-value", ("mobilenet_v1", "--alpha")),
    Case("option-repeated", ("mobilenet_v1", "--alpha", "0.5", "--alpha", "0.75", "--summary"),
         exit=0),
    Case("option-unknown-command-like", ("--\x1b]0;x\x07",)),
    Case("option-compare-missing", ("compare", "--cin", "8")),
    Case("set-huge-exponent", ("{tmp}/n.yaml", "--set", "classes=1e100000000"),
         files={"n.yaml": NET_B}),
    Case("set-huge-int", ("{tmp}/n.yaml", "--set", "classes=" + "9" * 150),
         files={"n.yaml": NET_B}),
    Case("set-too-long", ("{tmp}/n.yaml", "--set", "classes=" + "9" * 5000),
         files={"n.yaml": NET_B}, message="at most 200"),
    Case("set-inf", ("{tmp}/n.yaml", "--set", "classes=.inf"), files={"n.yaml": NET_B}),
    Case("set-list", ("{tmp}/n.yaml", "--set", "classes=[1, 2]"), files={"n.yaml": NET_B}),
    Case("set-map", ("{tmp}/n.yaml", "--set", "classes={a: 1}"), files={"n.yaml": NET_B}),
    Case("set-tag", ("{tmp}/n.yaml", "--set", "classes=!!python/name:os.system"),
         files={"n.yaml": NET_B}),
    Case("set-no-name", ("{tmp}/n.yaml", "--set", "=3"), files={"n.yaml": NET_B}),
    Case("set-no-equals", ("{tmp}/n.yaml", "--set", "classes"), files={"n.yaml": NET_B}),
    Case("set-unknown", ("{tmp}/n.yaml", "--set", "\x1b[2J=3"), files={"n.yaml": NET_B}),
    Case("set-zero", ("{tmp}/n.yaml", "--set", "classes=0"), files={"n.yaml": NET_B}),
    Case("set-over-limit", ("{tmp}/n.yaml", "--set", "classes=1000001"), files={"n.yaml": NET_B}),
    Case("set-ok", ("{tmp}/n.yaml", "--set", "classes=100", "--summary"), files={"n.yaml": NET_B},
         exit=0),
    Case("set-bad-yaml", ("{tmp}/n.yaml", "--set", "classes=[unclosed"), files={"n.yaml": NET_B}),
)

# --- streams (real processes) --------------------------------------------------------------------
for stream_id, args in {"list": ("list",), "count": ("mobilenet_v1",),
                        "csv": ("mobilenet_v1", "--format", "csv"),
                        "json": ("mobilenet_v1", "--format", "json")}.items():
    add(Case(f"stdout-closed-{stream_id}", args, subprocess=True, stdout="closed",
             message="standard output"),
        Case(f"stdout-full-{stream_id}", args, subprocess=True, stdout="full",
             message="No space left"),
        Case(f"stdout-ascii-{stream_id}", args, subprocess=True, exit=0,
             env={"PYTHONIOENCODING": "ascii"}))
add(
    Case("subprocess-fifo-spec", ("{tmp}/net.yaml",), files={"net.yaml": ("fifo",)},
         subprocess=True, message="FIFO"),
    Case("subprocess-huge-alpha", ("mobilenet_v1", "--alpha", "1e100000000"), subprocess=True),
    Case("subprocess-bomb", ("{tmp}/s.yaml",), files={"s.yaml": nested(
        "- {kind: side, enabled: false, layers: [{kind: conv, out: 8}]}")}, subprocess=True),
    Case("subprocess-million-table", ("sweep", "mobilenet_v1", "--alpha", "0.5:1:1000",
                                      "--rho", "0.5:1:1000"), subprocess=True),
    Case("subprocess-output-dev-stdout", ("mobilenet_v1", "--summary", "--format", "csv",
                                          "--output", "/dev/stdout", "--force"),
         subprocess=True, exit=0),
    Case("subprocess-output-dev-stderr", ("mobilenet_v1", "--summary", "--format", "csv",
                                          "--output", "/dev/stderr"), subprocess=True, exit=0),
    Case("subprocess-names-table", ("{tmp}/s.yaml",), files={"s.yaml": (
        b"name: h\nresolution: 32\nlayers:\n  - {kind: conv, out: 8, name: \"\\e]0;x\\a\\e[2J\"}\n"
    )}, subprocess=True, exit=0, clean=True),
    Case("subprocess-ascii-compare", ("compare", "--cin", "8", "--cout", "16", "--kernel", "3",
                                      "--size", "7"), subprocess=True, exit=0,
         env={"PYTHONIOENCODING": "ascii"}),
    Case("subprocess-c-locale", ("mobilenet_v1", "--summary"), subprocess=True, exit=0,
         env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}),
)
