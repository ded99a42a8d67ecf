"""The engine's GoogLeNet and Inception-v3 against real framework layers and printed figures.

Expected values come from torch (numel, FlopCounterMode) on the hand-written torchvision
equivalents in ``complexity/reference/inception.py``, from keras.applications.InceptionV3's
count_params, from torchvision's published weight tables, or from the papers (GoogLeNet:
Szegedy et al. 2014, Table 1; Inception-v3: Szegedy et al. 2015, abstract); never from the
engine. docs/zoo/inception.md explains every gap checked here.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

import math  # noqa: E402
import re  # noqa: E402
from fractions import Fraction  # noqa: E402

import pytest  # noqa: E402

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from complexity.algebra import symbols as S  # noqa: E402
from complexity.engine.walk import Report, walk  # noqa: E402
from complexity.errors import SpecError  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402
from complexity.reference.inception import googlenet, inception_v3  # noqa: E402

pytestmark = pytest.mark.reference


def engine(model: str, resolution: int | None = None, convention: str = "torch",
           **variables: int | bool | str) -> Report:
    return walk(resolve(model, dict(variables)), resolution=resolution,
                convention=convention)  # type: ignore[arg-type]


def reference(model: str, **variables: int | bool | str) -> nn.Module:
    return googlenet(**variables) if model == "googlenet" else inception_v3(**variables)  # type: ignore[arg-type]


def numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def weights(module: nn.Module) -> int:
    """Paper convention: conv and fc weights only."""
    return sum(m.weight.numel() for m in module.modules() if isinstance(m, nn.Conv2d | nn.Linear))


def torch_madds(module: nn.Module, resolution: int, aux: bool) -> int:
    """Multiply-adds of one forward pass: FlopCounterMode's flops / 2 per image.

    Without aux heads: eval mode, one image. With them: torchvision runs the aux heads only in
    training mode, and training-mode batch norm needs two values per channel (the
    Inception-v3 head ends on 1×1), so two images, flops / 4.
    """
    batch = 2 if aux else 1
    module.train(aux)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(torch.zeros(batch, 3, resolution, resolution))
    flops = counter.get_total_flops()
    assert flops % (2 * batch) == 0, f"flop count {flops} is not a whole number per image"
    return flops // (2 * batch)


def check_against_torch(model: str, resolution: int, training: bool = False,
                        **variables: int | bool | str) -> None:
    """Params of the model as built; MAdds of an eval-mode pass (aux heads built, not run), or
    of a training-mode pass (they run) with ``training``."""
    net = reference(model, **variables)
    if training:
        variables = {**variables, "training": True}
    report = engine(model, resolution, "torch", **variables)
    assert report.params == numel(net), "torch params = Σ numel(model.parameters())"
    madds = torch_madds(net, resolution, training)
    assert report.madds == madds, "MAdds = FlopCounterMode total / 2 (aux heads run if training)"
    paper = engine(model, resolution, "paper", **variables)
    assert paper.params == weights(net), "paper params = Σ numel(conv and fc weights)"
    for convention in ("paper", "keras"):
        assert engine(model, resolution, convention, **variables).madds == madds, (
            f"MAdds must not depend on the params convention ({convention})"
        )


# The torch grids (slow) -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("k5", [3, 5])
@pytest.mark.parametrize(("aux_logits", "training"), [(True, False), (True, True), (False, False)])
def test_googlenet_matches_torch(aux_logits: bool, training: bool, k5: int) -> None:
    check_against_torch("googlenet", 224, training, classes=10, aux_logits=aux_logits, k5=k5)


def test_aux_heads_cost_params_but_no_madds_in_eval_mode() -> None:
    # googlenet() builds its aux heads; in eval mode (torch's default for inference) they do
    # not run: FlopCounterMode counts the same MAdds with and without them.
    net = reference("googlenet", classes=10, aux_logits=True)
    eval_madds = torch_madds(net, 160, aux=False)
    assert eval_madds == torch_madds(reference("googlenet", classes=10, aux_logits=False), 160,
                                     aux=False)
    with_aux = engine("googlenet", 160, "torch", classes=10, aux_logits=True)
    assert (with_aux.params, with_aux.madds) == (numel(net), eval_madds)
    trained = engine("googlenet", 160, "torch", classes=10, aux_logits=True, training=True)
    assert trained.madds == torch_madds(net, 160, aux=True) > eval_madds


@pytest.mark.slow
@pytest.mark.parametrize(
    ("aux_logits", "resolution", "variant"),
    [
        (True, 299, "torchvision"), (False, 299, "torchvision"), (False, 342, "torchvision"),
        ("eval", 299, "torchvision"),
        # With the aux head: Mixed_6e must be at least 17×17 (inputs from 299 up); at 342
        # it is 19×19 (pool → 5×5, conv1 → 1×1), at 363 21×21 (pool → 6×6, conv1 → 2×2,
        # which the head's global pool, torchvision's adaptive pool, averages).
        (True, 342, "torchvision"), (True, 363, "torchvision"),
        # Keras's batch norms (no γ), in torch: every BatchNorm2d without its weight (with the
        # aux head too: test_keras_variant_drops_one_gamma_per_batch_norm_channel).
        (False, 299, "keras"),
    ],
)
def test_inception_v3_matches_torch(aux_logits: bool | str, resolution: int,
                                    variant: str) -> None:
    # True: the head built and run (training); "eval": built, not run (eval mode).
    check_against_torch("inception_v3", resolution, aux_logits is True,
                        classes=10, aux_logits=bool(aux_logits), variant=variant)


@pytest.mark.slow
@pytest.mark.parametrize("aux_logits", [False, True])
@pytest.mark.parametrize("resolution", [15, 160, 271, 299])
def test_googlenet_matches_torch_at_other_resolutions(resolution: int, aux_logits: bool) -> None:
    # 15 is torchvision's min_size for googlenet: every ceil-mode pool still has a window, and
    # 4a's map is 1×1, which the aux heads' adaptive pool repeats to 4×4. At 271 and 299
    # (4a 17×17, 18×18) it averages overlapping 5×5 windows into 4×4 (the paper's 5×5/3 pool
    # would give 5×5).
    check_against_torch("googlenet", resolution, aux_logits, classes=10, aux_logits=aux_logits)


# Layer by layer: kernels, strides, paddings and branch order ------------------------------


@pytest.mark.parametrize(
    ("model", "resolution", "variables"),
    [
        ("googlenet", 224, {"aux_logits": True, "k5": 3}),
        ("googlenet", 224, {"aux_logits": True, "k5": 5}),
        ("inception_v3", 299, {"aux_logits": True}),
    ],
)
def test_every_layer_against_torch_in_the_order_it_runs(
    model: str, resolution: int, variables: dict[str, int | bool]
) -> None:
    """Each conv and fc row against the torch layer that runs at that point: kind, input and
    output shape, params, MAdds. Branch order, kernels, strides and paddings all show here."""
    net = reference(model, classes=10, **variables).train()  # train: the aux heads run
    layers = [m for m in net.modules() if isinstance(m, nn.Conv2d | nn.Linear | nn.BatchNorm2d)]
    ran: list[tuple[nn.Module, torch.Size, torch.Size]] = []
    hooks = [m.register_forward_hook(lambda m, args, out: ran.append((m, args[0].shape,
                                                                      out.shape)))
             for m in layers]
    with torch.no_grad():
        net(torch.zeros(2, 3, resolution, resolution))
    for hook in hooks:
        hook.remove()

    report = engine(model, resolution, "torch", classes=10, training=True, **variables)
    rows = [r for r in report.rows if r.kind in ("conv", "pw", "fc", "bn")]
    assert len(rows) == len(ran) == len(layers), "every layer runs once, in the spec's order"
    for row, (layer, x, y) in zip(rows, ran, strict=True):
        if isinstance(layer, nn.BatchNorm2d):
            assert row.kind == "bn", row.name
            assert row.input.as_list() == list(x[1:]), row.name
            assert row.params == numel(layer), f"{row.name}: γ, β"
            continue
        if isinstance(layer, nn.Linear):
            assert row.kind == "fc", row.name
            assert row.input.as_list() == [x[1], 1, 1], row.name
            assert row.output.as_list() == [y[1], 1, 1], row.name
            madds = layer.in_features * layer.out_features
        else:
            kind = "pw" if layer.kernel_size == (1, 1) and layer.stride == (1, 1) else "conv"
            assert row.kind == kind, f"{row.name}: {layer}"
            assert row.input.as_list() == list(x[1:]), f"{row.name}: input [C, H, W] of {layer}"
            assert row.output.as_list() == list(y[1:]), f"{row.name}: output of {layer}"
            madds = math.prod(layer.weight.shape) * y[2] * y[3]
        assert row.params == numel(layer), f"{row.name}: weight.numel() + bias.numel()"
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            layer(torch.zeros(1, *x[1:]))
        assert counter.get_total_flops() == 2 * madds, f"{row.name}: torch's own count"
        assert row.madds == madds, f"{row.name}: FlopCounterMode(layer) / 2"


# Published figures -------------------------------------------------------------------------


def test_torchvision_published_figures() -> None:
    # torchvision's weight tables: GoogLeNet_Weights.IMAGENET1K_V1 num_params 6,624,904,
    # GFLOPS 1.50 (the pretrained googlenet drops its aux heads); Inception_V3_Weights
    # .IMAGENET1K_V1 num_params 27,161,264 (aux head kept), GFLOPS 5.71. Their "GFLOPS" are
    # multiply-adds, counted in eval mode, where the aux heads do not run.
    g = engine("googlenet")
    assert g.params == 6_624_904
    assert round(Fraction(g.madds, 10**9), 2) == Fraction("1.50")
    v3 = engine("inception_v3", aux_logits=True)
    assert v3.params == 27_161_264
    assert round(Fraction(engine("inception_v3").madds, 10**9), 2) == Fraction("5.71")
    assert v3.madds == engine("inception_v3").madds, "eval mode: the aux head does not run"
    trained = engine("inception_v3", aux_logits=True, training=True)
    assert round(Fraction(trained.madds, 10**9), 2) == Fraction("5.72"), "aux head: +5.7M"


def test_torchvision_constructor_counts() -> None:
    # googlenet() and inception_v3() with weights=None build the aux heads (aux_logits=True).
    assert numel(googlenet()) == engine("googlenet", aux_logits=True).params == 13_004_888
    assert numel(inception_v3()) == engine("inception_v3", aux_logits=True).params == 27_161_264
    assert numel(inception_v3(aux_logits=False)) == engine("inception_v3").params == 23_834_568


def test_defaults_are_the_inference_networks() -> None:
    spec = resolve("googlenet").network
    assert spec.variables == {"classes": 1000, "aux_logits": False, "training": False, "k5": 3}
    assert resolve("inception_v3").network.variables == {
        "classes": 1000, "aux_logits": False, "training": False, "variant": "torchvision",
        "bn_scale": True}
    assert not any("aux" in r.name.lower() for r in engine("googlenet").rows)
    assert not any("aux" in r.name.lower() for r in engine("inception_v3").rows)


# GoogLeNet paper, Table 1 (5×5 branches): params in K = 1024, ops in M = 10⁶.
TABLE_1: dict[str, tuple[float, int]] = {
    "conv1": (2.7, 34),
    "conv2": (112, 360),  # the 1×1 reduce and the 3×3 (the table's "convolution 3×3" row)
    "inception3a": (159, 128),
    "inception3b": (380, 304),
    "inception4a": (364, 73),
    "inception4b": (437, 88),
    "inception4c": (463, 100),
    "inception4d": (580, 119),
    "inception4e": (840, 170),
    "inception5a": (1072, 54),
    "inception5b": (1388, 71),
    "fc": (1000, 1),
}


def table_1_rows() -> dict[str, tuple[int, int]]:
    rows: dict[str, tuple[int, int]] = {}
    for row in engine("googlenet", convention="paper", k5=5).rows:
        key = row.name.split("/")[0]
        key = "conv2" if key == "conv3" else key
        if row.params or row.madds:
            params, madds = rows.get(key, (0, 0))
            rows[key] = (params + row.params, madds + row.madds)
    return rows


def test_googlenet_paper_table_1() -> None:
    ours = table_1_rows()
    assert list(ours) == list(TABLE_1)
    assert ours["conv2"][0] == 112 * 1024, "the table's K is 1024: 64·64 + 3·3·64·192"
    assert ours["inception3a"][0] // 1024 == 159
    for name, (params_k, ops_m) in TABLE_1.items():
        params, madds = ours[name]
        if name in ("conv1", "inception5a"):
            continue
        assert abs(Fraction(madds, 10**6) - ops_m) < 1, f"{name}: ops {madds:,} vs {ops_m}M"
        if name != "inception4c":
            assert abs(Fraction(params, 1024) / Fraction(params_k) - 1) < Fraction(2, 100), name
    # The rows that disagree with their own filter columns (docs/zoo/inception.md):
    assert ours["conv1"] == (7 * 7 * 3 * 64, 7 * 7 * 3 * 64 * 112 * 112)  # not 2.7K, 34M
    assert ours["inception4c"][0] == 509_440  # 497.5K; the table's 463K; its 100M fits 498K
    assert ours["inception5a"] == (1_042_432, 1_042_432 * 49)  # 1018K, 51.1M; table 1072K, 54M


def test_googlenet_paper_totals() -> None:
    # Table 1's columns sum to 6,797.7K params (the "6.8M" that MobileNet's Tables 8 and 10
    # quote) and 1,502M ops. mbcalc with the paper's 5×5: 6,826.4K and 1,582.7M, all but
    # 3.6M of the ops gap in conv1 (118.0M vs the table's 34M).
    paper = engine("googlenet", convention="paper", k5=5)
    assert paper.params == 6_990_272 and paper.params / 1024 == 6826.4375
    assert paper.madds == 1_582_671_872
    conv1 = 7 * 7 * 3 * 64 * 112 * 112
    assert abs(Fraction(paper.madds - conv1, 10**6) - (1502 - 34)) < 4
    # torchvision's 3×3 (the default): 6.61M params, 1,498M MAdds; MobileNet's 1,550M lies
    # between the two.
    default = engine("googlenet", convention="paper")
    assert (default.params, default.madds) == (6_609_344, 1_498_376_192)
    assert default.madds < 1_550 * 10**6 < paper.madds


def test_inception_v3_paper_abstract() -> None:
    # "a computational cost of 5 billion multiply-adds per inference and with using less than
    # 25 million parameters": the network without its aux head (with it: 27.1M).
    report = engine("inception_v3", convention="paper")
    assert report.params == 23_799_136 < 25_000_000
    assert report.madds == 5_713_216_096
    assert engine("inception_v3", convention="paper", aux_logits=True).params > 25_000_000


# The auxiliary heads' input sizes ----------------------------------------------------------


@pytest.mark.parametrize("resolution", [15, 160, 222, 223, 270, 271, 299])
def test_googlenet_aux_heads_pool_adaptively_to_4x4(resolution: int) -> None:
    # torchvision pools the aux input with adaptive_avg_pool2d to 4×4 at any size, so fc1 has
    # 128·4·4 = 2048 inputs and the params do not depend on the input. (The paper's 5×5/3
    # average pool gives 4×4 only from a 14- to 16-wide 4a map: inputs 223 to 270.)
    report = engine("googlenet", resolution, aux_logits=True, k5=3)
    assert report.params == numel(googlenet(aux_logits=True)) == 13_004_888
    for head in ("aux1", "aux2"):
        rows = {r.name: r for r in report.rows if r.name.startswith(head + "/")}
        pool = rows[f"{head}/pool"]
        assert pool.kind == "adaptive_pool"
        assert (pool.output.h, pool.output.w) == (4, 4)
        assert rows[f"{head}/fc1"].input.as_list() == [2048, 1, 1]
    grid = next(r for r in report.rows if r.name == "aux1/pool").input.h  # 4a's output
    paper_pool = (grid - 5) // 3 + 1 if grid >= 5 else None
    assert (paper_pool == 4) == (223 <= resolution <= 270)


def test_googlenet_aux_closed_form_has_no_rho_in_the_params() -> None:
    report = walk(resolve("googlenet", {"aux_logits": True}), convention="torch")
    assert S.rho not in report.params_closed.free_symbols
    fc1 = next(r for r in report.rows if r.name == "aux1/fc1")
    assert S.rho not in fc1.madds_closed.free_symbols


def test_inception_v3_aux_head_needs_17x17() -> None:
    with pytest.raises(SpecError, match="AuxLogits/conv1"):
        engine("inception_v3", 298, aux_logits=True)
    net = inception_v3(classes=10).train()
    with torch.no_grad(), pytest.raises(RuntimeError):
        net(torch.zeros(2, 3, 298, 298))
    assert engine("inception_v3", 75).params == engine("inception_v3").params  # min_size 75
    with pytest.raises(SpecError):
        engine("inception_v3", 74)


# Keras -------------------------------------------------------------------------------------


def test_keras_variant_drops_one_gamma_per_batch_norm_channel() -> None:
    # bn_scale follows variant: every conv_bn and inception block's batch norm loses γ.
    for aux in (False, True):
        tv = engine("inception_v3", 299, "torch", aux_logits=aux)
        ks = engine("inception_v3", 299, "torch", aux_logits=aux, variant="keras")
        bn_channels = sum(int(r.input.c) for r in tv.rows if r.kind == "bn")
        assert tv.params - ks.params == bn_channels == (17_216 if not aux else 18_112)
        assert numel(inception_v3(aux_logits=aux, variant="keras")) == ks.params
        assert tv.madds == ks.madds
        assert [r.name for r in tv.rows] == [r.name for r in ks.rows]
    with pytest.raises(ValueError, match="torchvision, keras"):
        inception_v3(variant="caffe")


KERAS_MODULES = ["stem", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c",
                 "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c", "fc"]
"""The spec's modules in order; Keras ends them with its concatenations mixed0 … mixed10 (the
stem with its second max pool; mixed9_0 and mixed9_1 are inside mixed9)."""


@pytest.mark.slow
def test_keras_inception_v3_is_the_keras_variant() -> None:
    keras = pytest.importorskip("keras")
    from complexity.errors import MbcalcError
    from complexity.reference.keras_apps import build as keras_build

    with pytest.raises(MbcalcError, match="variant=keras"):
        keras_build("inception_v3", 1.0, 299, dict(resolve("inception_v3").network.variables))
    # keras.applications.InceptionV3(weights=None, input_shape=(299, 299, 3))
    variables = resolve("inception_v3", {"variant": "keras"}).network.variables
    model = keras_build("inception_v3", 1.0, 299, dict(variables))
    try:
        expected = model.count_params()
        bns = [layer for layer in model.layers if type(layer).__name__ == "BatchNormalization"]
        gammas = [layer for layer in bns if layer.gamma is not None]
        bn_channels = sum(int(layer.beta.shape[0]) for layer in bns)
        # Keras lists a model's layers by depth in its graph, so the branches of a module
        # interleave; split them at the module ends and compare each module as a multiset.
        modules: list[list[int]] = [[]]
        max_pools = 0
        for layer in model.layers:
            if layer.count_params():
                modules[-1].append(layer.count_params())
            kind = type(layer).__name__
            max_pools += kind == "MaxPooling2D"
            stem_end = kind == "MaxPooling2D" and max_pools == 2
            module_end = kind == "Concatenate" and re.fullmatch(r"mixed\d+", layer.name)
            if stem_end or module_end:
                modules.append([])
    finally:
        del model
        keras.backend.clear_session()
    # Keras's InceptionV3 builds BatchNormalization(scale=False): β, mean and variance, no γ.
    assert gammas == [] and len(bns) == 94 and bn_channels == 17_216
    assert expected == 23_851_784
    report = engine("inception_v3", 299, "keras", variant="keras")
    assert report.params == expected, "keras params = conv weights + fc + 3·C per batch norm"
    # The torchvision variant under the keras convention counts the γ Keras lacks.
    assert engine("inception_v3", 299, "keras").params - expected == bn_channels
    ours: dict[str, list[int]] = {}
    for row in report.rows:
        if row.params:
            top = row.name.split("/")[0]
            key = top if top.startswith("Mixed_") or top == "fc" else "stem"
            ours.setdefault(key, []).append(row.params)
    assert list(ours) == KERAS_MODULES
    assert len(modules) == len(KERAS_MODULES)
    for name, theirs in zip(KERAS_MODULES, modules, strict=True):
        assert sorted(ours[name]) == sorted(theirs), name
