"""SqueezeNet 1.0 and 1.1, AlexNet and VGG16: the specs against real layers and the papers.

Expected values come from the hand-written torch models of ``complexity.reference.classic``
(numel, FlopCounterMode), from ``keras.applications.VGG16``'s count_params, or from the papers'
printed figures (source table named at each); never from the engine.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

from fractions import Fraction  # noqa: E402

import pytest  # noqa: E402

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from complexity.algebra import symbols as S  # noqa: E402
from complexity.engine.walk import Report, walk  # noqa: E402
from complexity.errors import SpecError  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402
from complexity.reference.classic import MODELS, alexnet_2012  # noqa: E402

pytestmark = pytest.mark.reference

SQUEEZENETS = ["squeezenet1_0", "squeezenet1_1"]
ADAPTIVE = ["alexnet", "vgg16"]
"""An adaptive average pool to 6×6 (7×7) before the classifier, as in torchvision: fc6 has
9216 (25088) inputs at every resolution."""
NAMES = SQUEEZENETS + ADAPTIVE
CLASSES = [1000, 10]
GRID = [(name, r, c) for name in SQUEEZENETS for r in (224, 192, 160, 128) for c in CLASSES]
GRID += [(name, r, c) for name in ADAPTIVE for r in (224, 192, 256, 160) for c in CLASSES]
MIN_SIZE = {"alexnet": 63, "vgg16": 32}
"""torchvision's ``min_size`` in the weights' metadata: the smallest input whose pool5 is not
empty (1×1)."""


def engine(name: str, resolution: int = 224, convention: str = "torch",
           classes: int = 1000) -> Report:
    return walk(
        resolve(name, overrides={"classes": classes}),
        resolution=resolution,
        convention=convention,  # type: ignore[arg-type]
    )


from torch_counts import input_shapes, torch_madds  # noqa: E402


def build(name: str, classes: int = 1000) -> nn.Module:
    """The reference model with its memory allocated but not initialised: counts depend on
    shapes only, and initialising VGG16's 138M weights would take seconds."""
    with torch.device("meta"):
        model = MODELS[name](classes=classes)
    return model.to_empty(device="cpu")


def numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def weights(module: nn.Module) -> int:
    """Conv and linear weights only: the paper convention's params."""
    return sum(m.weight.numel() for m in module.modules() if isinstance(m, nn.Conv2d | nn.Linear))


def printed(n: int | Fraction, unit: int) -> int:
    """n in multiples of ``unit``, rounded as a paper prints it (the tie case never arises)."""
    return round(Fraction(n) / unit) * unit


def check_against_torch(name: str, resolution: int, classes: int) -> None:
    model = build(name, classes)
    madds = torch_madds(model, torch.zeros(1, 3, resolution, resolution))
    report = engine(name, resolution, "torch", classes)
    assert report.params == numel(model), "torch params = Σ numel(model.parameters())"
    assert report.madds == madds, "MAdds = FlopCounterMode total / 2"
    assert engine(name, resolution, "paper", classes).params == weights(model), (
        "paper params = Σ numel(conv and linear weights)"
    )
    for convention in ("paper", "keras"):
        assert engine(name, resolution, convention, classes).madds == madds, (
            f"MAdds must not depend on the params convention ({convention})"
        )


@pytest.mark.parametrize("name", NAMES)
def test_defaults_match_torch(name: str) -> None:
    check_against_torch(name, 224, 1000)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "resolution", "classes"), [g for g in GRID if g[1:] != (224, 1000)]
)
def test_grid_matches_torch(name: str, resolution: int, classes: int) -> None:
    check_against_torch(name, resolution, classes)


@pytest.mark.parametrize(("name", "resolution"),
                         [("squeezenet1_1", 224), ("alexnet", 224), ("alexnet", 256)])
def test_per_layer_against_torch_modules(name: str, resolution: int) -> None:
    """Each costed row is one conv or linear module, in order, with its params and MAdds; fc6
    is torchvision's Linear(9216, 4096) at 256 too, where the adaptive pool takes pool5's 7×7
    to 6×6."""
    model = build(name).eval()
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    inputs = input_shapes(model, layers, resolution)

    rows = [r for r in engine(name, resolution).rows if r.madds]
    assert len(rows) == len(layers)
    for row, layer in zip(rows, layers, strict=True):
        shape = inputs[layer]
        c, h, w = row.input.as_list()
        assert (row.kind == "fc") == isinstance(layer, nn.Linear), row.name
        assert c * h * w == shape[1:].numel(), f"{row.name}: input size"
        assert row.params == numel(layer), f"{row.name}: weight.numel() + bias.numel()"
        madds = torch_madds(layer, torch.zeros(shape))
        assert row.madds == madds, f"{row.name}: FlopCounterMode(layer on {list(shape)}) / 2"


@pytest.mark.slow
@pytest.mark.parametrize("classes", CLASSES)
def test_vgg16_matches_keras_params(classes: int) -> None:
    # Keras flattens pool5 without an adaptive pool: its Dense(4096) has 512·7·7 inputs only
    # at 224, so only there does Keras's VGG16 equal the spec (and torchvision's).
    keras = pytest.importorskip("keras")
    from complexity.analysis.verify import measure_keras, verify
    from complexity.reference.keras_apps import build as keras_build

    # keras.applications.VGG16(weights=None, input_shape=(224, 224, 3), classes=classes)
    model = keras_build("vgg16", 1.0, 224, {"classes": classes})
    try:
        expected = model.count_params()
        fc1 = model.get_layer("fc1").count_params()
        measured = measure_keras(model)
    finally:
        del model
        keras.backend.clear_session()
    report = engine("vgg16", 224, "keras", classes)
    assert report.params == expected, (
        "keras params = conv and dense weights + biases (no batch norm)"
    )
    assert fc1 == 25088 * 4096 + 4096
    assert verify(report, measured).ok, "mbcalc verify vgg16 --framework keras: every layer"


@pytest.mark.parametrize("name", ADAPTIVE)
def test_classifier_does_not_depend_on_the_resolution(name: str) -> None:
    """fc6 is a Linear on the adaptive pool's 6×6 (7×7) map at every input: the same row, under
    "Fully Connected", and in the closed form without ρ."""
    side = {"alexnet": 6, "vgg16": 7}[name]
    fc6_inputs = 256 * 6 * 6 if name == "alexnet" else 512 * 7 * 7
    for resolution in (224, 160, 256, MIN_SIZE[name]):
        rows = {r.name: r for r in engine(name, resolution, "paper").rows}
        pool = rows["avgpool"]
        assert pool.kind == "adaptive_pool" and (pool.output.h, pool.output.w) == (side, side)
        assert pool.madds == pool.params == 0, "torch's FlopCounterMode counts none either"
        fc6 = rows["fc6"]
        assert (fc6.kind, fc6.category) == ("fc", "Fully Connected")
        assert fc6.input.as_list() == [fc6_inputs, 1, 1]
        assert fc6.params == fc6.madds == fc6_inputs * 4096
    report = engine(name, 192, "paper")
    fcs = [r for r in report.rows if r.madds and r.category == "Fully Connected"]
    assert [r.name for r in fcs] == ["fc6", "fc7", "fc8"]
    assert all(r.kind == "conv" for r in report.rows if r.madds and r not in fcs)
    for row in fcs:
        assert S.rho not in row.madds_closed.free_symbols, row.name
    assert fcs[0].madds_closed == fc6_inputs * 4096 * S.alpha**2


@pytest.mark.parametrize("name", ADAPTIVE)
def test_smallest_input_is_torchvisions_min_size(name: str) -> None:
    smallest = MIN_SIZE[name]
    check_against_torch(name, smallest, 10)
    with pytest.raises(SpecError, match="pool5"):
        engine(name, smallest - 1)
    with torch.no_grad(), pytest.raises(RuntimeError):
        build(name, 10).eval()(torch.zeros(1, 3, smallest - 1, smallest - 1))


# --- The papers' printed figures --------------------------------------------------------------

SQUEEZENET_TABLE_1 = {
    "conv1": 14_208, "fire2": 11_920, "fire3": 12_432, "fire4": 45_344, "fire5": 49_440,
    "fire6": 104_880, "fire7": 111_024, "fire8": 188_992, "fire9": 197_184, "conv10": 513_000,
}
"""SqueezeNet paper, Table 1, "# parameter before pruning" (weights and biases)."""


def test_squeezenet_paper_table_1_parameters() -> None:
    # Table 1 counts biases: the torch convention (conv weights + declared biases).
    report = engine("squeezenet1_0", 224, "torch")
    by_layer: dict[str, int] = {}
    for row in report.rows:
        top = row.name.split("/")[0]
        by_layer[top] = by_layer.get(top, 0) + row.params
    assert {k: v for k, v in by_layer.items() if v} == SQUEEZENET_TABLE_1
    assert report.params == 1_248_424, "Table 1: 1,248,424 (total)"


def test_squeezenet_paper_table_1_sizes_at_227() -> None:
    # Table 1's output sizes are those of Caffe's 227×227 crop: conv1 111, maxpool1 55,
    # maxpool4 27, maxpool8 13 (at 224 they are 109, 54, 27, 13).
    sizes = {r.name: r.output.h for r in engine("squeezenet1_0", 227).rows}
    assert (sizes["conv1"], sizes["maxpool1"], sizes["maxpool4"], sizes["maxpool8"]) == (
        111, 55, 27, 13)
    assert sizes["fire4/concat"] == 55 and sizes["conv10"] == 13


def test_squeezenet_paper_headline_figures() -> None:
    weights_only = engine("squeezenet1_0", 224, "paper").params
    assert printed(weights_only, 10**5) == 1_200_000, "1.2M parameters"
    # Table 2: 4.8MB for SqueezeNet, float32: 1,248,424 · 4 bytes in MiB (2^20 bytes) is 4.76.
    with_biases = engine("squeezenet1_0", 224, "torch").params
    assert printed(Fraction(with_biases * 4, 2**20), Fraction(1, 10)) == Fraction(48, 10)


def test_mobilenet_paper_table_9_squeezenet() -> None:
    # MobileNet paper (Howard et al. 2017), Table 9: SqueezeNet 1,700 "Mult-Adds", 1.25M params.
    # 1.25M counts biases (weights alone are 1,244,448, which prints 1.24M).
    assert printed(engine("squeezenet1_0", 224, "torch").params, 10**4) == 1_250_000
    assert printed(engine("squeezenet1_0", 224, "paper").params, 10**4) == 1_240_000
    # 1,700M is twice the multiply-adds (FLOPs) at Caffe's 227×227 input: 2 · 832,667,936.
    # The multiply-adds themselves are 833M (819M at 224, where 2× gives 1,638M → 1,600M).
    madds_227 = engine("squeezenet1_0", 227).madds
    assert printed(2 * madds_227, 10**8) == 1_700_000_000
    assert printed(madds_227, 10**8) == 800_000_000
    assert printed(2 * engine("squeezenet1_0", 224).madds, 10**8) == 1_600_000_000


def test_squeezenet_v11_computation_ratio() -> None:
    # The v1.1 release: "2.4x less computation than SqueezeNet v1.0". Counted at the same input,
    # the ratio of multiply-adds is 2.35 at 224 (818,924,576 / 349,151,936) and 2.15 at 227:
    # it rounds to 2.3, not 2.4 (docs/zoo/classic.md).
    at_224 = Fraction(engine("squeezenet1_0").madds, engine("squeezenet1_1").madds)
    assert Fraction(23, 10) < at_224 < Fraction(24, 10)
    assert printed(at_224, Fraction(1, 10)) == Fraction(23, 10)
    # The parameters barely change: 1,248,424 → 1,235,496 (both print 1.2M).
    assert printed(engine("squeezenet1_1", 224, "paper").params, 10**5) == 1_200_000


def test_mobilenet_paper_table_8_vgg16() -> None:
    # MobileNet paper, Table 8: VGG 16, 15,300 Million Mult-Adds, 138 Million Parameters.
    report = engine("vgg16", 224, "paper")
    assert printed(report.params, 10**6) == 138_000_000
    # 15,300M is the 13 conv layers alone (15,346,630,656); the three fully connected layers
    # add 123,633,664, and the whole network's 15,470,264,320 prints as 15,500M.
    convs = sum(r.madds for r in report.rows if r.kind == "conv")
    assert convs == report.madds - (25088 * 4096 + 4096 * 4096 + 4096 * 1000)
    assert printed(convs, 10**8) == 15_300_000_000
    assert printed(report.madds, 10**8) == 15_500_000_000


def test_mobilenet_paper_table_9_alexnet() -> None:
    # MobileNet paper, Table 9: AlexNet, 720 Million Mult-Adds, 60 Million Parameters. The 720M
    # is the 2012 two-GPU network (at its 227×227 input), not torchvision's single tower.
    original = alexnet_2012()
    original_madds = torch_madds(original, torch.zeros(1, 3, 227, 227))
    assert printed(original_madds, 10**7) == 720_000_000
    report = engine("alexnet", 224, "paper")
    assert printed(report.madds, 10**7) == 710_000_000, "torchvision's: 714,188,480"
    # 60M is the 2012 paper's own "60 million parameters": both networks print 61M.
    assert printed(weights(original), 10**6) == 61_000_000
    assert printed(report.params, 10**6) == 61_000_000
