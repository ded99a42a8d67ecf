"""What each popular counter prints for a network's torch model, predicted from the spec's rows.

No torch at run time: each row is lowered to the torch calls that implement it (``lower``: an
``nn.Conv2d``, an ``nn.BatchNorm2d``, an ``nn.ReLU``, the ``+`` of a residual add …, the way the
torch references in ``complexity/reference`` and torchvision write them), and each peer's own
rules, read from its source at the pinned version, give what that peer counts for each call.
The difference from mbcalc's MAdds is kept by cause, so the terms add up to it exactly.
The tests run the real packages on the real references and hold every prediction to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from complexity.analysis.ops import formulas
from complexity.engine.walk import Report, Row
from complexity.errors import MbcalcError
from complexity.language import layers as L
from complexity.language.shapes import Shape


@dataclass(frozen=True)
class Peer:
    """A counter, the version whose rules are reproduced, and the unit it prints."""

    name: str
    package: str
    version: str
    unit: str
    call: str
    """How the peer was called (its default settings)."""


PEERS: dict[str, Peer] = {p.name: p for p in (
    Peer("ptflops", "ptflops", "0.7.5", "MACs",
         "get_model_complexity_info(model, (3, R, R), as_strings=False) (backend pytorch)"),
    Peer("ptflops-aten", "ptflops", "0.7.5", "MACs",
         "get_model_complexity_info(model, (3, R, R), as_strings=False, backend='aten')"),
    Peer("fvcore", "fvcore", "0.1.5.post20221221", "flops (MACs)",
         "FlopCountAnalysis(model, x).total(); parameter_count(model)['']"),
    Peer("thop", "thop", "0.1.1.post2209072238", "MACs", "profile(model, inputs=(x,))"),
    Peer("torchinfo", "torchinfo", "1.8.0", "MACs",
         "summary(model, input_size=(1, 3, R, R)).total_mult_adds"),
    Peer("flopcounter", "torch", "2.13.0", "FLOPs",
         "torch.utils.flop_counter.FlopCounterMode().get_total_flops(); params numel()"),
)}
"""The six peers by the name ``--as`` takes. Every model is in eval mode, batch 1."""

CAUSES = ("bias", "bn", "act", "pool", "add", "scale", "unit", "madds")
"""The terms of the difference from MAdds, in the order printed (``madds``: conv/fc
multiply-adds the peer counts differently from mbcalc, 0 for every peer today)."""

CAUSE_LABELS = {"bias": "bias adds", "bn": "normalisation", "act": "activations",
                "pool": "pooling", "add": "residual adds", "scale": "scaling",
                "unit": "unit ×2 (FLOPs)", "madds": "conv/fc MAdds"}

REFERENCE_STYLE: dict[str, dict[str, str]] = {
    # torchvision's MobileNetV2 pools with F.adaptive_avg_pool2d in forward(), not a module.
    "mobilenet_v2": {"global_pool": "functional"},
    # Its forward() pools with F.adaptive_avg_pool2d (the head, and the auxiliary heads').
    "googlenet": {"global_pool": "functional", "adaptive_pool": "functional"},
    # Its forward() pools with F.adaptive_avg_pool2d (torchvision's Inception3).
    "inception_v3": {"global_pool": "functional"},
    # Each unit ends in torch.relu(merged), a call no peer patches.
    "shufflenet_v1": {"act_after_merge": "torch.relu"},
    # These torch references return logits: the spec's final softmax has no torch module.
    "mobilenet_v1": {"softmax": "absent"},
    "xception": {"softmax": "absent"},
    # complexity/reference/modern.py: its SqueezeExcite pools with x.mean((2, 3)) and gates with
    # torch.sigmoid, then scales with the * operator (torchvision's uses modules for both).
    **{f"efficientnet_b{phi}": {"se_pool": "mean", "se_gate": "torch.sigmoid"}
       for phi in range(8)},
    # The same SqueezeExcite; each block ends in torch.relu(body + shortcut).
    "regnet_y_400mf": {"se_pool": "mean", "se_gate": "torch.sigmoid",
                       "act_after_merge": "torch.relu"},
    "regnet_x_400mf": {"act_after_merge": "torch.relu"},
    # Its block calls nn.functional.gelu (torchvision's uses nn.GELU) and its layer scale is a
    # module of its own, gamma * x (torchvision's is a parameter of the block); its LayerNorms
    # are nn.LayerNorm (torchvision's LayerNorm2d, a subclass, escapes ptflops' exact-type hooks).
    "convnext_tiny": {"gelu": "functional"},
}
"""Where a zoo network's torch reference writes an op otherwise than ``lower``'s default
(a module for every layer): by network name, row kind → how."""


@dataclass(frozen=True)
class Call:
    """One torch call a row lowers to, with the sizes the peers' rules read."""

    op: str
    """``nn`` class name (``Conv2d``, ``ReLU`` …), ``F.<name>`` for a functional call, or an
    operator: ``+`` (residual add), ``*`` (SE scaling), ``cat``."""
    inp: tuple[int, int, int]
    out: tuple[int, int, int]
    madds: int = 0
    bias: bool = False
    affine: bool = True
    params: int = 0
    """Parameters of the module a peer may fail to see (thop counts hooked modules' only)."""

    @property
    def in_numel(self) -> int:
        c, h, w = self.inp
        return c * h * w

    @property
    def out_numel(self) -> int:
        c, h, w = self.out
        return c * h * w


ACTIVATION_MODULES = {"relu": "ReLU", "relu6": "ReLU6", "hswish": "Hardswish",
                      "hsigmoid": "Hardsigmoid", "sigmoid": "Sigmoid", "swish": "SiLU",
                      "silu": "SiLU", "gelu": "GELU", "tanh": "Tanh", "leaky_relu": "LeakyReLU",
                      "elu": "ELU", "softmax": "Softmax"}


class Unpredictable(LookupError):
    """A row no lowering is written for yet (its kind)."""



def _shape(shape: Shape) -> tuple[int, int, int]:
    c, h, w = shape.as_list()
    return c, h, w


def lower(row: Row, style: dict[str, str] | None = None, after: str = "") -> list[Call]:
    """The torch calls that implement ``row``, in order (``after``: the previous row's kind)."""
    style = style or {}
    layer, x, y = row.layer, _shape(row.input), _shape(row.output)
    if layer is None:
        return [Call("+", x, y)] if row.kind == "add" else [Call("cat", x, y)]
    if isinstance(layer, L.Conv | L.Pointwise | L.Depthwise):
        return [Call("Conv2d", x, y, row.madds, layer.bias)]
    if isinstance(layer, L.Linear):  # nn.Linear on the channels-last map: per pixel
        return [Call("Linear", x, y, row.madds, layer.bias)]
    if isinstance(layer, L.LayerNorm | L.GroupNorm):
        name = "LayerNorm" if isinstance(layer, L.LayerNorm) else "GroupNorm"
        return [Call(name, x, y, affine=layer.affine, params=2 * x[0] * int(layer.affine))]
    if isinstance(layer, L.ChannelScale):  # a module of its own: gamma * x (+ beta)
        return ([Call("ChannelScale", x, y, params=x[0] * layer.weights)]
                + ([Call("*", x, y)] if layer.scale else []) + ([Call("+", x, y)] if layer.bias
                                                                else []))
    if isinstance(layer, L.StochasticDepth):
        return []  # the identity at inference
    if isinstance(layer, L.InputNormalization):
        raise Unpredictable("normalization (Keras input normalisation has no torch module)")
    if isinstance(layer, L.FullyConnected):
        return [Call("Linear", x, y, row.madds, layer.bias)]
    if isinstance(layer, L.BatchNorm):
        return [Call("BatchNorm2d", x, y, affine=layer.scale or layer.center)]
    if isinstance(layer, L.Activation):
        if layer.fn == "linear" or (layer.fn == "softmax" and style.get("softmax") == "absent"):
            return []
        if after in ("add", "concat") and style.get("act_after_merge") == "torch.relu":
            return [Call("torch.relu", x, y)]
        if style.get(layer.fn) == "functional":
            return [Call(f"F.{layer.fn}", x, y)]
        if layer.fn not in ACTIVATION_MODULES:
            raise Unpredictable(f"act {layer.fn}")
        return [Call(ACTIVATION_MODULES[layer.fn], x, y)]
    if isinstance(layer, L.Pool):
        return [Call("MaxPool2d" if layer.kind == "maxpool" else "AvgPool2d", x, y)]
    if isinstance(layer, L.GlobalPool | L.AdaptivePool):
        name = "adaptive_avg_pool2d" if layer.op == "avg" else "adaptive_max_pool2d"
        if style.get(layer.kind) == "functional":
            return [Call(f"F.{name}", x, y)]
        return [Call("AdaptiveAvgPool2d" if layer.op == "avg" else "AdaptiveMaxPool2d", x, y)]
    if isinstance(layer, L.SqueezeExcite):
        c, h, w = x
        squeezed = int(row.values["C_r"])
        pooled, mid = (c, 1, 1), (squeezed, 1, 1)
        if layer.act not in ACTIVATION_MODULES:
            raise Unpredictable(f"se with act {layer.act}")
        pool = "mean" if style.get("se_pool") == "mean" else "AdaptiveAvgPool2d"
        gate = style.get("se_gate") or ACTIVATION_MODULES[layer.gate]
        return [
            Call(pool, x, pooled),
            Call("Conv2d", pooled, mid, c * squeezed, layer.bias),
            Call(ACTIVATION_MODULES[layer.act], mid, mid),
            Call("Conv2d", mid, pooled, squeezed * c, layer.bias),
            Call(gate, pooled, pooled),
            Call("*", x, y),
        ]
    if isinstance(layer, L.Flatten | L.Dropout | L.Shuffle):
        return []  # views and copies
    raise Unpredictable(layer.kind)


Counts = dict[str, int]
Rule = Callable[[Call], Counts]


def _bias_adds(call: Call) -> int:
    """Bias adds of a conv (one per output element) or a linear layer (one per output)."""
    return call.out_numel if call.bias else 0


def _ptflops(call: Call) -> Counts:
    """ptflops 0.7.5, backend pytorch (ptflops/pytorch_ops.py, pytorch_engine.py). Module
    forward hooks (MODULES_MAPPING) plus, by default (count_functional=True), patched
    torch.nn.functional calls (patch_functional) and torch.add/mul/mm … (patch_tensor_ops).
    A module whose forward calls a patched functional is counted twice: nn.ReLU (hook
    relu_flops_counter_hook + F.relu), nn.GELU and nn.ELU likewise (F.gelu, F.elu patched),
    every pooling module (pool_flops_counter_hook + F.*pool*). nn.ReLU6 calls F.hardtanh and
    nn.LeakyReLU F.leaky_relu, not patched: once; nn.SiLU has no hook, F.silu is patched: once.
    Hardswish, Hardsigmoid, Sigmoid, Tanh have no hook and call unpatched functionals: 0.
    LayerNorm and GroupNorm share bn_flops_counter_hook (numel, ×2 when ``module.affine``, an
    attribute GroupNorm has and LayerNorm does not). The ``+`` and ``*`` operators are not
    torch.add/mul: 0. nn.Linear's hook counts (in·out + out)·positions: MAdds + bias adds."""
    op = call.op
    if op == "Conv2d":  # conv_flops_counter_hook: bias adds once per output element
        return {"madds": call.madds, "bias": _bias_adds(call)}
    if op == "Linear":  # linear_flops_counter_hook
        return {"madds": call.madds, "bias": _bias_adds(call)}
    if op in ("BatchNorm2d", "GroupNorm"):  # bn_flops_counter_hook: numel, ×2 when affine
        return {"bn": call.in_numel * (2 if call.affine else 1)}
    if op == "LayerNorm":  # the same hook reads module.affine, which LayerNorm lacks: ×1
        return {"bn": call.in_numel}
    if op in ("ReLU", "GELU", "ELU"):  # relu_flops_counter_hook + patched F.relu/gelu/elu
        return {"act": 2 * call.out_numel}
    if op in ("ReLU6", "LeakyReLU", "SiLU", "Softmax", "F.gelu", "F.silu", "F.relu"):
        return {"act": call.out_numel}  # the hook only, or the patched functional only
    if op in ("MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d"):
        return {"pool": 2 * call.in_numel}  # pool_flops_counter_hook + the patched F call
    if op.startswith("F.") and "pool" in op:  # _numel_functional_flops_hook
        return {"pool": call.in_numel}
    return {}


def _ptflops_aten(call: Call) -> Counts:
    """ptflops 0.7.5, backend aten (ptflops/aten_ops.py ATEN_OPS_MAPPING): aten.convolution
    (conv_flop, bias adds included), aten.addmm (addmm_flop, bias included), aten.mm; every
    other aten op is a zero-op."""
    if call.op in ("Conv2d", "Linear"):
        return {"madds": call.madds, "bias": _bias_adds(call)}
    return {}


def _fvcore(call: Call) -> Counts:
    """fvcore 0.1.5.post20221221 (fvcore/nn/flop_count.py _DEFAULT_SUPPORTED_OPS,
    jit_handles.py): aten::_convolution (conv_flop_count: no bias), aten::linear
    (linear_flop_jit: no bias), aten::batch_norm (batchnorm_flop_jit, eval: numel ×2 if affine),
    aten::adaptive_avg_pool2d (elementwise_flop_counter(1, 0): input numel), aten::layer_norm
    and aten::group_norm (norm_flop_counter(2): numel × 5 with a weight, × 4 without).
    Everything else — relu and the other activations (silu, gelu, tanh …), max_pool2d,
    avg_pool2d, mean, add, mul — is skipped (relu in _IGNORED_OPS, the rest with an
    "unsupported operator" warning)."""
    op = call.op
    if op in ("Conv2d", "Linear"):
        return {"madds": call.madds}
    if op == "BatchNorm2d":
        return {"bn": call.in_numel * (2 if call.affine else 1)}
    if op in ("LayerNorm", "GroupNorm"):  # norm_flop_counter(2): numel × 5 (affine) or × 4
        return {"bn": call.in_numel * (5 if call.affine else 4)}
    if op in ("AdaptiveAvgPool2d", "F.adaptive_avg_pool2d"):
        return {"pool": call.in_numel}
    return {}


def _thop(call: Call) -> Counts:
    """thop 0.1.1.post2209072238 (thop/profile.py register_hooks, vision/basic_hooks.py,
    vision/calc_func.py): module hooks only. count_convNd and count_linear leave the bias out;
    count_normalization counts 2·numel (calculate_norm) and doubles it when affine: 4 per
    element; ReLU, ReLU6, max pools: zero_ops; AvgPool2d: output numel (count_avgpool);
    AdaptiveAvgPool2d: (H_in/H_out·W_in/W_out + 1)·output numel, in float64
    (count_adap_avgpool); Softmax: (3·C − 1) per vector; LeakyReLU: count_relu, 0; Hardswish,
    Hardsigmoid, Sigmoid, SiLU, GELU, Tanh, ELU and functional calls have no hook: 0. LayerNorm
    is count_normalization too (elementwise_affine doubles it); GroupNorm has no hook. Params
    are summed over hooked modules only (count_parameters): a GroupNorm's γ and β and a layer
    scale (a module or parameter without a rule) are left out of thop's params."""
    op = call.op
    if op in ("Conv2d", "Linear"):
        return {"madds": call.madds}
    if op in ("BatchNorm2d", "LayerNorm"):
        return {"bn": call.in_numel * (4 if call.affine else 2)}
    if op in ("GroupNorm", "ChannelScale"):  # no hook: no ops, and its parameters unseen
        return {"-params": call.params}
    if op == "AvgPool2d":
        return {"pool": call.out_numel}
    if op == "AdaptiveAvgPool2d":
        (_, hi, wi), (_, ho, wo) = call.inp, call.out
        kernel = (hi / ho) * (wi / wo)
        return {"pool": int((kernel + 1) * call.out_numel)}
    if op == "Softmax":
        c, h, w = call.inp
        return {"act": (3 * c - 1) * h * w}
    return {}


def _torchinfo(call: Call) -> Counts:
    """torchinfo 1.8.0 (torchinfo/layer_info.py LayerInfo.calculate_macs), leaf modules with
    parameters only: a class named *Conv*: every weight and bias parameter × output H·W (so the
    bias adds); any other (Linear, BatchNorm2d, LayerNorm, GroupNorm): its parameters × batch
    (γ and β: 2·C), so a linear layer applied per pixel counts its M·N + N once."""
    op = call.op
    if op == "Conv2d":
        return {"madds": call.madds, "bias": _bias_adds(call)}
    if op == "Linear":  # its parameters once, not per position: a per-pixel linear's M·N + N
        c, h, w = call.out
        return {"madds": call.madds // (h * w), "bias": c if call.bias else 0}
    if op in ("BatchNorm2d", "LayerNorm", "GroupNorm") and call.affine:
        return {"bn": 2 * call.out[0]}
    return {}  # a layer scale's parameter is named gamma, not weight or bias: 0


def _flopcounter(call: Call) -> Counts:
    """torch 2.13.0 torch.utils.flop_counter.FlopCounterMode: aten.convolution (conv_flop) and
    aten.addmm / aten.mm (addmm_flop, mm_flop) at 2 FLOPs per multiply-add, bias left out;
    nothing else."""
    if call.op in ("Conv2d", "Linear"):
        return {"madds": call.madds, "unit": call.madds}
    return {}


RULES: dict[str, Rule] = {"ptflops": _ptflops, "ptflops-aten": _ptflops_aten, "fvcore": _fvcore,
                          "thop": _thop, "torchinfo": _torchinfo, "flopcounter": _flopcounter}


@dataclass(frozen=True)
class Prediction:
    """What a peer prints for a network, and its difference from MAdds by cause."""

    peer: Peer
    params: int
    ops: int
    """The peer's total, in its own unit."""
    madds: int
    """mbcalc's MAdds."""
    terms: dict[str, int] = field(default_factory=dict)
    """ops − MAdds by cause (``CAUSES``); they add up to it exactly."""
    rows: list[dict[str, int]] = field(default_factory=list)
    """Each row's count by cause (the peer's conv/fc MAdds under ``madds``)."""


def torch_params(report: Report) -> int:
    """``sum(p.numel() for p in model.parameters())`` of the torch model: weights (the paper
    convention's params), declared biases and batch norm's γ and β."""
    total = 0
    for row in report.rows:
        layer = row.layer
        if report.convention == "paper":
            total += row.params
            terms, values = formulas(row)
            if "bias" in terms:
                total += int(terms["bias"].evaluate({**values, "D_F": 1, "H_out": 1,
                                                     "W_out": 1}))
            if isinstance(layer, L.BatchNorm):
                total += (int(layer.scale) + int(layer.center)) * int(row.output.c)
            if isinstance(layer, L.LayerNorm | L.GroupNorm) and layer.affine:
                total += 2 * int(row.output.c)
            if isinstance(layer, L.ChannelScale):
                learnable = layer.scale and layer.value is None  # its bias: formulas' term
                total += int(learnable) * int(row.output.c)
        elif isinstance(layer, L.InputNormalization):
            continue  # Keras's mean and variance weights: torch normalises outside the model
        elif isinstance(layer, L.BatchNorm) and report.convention == "keras":
            total += row.params - 2 * int(row.output.c)  # Keras's moving mean and variance
        else:
            total += row.params
    return total


def style_of(report: Report) -> dict[str, str]:
    """How the zoo's torch reference writes ``report``'s network (empty for other specs)."""
    return REFERENCE_STYLE.get(report.model, {})


def check_peer(peer: str) -> None:
    """An MbcalcError naming the peers, unless ``peer`` is one."""
    if peer not in PEERS:
        raise MbcalcError(f"--as: unknown peer '{peer}' (there are: {', '.join(PEERS)})")


def predict(report: Report, peer: str, style: dict[str, str] | None = None) -> Prediction:
    """``peer``'s params and ops for the torch model of ``report``'s network."""
    check_peer(peer)
    rule = RULES[peer]
    style = style_of(report) if style is None else style
    rows: list[dict[str, int]] = []
    after = ""
    unseen = 0
    for row in report.rows:
        counts: dict[str, int] = {}
        try:
            calls = lower(row, style, after)
        except Unpredictable as e:
            raise MbcalcError(f"--as {peer}: no prediction yet for layer {row.name!r} kind "
                              f"{e.args[0]} (in {report.model})") from None
        after = row.kind
        for call in calls:
            for cause, n in rule(call).items():
                counts[cause] = counts.get(cause, 0) + n
        unseen += counts.pop("-params", 0)
        rows.append({k: v for k, v in counts.items() if v})
    seen = sum(r.get("madds", 0) for r in rows)
    terms = {c: sum(r.get(c, 0) for r in rows) for c in CAUSES if c != "madds"}
    terms["madds"] = seen - report.madds
    ops = report.madds + sum(terms.values())
    return Prediction(PEERS[peer], torch_params(report) - unseen, ops, report.madds, terms, rows)


WHY: dict[str, dict[str, str]] = {
    "ptflops": {
        "bias": "conv_flops_counter_hook: +1 per output element of a conv with a bias; "
                "linear_flops_counter_hook: +N",
        "bn": "bn_flops_counter_hook: input numel, ×2 when affine",
        "act": "nn.ReLU twice (relu_flops_counter_hook + patched F.relu), ReLU6 once (it calls "
               "the unpatched F.hardtanh), F.silu/softmax once; Hardswish, Hardsigmoid, "
               "Sigmoid: no hook, 0",
        "pool": "pooling modules twice (pool_flops_counter_hook + the patched F.*pool*), "
                "functional pools once: input numel each",
        "add": "the + operator is not the patched torch.add: 0",
        "scale": "the * operator is not the patched torch.mul: 0",
    },
    "ptflops-aten": {
        "bias": "aten_ops.py conv_flop and addmm_flop count the bias: +1 per output element",
        "bn": "no handler for aten.native_batch_norm: 0",
        "act": "no handler: 0", "pool": "no handler: 0", "add": "no handler: 0",
        "scale": "no handler: 0",
    },
    "fvcore": {
        "bias": "conv_flop_count and linear_flop_jit leave the bias out",
        "bn": "batchnorm_flop_jit (eval): input numel, ×2 when affine",
        "act": "aten::relu is in _IGNORED_OPS, the other activations unsupported: 0",
        "pool": "aten::adaptive_avg_pool2d: input numel (elementwise_flop_counter(1, 0)); "
                "max_pool2d, avg_pool2d unsupported: 0",
        "add": "aten::add unsupported (warned): 0", "scale": "aten::mul unsupported: 0",
    },
    "thop": {
        "bias": "count_convNd and count_linear leave the bias out",
        "bn": "count_normalization: calculate_norm's 2·numel, doubled when affine: 4 per element",
        "act": "ReLU, ReLU6: zero_ops; Softmax: 3·C − 1 per vector; Hardswish, Hardsigmoid, "
               "Sigmoid, SiLU: no hook, 0",
        "pool": "AvgPool2d: output numel; AdaptiveAvgPool2d: (H_in·W_in/(H_out·W_out) + 1) per "
                "output element; max pools zero_ops; functional pools unseen",
        "add": "module hooks only: the + operator is unseen",
        "scale": "module hooks only: the * operator is unseen",
    },
    "torchinfo": {
        "bias": "calculate_macs: a Conv's bias params × output H·W, a Linear's bias params",
        "bn": "calculate_macs: its γ and β params × batch: 2·C per layer, not per element",
        "act": "no parameters: 0", "pool": "no parameters: 0", "add": "not a module: 0",
        "scale": "not a module: 0",
    },
    "flopcounter": {
        "bias": "conv_flop and addmm_flop leave the bias out",
        "bn": "no formula registered: 0", "act": "no formula: 0", "pool": "no formula: 0",
        "add": "no formula: 0", "scale": "no formula: 0",
        "unit": "2 FLOPs per multiply-add: the MAdds once more",
    },
}
"""Each peer's reason for each term, citing its code (file and function)."""


def one_line(prediction: Prediction) -> str:
    """The gap in one line: 'MAdds + 1,000 bias + 13,356,224 BN + … = ops'."""
    parts = [f"{n:,} {CAUSE_LABELS[c]}" for c, n in prediction.terms.items() if n]
    if not parts:
        return "= MAdds: conv and fc multiply-adds only"
    return "MAdds + " + " + ".join(parts)
