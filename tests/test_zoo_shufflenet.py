"""ShuffleNet V1 (every groups × size) and ShuffleNet V2 (0.5×–2×): the engine against real torch
layers and the papers' printed figures.

Expected values come from torch (numel, FlopCounterMode) on the hand-written reference
(complexity/reference/shufflenet.py), from torchvision's published metadata, from Megvii's
reference-code README, from hand formulas, or from the papers; never from the engine itself.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from complexity.algebra.symbols import BY_NAME  # noqa: E402
from complexity.cli import app  # noqa: E402
from complexity.engine.walk import Report, walk  # noqa: E402
from complexity.errors import SpecError  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402
from complexity.reference.shufflenet import MODELS, V1_STAGES, v1_widths  # noqa: E402

pytestmark = pytest.mark.reference

GROUPS = [1, 2, 3, 4, 8]
SCALES = ["0.25", "0.5", "1.0", "1.5", "2.0"]
V1_GRID = [(g, s) for g in GROUPS for s in SCALES]
V2_SIZES = ["x0_5", "x1_0", "x1_5", "x2_0"]
RESOLUTIONS = [224, 192, 160, 128]


def v1(groups: int = 3, scale: str = "1.0", convention: str = "paper",
       resolution: int = 224) -> Report:
    spec = resolve("shufflenet_v1", {"groups": groups, "scale": f"{scale}x"})
    return walk(spec, resolution=resolution, convention=convention)  # type: ignore[arg-type]


def v2(size: str, convention: str = "paper", resolution: int = 224) -> Report:
    spec = resolve(f"shufflenet_v2_{size}")
    return walk(spec, resolution=resolution, convention=convention)  # type: ignore[arg-type]


from torch_counts import input_shapes, torch_madds  # noqa: E402


def millions(n: int, digits: int = 0) -> Fraction:
    """n / 10⁶ rounded half-even to ``digits`` decimals, exactly (no float)."""
    return round(Fraction(n, 10**6), digits)


def check_against_reference(model: nn.Module, report: Report, paper: Report,
                            resolution: int) -> None:
    params = sum(p.numel() for p in model.parameters())
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, nn.Conv2d | nn.Linear))
    madds = torch_madds(model, torch.zeros(1, 3, resolution, resolution))
    assert report.params == params, "torch params = Σ numel(model.parameters())"
    assert report.madds == madds, "MAdds = FlopCounterMode total / 2"
    assert paper.params == weights, "paper params = Σ numel(conv and fc weights)"
    assert paper.madds == madds, "MAdds must not depend on the params convention"


# --- the real frameworks --------------------------------------------------------------------


def test_defaults_match_the_torch_references() -> None:
    # Every other size and resolution: the slow grids below.
    check_against_reference(MODELS["shufflenet_v1"](), v1(convention="torch"), v1(), 224)
    check_against_reference(MODELS["shufflenet_v2_x1_0"](), v2("x1_0", "torch"), v2("x1_0"), 224)


@pytest.mark.slow
@pytest.mark.parametrize(("groups", "scale"), V1_GRID)
def test_v1_every_groups_and_size_matches_torch(groups: int, scale: str) -> None:
    model = MODELS["shufflenet_v1"](groups=groups, scale=float(scale))
    check_against_reference(model, v1(groups, scale, "torch"), v1(groups, scale), 224)


@pytest.mark.slow
@pytest.mark.parametrize("size", V2_SIZES)
@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_v2_every_size_and_resolution_matches_torch(size: str, resolution: int) -> None:
    model = MODELS[f"shufflenet_v2_{size}"]()
    check_against_reference(model, v2(size, "torch", resolution), v2(size, "paper", resolution),
                            resolution)


def test_classes_change_only_the_classifier() -> None:
    model = MODELS["shufflenet_v2_x1_0"](classes=10)
    report = walk(resolve("shufflenet_v2_x1_0", {"classes": 10}), convention="torch")
    assert report.params == sum(p.numel() for p in model.parameters())
    assert report.params == 2_278_604 - 1025 * 990, "fc 1024 → 1000 (+ bias) becomes 1024 → 10"


@pytest.mark.parametrize("name", ["shufflenet_v1", "shufflenet_v2_x0_5"])
def test_per_layer_against_torch_modules(name: str) -> None:
    resolution = 160
    if name == "shufflenet_v1":  # g = 8 at 0.5×: a stem rounded up to 16, every conv grouped
        model, report = MODELS[name](groups=8, scale=0.5), v1(8, "0.5", "torch", resolution)
    else:
        model, report = MODELS[name](), v2("x0_5", "torch", resolution)
    model.eval()
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    inputs = input_shapes(model, layers, resolution)

    rows = [r for r in report.rows if r.kind in ("conv", "pw", "dw", "fc")]
    assert len(rows) == len(layers)
    for row, layer in zip(rows, layers, strict=True):
        shape = inputs[layer]
        if isinstance(layer, nn.Linear):
            assert row.kind == "fc", row.name
            assert row.input.as_list() == [shape[1], 1, 1], row.name
        else:
            assert row.input.as_list() == list(shape[1:]), f"{row.name}: input [C, H, W]"
            groups = row.values.get(BY_NAME["g"], 1) if row.kind != "dw" else row.input.c
            assert groups == layer.groups, f"{row.name}: groups"
        bias = layer.bias.numel() if layer.bias is not None else 0
        assert row.params == layer.weight.numel() + bias, f"{row.name}: weight + bias numel"
        assert row.madds == torch_madds(layer, torch.zeros(shape)), row.name


def test_v1_nested_tables_follow_the_rounding_rule() -> None:
    # The spec's groups → scale tables against the reference's rule (stage widths c·s to the
    # nearest multiple of 4g, the stem to the nearest multiple of g), all 25 networks.
    for groups, scale in V1_GRID:
        variables = resolve("shufflenet_v1",
                            {"groups": groups, "scale": f"{scale}x"}).network.variables
        stem, stages = v1_widths(groups, scale)
        got = (variables["stem"], variables["c2"], variables["c3"], variables["c4"])
        assert got == (stem, *stages), (groups, scale)


def test_v1_defaults_are_g3_at_1x() -> None:
    variables = resolve("shufflenet_v1").network.variables
    assert (variables["groups"], variables["scale"]) == (3, "1.0x")
    assert (variables["stem"], variables["c2"], variables["c3"], variables["c4"]) == (
        24, *V1_STAGES[3])


def test_v1_unknown_groups_or_scale_names_the_choices() -> None:
    with pytest.raises(SpecError, match=r"no value for groups=5 \(choices: 1, 2, 3, 4, 8\)"):
        resolve("shufflenet_v1", {"groups": 5})
    with pytest.raises(SpecError, match=r"no value for scale='0.75x' \(choices: 0.25x, 0.5x"):
        resolve("shufflenet_v1", {"scale": "0.75x"})
    with pytest.raises(SpecError, match=r"--set scale=1.0: expected a str like the default '1.0x'"):
        resolve("shufflenet_v1", {"scale": 1.0})


def test_v1_widths_cannot_be_set_directly() -> None:
    with pytest.raises(SpecError, match=r"--set c2: c2 follows .*set that instead"):
        resolve("shufflenet_v1", {"c2": 256})


def test_cli_sets_groups_and_scale() -> None:
    result = CliRunner().invoke(app, ["shufflenet_v1", "--set", "groups=8", "--set", "scale=0.5x",
                                      "--format", "json"])
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    model = MODELS["shufflenet_v1"](groups=8, scale=0.5)
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, nn.Conv2d | nn.Linear))
    madds = torch_madds(model, torch.zeros(1, 3, 224, 224))
    assert data["totals"] == {"params": weights, "madds": madds}, "paper convention, 224"
    assert data["layers"][0]["output"][0] == 16, "g = 8 at 0.5×: the stem rounded up to 16"


def test_v1_reference_rejects_sizes_it_does_not_define() -> None:
    with pytest.raises(ValueError, match="groups must be one of"):
        MODELS["shufflenet_v1"](groups=5)
    with pytest.raises(ValueError, match="scale must be one of"):
        MODELS["shufflenet_v1"](scale=0.75)


def test_verify_command_passes_groups_and_scale_to_the_reference() -> None:
    result = CliRunner().invoke(app, ["verify", "shufflenet_v1", "--set", "groups=8",
                                      "--set", "scale=0.5x", "--resolution", "128"])
    assert result.exit_code == 0, result.stdout
    assert "all layers match" in result.stdout


def test_v1_widths_of_the_reference_code() -> None:
    # Megvii's ShuffleNetV1/network.py, stage_out_channels[1:] (stem, stages 2–4) by size and g.
    megvii = {
        (3, "0.5"): (12, 120, 240, 480), (3, "1.0"): (24, 240, 480, 960),
        (3, "1.5"): (24, 360, 720, 1440), (3, "2.0"): (48, 480, 960, 1920),
        (8, "0.5"): (16, 192, 384, 768), (8, "1.0"): (24, 384, 768, 1536),
        (8, "1.5"): (24, 576, 1152, 2304), (8, "2.0"): (48, 768, 1536, 3072),
    }
    for (groups, scale), (stem, *stages) in megvii.items():
        rows = {r.name: r for r in v1(groups, scale).rows}
        assert rows["conv1"].output.c == stem, (groups, scale)
        got = [rows[f"stage{i}.1/concat"].output.c for i in (2, 3, 4)]
        assert got == stages, (groups, scale)


# --- the papers' and the reference code's printed figures --------------------------------------
# The ShuffleNet papers print "FLOPs" that are multiply-adds (V2, footnote 1: "the number of
# multiply-adds"). docs/zoo/shufflenet.md explains each gap.


@pytest.mark.parametrize(("groups", "printed"), [(1, 143), (2, 140), (3, 137), (4, 133), (8, 137)])
def test_v1_table_1_complexity_without_the_classifier(groups: int, printed: int) -> None:
    # Zhang et al. 2017, Table 1, "Complexity" row (1×). All five are the network without its
    # 1000-way fully connected layer (c4 · 1000 MAdds, c4 the stage-4 width of Table 1).
    fc = V1_STAGES[groups][2] * 1000
    assert millions(v1(groups).madds - fc) == printed


@pytest.mark.parametrize(("groups", "printed"), [(1, 143), (3, 137)])
def test_v1_table_1_with_the_classifier_where_it_still_rounds_the_same(groups: int,
                                                                      printed: int) -> None:
    # With the classifier, g = 2, 4, 8 print one more (141, 134, 138): see the docs.
    assert millions(v1(groups).madds) == printed


@pytest.mark.parametrize(("groups", "scale", "printed"), [
    # Table 2 prints one complexity per size for every g ("roughly unchanged across g"):
    # 0.5× 38, 0.25× 13.
    (3, "0.5", 38), (4, "0.5", 38),
    (1, "0.25", 13), (2, "0.25", 13), (3, "0.25", 13), (4, "0.25", 13),
    # Table 5 (against MobileNet): 2× (g = 3) 524, 1.5× (g = 3) 292, 0.5× (g = 4) 38.
    (3, "2.0", 524), (3, "1.5", 292),
])
def test_v1_tables_2_and_5(groups: int, scale: str, printed: int) -> None:
    assert millions(v1(groups, scale).madds) == printed


@pytest.mark.parametrize(("groups", "scale", "madds", "params"), [
    # Megvii's ShuffleNetV1/README.md: FLOPs (multiply-adds) and #Params (their numel, BN
    # included: our torch convention).
    (3, "0.5", 38, "0.7"), (3, "1.5", 292, "3.4"), (3, "2.0", 524, "5.4"),
    (8, "0.5", 40, "1.0"), (8, "1.0", 138, "2.4"), (8, "1.5", 290, "4.3"), (8, "2.0", 522, "6.5"),
    # 1.0x (g = 3): the README prints 138M; the network has 137,460,672 (137). Params 1.9M agree.
    (3, "1.0", 137, "1.9"),
])
def test_v1_reference_code_readme(groups: int, scale: str, madds: int, params: str) -> None:
    assert millions(v1(groups, scale).madds) == madds
    assert millions(v1(groups, scale, "torch").params, 1) == Fraction(params)


def megvii_stage2_extra(mid: int) -> int:
    """MAdds Megvii's V2 adds in stage 2's first unit (28×28 map, 24 input channels, branches of
    mid): its left 1×1 is 24 → 24 (torchvision 24 → mid) and its right last 1×1 is
    mid → 2·mid − 24 (torchvision mid → mid):
    28²·(24·24 − 24·mid + mid·(mid − 24)) = 28²·(mid − 24)²."""
    return 28 * 28 * (mid - 24) ** 2


@pytest.mark.parametrize(("size", "mid", "madds", "params"), [
    # Ma et al. 2018, Table 5: FLOPs (multiply-adds) 41M, 146M, 299M, 591M; weights 1.4M … 7.4M.
    ("x1_0", 58, 146, "2.3"), ("x1_5", 88, 299, "3.5"), ("x2_0", 122, 591, "7.4"),
    # 0.5×: the structures agree (mid = 24), 40,476,448 prints as 40, not the paper's 41.
    ("x0_5", 24, 40, "1.4"),
])
def test_v2_table_5(size: str, mid: int, madds: int, params: str) -> None:
    report = v2(size)
    assert millions(report.params, 1) == Fraction(params), "weights, torchvision's structure"
    assert millions(report.madds + megvii_stage2_extra(mid)) == madds, (
        "the paper counts Megvii's stage-2 first unit"
    )


@pytest.mark.parametrize(("size", "num_params", "gflops"), [
    # torchvision's ShuffleNet_V2_*_Weights meta: num_params (numel) and _ops (GMACs).
    ("x0_5", 1_366_792, "0.04"), ("x1_0", 2_278_604, "0.145"),
    ("x1_5", 3_503_624, "0.296"), ("x2_0", 7_393_996, "0.583"),
])
def test_v2_torchvision_metadata(size: str, num_params: int, gflops: str) -> None:
    assert v2(size, "torch").params == num_params
    assert round(Fraction(v2(size).madds, 10**9), 3) == Fraction(gflops)
