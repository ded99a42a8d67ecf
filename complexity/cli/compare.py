"""mbcalc compare: one layer as a standard conv and as its cheaper designs."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated

import typer

from complexity.cli.arguments import positive, whole
from complexity.cli.delivery import Format, deliver
from complexity.cli.group import (
    Alpha,
    Debug,
    Fmt,
    Force,
    Output,
    app,
    user_errors,
)


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
    memory: Annotated[bool, typer.Option(
        "--memory", metavar="",
        help="Also each variant's MAC and peak live memory (ShuffleNet V2's G1).")
    ] = False,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Cost one layer as a standard conv and as its cheaper designs, side by side."""
    from complexity.analysis.compare import Problem, scaled, skipped
    from complexity.analysis.compare import compare as run_compare
    from complexity.render.comparisons import compare_table

    numbers = {"cin": cin, "cout": cout, "kernel": kernel, "size": size, "stride": stride,
               "groups": groups, "expansion": expansion}
    for option, value in numbers.items():
        whole(option, value)  # the bounds a spec's fields have
    problem = scaled(Problem(cin, cout, kernel, size, stride, groups, expansion),
                     positive("alpha", alpha) or Fraction(1), positive("rho", rho) or Fraction(1))
    names = [v.strip() for v in variants.split(",") if v.strip()] if variants is not None else None
    results = run_compare(problem, names)
    left_out = skipped(problem, names)
    movement = None
    if memory:
        from complexity.analysis.compare import data_movement

        movement = [data_movement(c.variant, problem) for c in results]
    if fmt is Format.json:
        from complexity.render.jsonout import compare_dict, object_json

        data = compare_dict(Problem(cin, cout, kernel, size, stride, groups, expansion), problem,
                            positive("alpha", alpha) or Fraction(1),
                            positive("rho", rho) or Fraction(1), results)
        for item, moved in zip(data["variants"], movement or [], strict=False):
            item["mac"], item["peak_memory"] = moved
        deliver(fmt, output, force, text=object_json(data))
    else:
        tables = [compare_table(results, problem)]
        if movement is not None:
            from complexity.render.comparisons import memory_compare_table

            tables.append(memory_compare_table(results, problem, movement))
        deliver(fmt, output, force, tables=tables)
    for name, why in left_out:  # never dropped silently
        typer.echo(f"note: variant {name} left out: {why}", err=True)
