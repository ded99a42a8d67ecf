"""The walk costs identical layers once, whatever their names, and keeps each row's own name
and layer."""

from __future__ import annotations

import pytest

from complexity.engine import walk as walk_module
from complexity.language.specfile import load_spec


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
