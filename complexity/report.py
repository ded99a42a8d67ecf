"""The values the Python API returns: typed, immutable, and printable in every output format.

Each value keeps the engine's result it was made from, so that its ``to_dict()`` is exactly the
CLI's ``--format json`` object and its tables are the CLI's tables. sympy (for formulas), rich
(for ``str``) and pandas (for ``to_dataframe``) are imported only when those are asked for.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from complexity.errors import MbcalcError

if TYPE_CHECKING:
    from complexity.analysis.compare import Costed, Problem
    from complexity.analysis.sweep import Point
    from complexity.analysis.verify import Pair, Verification
    from complexity.engine.walk import Report as Walked
    from complexity.engine.walk import Row
    from complexity.render.tables import Table

TABLE_WIDTH = 120
"""Width of the terminal table that ``str()`` prints."""


def sympy_symbols(names: Any) -> dict[str, Any]:
    """A sympy Symbol for every name (positive integers, as the papers' symbols), so that no
    name is read as one of sympy's own functions or constants (``N``, ``S``, ``E``, ``I`` …)."""
    from sympy import Symbol

    from complexity.algebra.symbols import BY_NAME

    return {name: BY_NAME.get(name) or Symbol(name, positive=True, integer=True)
            for name in names}


def to_sympy(text: str, names: Any) -> Any:
    """Formula text as a sympy expression, each of ``names`` a Symbol."""
    from sympy import sympify

    return sympify(text, locals=sympy_symbols(names))


class Tabular:
    """Text formats from the value's tables: terminal (``str``), Markdown, CSV, LaTeX, HTML."""

    def tables(self) -> list[Table]:
        """The tables the CLI prints for this value."""
        raise NotImplementedError

    def to_dict(self) -> Any:
        """The CLI's ``--format json`` data."""
        raise NotImplementedError

    def to_json(self) -> str:
        """``to_dict()`` as the CLI's indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self) -> str:
        """The CLI's ``--format markdown`` text."""
        from complexity.render.plain import markdown

        return "\n".join(markdown(t) for t in self.tables())

    def to_csv(self) -> str:
        """The CLI's ``--format csv`` text."""
        from complexity.render.plain import csv_text

        return "\n".join(csv_text(t) for t in self.tables())

    def to_latex(self) -> str:
        """The CLI's ``--format latex`` text."""
        from complexity.render.plain import latex

        return "\n".join(latex(t) for t in self.tables())

    def to_html(self) -> str:
        """The CLI's ``--format html`` text."""
        from complexity.render.plain import html

        return "\n".join(html(t) for t in self.tables())

    def _repr_html_(self) -> str:
        """Jupyter shows the value as its HTML table."""
        return self.to_html()

    def __str__(self) -> str:
        """The terminal table, as ``mbcalc … > file`` writes it (no colour)."""
        from complexity.render.terminal import plain_text

        return "\n".join(plain_text(t, TABLE_WIDTH) for t in self.tables())


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError("to_dataframe() needs pandas: pip install 'mbcalc[dataframe]' "
                          "(or pip install pandas)") from None
    return pandas


@dataclass(frozen=True)
class Layer:
    """One layer of a counted network: its shapes, exact counts and formulas."""

    name: str
    """The layer's name, as in the CLI's table (``block3/dw``)."""
    kind: str
    """The primitive's kind (``conv``, ``dw``, ``pw``, ``fc``, ``bn`` …; ``add``, ``concat``)."""
    category: str
    """The by-kind group it is summed into (``Conv 1×1``, ``Conv DW`` …)."""
    input: tuple[int, int, int]
    """Input feature map (C, H, W)."""
    output: tuple[int, int, int]
    """Output feature map (C, H, W)."""
    params: int
    """Exact parameter count."""
    madds: int
    """Exact multiply-adds."""
    params_text: str
    """The params formula as text in the papers' notation (the JSON's ``params_formula``)."""
    madds_text: str
    """The MAdds formula as text (the JSON's ``madds_formula``)."""
    symbols: Mapping[str, int]
    """The value of every symbol of the formulas, by name (the JSON's ``symbols``)."""

    @functools.cached_property
    def params_formula(self) -> Any:
        """The params formula as a sympy expression (``params_formula.subs(values) == params``)."""
        return to_sympy(self.params_text, self.symbols)

    @functools.cached_property
    def madds_formula(self) -> Any:
        """The MAdds formula as a sympy expression."""
        return to_sympy(self.madds_text, self.symbols)

    @property
    def values(self) -> dict[Any, int]:
        """The symbols' values keyed by sympy Symbol, ready for ``formula.subs(values)``."""
        symbols = sympy_symbols(self.symbols)
        return {symbols[name]: value for name, value in self.symbols.items()}


def _layer(row: Row) -> Layer:
    shape_in, shape_out = row.input.as_list(), row.output.as_list()
    return Layer(
        name=row.name, kind=row.kind, category=row.category,
        input=(shape_in[0], shape_in[1], shape_in[2]),
        output=(shape_out[0], shape_out[1], shape_out[2]),
        params=row.params, madds=row.madds,
        params_text=str(row.params_formula), madds_text=str(row.madds_formula),
        symbols=MappingProxyType(dict(row.values)),
    )


@dataclass(frozen=True)
class Report(Tabular):
    """A network counted at one α, resolution and convention (what ``count`` returns)."""

    model: str
    """The spec's name."""
    title: str | None
    """The spec's title, if it has one."""
    alpha: Fraction
    """Width multiplier α, exact."""
    rho: Fraction
    """Resolution multiplier ρ (resolution / the spec's base resolution when one was given)."""
    resolution: int
    """Input height and width."""
    convention: str
    """``paper``, ``torch`` or ``keras``: what params count."""
    params: int
    """Total params: the sum of the layers'."""
    madds: int
    """Total multiply-adds: the sum of the layers'."""
    layers: tuple[Layer, ...] = field(repr=False)
    """Every layer, in order."""
    walked: Walked = field(repr=False, compare=False)
    """The engine's result this report was made from."""

    @classmethod
    def of(cls, walked: Walked) -> Report:
        """The public report of an engine walk."""
        return cls(model=walked.model, title=walked.title, alpha=walked.alpha, rho=walked.rho,
                   resolution=walked.resolution, convention=walked.convention,
                   params=walked.params, madds=walked.madds,
                   layers=tuple(_layer(row) for row in walked.rows), walked=walked)

    @functools.cached_property
    def params_closed(self) -> Any:
        """Total params as a sympy polynomial in ``alpha`` and ``rho``, unrounded (exact where
        no channel or size is rounded, always at α = ρ = 1)."""
        return self.walked.params_closed._sympy_()

    @functools.cached_property
    def madds_closed(self) -> Any:
        """Total MAdds as a sympy polynomial in ``alpha`` and ``rho``, unrounded."""
        return self.walked.madds_closed._sympy_()

    def to_dict(self, by_kind: bool = False) -> dict[str, Any]:
        """Exactly the CLI's ``--format json`` object (with ``by_kind`` as ``--by-kind``)."""
        from complexity.render.jsonout import report_dict

        return report_dict(self.walked, by_kind)

    def to_json(self, by_kind: bool = False) -> str:
        """Exactly the CLI's ``--format json`` text."""
        from complexity.render.jsonout import report_json

        return report_json(self.walked, by_kind)

    def tables(self) -> list[Table]:
        """The CLI's layer table."""
        from complexity.render.tables import layer_table

        return [layer_table(self.walked)]

    def to_dataframe(self) -> Any:
        """One row per layer as a pandas DataFrame (needs pandas, the ``dataframe`` extra)."""
        pandas = _pandas()
        return pandas.DataFrame([
            {"name": x.name, "kind": x.kind, "category": x.category, "input": x.input,
             "output": x.output, "params": x.params, "madds": x.madds,
             "params_formula": x.params_text, "madds_formula": x.madds_text}
            for x in self.layers
        ])


@dataclass(frozen=True)
class Sweep(Tabular):
    """Totals over a grid of α × ρ, α varying slowest (what ``sweep`` returns)."""

    model: str
    """The spec's name."""
    convention: str
    """``paper``, ``torch`` or ``keras``."""
    points: tuple[Point, ...]
    """One point per grid cell: ``alpha``, ``rho``, ``resolution``, ``params``, ``madds``."""
    by_resolution: bool = False
    """Whether the grid's second axis was given as resolutions (else as ρ)."""

    def to_dict(self) -> dict[str, Any]:
        """Exactly the CLI's ``sweep --format json`` object."""
        from complexity.render.jsonout import sweep_dict

        return sweep_dict(self.model, self.convention, list(self.points), self.by_resolution)

    def tables(self) -> list[Table]:
        """The CLI's sweep table."""
        from complexity.render.sweeps import sweep_table

        return [sweep_table(self.model, self.convention, list(self.points))]

    def to_dataframe(self) -> Any:
        """One row per point as a pandas DataFrame (needs pandas, the ``dataframe`` extra)."""
        return _pandas().DataFrame(self.to_dict()["points"])


@dataclass(frozen=True)
class ClosedForm(Tabular):
    """A network's totals as polynomials in α and ρ (what ``formula`` returns)."""

    model: str
    """The spec's name."""
    convention: str
    """``paper``, ``torch`` or ``keras``."""
    walked: Walked = field(repr=False, compare=False)
    """The engine's result at α = ρ = 1."""

    @property
    def params(self) -> Any:
        """Total params as a sympy polynomial in ``alpha`` and ``rho``, unrounded."""
        return self.walked.params_closed._sympy_()

    @property
    def madds(self) -> Any:
        """Total MAdds as a sympy polynomial in ``alpha`` and ``rho``, unrounded."""
        return self.walked.madds_closed._sympy_()

    def to_dict(self) -> dict[str, Any]:
        """Exactly the CLI's ``formula --format json`` object."""
        return {"model": self.model, "convention": self.convention,
                "params": str(self.walked.params_closed), "madds": str(self.walked.madds_closed),
                "symbols": ["alpha", "rho"],
                "note": "unrounded polynomial in alpha and rho; exact where no rounding happens"}

    def tables(self) -> list[Table]:
        """The CLI's formula table."""
        from complexity.render.sweeps import formula_table

        return [formula_table(self.walked)]


@dataclass(frozen=True)
class Comparison(Tabular):
    """One layer costed as a standard conv and as its cheaper designs (``compare``)."""

    problem: Problem
    """The layer replaced, after α and ρ: channels, kernel, size, stride, groups, expansion."""
    results: tuple[Costed, ...]
    """Each design's counts, formulas and MAdds ratio to the standard conv."""
    given: Problem | None = None
    """The layer as given, before α and ρ (``problem`` when None)."""
    alpha: Fraction = Fraction(1)
    rho: Fraction = Fraction(1)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the CLI's ``compare --format json`` object."""
        from complexity.render.jsonout import compare_dict

        return compare_dict(self.given or self.problem, self.problem, self.alpha, self.rho,
                            list(self.results))

    def tables(self) -> list[Table]:
        """The CLI's comparison table."""
        from complexity.render.comparisons import compare_table

        return [compare_table(list(self.results), self.problem)]


@dataclass(frozen=True)
class Check(Tabular):
    """A spec beside a real model, layer by layer (what ``verify`` returns)."""

    report: Report
    """The spec counted at the model's settings."""
    framework: str
    """``torch`` or ``keras``."""
    result: Verification = field(repr=False)
    """The pairing of spec layers and model layers, and both sides' totals."""
    source: str = "model"
    """What the spec was checked against, for the table's title."""

    @property
    def ok(self) -> bool:
        """True when every layer and every total agree."""
        return self.result.ok

    @property
    def pairs(self) -> list[Pair]:
        """Spec layers beside the model layers they were paired with."""
        return self.result.pairs

    def mismatches(self) -> list[Pair]:
        """The pairs that differ (a layer missing on one side counts)."""
        return [p for p in self.result.pairs if not p.ok]

    def to_dict(self) -> dict[str, Any]:
        """Exactly the CLI's ``verify --format json`` object."""
        from complexity.render.comparisons import verify_dict

        return verify_dict(self.result, self.report.model, self.framework,
                           self.report.convention)

    def tables(self) -> list[Table]:
        """The CLI's side-by-side table."""
        from complexity.render.comparisons import verify_table
        from complexity.render.tables import heading

        return [verify_table(self.result, f"{heading(self.report.walked)} — spec vs "
                                          f"{self.source}")]

    def raise_for_mismatch(self) -> None:
        """Raise ``MbcalcError`` naming the first differing layers unless all agree."""
        if self.ok:
            return
        from complexity.render.comparisons import first_differences

        raise MbcalcError(first_differences(self.result))
