"""engine.resize: a walk's maps passed through another input size equal a real walk there,
wherever it answers; where the rows would differ it declines (None)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from complexity.engine.resize import maps_at, resizable, resized, spatial, spatial_factor
from complexity.engine.walk import Report, walk
from complexity.errors import MbcalcError
from complexity.language.specfile import load_spec
from complexity.language.zoo import resolve, zoo_names

SIZES = [33, 97, 161, 224, 300]
"""Odd and even sizes, below and above the zoo's base resolutions."""


def maps(report: Report) -> list[tuple[int, int]]:
    first = report.rows[0].input
    return [(first.h, first.w)] + [(row.output.h, row.output.w) for row in report.rows]


def same_rows(a: Report, b: Report) -> bool:
    return [(r.name, r.kind, r.params, int(r.output.c)) for r in a.rows] == [
        (r.name, r.kind, r.params, int(r.output.c)) for r in b.rows]


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_maps_equal_a_walk_at_that_size(name: str) -> None:
    spec = resolve(name)
    reference = walk(spec, closed=False)
    assert maps_at(reference, reference.resolution) == maps(reference)
    for size in SIZES:
        found = maps_at(reference, size)
        try:
            real = walk(spec, Fraction(1), None, size, closed=False)
        except MbcalcError:
            assert found is None, f"{name} at {size}: the walk fails, resize answered"
            continue
        if found is None:
            continue  # declining is always allowed; answering wrongly is not
        assert same_rows(real, reference), f"{name} at {size}: rows differ, resize answered"
        assert found == maps(real)
        assert [spatial_factor(row, found[k]) for k, row in enumerate(reference.rows, 1)] == [
            spatial(row) for row in real.rows]


def rows_of(report: Report) -> list[tuple[object, ...]]:
    return [(r.name, r.kind, r.category, r.input, r.output, dict(r.values), r.params, r.madds,
             str(r.params_formula), str(r.madds_formula)) for r in report.rows]


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_a_resized_report_is_the_walk_at_that_size(name: str) -> None:
    spec = resolve(name)
    reference = walk(spec, closed=False)
    answered = 0
    for size in SIZES:
        found = resized(reference, size)
        if found is None:
            continue
        real = walk(spec, Fraction(1), None, size, closed=False)
        assert rows_of(found) == rows_of(real)
        assert (found.params, found.madds, found.resolution, found.rho) == (
            real.params, real.madds, real.resolution, real.rho)
        assert found.reads == real.reads and found.spans == real.spans
        answered += 1
    assert answered or not resizable(reference)


@pytest.mark.parametrize("name", ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large",
                                  "resnet50", "efficientnet_b0", "inception_v3", "xception",
                                  "shufflenet_v2_x1_0", "convnext_tiny", "regnet_y_400mf",
                                  "densenet121", "squeezenet1_0"])
def test_the_zoo_resizes(name: str) -> None:
    # the sweep's speed rests on these: each answers at sizes its walk accepts
    report = walk(resolve(name), closed=False)
    assert resizable(report)
    assert maps_at(report, 160) is not None


FLATTENED = """
name: flat
resolution: 32
layers:
  - {kind: conv, out: 8, kernel: 3, stride: 2, padding: same}
  - {kind: flatten}
  - {kind: fc, out: 10}
"""


def test_flatten_into_fc_declines() -> None:
    # the fc reads the flattened 16×16 map: its width, and so its params, follow the size
    report = walk(load_spec(FLATTENED, "flat.yaml"), closed=False)
    assert resizable(report)
    assert maps_at(report, 32) == maps(report)
    assert maps_at(report, 40) is None


RESIDUAL = """
name: res
resolution: 8
layers:
  - {kind: conv, out: 4, kernel: 3, padding: same}
  - kind: residual
    when: shapes_match
    layers: [{kind: conv, out: 4, kernel: 3, stride: 2, padding: same}]
"""


def test_a_residual_that_would_add_declines() -> None:
    # at 8×8 the strided conv halves the map and the add is left out; at 1×1 the map stays
    # 1×1, the shapes match and the walk would add: a row the reference does not have
    report = walk(load_spec(RESIDUAL, "res.yaml"), closed=False)
    assert [row.kind for row in report.rows] == ["conv", "conv"]
    assert maps_at(report, 6) is not None
    assert maps_at(report, 1) is None
    assert [row.kind for row in walk(load_spec(RESIDUAL, "res.yaml"), resolution=1,
                                     closed=False).rows] == ["conv", "conv", "add"]
