"""A walk's rows at another α, without walking: the same layers in the same order, each costed
on its input at that α.

A layer's row depends on α only through the widths it asks for (``Exact.width``): its input,
and the channels its context's ``origin`` and ``block`` hold, are tensors of the walk. So the
tensors are passed through the rows of a walk at one α (``Report.trace`` says which tensor
each row reads and which its context's channels come from), each row taken from the rows that
walks sharing ``shared`` have costed (``Walker.recalled``: the same layer, input and context,
widths that round alike) or costed here. Where the rows at the new α would not be the same —
a residual whose shape test would decide otherwise, an add or a concat whose operands would
not fit, a layer that refuses its input, a concat that splits its input — the answer is None
and the caller walks.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from complexity.algebra.expr import ZERO
from complexity.engine.walk import Exact, Report, Shared, Walker, _unnamed, assembled, recall
from complexity.errors import LayerProblem, MbcalcError
from complexity.language import layers as L
from complexity.language.plain import plain_class
from complexity.language.shapes import Shape
from complexity.language.sources import LoadedSpec

_PASSING = frozenset({L.Activation, L.BatchNorm, L.Dropout, L.StochasticDepth})
"""Layers whose output is their input at any α (``Layer.out_shape``, which refuses nothing)
and whose formulas come from their fields and the convention alone: where a row's are 0 (an
activation; a batch norm under the paper convention), they are 0 at every α too."""


class Tape:
    """The rows of one walk, ready to be costed at any α (``costs``)."""

    def __init__(self, spec: LoadedSpec, report: Report) -> None:
        trace = report.trace
        self.spec, self.report = spec, report
        self.usable = trace is not None and not trace.split and bool(report.rows)
        """False where the walk cannot be replayed (a concat split its input)."""
        self.steps: list[tuple[Any, ...]] = []
        """Per row: an add's or a concat's kind and operands; the tensor a free layer passes
        on (``_PASSING``); or a layer, its memo key, the tensors of its input, origin and
        block, and whether it runs."""
        if not self.usable or trace is None:
            return
        for k, row in enumerate(report.rows):
            if row.layer is None:
                self.steps.append((row.kind, report.reads[k]))
            elif (plain_class(row.layer) in _PASSING and row.params_formula == ZERO
                  and row.madds_formula == ZERO):
                self.steps.append((trace.inputs[k],))
            else:
                self.steps.append((row.layer, _unnamed(row.layer), trace.inputs[k],
                                   trace.origins[k], trace.blocks[k], k not in trace.idle))

    def costs(self, alpha: Fraction, shared: Shared) -> list[tuple[int, int]] | None:
        """Each row's (params, MAdds) walked at ``alpha`` (and the walk's resolution and
        convention), where that walk's rows are this walk's; else None."""
        if not self.usable:
            return None
        spec, report = self.spec, self.report
        network = spec.network
        exact = Exact(alpha * Fraction(str(network.width_multiplier)), network.width_rule)
        walker = Walker(spec, exact, report.convention, closed=False, shared=shared)
        contexts: dict[tuple[int, int], Exact] = {}
        tail = (walker.convention, walker.with_closed)  # Walker.recalled's key
        shapes: list[Shape] = [report.rows[0].input]
        costs: list[tuple[int, int]] = []
        try:
            for step in self.steps:
                if len(step) == 1:  # a free layer: its input, on
                    shapes.append(shapes[step[0]])
                    costs.append((0, 0))
                    continue
                if len(step) == 2:  # an add or a concat: its operands' shapes
                    shapes.append(_merged(step[0], [shapes[t] for t in step[1]]))
                    costs.append((0, 0))
                    continue
                layer, unnamed, t_in, t_origin, t_block, runs = step
                x = shapes[t_in]
                origin, block = int(shapes[t_origin].c), int(shapes[t_block].c)
                key = (unnamed, (x.c, x.h, x.w, x.fixed), origin, block, *tail)
                entry = recall(shared.get(key, ()), walker.widths, exact.alpha, exact.rule)
                if entry is None:
                    context = contexts.get((origin, block))
                    if context is None:
                        context = contexts[origin, block] = assembled(
                            Exact, exact.__dict__, origin=origin, block=block)
                    walker.exact = context
                    entry = walker.noted(key, layer, x, x)
                found = entry[0]
                shapes.append(found.output)
                costs.append((found.params, found.madds if runs else 0))
        except (LayerProblem, MbcalcError, _Differs):
            return None
        for entry_t, body, _, same_shape in report.trace.decisions:  # type: ignore[union-attr]
            if (shapes[entry_t] == shapes[body]) != same_shape:  # the residual would decide
                return None  # otherwise: other rows
        return costs


class _Differs(Exception):
    """The rows at the new α would not be the walk's."""


def _merged(kind: str, operands: list[Shape]) -> Shape:
    """The output of an add or a concat, as the walk makes it, or _Differs where the walk
    would fail."""
    first = operands[0]
    if kind == "add":
        if any(o != first for o in operands[1:]):
            raise _Differs
        return first
    if any((o.h, o.w) != (first.h, first.w) for o in operands[1:]):
        raise _Differs
    return first.resized(sum(int(o.c) for o in operands), first.h, first.w)
