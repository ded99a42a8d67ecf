"""The walk: passes shapes through a network's layers and costs each one. No printing here.

Every layer is walked twice. The exact walk rounds channels by the family's rule at the given α
and runs at the rounded resolution, giving integers. The closed-form walk keeps channels as c·α
and spatial sizes as ρ·(size at the base resolution), giving the unrounded polynomial in α and ρ.
"""

from __future__ import annotations

import functools
import gc
import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

from complexity.algebra.expr import ZERO as NO_COST
from complexity.algebra.expr import Expr, Values
from complexity.algebra.poly import ALPHA, GROW, RHO, ZERO, Poly
from complexity.errors import LayerProblem, MbcalcError, SpecError
from complexity.frozen import Frozen
from complexity.language.containers import Concat, Expanded, Repeat, Residual, Sequence, Side
from complexity.language.layers import Convention, Layer, Primitive, Value
from complexity.language.shapes import Shape
from complexity.language.width import WidthMode, WidthRule, make_divisible, scale

if TYPE_CHECKING:  # the validated spec's modules import pydantic; a cached spec needs none
    from complexity.language.blocks import Block
    from complexity.language.containers import Container
    from complexity.language.sources import LoadedSpec, Path_

    Item = Primitive | Container | Block | Expanded

MAX_ROWS = 100_000
"""Layers a network may expand to (repeats unrolled): bounds the time any spec can take."""


class Exact(Frozen):
    """Channels rounded by the family's rule at a given α; sizes as they are."""

    alpha: Fraction
    rule: WidthRule
    origin: int
    """The channels of the innermost concat branch's input (or the network's)."""
    block: int
    """The channels of the innermost block's input."""

    def __init__(self, alpha: Fraction, rule: WidthRule, origin: int = 0, block: int = 0) -> None:
        self.__dict__.update(alpha=alpha, rule=rule, origin=origin, block=block)

    def width(self, channels: int, mode: WidthMode) -> int:
        value = scale(channels, mode, self.alpha, self.rule)
        if value < 1:
            raise LayerProblem("out", f"{channels} channels round to {value} at alpha={self.alpha}")
        return value

    def squeeze(self, channels: Value, reduction: int | Fraction, divisor: int | None) -> int:
        exact = Fraction(int(channels), reduction)
        value = make_divisible(exact, divisor) if divisor else math.floor(exact)
        if value < 1:
            raise LayerProblem("reduction", f"{channels} channels / {reduction} rounds to 0")
        return value

    def relative(self, channels: Value, out: int, of: int) -> int:
        return self.rule.round(Fraction(int(channels) * out, of))

    def spatial(self, size: int, fixed: bool) -> int:
        return size


class _Noting(Exact):
    """An exact context that notes each width its layer asks for: with them, a row costed at
    one α is known to be the row at another (``Walker.shared``). ``noted`` is no field."""

    def __init__(self, alpha: Fraction, rule: WidthRule, origin: int = 0, block: int = 0) -> None:
        super().__init__(alpha, rule, origin, block)
        self.__dict__["noted"] = []
        self.noted: list[tuple[int, WidthMode, int]]

    def width(self, channels: int, mode: WidthMode) -> int:
        value = super().width(channels, mode)
        self.noted.append((channels, mode, value))
        return value


Shared = dict[tuple[Any, ...], list[tuple[tuple[tuple[int, WidthMode, int], ...], Any]]]
"""Rows costed by the walks of one analysis (a sweep's, one per α), by layer, input and
context: each with the widths it was costed with (``Walker.recalled``)."""


class ClosedForm(Frozen):
    """Channels c·α and spatial sizes ρ·D, without rounding."""

    origin: Poly
    block: Poly
    base: Fraction
    """The network's own width multiplier (an EfficientNet's): α multiplies it."""

    def __init__(self, origin: Poly = ZERO, block: Poly = ZERO,
                 base: Fraction = Fraction(1)) -> None:
        self.__dict__.update(origin=origin, block=block, base=base)

    def width(self, channels: int, mode: WidthMode) -> Poly:
        if mode == "fixed":
            return Poly.const(channels)
        return (GROW if mode == "grow_only" else ALPHA) * (channels * self.base)

    def squeeze(self, channels: Value, reduction: int | Fraction, divisor: int | None) -> Poly:
        return channels * Fraction(1, reduction)  # type: ignore[return-value]

    def relative(self, channels: Value, out: int, of: int) -> Poly:
        return channels * Fraction(out, of)  # type: ignore[return-value]

    def spatial(self, size: int, fixed: bool) -> Poly:
        return Poly.const(size) if fixed else RHO * size


class Row(Frozen):
    """One layer's shapes, formulas and exact counts."""

    name: str
    kind: str
    category: str
    input: Shape
    output: Shape
    params_formula: Expr
    """Params in the papers' notation (D_K, M, N, D_F, g …)."""
    madds_formula: Expr
    values: Values
    """The value of every symbol in the formulas at this α and resolution."""
    params: int
    madds: int
    params_closed: Poly
    """Params in α and ρ, unrounded."""
    madds_closed: Poly
    layer: Primitive | None
    """The primitive this row costs; None for the rows a container adds (add, concat)."""
    input_closed: Shape | None
    """The input in the closed-form walk (channels in α, sizes at the base resolution)."""
    output_closed: Shape | None
    """The output in the closed-form walk; None for both when the walk skipped it."""

    def __init__(self, name: str, kind: str, category: str, input: Shape, output: Shape,
                 params_formula: Expr, madds_formula: Expr, values: Values, params: int,
                 madds: int, params_closed: Poly, madds_closed: Poly,
                 layer: Primitive | None = None, input_closed: Shape | None = None,
                 output_closed: Shape | None = None) -> None:
        self.__dict__.update(name=name, kind=kind, category=category, input=input, output=output,
                             params_formula=params_formula, madds_formula=madds_formula,
                             values=values, params=params, madds=madds, params_closed=params_closed,
                             madds_closed=madds_closed, layer=layer, input_closed=input_closed,
                             output_closed=output_closed)


class Report(Frozen):
    """A network costed at one α, resolution and convention."""

    UNSHOWN = frozenset({"reads", "spans", "trace"})
    UNCOMPARED = frozenset({"trace"})
    model: str
    title: str | None
    alpha: Fraction
    rho: Fraction
    resolution: int
    convention: Convention
    rows: list[Row]
    params: int
    madds: int
    params_closed: Poly
    """Total params as a polynomial in α and ρ without rounding."""
    madds_closed: Poly
    reads: list[tuple[int, ...]]
    """Per row, the tensors it reads: 0 is the network's input, k the output of row k (1-based);
    an add reads its two operands, a concat every branch's output (for memory lifetimes)."""
    spans: list[tuple[str, int, int]]
    """Each block walked: its kind, its first row and the row after its last (0-based)."""
    trace: Trace | None
    """What the walk decided along the way, to redo its shapes at another resolution
    (``engine.resize``)."""

    def __init__(self, model: str, title: str | None, alpha: Fraction, rho: Fraction,
                 resolution: int, convention: Convention, rows: list[Row], params: int,
                 madds: int, params_closed: Poly, madds_closed: Poly,
                 reads: list[tuple[int, ...]] | None = None,
                 spans: list[tuple[str, int, int]] | None = None,
                 trace: Trace | None = None) -> None:
        self.__dict__.update(model=model, title=title, alpha=alpha, rho=rho, resolution=resolution,
                             convention=convention, rows=rows, params=params, madds=madds,
                             params_closed=params_closed, madds_closed=madds_closed,
                             reads=[] if reads is None else reads,
                             spans=[] if spans is None else spans, trace=trace)


class Trace(Frozen):
    """The context each row was costed in, and the residuals whose shape test chose the rows:
    with ``Report.reads``, enough to pass another input size through the same layers."""

    base: int
    """The network's base resolution (ρ = resolution / base)."""
    contexts: list[Exact | None]
    """Per row, the width context its layer saw; None for an add or a concat."""
    inputs: list[int]
    """Per row, the tensor whose shape is its input: the one a layer reads, the one a residual
    or a concat forked from."""
    decisions: list[tuple[int, int, bool, bool]]
    """Per residual that tested shapes (``shapes_match``, ``project_if_needed``): the tensors
    it compared (its input and its body's output), whether their channels agreed, and whether
    the shapes did."""
    origins: list[int | None]
    """Per row, the tensor whose channels its context's ``origin`` holds (the input of the
    innermost concat branch, or the network's); None for an add or a concat."""
    blocks: list[int | None]
    """Per row, the tensor whose channels its context's ``block`` holds (the input of the
    innermost block); None for an add or a concat."""
    idle: frozenset[int]
    """The rows built but not run (a side branch's without ``run``): their MAdds are 0."""
    split: bool
    """Whether a concat split its input among its branches (a row's input is then a part of a
    tensor, which ``origins``, ``blocks`` and ``inputs`` do not say)."""

    def __init__(self, base: int, contexts: list[Exact | None], inputs: list[int],
                 decisions: list[tuple[int, int, bool, bool]],
                 origins: list[int | None] | None = None, blocks: list[int | None] | None = None,
                 idle: frozenset[int] = frozenset(), split: bool = False) -> None:
        self.__dict__.update(base=base, contexts=contexts, inputs=inputs, decisions=decisions,
                             origins=[] if origins is None else origins,
                             blocks=[] if blocks is None else blocks, idle=idle, split=split)


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
    closed: bool = True,
    shared: Shared | None = None,
) -> Report:
    """Cost every layer of ``spec`` at α and the input resolution; totals exact and (unless
    ``closed`` is false, as in sweeps) closed-form. Walks given the same ``shared`` dict (at
    other α or sizes, one convention) reuse each other's rows where a layer meets the same
    input and its widths round alike."""
    network = spec.network
    if alpha <= 0:
        raise MbcalcError(f"alpha must be positive, got {alpha}")
    if rho is not None and rho <= 0:
        raise MbcalcError(f"rho must be positive, got {rho}")
    size = input_resolution(network.resolution, rho, resolution)
    if size < 1:
        raise MbcalcError(f"input resolution round(rho·{network.resolution}) = {size} is empty")
    base = Fraction(str(network.width_multiplier))
    walker = Walker(spec, Exact(alpha * base, network.width_rule, network.in_channels,
                                network.in_channels), convention, closed, shared)
    start = Shape(network.in_channels, size, size)
    collecting = gc.isenabled()
    gc.disable()  # the walk makes many small objects and no cycles: a deep spec stays linear
    try:
        walker.sequence(
            network.layers,
            start,
            Shape(Poly.const(network.in_channels), network.resolution, network.resolution)
            if closed else start,
            Scope(path=("layers",)),
        )
    finally:
        if collecting:
            gc.enable()
    rows = walker.rows
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
        params_closed=_sum(r.params_closed for r in rows) if closed else ZERO,
        madds_closed=_sum(r.madds_closed for r in rows) if closed else ZERO,
        reads=walker.reads,
        spans=walker.spans,
        trace=Trace(network.resolution, walker.contexts, walker.inputs, walker.decisions,
                    walker.origins, walker.blocks, frozenset(walker.idle), walker.split),
    )


class Scope(Frozen):
    """Where the walk is: the spec path of the list it walks, the row-name prefix, and the
    repetition number that ``{i}`` in a name stands for."""

    path: Path_
    prefix: str
    index: int | None

    def __init__(self, path: Path_, prefix: str = "", index: int | None = None) -> None:
        self.__dict__.update(path=path, prefix=prefix, index=index)

    def name(self, name: str) -> str:
        if self.index is not None:
            name = name.replace("{i}", str(self.index))
        return f"{self.prefix}/{name}" if self.prefix else name

    def inner(self, path: Path_, name: str | None, index: int | None = None) -> Scope:
        prefix = self.name(name) if name else self.prefix
        return Scope(path, prefix, self.index if index is None else index)


Pair = tuple[Shape, Shape]
"""A shape in the exact walk and the same shape in the closed-form walk."""


class Walker:
    """Walks items in order, passing shapes along and appending one row per layer."""

    def __init__(self, spec: LoadedSpec, exact: Exact, convention: Convention,
                 closed: bool = True, shared: Shared | None = None) -> None:
        self.spec = spec
        self.exact = exact
        self.shared = shared
        """Rows of other walks, to reuse (see ``walk``)."""
        self.widths: dict[tuple[int, WidthMode], int] = {}
        """Channels at this walk's α by (channels before α, mode): what ``recalled`` checks."""
        self.with_closed = closed
        """False: skip the closed-form walk (the second shape in each Pair is the exact one)."""
        channels = Poly.const(spec.network.in_channels)
        self.closed = ClosedForm(origin=channels, block=channels,
                                 base=Fraction(str(spec.network.width_multiplier)))
        self.convention = convention
        self.rows: list[Row] = []
        self.last = ""
        self.costed: dict[tuple[Any, ...], tuple[Row, Shape]] = {}
        self.steps = 0
        """Items and repetitions walked so far (see ``step``)."""
        """Rows by (layer, input, origins): identical repeated layers are costed once."""
        self.reads: list[tuple[int, ...]] = []
        """The tensors each row reads (Report.reads)."""
        self.tensor = 0
        """The tensor the walk's current path holds: 0 the input, k the output of row k."""
        self.spans: list[tuple[str, int, int]] = []
        """The blocks walked (Report.spans)."""
        self.contexts: list[Exact | None] = []
        self.inputs: list[int] = []
        self.decisions: list[tuple[int, int, bool, bool]] = []
        self.origins: list[int | None] = []
        self.blocks: list[int | None] = []
        self.idle: set[int] = set()
        self.split = False
        """Trace's fields."""
        self.origin_tensor = self.block_tensor = 0
        """The tensors whose channels ``exact.origin`` and ``exact.block`` hold."""

    def fail(self, problem: LayerProblem, path: Path_, name: str) -> SpecError:
        where = self.spec.source.locate(path, problem.field).replace(layer=name)
        return SpecError(problem.message, where)

    def sequence(self, items: list[Item], x: Shape, xs: Shape, scope: Scope) -> Pair:
        for index, item in enumerate(items):
            x, xs = self.item(item, x, xs, scope, (*scope.path, index))
        return x, xs

    def step(self, path: Path_) -> None:
        """Count one unit of expansion (an item, a repetition) against MAX_ROWS, rows or not:
        repeats around layers that add no row (a disabled side branch) are bounded too."""
        self.steps += 1
        if self.steps > MAX_ROWS:
            raise self.too_many(path)

    def too_many(self, path: Path_) -> SpecError:
        return SpecError(f"expands to more than {MAX_ROWS:,} layers and repetitions",
                         self.spec.source.locate(path))

    def item(self, item: Item, x: Shape, xs: Shape, scope: Scope, path: Path_) -> Pair:
        self.steps += 1  # ``step``, inlined (most items are layers)
        if self.steps > MAX_ROWS:
            raise self.too_many(path)
        if isinstance(item, Layer):  # most items: tested first
            return self.primitive(item, x, xs, scope, path)  # type: ignore[arg-type]
        if isinstance(item, Repeat):
            for k in range(item.start, item.start + item.times):
                self.step(path)
                named = f"{item.name}.{k}" if item.name and "{i}" not in item.name else item.name
                j = k - item.start
                layers, where = ((item.bodies[j], (*path, "bodies", j)) if item.bodies
                                 else (item.layers, (*path, "layers")))
                x, xs = self.sequence(layers, x, xs, scope.inner(where, named, index=k))
            return x, xs
        if isinstance(item, Residual):
            return self.residual(item, x, xs, scope.inner((*path, "layers"), item.name), path)
        if isinstance(item, Concat):
            return self.concat(item, x, xs, scope.inner((*path, "branches"), item.name), path)
        if isinstance(item, Side):
            if item.enabled:
                held = self.tensor
                first = len(self.rows)
                self.sequence(item.layers, x, xs, scope.inner((*path, "layers"), item.name))
                if not item.run:  # built (its params count) but not run: no MAdds
                    self.rows[first:] = [_not_run(row) for row in self.rows[first:]]
                    self.idle.update(range(first, len(self.rows)))
                self.tensor = held
            return x, xs
        if isinstance(item, Sequence):
            inner = scope.inner((*path, "layers"), item.name)
            return self.block(item.layers, x, xs, inner)
        inner = scope.inner(path, item.name)
        first = len(self.rows)
        layers = item.layers if isinstance(item, Expanded) else expansion(item)
        out = self.block(layers, x, xs, inner.replace(path=path))
        self.spans.append((item.kind, first, len(self.rows)))
        return out

    def block(self, items: list[Item], x: Shape, xs: Shape, scope: Scope) -> Pair:
        """A block's layers, with the block's input as what ``of: block`` refers to."""
        outer = self.exact, self.closed, self.block_tensor
        self.exact = assembled(type(self.exact), self.exact.__dict__, block=int(x.c))
        self.block_tensor = self.tensor
        if self.with_closed:
            self.closed = assembled(ClosedForm, self.closed.__dict__, block=xs.c)
        try:
            return self.sequence(items, x, xs, scope)
        finally:
            self.exact, self.closed, self.block_tensor = outer

    def primitive(self, layer: Primitive, x: Shape, xs: Shape, scope: Scope,
                  path: Path_) -> Pair:
        if len(self.rows) >= MAX_ROWS:
            raise SpecError(f"expands to more than {MAX_ROWS:,} layers",
                            self.spec.source.locate(path))
        prefix = scope.prefix
        if layer.name is not None:
            name = self.last = scope.name(layer.name)
        elif prefix and not (self.last == prefix or self.last.startswith(f"{prefix}/")):
            name = self.last = prefix  # the first, unnamed layer of a named block
        else:
            label = layer.__dict__.get("fn") or layer.kind
            name = f"{self.last}/{label}" if self.last else f"{label}{len(self.rows) + 1}"
        unnamed = _unnamed(layer)
        seen = (x.c, x.h, x.w, x.fixed)  # x's fields: hashed in C, not by Shape's __hash__
        key = ((unnamed, seen, xs, self.exact.origin, self.closed.origin, self.exact.block,
                self.closed.block) if self.with_closed
               else (unnamed, seen, self.exact.origin, self.exact.block))
        if key not in self.costed:  # a repeated layer on the same input is costed once
            try:
                self.costed[key] = (self.cost(layer, x, xs) if self.shared is None
                                    else self.recalled(key, layer, x, xs))
            except LayerProblem as problem:
                raise self.fail(problem, path, name) from None
        row, ys = self.costed[key]
        named = assembled(Row, row.__dict__, name=name, layer=layer)
        rows, tensor = self.rows, self.tensor
        rows.append(named)
        self.reads.append((tensor,))
        self.contexts.append(self.exact)
        self.inputs.append(tensor)
        self.origins.append(self.origin_tensor)
        self.blocks.append(self.block_tensor)
        self.tensor = len(rows)
        return row.output, ys

    def recalled(self, key: tuple[Any, ...], layer: Primitive, x: Shape,
                 xs: Shape) -> tuple[Row, Shape]:
        """The row of another walk's that met ``layer`` on the same input in the same context
        and whose widths round alike at this walk's α (only a width depends on α: the input,
        the origin and the block are in ``key``), else the layer costed here and noted."""
        assert self.shared is not None
        key = (*key, self.convention, self.with_closed)
        found = recall(self.shared.get(key, ()), self.widths, self.exact.alpha, self.exact.rule)
        return self.noted(key, layer, x, xs) if found is None else found

    def noted(self, key: tuple[Any, ...], layer: Primitive, x: Shape,
              xs: Shape) -> tuple[Row, Shape]:
        """The layer costed here, kept in ``shared`` under ``key`` (``recalled``'s, with the
        convention) with the widths it asked for."""
        shared = self.shared
        assert shared is not None
        exact = self.exact
        self.exact = _Noting(exact.alpha, exact.rule, exact.origin, exact.block)
        try:
            found = self.cost(layer, x, xs)
            noted = tuple(self.exact.noted)  # type: ignore[attr-defined]
        finally:
            self.exact = exact
        if len(shared) > MAX_ROWS:
            shared.clear()
        shared.setdefault(key, []).append((noted, found))
        return found

    def cost(self, layer: Primitive, x: Shape, xs: Shape) -> tuple[Row, Shape]:
        """A layer's row (unnamed) on input ``x``, and its output in the closed-form walk."""
        y = layer.out_shape(x, self.exact)
        cost = layer.cost(x, y, self.exact, self.convention)
        if self.with_closed:
            ys = layer.out_shape(xs, self.closed)
            closed_cost = layer.cost(xs, ys, self.closed, self.convention)
            params_closed = _poly(closed_cost.params.evaluate(closed_cost.values))
            madds_closed = _poly(closed_cost.madds.evaluate(closed_cost.values))
        else:
            ys, params_closed, madds_closed = y, ZERO, ZERO
        values = Values({k: int(v) for k, v in cost.values.items()})
        row = assembled(
            Row,
            name="",
            kind=layer.kind,
            category=layer.category(x, y),
            input=x,
            output=y,
            params_formula=cost.params,
            madds_formula=cost.madds,
            values=values,
            params=evaluate(cost.params, values),
            madds=evaluate(cost.madds, values),
            params_closed=params_closed,
            madds_closed=madds_closed,
            layer=layer,
            input_closed=xs if self.with_closed else None,
            output_closed=ys if self.with_closed else None,
        )
        return row, ys

    def merge_row(self, kind: str, scope: Scope, x: Shape, y: Shape, entry: int,
                  reads: tuple[int, ...] = (), ys: Shape | None = None) -> None:
        self.rows.append(Row(
            name=scope.name(kind) if scope.prefix else f"{self.last}/{kind}",
            kind=kind, category="Other", input=x, output=y,
            params_formula=NO_COST, madds_formula=NO_COST, values=Values(), params=0, madds=0,
            params_closed=ZERO, madds_closed=ZERO,
            output_closed=ys if self.with_closed else None,
        ))
        self.reads.append(reads)
        self.contexts.append(None)
        self.inputs.append(entry)
        self.origins.append(None)
        self.blocks.append(None)
        self.tensor = len(self.rows)

    def residual(self, block: Residual, x: Shape, xs: Shape, scope: Scope, path: Path_) -> Pair:
        entry = self.tensor
        first = len(self.rows)
        marks = len(self.decisions), len(self.spans)
        y, ys = self.sequence(block.layers, x, xs, scope)
        body = self.tensor
        if block.when != "always":
            self.decisions.append((entry, body, x.c == y.c, x == y))
        if block.when == "shapes_match" and y != x:
            strided = any(_strided(row.layer) for row in self.rows[first:])
            if (y.h, y.w) != (x.h, x.w) and not strided:
                raise self.fail(LayerProblem(
                    "when", f"residual (when: shapes_match): no layer has a stride, yet the "
                    f"layers turn {x.h}×{x.w} into {y.h}×{y.w}, so the add would silently "
                    "disappear; pad the convolutions (padding: same) or drop the residual",
                ), path, scope.prefix or self.last)
            return y, ys
        sx, sxs, short = x, xs, entry
        if block.shortcut and (block.when != "project_if_needed" or y != x):
            self.last = scope.name("shortcut") if scope.prefix else f"{self.last}/shortcut"
            self.tensor = entry
            sx, sxs = self.sequence(block.shortcut, x, xs,
                                    scope.replace(path=(*path, "shortcut")))
            short = self.tensor
        if sx != y:
            raise self.fail(LayerProblem(
                "layers", f"residual add: layers give {_text(y)} but the shortcut gives "
                f"{_text(sx)}" + ("" if block.shortcut else "; add a projection (shortcut)"),
            ), path, scope.prefix or self.last)
        if block.first == "shortcut" and short != entry:
            renumber = self.shortcut_first(first, body, len(self.rows), marks)
            body, short = renumber(body), renumber(short)
        self.merge_row("add", scope, x, y, entry, (body, short), ys)
        return y, ys

    def shortcut_first(self, start: int, middle: int, end: int,
                       marks: tuple[int, int]) -> Callable[[int], int]:
        """Move rows middle … end − 1 (a shortcut) before rows start … middle − 1 (its body),
        as a framework that computes the shortcut first runs them, and renumber the tensors
        they read and write (tensor k is row k's output); ``marks`` are the lengths of
        ``decisions`` and ``spans`` when the body began. Returns the renumbering."""
        body, short = middle - start, end - middle

        def new(t: int) -> int:
            return t + short if start < t <= middle else t - body if middle < t <= end else t

        def moved(items: list[Any]) -> list[Any]:
            return items[:start] + items[middle:end] + items[start:middle] + items[end:]

        self.rows, self.contexts = moved(self.rows), moved(self.contexts)
        self.reads = [tuple(map(new, r)) for r in moved(self.reads)]
        self.inputs = list(map(new, moved(self.inputs)))
        self.origins = [None if t is None else new(t) for t in moved(self.origins)]
        self.blocks = [None if t is None else new(t) for t in moved(self.blocks)]
        self.idle = {new(k + 1) - 1 for k in self.idle}
        self.origin_tensor, self.block_tensor = new(self.origin_tensor), new(self.block_tensor)
        decided, spanned = marks
        self.decisions[decided:] = [(new(a), new(b), c, s)
                                    for a, b, c, s in self.decisions[decided:]]
        self.spans[spanned:] = [(kind, new(lo + 1) - 1, new(hi)) for kind, lo, hi
                                in self.spans[spanned:]]
        self.tensor = new(self.tensor)
        return new

    def concat(self, block: Concat, x: Shape, xs: Shape, scope: Scope, path: Path_) -> Pair:
        count = len(block.branches)
        bx, bxs = x, xs
        if block.split:
            self.split = True
            if int(x.c) % count:
                raise self.fail(LayerProblem(
                    "split", f"cannot split {x.c} channels into {count} equal branches"
                ), path, scope.prefix or self.last)
            bx = x.resized(int(x.c) // count, x.h, x.w)
            bxs = xs.resized(xs.c / count, xs.h, xs.w) if self.with_closed else bx
        outs: list[Pair] = []
        entry, ends = self.tensor, []
        outer = self.exact, self.closed, self.origin_tensor
        self.exact = self.exact.replace(origin=int(bx.c))
        self.origin_tensor = entry
        if self.with_closed:
            self.closed = self.closed.replace(origin=bxs.c)
        for j, branch in enumerate(block.branches):
            self.last = scope.name(f"branch{j + 1}") if scope.prefix else f"branch{j + 1}"
            self.tensor = entry
            outs.append(self.sequence(branch, bx, bxs, scope.replace(path=(*path, "branches", j))))
            ends.append(self.tensor)
        self.exact, self.closed, self.origin_tensor = outer
        first = outs[0][0]
        for j, (y, _) in enumerate(outs[1:], 2):
            if (y.h, y.w) != (first.h, first.w):
                raise self.fail(LayerProblem(
                    "branches", f"concat: branch {j} gives {y.h}×{y.w} but branch 1 gives "
                    f"{first.h}×{first.w}"), path, scope.prefix or self.last)
        y = first.resized(sum(int(o[0].c) for o in outs), first.h, first.w)
        ys = (outs[0][1].resized(_sum(o[1].c for o in outs), outs[0][1].h, outs[0][1].w)
              if self.with_closed else y)
        self.merge_row("concat", scope, x, y, entry, tuple(ends), ys)
        return y, ys


def recall(variants: Iterable[tuple[tuple[tuple[int, WidthMode, int], ...], Any]],
           widths: dict[tuple[int, WidthMode], int], alpha: Fraction,
           rule: WidthRule) -> Any:
    """The row among ``variants`` (a ``Shared`` entry's) whose noted widths round alike at
    ``alpha``, or None; each width at ``alpha`` is computed once into ``widths``."""
    for noted, found in variants:
        for c, mode, value in noted:
            if (c, mode) not in widths:
                widths[c, mode] = scale(c, mode, alpha, rule)
            if widths[c, mode] != value:
                break
        else:
            return found
    return None


def _strided(layer: Primitive | None) -> bool:
    """Whether a layer downsamples by its stride (a pool's stride defaults to its kernel)."""
    stride = getattr(layer, "stride", 1)
    if stride is None:
        stride = getattr(layer, "kernel", 1)
    return stride not in (1, (1, 1))


T = TypeVar("T")
_NOTHING: Mapping[str, Any] = {}

_UNNAMED: dict[int, tuple[Primitive, tuple[Any, ...]]] = {}
"""Each layer object's memo key, by id; the entry holds the layer, so its id is not reused
while the entry lives (cleared when it grows past MAX_ROWS entries)."""


def _unnamed(layer: Primitive) -> tuple[Any, ...]:
    """The layer without its name, as a memo key: identical layers named apart are costed
    once; computed once per layer object (a sweep walks the same objects a hundred times)."""
    found = _UNNAMED.get(id(layer))
    if found is not None:
        return found[1]
    if len(_UNNAMED) > MAX_ROWS:
        _UNNAMED.clear()
    key = (type(layer), *(v for k, v in layer.__dict__.items() if k != "name"))
    _UNNAMED[id(layer)] = (layer, key)
    return key


def assembled(kind: type[T], base: Mapping[str, Any] = _NOTHING, /, **fields: Any) -> T:
    """An instance of the frozen class ``kind`` holding ``base``'s fields updated with
    ``fields``, without calling its ``__init__``: every field is copied, so an instance keeps
    what is not a field (a ``_Noting`` context its list of noted widths). All fields must be
    given."""
    made = object.__new__(kind)
    made.__dict__.update(base, **fields)
    return made


def _not_run(row: Row) -> Row:
    """A row of a branch that is built but not run (an aux head in eval mode): no MAdds."""
    return row.replace(madds_formula=NO_COST, madds=0, madds_closed=ZERO)


def _text(shape: Shape) -> str:
    return f"{shape.c}×{shape.h}×{shape.w}"


@functools.lru_cache(maxsize=1024)
def expansion(block: Block) -> list[Item]:
    """A block's layers, validated as spec items."""
    return _items().validate_python(block.expand())


@functools.cache
def _items() -> Any:
    from pydantic import TypeAdapter

    from complexity.language.models import Items

    return TypeAdapter(Items)


def evaluate(formula: Expr, values: Mapping[Any, int]) -> int:
    """A formula's exact integer value at ``values``."""
    result = formula.evaluate(values)
    if isinstance(result, int):
        return result
    if Fraction(result).denominator != 1:
        raise AssertionError(f"{formula} at {dict(values)} is {result}, not an integer")
    return int(result)


def _poly(value: Any) -> Poly:
    return value if isinstance(value, Poly) else Poly.const(value)


def _sum(polys: Iterable[Any]) -> Poly:
    """A sum of polynomials, linear in their number."""
    terms: dict[Any, Fraction] = {}
    for p in polys:
        for k, v in _poly(p).terms.items():
            terms[k] = terms.get(k, Fraction(0)) + v
    return Poly(terms)
