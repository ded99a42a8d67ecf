"""The by-kind breakdown against the MobileNetV1 paper's Table 2."""

from __future__ import annotations

from fractions import Fraction

import pytest

from complexity.analysis.breakdown import by_kind
from complexity.engine.walk import walk
from complexity.language.zoo import resolve

# Paper, Table 2 (% of MAdds, % of params), with the printed 1.19 % of the 3×3 conv replaced by
# 1.91 %: the first conv's 3·3·3·32·112² = 10,838,016 MAdds are 1.906 % of 568,740,352.
TABLE_2 = {
    "Conv 1×1": ("94.86", "74.59"),
    "Conv DW 3×3": ("3.06", "1.06"),
    "Conv 3×3": ("1.91", "0.02"),
    "Fully Connected": ("0.18", "24.33"),
}


def share(part: int, whole: int) -> Fraction:
    return round(Fraction(100 * part, whole), 2)


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return walk(resolve("mobilenet_v1"))


def test_table_2_shares(report) -> None:  # type: ignore[no-untyped-def]
    shares = by_kind(report)
    assert [s.category for s in shares] == list(TABLE_2)
    for s in shares:
        madds, params = TABLE_2[s.category]
        assert share(s.madds, report.madds) == Fraction(madds), s.category
        assert share(s.params, report.params) == Fraction(params), s.category


def test_first_conv_share_is_1_91_not_the_printed_1_19(report) -> None:  # type: ignore[no-untyped-def]
    conv = next(s for s in by_kind(report) if s.category == "Conv 3×3")
    assert conv.madds == 3 * 3 * 3 * 32 * 112 * 112
    assert share(conv.madds, report.madds) == Fraction("1.91")


def test_rows_add_up_to_totals(report) -> None:  # type: ignore[no-untyped-def]
    shares = by_kind(report)
    assert sum(s.params for s in shares) == report.params
    assert sum(s.madds for s in shares) == report.madds
    assert sum(s.layers for s in shares) == 1 + 13 + 13 + 1
