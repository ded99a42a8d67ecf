"""The walk: passes shapes through a network's layers and costs each one. No printing here.

Every layer is walked twice. The exact walk rounds channels by the family's rule at the given α
and runs at the rounded resolution, giving integers. The closed-form walk keeps channels as c·α
and spatial sizes as ρ·(size at the base resolution), giving the unrounded polynomial in α and ρ.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction

from sympy import Add, Expr, Integer, Max, Rational, Symbol, expand

from complexity import symbols as S
from complexity.errors import LayerProblem, MbcalcError, SpecError
from complexity.layers import Context, Convention, Item, Primitive, Repeat, Value
from complexity.shapes import Shape
from complexity.specfile import LoadedSpec, Path_
from complexity.width import WidthMode, WidthRule, make_divisible, scale


@dataclass(frozen=True)
class Exact:
    """Channels rounded by the family's rule at a given α; sizes as they are."""

    alpha: Fraction
    rule: WidthRule

    def width(self, channels: int, mode: WidthMode) -> int:
        value = scale(channels, mode, self.alpha, self.rule)
        if value < 1:
            raise LayerProblem("out", f"{channels} channels round to {value} at alpha={self.alpha}")
        return value

    def squeeze(self, channels: Value, reduction: int, divisor: int | None) -> int:
        exact = Fraction(int(channels), reduction)
        value = make_divisible(exact, divisor) if divisor else math.floor(exact)
        if value < 1:
            raise LayerProblem("reduction", f"{channels} channels / {reduction} rounds to 0")
        return value

    def spatial(self, size: int) -> int:
        return size


@dataclass(frozen=True)
class ClosedForm:
    """Channels c·α and spatial sizes ρ·D, without rounding."""

    alpha: Symbol = S.alpha
    rho: Symbol = S.rho

    def width(self, channels: int, mode: WidthMode) -> Expr:
        factor = {"fixed": Integer(1), "scaled": self.alpha, "grow_only": Max(1, self.alpha)}
        return factor[mode] * channels

    def squeeze(self, channels: Value, reduction: int, divisor: int | None) -> Expr:
        return channels * Rational(1, reduction)

    def spatial(self, size: int) -> Expr:
        return self.rho * size


@dataclass(frozen=True)
class Placed:
    """A primitive layer in the flattened network, with its row name and spec path."""

    layer: Primitive
    name: str
    path: Path_


@dataclass(frozen=True)
class Row:
    """One layer's shapes, formulas and exact counts."""

    name: str
    kind: str
    category: str
    input: Shape
    output: Shape
    params_formula: Expr
    """Params in the papers' notation (D_K, M, N, D_F, g …)."""
    madds_formula: Expr
    values: dict[Symbol, int]
    """The value of every symbol in the formulas at this α and resolution."""
    params: int
    madds: int
    params_closed: Expr
    """Params in α and ρ, unrounded."""
    madds_closed: Expr


@dataclass(frozen=True)
class Report:
    """A network costed at one α, resolution and convention."""

    model: str
    title: str | None
    alpha: Fraction
    rho: Fraction
    resolution: int
    convention: Convention
    rows: list[Row]
    params: int
    madds: int
    params_closed: Expr
    """Total params as a polynomial in α and ρ without rounding."""
    madds_closed: Expr


def flatten(items: list[Item], path: Path_ = ("layers",)) -> Iterator[tuple[Primitive, str | None, Path_]]:
    """Primitive layers in order, repeats unrolled, with each one's name and spec path."""
    for index, item in enumerate(items):
        here = (*path, index)
        if isinstance(item, Repeat):
            for k in range(item.start, item.start + item.times):
                for layer, name, where in flatten(item.layers, (*here, "layers")):
                    if name is not None:
                        name = name.replace("{i}", str(k)) if "{i}" in name else f"{name}.{k}"
                    yield layer, name, where
        else:
            yield item, item.name, here


def place(items: list[Item]) -> list[Placed]:
    """Flattened layers with row names; an unnamed layer is named after the one before it."""
    placed: list[Placed] = []
    last = ""
    for layer, name, path in flatten(items):
        if name is None:
            label = getattr(layer, "fn", layer.kind)
            name = f"{last}/{label}" if last else f"{label}{len(placed) + 1}"
        else:
            last = name
        placed.append(Placed(layer, name, path))
    return placed


def input_resolution(base: int, rho: Fraction | None, resolution: int | None) -> int:
    """round(ρ·R) (halves up), or the explicit resolution, or R."""
    if resolution is not None:
        return resolution
    if rho is None:
        return base
    return math.floor(rho * base + Fraction(1, 2))


def walk(
    spec: LoadedSpec,
    alpha: Fraction = Fraction(1),
    rho: Fraction | None = None,
    resolution: int | None = None,
    convention: Convention = "paper",
) -> Report:
    """Cost every layer of ``spec`` at α and the input resolution; totals exact and closed-form."""
    network = spec.network
    if alpha <= 0:
        raise MbcalcError(f"alpha must be positive, got {alpha}")
    if rho is not None and rho <= 0:
        raise MbcalcError(f"rho must be positive, got {rho}")
    size = input_resolution(network.resolution, rho, resolution)
    if size < 1:
        raise MbcalcError(f"input resolution round(rho·{network.resolution}) = {size} is empty")
    placed = place(network.layers)
    exact = Exact(alpha, network.width_rule)
    closed = ClosedForm()
    x = Shape(network.in_channels, size, size)
    xs = Shape(Integer(network.in_channels), network.resolution, network.resolution)
    rows = []
    for item in placed:
        try:
            y = item.layer.out_shape(x, exact)
            ys = item.layer.out_shape(xs, closed)
            cost = item.layer.cost(x, y, exact, convention)
            closed_cost = item.layer.cost(xs, ys, closed, convention)
        except LayerProblem as problem:
            where = replace(spec.source.locate(item.path, problem.field), layer=item.name)
            raise SpecError(problem.message, where) from None
        values = {k: int(v) for k, v in cost.values.items()}
        rows.append(Row(
            name=item.name,
            kind=item.layer.kind,
            category=item.layer.category(x, y),
            input=x,
            output=y,
            params_formula=cost.params,
            madds_formula=cost.madds,
            values=values,
            params=evaluate(cost.params, values),
            madds=evaluate(cost.madds, values),
            params_closed=closed_cost.params.xreplace(closed_cost.values),
            madds_closed=closed_cost.madds.xreplace(closed_cost.values),
        ))
        x, xs = y, ys
    return Report(
        model=network.name,
        title=network.title,
        alpha=alpha,
        rho=Fraction(size, network.resolution) if rho is None else rho,
        resolution=size,
        convention=convention,
        rows=rows,
        params=sum(r.params for r in rows),
        madds=sum(r.madds for r in rows),
        params_closed=expand(Add(*(r.params_closed for r in rows))),
        madds_closed=expand(Add(*(r.madds_closed for r in rows))),
    )


def evaluate(formula: Expr, values: dict[Symbol, int]) -> int:
    """A formula's exact integer value at ``values``."""
    result = formula.xreplace({k: Integer(v) for k, v in values.items()})
    if not result.is_Integer:
        raise AssertionError(f"{formula} at {values} is {result}, not an integer")
    return int(result)
