"""A walk's rows costed at another α without walking (engine.widths): on the whole zoo, each
row's params and MAdds are the real walk's at that α, or the answer is None and the real walk's
rows are not the tape's (or it fails)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from complexity.engine.walk import Shared, walk
from complexity.engine.widths import Tape
from complexity.errors import MbcalcError
from complexity.language.zoo import resolve, zoo_names

ALPHAS = [Fraction(a) for a in ("0.25", "0.5", "0.6", "0.745", "1", "1.3")]
"""0.745 flips MobileNetV2's make-divisible rounding; 0.6 breaks some grouped convs; 0.25
makes some blocks' input and output widths agree (a residual that adds where it did not)."""


@pytest.mark.parametrize("name", zoo_names())
def test_costs_at_another_alpha_are_the_walks(name: str) -> None:
    spec = resolve(name)
    shared: Shared = {}
    tape = Tape(spec, walk(spec, Fraction(1), None, 160, closed=False, shared=shared))
    replayed = 0
    for alpha in ALPHAS:
        costs = tape.costs(alpha, shared)
        try:
            real = walk(spec, alpha, None, 160, closed=False)
        except MbcalcError:
            assert costs is None, (name, alpha)
            continue
        same_rows = [(r.name, r.kind) for r in real.rows] == [
            (r.name, r.kind) for r in tape.report.rows] and real.reads == tape.report.reads
        if costs is None:
            assert not same_rows or tape.report.trace.split, (name, alpha)  # type: ignore[union-attr]
            continue
        replayed += 1
        assert same_rows, (name, alpha)
        assert costs == [(r.params, r.madds) for r in real.rows], (name, alpha)
    assert replayed or tape.report.trace.split, name  # type: ignore[union-attr]


def test_a_split_concat_is_walked() -> None:
    spec = resolve("shufflenet_v2_x1_0")
    shared: Shared = {}
    tape = Tape(spec, walk(spec, Fraction(1), None, 224, closed=False, shared=shared))
    assert not tape.usable
    assert tape.costs(Fraction(1, 2), shared) is None


def test_a_residual_that_decides_otherwise_is_walked() -> None:
    """At α = 0.25 MobileNetV2's 16→24 block rounds both widths to 8: its residual adds there,
    so the rows are not α = 1's."""
    spec = resolve("mobilenet_v2")
    shared: Shared = {}
    tape = Tape(spec, walk(spec, Fraction(1), None, 224, closed=False, shared=shared))
    quarter = walk(spec, Fraction(1, 4), None, 224, closed=False)
    assert len(quarter.rows) != len(tape.report.rows)
    assert tape.costs(Fraction(1, 4), shared) is None
    assert tape.costs(Fraction(3, 4), shared) == [
        (r.params, r.madds) for r in walk(spec, Fraction(3, 4), None, 224, closed=False).rows]
