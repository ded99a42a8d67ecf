"""One convolution, designed nine ways: the cost of each variant beside the standard conv.

Each variant is a short list of layers, costed exactly by the engine, and a formula in the
papers' notation a reader can check by hand (``tests/test_compare.py`` checks that the two agree
and that the ratios simplify as the papers say: depthwise-separable / standard = 1/N + 1/D_K²).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from pydantic import ValidationError
from sympy import Expr, Integer, Symbol, cancel, expand
from sympy.parsing.sympy_parser import parse_expr

from complexity.algebra import symbols as S
from complexity.engine.walk import walk
from complexity.errors import MbcalcError
from complexity.language.sources import LoadedSpec, SourceMap
from complexity.language.spec import Network

s = Symbol("s", positive=True, integer=True)
"""Stride of the layer being replaced."""
t = Symbol("t", positive=True, integer=True)
"""Expansion factor of the inverted residual."""
NOTATION = {**S.BY_NAME, "s": s, "t": t}


@dataclass(frozen=True)
class Problem:
    """The layer to replace: M → N channels, D_K×D_K kernel, D_F×D_F output, stride s."""

    cin: int
    cout: int
    kernel: int
    size: int
    stride: int = 1
    groups: int = 2
    expansion: int = 6

    def values(self) -> dict[Symbol, int]:
        return {S.M: self.cin, S.N: self.cout, S.D_K: self.kernel, S.D_F: self.size, s: self.stride,
                S.g: self.groups, t: self.expansion}


@dataclass(frozen=True)
class Variant:
    """A way to build the layer: its layers, and its cost formulas in the papers' notation."""

    name: str
    description: str
    layers: Callable[[Problem], list[dict[str, Any]]]
    params: Expr
    madds: Expr
    check: Callable[[Problem], str | None] = lambda p: None
    """Why this variant does not apply to a problem, or None."""


@dataclass(frozen=True)
class Costed:
    """A variant costed for one problem."""

    variant: Variant
    params: int
    madds: int
    ratio: Fraction
    """MAdds of the variant / MAdds of the standard conv."""
    ratio_formula: Expr


def _conv(out: int, kernel: Any, stride: int = 1, groups: int = 1) -> dict[str, Any]:
    return {"kind": "conv", "out": out, "kernel": kernel, "stride": stride, "padding": "same",
            "groups": groups}


def _dw(kernel: int, stride: int = 1) -> dict[str, Any]:
    return {"kind": "dw", "kernel": kernel, "stride": stride, "padding": "same"}


def _need(condition: bool, why: str) -> str | None:
    return None if condition else why


def _formula(text: str) -> Expr:
    """A formula kept in the order it is written (evaluated only when values go in)."""
    return parse_expr(text, local_dict=NOTATION, evaluate=False)


def _variant(name: str, description: str, layers: Callable[[Problem], list[dict[str, Any]]],
             params: str, madds: str,
             check: Callable[[Problem], str | None] = lambda p: None) -> Variant:
    return Variant(name, description, layers, _formula(params), _formula(madds), check)


VARIANTS: dict[str, Variant] = {v.name: v for v in (
    _variant("standard", "standard conv D_K×D_K",
             lambda p: [_conv(p.cout, p.kernel, p.stride)],
             "D_K**2*M*N", "D_K**2*M*N*D_F**2"),
    _variant("depthwise_separable", "depthwise D_K×D_K + pointwise 1×1 (MobileNetV1)",
             lambda p: [_dw(p.kernel, p.stride), _conv(p.cout, 1)],
             "D_K**2*M + M*N", "D_K**2*M*D_F**2 + M*N*D_F**2"),
    _variant("group", "group conv D_K×D_K, g groups",
             lambda p: [_conv(p.cout, p.kernel, p.stride, p.groups)],
             "D_K**2*(M/g)*N", "D_K**2*(M/g)*N*D_F**2",
             lambda p: _need(p.cin % p.groups == 0 and p.cout % p.groups == 0,
                             f"g={p.groups} must divide M and N")),
    _variant("pointwise", "pointwise 1×1 only (no spatial filtering)",
             lambda p: [_conv(p.cout, 1, p.stride)],
             "M*N", "M*N*D_F**2"),
    _variant("asymmetric", "1×D_K then D_K×1 (Inception-v3 factorisation)",
             lambda p: [_conv(p.cout, (1, p.kernel), p.stride), _conv(p.cout, (p.kernel, 1))],
             "D_K*M*N + D_K*N*N", "D_K*M*N*D_F**2 + D_K*N*N*D_F**2"),
    _variant("stacked_3x3", "(D_K−1)/2 stacked 3×3 convs, same receptive field (VGG)",
             lambda p: [_conv(p.cout, 3, p.stride)] + [_conv(p.cout, 3)] * ((p.kernel - 3) // 2),
             "3**2*M*N + ((D_K - 3)/2)*3**2*N*N",
             "3**2*M*N*D_F**2 + ((D_K - 3)/2)*3**2*N*N*D_F**2",
             lambda p: _need(p.kernel % 2 == 1 and p.kernel >= 3, "needs an odd D_K ≥ 3")),
    _variant("fire", "fire: squeeze 1×1 to N/8, expand 1×1 ‖ D_K×D_K to N/2 each (SqueezeNet)",
             lambda p: [_conv(p.cout // 8, 1, p.stride), {"kind": "concat", "branches": [
                 [_conv(p.cout // 2, 1)], [_conv(p.cout // 2, p.kernel)]]}],
             "M*(N/8) + (N/8)*(N/2) + D_K**2*(N/8)*(N/2)",
             "M*(N/8)*D_F**2 + (N/8)*(N/2)*D_F**2 + D_K**2*(N/8)*(N/2)*D_F**2",
             lambda p: _need(p.cout % 16 == 0, "needs N divisible by 16 (N/8, N/2)")),
    _variant("inverted_residual", "1×1 expand ×t, depthwise D_K×D_K, 1×1 project (MobileNetV2)",
             lambda p: [{"kind": "pw", "expansion": p.expansion}, _dw(p.kernel, p.stride),
                        _conv(p.cout, 1)],
             "M*(t*M) + D_K**2*(t*M) + (t*M)*N",
             "M*(t*M)*(s*D_F)**2 + D_K**2*(t*M)*D_F**2 + (t*M)*N*D_F**2"),
    _variant("shufflenet", "grouped 1×1 to N/4, shuffle, depthwise D_K×D_K, grouped 1×1 "
             "(ShuffleNet, stride on the depthwise)",
             lambda p: [_conv(p.cout // 4, 1, 1, p.groups),
                        {"kind": "shuffle", "groups": p.groups},
                        _dw(p.kernel, p.stride), _conv(p.cout, 1, 1, p.groups)],
             "(M/g)*(N/4) + D_K**2*(N/4) + ((N/4)/g)*N",
             "(M/g)*(N/4)*(s*D_F)**2 + D_K**2*(N/4)*D_F**2 + ((N/4)/g)*N*D_F**2",
             lambda p: _need(p.cin % p.groups == 0 and p.cout % (4 * p.groups) == 0,
                             f"g={p.groups} must divide M and N/4")),
)}


def scaled(problem: Problem, alpha: Fraction, rho: Fraction) -> Problem:
    """The problem under α (channels int(α·c)) and ρ (D_F' = round(ρ·D_F), as the paper's
    Table 3: 14 → 10 at ρ = 0.714)."""
    def width(c: int) -> int:
        value = math.floor(alpha * c)
        if value < 1:
            raise MbcalcError(f"alpha={float(alpha)} leaves {c} channels with {value}")
        return value

    size = math.floor(rho * problem.size + Fraction(1, 2))
    if size < 1:
        raise MbcalcError(f"rho={float(rho)} shrinks the {problem.size}×{problem.size} map to 0")
    return Problem(width(problem.cin), width(problem.cout), problem.kernel, size,
                   problem.stride, problem.groups, problem.expansion)


def cost(variant: Variant, problem: Problem) -> tuple[int, int]:
    """Exact params and MAdds of a variant, by walking its layers through the engine."""
    try:
        network = Network(name=variant.name, resolution=problem.size * problem.stride,
                          in_channels=problem.cin,
                          layers=variant.layers(problem))  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(k) for k in first["loc"][-2:])
        raise MbcalcError(f"variant {variant.name} cannot be built here: {where}: "
                          f"{first['msg']} (got {first.get('input')!r})") from None
    report = walk(LoadedSpec(network, SourceMap(f"compare:{variant.name}")))
    return report.params, report.madds


def skipped(problem: Problem, names: list[str] | None = None) -> list[tuple[str, str]]:
    """The variants ``compare`` leaves out by default at ``problem``, each with the reason."""
    if names:
        return []
    return [(v.name, why) for v in VARIANTS.values() if (why := v.check(problem)) is not None]


def compare(problem: Problem, names: list[str] | None = None) -> list[Costed]:
    """The chosen variants (all that apply by default, see ``skipped`` for the others), costed
    beside the standard conv."""
    if names is not None and not names:
        raise MbcalcError("--variants names no variant; variants: " + ", ".join(VARIANTS))
    for bad in [n for n in names or [] if n not in VARIANTS]:
        raise MbcalcError(f"unknown variant {bad!r}; variants: {', '.join(VARIANTS)}")
    chosen = [VARIANTS[n] for n in names] if names else list(VARIANTS.values())
    base = VARIANTS["standard"]
    _, base_madds = cost(base, problem)
    results = []
    for variant in chosen:
        why = variant.check(problem)
        if why is not None:
            if names:
                raise MbcalcError(f"variant {variant.name}: {why}")
            continue
        params, madds = cost(variant, problem)
        ratio = expand(cancel(variant.madds.doit() / base.madds.doit()))
        results.append(Costed(variant, params, madds, Fraction(madds, base_madds), ratio))
    return results


def formula_value(formula: Expr, problem: Problem) -> int:
    """A variant's formula evaluated at a problem (an integer where the variant applies)."""
    value = formula.xreplace({k: Integer(v) for k, v in problem.values().items()})
    return int(value)


def data_movement(variant: Variant, problem: Problem) -> tuple[int, int]:
    """A variant's MAC (elements read + written by its layers, ShuffleNet V2) and its peak
    live memory under the sequential schedule (elements)."""
    from complexity.analysis.memory import analyse

    network = Network(name=variant.name, resolution=problem.size * problem.stride,
                      in_channels=problem.cin, layers=variant.layers(problem))  # type: ignore[arg-type]
    memory = analyse(walk(LoadedSpec(network, SourceMap(f"compare:{variant.name}"))))
    return memory.mac, memory.peaks["sequential"].elements


def g1_pairs(problem: Problem, most: int = 6) -> list[tuple[int, int, int]]:
    """ShuffleNet V2's guideline G1 on this problem's 1×1 conv: every split c1·c2 = M·N (so the
    same MAdds h·w·c1·c2), the most equal first, with its MAC h·w·(c1 + c2) + c1·c2."""
    product_ = problem.cin * problem.cout
    hw = problem.size * problem.size
    pairs = [(c1, product_ // c1) for c1 in range(1, math.isqrt(product_) + 1)
             if product_ % c1 == 0]
    pairs.sort(key=lambda p: p[1] / p[0])
    return [(c1, c2, hw * (c1 + c2) + c1 * c2) for c1, c2 in pairs[:most]]
