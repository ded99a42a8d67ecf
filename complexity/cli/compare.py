"""mbcalc compare: one layer as a standard conv and as its cheaper designs."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated

import typer

from complexity.cli.app import (
    Alpha,
    Debug,
    Fmt,
    Force,
    Output,
    app,
    user_errors,
)
from complexity.cli.arguments import positive
from complexity.cli.delivery import Format, deliver


@app.command()
@user_errors
def compare(
    cin: Annotated[int, typer.Option("--cin", min=1, metavar="M", help="Input channels M.")],
    cout: Annotated[int, typer.Option("--cout", min=1, metavar="N", help="Output channels N.")],
    kernel: Annotated[int, typer.Option(min=1, metavar="D_K", help="Kernel size D_K.")],
    size: Annotated[int, typer.Option(min=1, metavar="D_F", help="Output feature map size D_F.")],
    stride: Annotated[int, typer.Option(min=1, metavar="S", help="Stride s.")] = 1,
    groups: Annotated[
        int, typer.Option(min=1, metavar="G", help="Groups g (group conv, ShuffleNet).")
    ] = 2,
    expansion: Annotated[
        int, typer.Option(min=1, metavar="T", help="Expansion t (inverted residual).")
    ] = 6,
    alpha: Alpha = "1",
    rho: Annotated[
        str, typer.Option(metavar="RHO", help="Resolution multiplier: D_F' = round(ρ·D_F).")
    ] = "1",
    variants: Annotated[
        str | None, typer.Option(metavar="NAME,NAME…",
                                  help="Only these variants, e.g. standard, depthwise_separable "
                                  "(comma-separated).")
    ] = None,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Cost one layer as a standard conv and as its cheaper designs, side by side."""
    from complexity.analysis.compare import Problem, scaled
    from complexity.analysis.compare import compare as run_compare
    from complexity.render.comparisons import compare_table

    problem = scaled(Problem(cin, cout, kernel, size, stride, groups, expansion),
                     positive("alpha", alpha) or Fraction(1), positive("rho", rho) or Fraction(1))
    names = [v.strip() for v in variants.split(",") if v.strip()] if variants else None
    results = run_compare(problem, names)
    if fmt is Format.json:
        from dataclasses import asdict

        from complexity.render.jsonout import object_json

        given = Problem(cin, cout, kernel, size, stride, groups, expansion)
        data = {"problem": {**asdict(given), "alpha": float(positive("alpha", alpha) or 1),
                            "rho": float(positive("rho", rho) or 1)},
                "layer": asdict(problem),
                "variants": [{"variant": c.variant.name, "params": c.params, "madds": c.madds,
                              "params_formula": str(c.variant.params),
                              "madds_formula": str(c.variant.madds),
                              "ratio_madds": float(c.ratio),
                              "ratio_formula": str(c.ratio_formula)} for c in results]}
        deliver(fmt, output, force, text=object_json(data))
        return
    deliver(fmt, output, force, tables=[compare_table(results, problem)])
