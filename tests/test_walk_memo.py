"""The walk costs identical layers once, whatever their names, and keeps each row's own name
and layer; walks that share rows (a sweep's) are each what a walk alone gives."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from complexity.engine import walk as walk_module
from complexity.engine.walk import Report, Shared, walk
from complexity.errors import MbcalcError
from complexity.language.specfile import load_spec
from complexity.language.zoo import resolve, zoo_names


def spec_text(layers: int) -> str:
    body = "".join(f"  - {{kind: conv, name: c{i}, out: 16, kernel: 3, padding: same}}\n"
                   for i in range(layers))
    return ("name: deep\nresolution: 32\nin_channels: 16\nlayers:\n" + body)


def test_identical_layers_named_apart_are_costed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = walk_module.Walker.cost

    def counting(self, layer, x, xs):  # type: ignore[no-untyped-def]
        calls.append(layer.name)
        return original(self, layer, x, xs)

    monkeypatch.setattr(walk_module.Walker, "cost", counting)
    report = walk_module.walk(load_spec(spec_text(200), "deep.yaml"))
    # 16→16 channels, 32×32 in and out: one layer 200 times, costed twice because the first
    # one's closed-form input is the image's 16 channels, the others' 16·α
    assert calls == ["c0", "c1"]
    assert [r.name for r in report.rows] == [f"c{i}" for i in range(200)]
    assert [r.layer.name for r in report.rows if r.layer] == [f"c{i}" for i in range(200)]
    assert report.madds == 200 * (3 * 3 * 16 * 16 * 32 * 32)  # D_K²·M·N·D_F² each
    assert report.params == 200 * (3 * 3 * 16 * 16)  # no bias in the paper convention


SHORTCUT_FIRST = """
name: sf
resolution: 8
layers:
  - {kind: conv, name: stem, out: 4, kernel: 3, padding: same}
  - kind: residual
    first: {first}
    when: project_if_needed
    layers:
      - {kind: conv, name: a, out: 8, kernel: 3, stride: 2, padding: same}
      - {kind: conv, name: b, out: 32, kernel: 3, padding: same}
      - {kind: conv, name: c, out: 8, kernel: 3, padding: same}
    shortcut: [{kind: conv, name: proj, out: 8, kernel: 1, stride: 2}]
  - {kind: global_pool, name: pool}
"""


def test_a_shortcut_that_runs_first_comes_first() -> None:
    from complexity.analysis.memory import analyse
    from complexity.engine.walk import walk
    from complexity.language.specfile import load_spec

    def report(first: str):  # type: ignore[no-untyped-def]
        return walk(load_spec(SHORTCUT_FIRST.replace("{first}", first), "sf.yaml"))

    body, short = report("layers"), report("shortcut")
    assert [r.name for r in body.rows] == ["stem", "a", "b", "c", "proj", "proj/add", "pool"]
    assert [r.name for r in short.rows] == ["stem", "proj", "a", "b", "c", "proj/add", "pool"]
    # tensor k is row k's output: the add reads the body's last (c) and the projection
    assert body.reads == [(0,), (1,), (2,), (3,), (1,), (4, 5), (6,)]
    assert short.reads == [(0,), (1,), (1,), (3,), (4,), (5, 2), (6,)]
    assert (short.params, short.madds) == (body.params, body.madds)
    # stem 4×8² = 256, a and c 8×4² = 128, b 32×4² = 512, proj 128. Body first, the stem's
    # output stays live through the body for proj: 256 + 128 + 512 at b. Shortcut first,
    # proj's smaller output does instead: 128 + 128 + 512 at b.
    assert analyse(body).peaks["sequential"].elements == 256 + 128 + 512
    assert analyse(short).peaks["sequential"].elements == 128 + 128 + 512


def _rows(report: Report) -> list[tuple[object, ...]]:
    return [(r.name, r.kind, r.category, r.input, r.output, str(r.params_formula),
             str(r.madds_formula), dict(r.values), r.params, r.madds) for r in report.rows]


@pytest.mark.parametrize("name", zoo_names())
def test_walks_sharing_rows_equal_walks_alone(name: str) -> None:
    """A sweep's walks share rows across α (``shared``); each must still be its own walk:
    α = 0.745 flips MobileNetV2's make-divisible rounding, 0.6 breaks some grouped convs."""
    spec = resolve(name)
    shared: Shared = {}
    for alpha, size in ((Fraction(1), 224), (Fraction("0.745"), 160), (Fraction("0.6"), 224),
                        (Fraction("1.3"), 192), (Fraction("0.75"), 224)):
        try:
            alone = walk(spec, alpha, None, size, closed=False)
        except MbcalcError as exc:
            with pytest.raises(MbcalcError, match=re.escape(str(exc)[:30])):
                walk(spec, alpha, None, size, closed=False, shared=shared)
            continue
        together = walk(spec, alpha, None, size, closed=False, shared=shared)
        assert _rows(together) == _rows(alone), (name, alpha, size)
        assert (together.reads, together.spans, together.params, together.madds) == (
            alone.reads, alone.spans, alone.params, alone.madds)
    assert shared, "the walks noted no rows"
