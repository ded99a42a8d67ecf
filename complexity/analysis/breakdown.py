"""Where a network's cost goes, by kind of layer (the MobileNetV1 paper's Table 2)."""

from __future__ import annotations

from dataclasses import dataclass

from complexity.engine.walk import Report


@dataclass(frozen=True)
class KindShare:
    """The params and MAdds of every layer of one category."""

    category: str
    layers: int
    params: int
    madds: int


def by_kind(report: Report) -> list[KindShare]:
    """Categories with any cost, most MAdds first; free layers (BN, activations…) are left out."""
    totals: dict[str, list[int]] = {}
    for row in report.rows:
        if row.params or row.madds:
            entry = totals.setdefault(row.category, [0, 0, 0])
            entry[0] += 1
            entry[1] += row.params
            entry[2] += row.madds
    shares = [KindShare(c, n, p, m) for c, (n, p, m) in totals.items()]
    return sorted(shares, key=lambda s: (-s.madds, -s.params, s.category))
