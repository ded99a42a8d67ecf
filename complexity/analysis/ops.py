"""Every op of a forward pass, beside the MAdds: the cost table and its formulas, in one place.

MAdds stay the headline (conv and fully connected multiply-adds). The rest of the arithmetic a
layer does is counted here, per kind of op, in *ops*: one elementary operation each (an add, a
multiply, a compare, a divide or an exp), never mixed into MAdds. Each row's cost is a formula
in the papers' notation, chosen by the row's primitive (``Row.layer``; ``Row.kind`` "add" or
"concat" for the rows a container adds), like params and MAdds in ``language/layers.py``.
The table ``COSTS`` states what each op costs and why; docs/why-counters-disagree.md prints it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from complexity.algebra import notation as S
from complexity.algebra.expr import ZERO, Expr, Num, Values, power, product, total
from complexity.engine.walk import Report, Row
from complexity.language import layers as L
from complexity.language.shapes import Shape, pair

KINDS = ("bias", "bn", "act", "pool", "add", "scale")
"""The op columns, in the order printed: bias adds, normalisation (batch, layer and group norm,
input normalisation), activations, pooling, residual adds, channel scaling (SE, layer scale)."""

LABELS = {"bias": "bias adds", "bn": "normalisation", "act": "activations", "pool": "pooling",
          "add": "residual adds", "scale": "scaling"}
"""Each column's name for people."""


@dataclass(frozen=True)
class OpCost:
    """One line of the cost table."""

    op: str
    cost: str
    """What one application costs, in ops."""
    column: str
    """The column (``KINDS``) it is counted in."""
    why: str
    """Which elementary operations make the cost, and the source of the convention."""


COSTS: tuple[OpCost, ...] = (
    OpCost("conv / fc multiply-add", "1 MAdd", "MAdds",
           "the headline; not in ops (docs/conventions.md)"),
    OpCost("bias add", "1 per output element (N·D_F², fc N)", "bias",
           "one add per output; torch's conv adds the bias to every output element"),
    OpCost("batch norm, inference", "2 per element (2·C·D_F²)", "bn",
           "y = a·x + b with a = γ/√(σ²+ε), b = β − a·μ precomputed once: 1 multiply + 1 add "
           "(Ioffe & Szegedy 2015, §3.1). Folded into the conv before it, it costs 0 here and "
           "becomes that conv's bias add"),
    OpCost("layer norm", "(5·C + 3)·D_F², (7·C + 3)·D_F² with γ and β", "bn",
           "per position, over its C values (Ba et al. 2016, eq. 4): mean C − 1 adds + 1 divide, "
           "centre C subtracts, variance C multiplies + C − 1 adds + 1 divide, 1/√(σ² + ε) 1 "
           "add + 1 square root + 1 divide, normalise C multiplies; γ·x̂ + β 2·C more. "
           "Statistics are computed at inference (nothing to fold, unlike batch norm); "
           "channels_first and channels_last cost the same"),
    OpCost("group norm", "5·C·D_F² + 3·g, 7·C·D_F² + 3·g with γ and β", "bn",
           "layer norm's count over each of the g groups of C/g channels × D_F² positions "
           "(Wu & He 2018, eq. 1–3): 5 per element + 3 per group, γ·x̂ + β 2 per element"),
    OpCost("input normalisation (Keras)", "2·C·D_F² + 2·C", "bn",
           "(x − mean)/max(√variance, ε): 1 subtract + 1 divide per element, 1 square root + "
           "1 compare per channel (keras.layers.Normalization.call)"),
    OpCost("relu", "1 per element", "act", "max(x, 0): 1 compare"),
    OpCost("relu6", "2 per element", "act", "min(max(x, 0), 6): 2 compares"),
    OpCost("hsigmoid", "4 per element", "act",
           "relu6(x + 3)/6: 1 add, 2 compares, 1 multiply (Howard et al. 2019, eq. 2)"),
    OpCost("hswish", "5 per element", "act", "x·hsigmoid(x): hsigmoid + 1 multiply"),
    OpCost("sigmoid", "3 per element", "act", "1/(1 + e^(−x)): 1 exp, 1 add, 1 divide"),
    OpCost("swish (silu)", "4 per element", "act", "x·sigmoid(x): sigmoid + 1 multiply"),
    OpCost("gelu", "5 per element", "act",
           "x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016; torch's default exact "
           "form): 1 multiply, 1 erf, 1 add, 2 multiplies; erf counted as one op like exp"),
    OpCost("tanh", "1 per element", "act", "one library function, counted as one op like exp"),
    OpCost("leaky relu", "2 per element", "act", "x < 0 ? a·x : x: 1 compare + 1 multiply"),
    OpCost("elu", "4 per element", "act",
           "x > 0 ? x : α·(e^x − 1) (Clevert et al. 2016): 1 compare, 1 exp, 1 subtract, "
           "1 multiply"),
    OpCost("softmax", "3·C − 1 per vector of C", "act",
           "C exps, C − 1 adds, C divides (thop's calculate_softmax counts the same)"),
    OpCost("linear (identity)", "0", "act", "nothing to compute"),
    OpCost("max pool", "K_h·K_w − 1 per output element", "pool",
           "a window of K_h·K_w values needs K_h·K_w − 1 compares"),
    OpCost("average pool", "K_h·K_w per output element", "pool",
           "K_h·K_w − 1 adds + 1 divide (padded positions included, torch's default)"),
    OpCost("global average pool", "H_in·W_in per channel", "pool",
           "H_in·W_in − 1 adds + 1 divide"),
    OpCost("global max pool", "H_in·W_in − 1 per channel", "pool", "compares"),
    OpCost("adaptive pool", "the sum of its windows (avg), minus 1 per window (max)", "pool",
           "torch's windows: [⌊i·H_in/H_out⌋, ⌈(i+1)·H_in/H_out⌉); they may overlap"),
    OpCost("residual add", "1 per element (C·D_F²)", "add", "one add per element"),
    OpCost("SE", "pool C·D_F², act C_r·(act), gate C·(gate), bias C_r + C, scaling C·D_F²",
           "pool, act, bias, scale",
           "its global pool, its activation (ReLU; swish in EfficientNet) and gate, its two "
           "layers' biases, and the multiply that scales each channel (Hu et al. 2018, Fig. 2)"),
    OpCost("layer scale / channel scale", "C·D_F² (+ C·D_F² bias adds with a bias)",
           "scale, bias",
           "γ·x: 1 multiply per element (Touvron et al. 2021, CaiT eq. 4; ConvNeXt's γ), "
           "whether γ is learnt or a constant (`value`: Inception-ResNet's residual scaling); "
           "a per-channel bias adds 1 per element in the bias column"),
    OpCost("per-pixel linear", "N·D_F² bias adds", "bias",
           "its M·N·D_F² multiply-adds are MAdds; the bias adds one per output element"),
    OpCost("concat, channel shuffle, flatten, dropout, stochastic depth (inference)", "0", "—",
           "memory moves or the identity at inference, no arithmetic"),
)

ACTIVATION_COST = {"relu": 1, "relu6": 2, "hsigmoid": 4, "hswish": 5, "sigmoid": 3, "swish": 4,
                   "silu": 4, "gelu": 5, "tanh": 1, "leaky_relu": 2, "elu": 4, "linear": 0}
"""Ops per element of each elementwise activation (softmax is per vector: 3·C − 1)."""


@dataclass(frozen=True)
class RowOps:
    """One row's ops by column: formulas, the values of their symbols, and the counts."""

    formulas: dict[str, Expr]
    values: Values
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All of the row's ops."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class OpsReport:
    """Every row's ops and the totals by column (each the sum of its rows)."""

    rows: list[RowOps]
    totals: dict[str, int]

    @property
    def total(self) -> int:
        """All ops of the network (MAdds not included)."""
        return sum(self.totals.values())


def _map(shape: Shape, prefix: str = "") -> tuple[Expr, dict[str, int]]:
    """D_F² for a square map, H_out·W_out otherwise (H_in·W_in for the map a pool reduces)."""
    if prefix == "in":
        return product(S.H_in, S.W_in), {"H_in": shape.h, "W_in": shape.w}
    if shape.h == shape.w:
        return power(S.D_F, 2), {"D_F": shape.h}
    return product(S.H_out, S.W_out), {"H_out": shape.h, "W_out": shape.w}


def _window(kernel: Any) -> tuple[Expr, dict[str, int]]:
    kh, kw = pair(kernel)
    if kh == kw:
        return power(S.D_K, 2), {"D_K": kh}
    return product(S.K_h, S.K_w), {"K_h": kh, "K_w": kw}


def _windows(size_in: int, size_out: int) -> tuple[int, int]:
    """torch's adaptive pooling windows along one axis: (their total length, their number)."""
    length = sum(math.ceil((i + 1) * size_in / size_out) - (i * size_in) // size_out
                 for i in range(size_out))
    return length, size_out


def _activation(fn: str, y: Shape) -> tuple[Expr, dict[str, int]]:
    f, values = _map(y)
    if fn == "softmax":  # over the channels at each position
        return product(total(product(Num(3), S.C), Num(-1)), f), {**values, "C": int(y.c)}
    return product(Num(ACTIVATION_COST[fn]), S.C, f), {**values, "C": int(y.c)}


def formulas(row: Row) -> tuple[dict[str, Expr], dict[str, int]]:
    """The row's ops by column, as formulas, and the values of their symbols."""
    layer, x, y = row.layer, row.input, row.output
    f, fv = _map(y)
    if layer is None:
        if row.kind == "add":
            return {"add": product(S.C, f)}, {**fv, "C": int(y.c)}
        return {}, {}  # concat: a memory move
    if isinstance(layer, L.Conv | L.Pointwise | L.Depthwise | L.Linear):
        return ({"bias": product(S.N, f)} if layer.bias else {}), {**fv, "N": int(y.c)}
    if isinstance(layer, L.FullyConnected):
        return ({"bias": S.N} if layer.bias else {}), {"N": int(y.c)}
    if isinstance(layer, L.BatchNorm):
        return {"bn": product(Num(2), S.C, f)}, {**fv, "C": int(y.c)}
    if isinstance(layer, L.LayerNorm):
        per = 7 if layer.affine else 5
        return {"bn": product(total(product(Num(per), S.C), Num(3)), f)}, {**fv, "C": int(y.c)}
    if isinstance(layer, L.GroupNorm):
        per = 7 if layer.affine else 5
        return ({"bn": total(product(Num(per), S.C, f), product(Num(3), S.g))},
                {**fv, "C": int(y.c), "g": layer.groups})
    if isinstance(layer, L.InputNormalization):
        return ({"bn": total(product(Num(2), S.C, f), product(Num(2), S.C))},
                {**fv, "C": int(y.c)})
    if isinstance(layer, L.ChannelScale):
        terms = {"scale": product(S.C, f)} if layer.scale else {}
        if layer.bias:
            terms = {"bias": product(S.C, f), **terms}
        return terms, {**fv, "C": int(y.c)}
    if isinstance(layer, L.Activation):
        if layer.fn == "linear":
            return {}, {}
        expr, values = _activation(layer.fn, y)
        return {"act": expr}, values
    if isinstance(layer, L.Pool):
        k, kv = _window(layer.kernel)
        per = total(k, Num(-1)) if layer.kind == "maxpool" else k
        return {"pool": product(per, S.C, f)}, {**fv, **kv, "C": int(y.c)}
    if isinstance(layer, L.GlobalPool):
        m, mv = _map(x, "in")
        per = m if layer.op == "avg" else total(m, Num(-1))
        return {"pool": product(per, S.C)}, {**mv, "C": int(x.c)}
    if isinstance(layer, L.AdaptivePool):
        (lh, nh), (lw, nw) = _windows(x.h, y.h), _windows(x.w, y.w)
        if lh == x.h and lw == x.w:  # the windows tile the map exactly
            m, mv = _map(x, "in")
            if layer.op == "avg":
                return {"pool": product(S.C, m)}, {**mv, "C": int(x.c)}
            o, ov = _map(y)
            return {"pool": product(S.C, total(m, product(Num(-1), o)))}, {**mv, **ov,
                                                                          "C": int(x.c)}
        windows = lh * lw - (0 if layer.op == "avg" else nh * nw)
        return {"pool": product(S.C, Num(windows))}, {"C": int(x.c)}
    if isinstance(layer, L.SqueezeExcite):
        values = {**fv, "C": int(x.c), "C_r": int(row.values["C_r"])}
        gate = ACTIVATION_COST[layer.gate]
        inner = (total(product(Num(3), S.C_r), Num(-1)) if layer.act == "softmax"
                 else product(Num(ACTIVATION_COST[layer.act]), S.C_r))
        terms = {
            "pool": product(S.C, f),
            "act": total(inner, product(Num(gate), S.C)),
            "scale": product(S.C, f),
        }
        if layer.bias:
            terms = {"bias": total(S.C_r, S.C), **terms}
        return terms, values
    return {}, {}  # flatten, dropout, shuffle, stochastic depth: no arithmetic


def row_ops(row: Row) -> RowOps:
    """One row's ops, evaluated."""
    terms, values = formulas(row)
    kept = {k: terms[k] for k in KINDS if k in terms and terms[k] != ZERO}
    counts = {k: int(e.evaluate(values)) for k, e in kept.items()}
    return RowOps(kept, Values(values), counts)


def report_ops(report: Report) -> OpsReport:
    """Every row's ops and the column totals."""
    rows = [row_ops(row) for row in report.rows]
    totals = {k: sum(r.counts.get(k, 0) for r in rows) for k in KINDS}
    return OpsReport(rows, totals)
