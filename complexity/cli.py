"""The ``mbcalc`` command: looks up, calls, prints, and maps errors to exit codes."""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from complexity.arguments import budget, one_resolution, parse_sets, positive
from complexity.delivery import Format, deliver
from complexity.errors import MbcalcError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_MISMATCH = 3
"""``mbcalc verify``: the spec and the real model disagree."""


class ConventionChoice(StrEnum):
    paper = "paper"
    torch = "torch"
    keras = "keras"


class Framework(StrEnum):
    torch = "torch"
    keras = "keras"


class DefaultCommand(TyperGroup):
    """A group where ``mbcalc MODEL …`` means ``mbcalc count MODEL …``."""

    default = "count"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DefaultCommand,
    add_completion=False,
    no_args_is_help=True,
    help="Exact params and multiply-adds (MAdds) of convolutional networks, with formulas.\n\n"
    "mbcalc MODEL_OR_SPEC_FILE [options] counts a zoo network or your own YAML spec.",
)

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(command: F) -> F:
    """Bad input ends in one line on stderr and exit 2; a bug in exit 1 (traceback with --debug)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False)
        try:
            return command(*args, **kwargs)
        except MbcalcError as exc:
            if debug:
                traceback.print_exc()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:  # `mbcalc … | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as exc:  # noqa: BLE001 - the one place bugs are turned into a message
            if debug:
                traceback.print_exc()
            typer.echo(
                f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and "
                "report it",
                err=True,
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return run  # type: ignore[return-value]


Model = Annotated[str, typer.Argument(help="A zoo name (see `mbcalc list`) or a spec file.")]
Alpha = Annotated[str, typer.Option(help="Width multiplier α.")]
Rho = Annotated[str | None, typer.Option(help="Resolution multiplier ρ: input round(ρ·R).")]
Resolution = Annotated[int | None, typer.Option(help="Input resolution, instead of --rho.")]
Conv = Annotated[ConventionChoice, typer.Option(help="What params count (docs/conventions.md).")]
Fmt = Annotated[Format, typer.Option("--format", help="Output format.")]
Output = Annotated[Path | None, typer.Option(help="Write to this file instead of the terminal.")]
Force = Annotated[bool, typer.Option(help="Let --output and --plot overwrite a file.")]
Plot = Annotated[Path | None, typer.Option(help="Also draw a picture: FILE.png or FILE.svg "
                                                "(needs the plot extra, matplotlib).")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="Set a spec variable: NAME=VALUE.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]


def _spec(model: str, sets: list[str] | None) -> Any:
    from complexity.zoo import resolve

    return resolve(model, parse_sets(sets or []))


def _walk(spec: Any, alpha: str, rho: str | None, resolution: int | None,
          convention: str) -> Any:
    from complexity.engine import walk

    rho_value, size = one_resolution(rho, resolution)
    return walk(spec, positive("alpha", alpha) or Fraction(1), rho_value, size,
                convention)  # type: ignore[arg-type]


@app.command()
@user_errors
def count(
    model: Model,
    alpha: Alpha = "1",
    rho: Rho = None,
    resolution: Resolution = None,
    convention: Conv = ConventionChoice.paper,
    fmt: Fmt = Format.table,
    summary: Annotated[bool, typer.Option(help="Totals only.")] = False,
    by_kind: Annotated[
        bool, typer.Option("--by-kind", help="Cost by kind of layer (paper's Table 2).")
    ] = False,
    flops: Annotated[bool, typer.Option(help="Also show FLOPs = 2 × MAdds.")] = False,
    plot: Plot = None,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Count a network's params and MAdds, layer by layer."""
    from complexity.render import tables

    report = _walk(_spec(model, sets), alpha, rho, resolution, convention.value)
    if plot is not None:
        from complexity.render.plot import model_plot

        model_plot(report, plot, force)
    if fmt is Format.json:
        from complexity.render.jsonout import report_json

        deliver(fmt, output, force, text=report_json(report, by_kind))
        return
    chosen = [tables.summary_table(report, flops) if summary else tables.layer_table(report, flops)]
    if by_kind:
        chosen.append(tables.kind_table(report))
    deliver(fmt, output, force, tables=chosen)


@app.command()
@user_errors
def compare(
    cin: Annotated[int, typer.Option("--cin", min=1, help="Input channels M.")],
    cout: Annotated[int, typer.Option("--cout", min=1, help="Output channels N.")],
    kernel: Annotated[int, typer.Option(min=1, help="Kernel size D_K.")],
    size: Annotated[int, typer.Option(min=1, help="Output feature map size D_F.")],
    stride: Annotated[int, typer.Option(min=1, help="Stride s.")] = 1,
    groups: Annotated[int, typer.Option(min=1, help="Groups g (group conv, ShuffleNet).")] = 2,
    expansion: Annotated[
        int, typer.Option(min=1, help="Expansion t (inverted residual).")
    ] = 6,
    alpha: Alpha = "1",
    rho: Annotated[str, typer.Option(help="Resolution multiplier: D_F' = round(ρ·D_F).")] = "1",
    variants: Annotated[
        str | None, typer.Option(help="Comma-separated subset, e.g. standard,depthwise_separable.")
    ] = None,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Cost one layer as a standard conv and as its cheaper designs, side by side."""
    from complexity.compare import Problem, scaled
    from complexity.compare import compare as run_compare
    from complexity.render.comparisons import compare_table

    problem = scaled(Problem(cin, cout, kernel, size, stride, groups, expansion),
                     positive("alpha", alpha) or Fraction(1), positive("rho", rho) or Fraction(1))
    names = [v.strip() for v in variants.split(",") if v.strip()] if variants else None
    results = run_compare(problem, names)
    if fmt is Format.json:
        data = [{"variant": c.variant.name, "params": c.params, "madds": c.madds,
                 "params_formula": str(c.variant.params), "madds_formula": str(c.variant.madds),
                 "ratio_madds": float(c.ratio), "ratio_formula": str(c.ratio_formula)}
                for c in results]
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
        return
    deliver(fmt, output, force, tables=[compare_table(results, problem)])


@app.command()
@user_errors
def sweep(
    model: Model,
    alpha: Annotated[str, typer.Option(help="α values: 0.25,0.5,1 or START:STOP:COUNT.")] = "1",
    rho: Annotated[str | None, typer.Option(help="ρ values, as --alpha.")] = None,
    resolution: Annotated[
        str | None, typer.Option(help="Resolutions instead of --rho: 224,192,160,128.")
    ] = None,
    convention: Conv = ConventionChoice.paper,
    fmt: Fmt = Format.table,
    plot: Plot = None,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Totals over a grid of α × ρ (or α × resolution)."""
    from complexity.render.sweeps import sweep_table
    from complexity.sweep import parse_values
    from complexity.sweep import sweep as run_sweep

    if rho is not None and resolution is not None:
        raise MbcalcError("give --rho or --resolution, not both")
    sizes = None
    if resolution is not None:
        values = parse_values("resolution", resolution)
        if any(v.denominator != 1 for v in values):
            raise MbcalcError(f"--resolution values must be whole numbers, got {resolution!r}")
        sizes = [int(v) for v in values]
    spec = _spec(model, sets)
    points = run_sweep(spec, parse_values("alpha", alpha),
                       parse_values("rho", rho) if rho is not None else None, sizes,
                       convention.value)
    if plot is not None:
        from complexity.render.plot import sweep_plot

        sweep_plot(spec.network.name, points, plot, force)
    if fmt is Format.json:
        as_float = functools.lru_cache(maxsize=None)(float)  # a grid repeats its α and ρ
        data = [{"alpha": as_float(p.alpha), "rho": as_float(p.rho), "resolution": p.resolution,
                 "params": p.params, "madds": p.madds} for p in points]
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
        return
    deliver(fmt, output, force, tables=[sweep_table(spec.network.name, convention.value, points)])


@app.command()
@user_errors
def formula(
    model: Model,
    solve_madds: Annotated[
        str | None, typer.Option(help="Largest α (at --rho) or ρ (at --alpha) within MAdds.")
    ] = None,
    solve_params: Annotated[
        str | None, typer.Option(help="Largest α (or ρ at --alpha) within params.")
    ] = None,
    alpha: Annotated[str | None, typer.Option(help="Fix α and solve for ρ.")] = None,
    rho: Rho = None,
    resolution: Resolution = None,
    convention: Conv = ConventionChoice.paper,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """The closed-form totals in α and ρ, and the largest α or ρ within a budget."""
    from complexity.engine import walk
    from complexity.render.sweeps import formula_latex, formula_table
    from complexity.solve import solve_alpha, solve_resolution

    spec = _spec(model, sets)
    report = walk(spec, convention=convention.value)  # type: ignore[arg-type]
    solution = None
    if solve_madds is not None and solve_params is not None:
        raise MbcalcError("give --solve-madds or --solve-params, not both")
    if solve_madds is not None or solve_params is not None:
        metric, limit = (("madds", budget("solve-madds", solve_madds)) if solve_madds is not None
                         else ("params", budget("solve-params", solve_params or "")))
        if alpha is not None:
            if rho is not None or resolution is not None:
                raise MbcalcError("--alpha solves for ρ: do not give --rho or --resolution too")
            solution = solve_resolution(spec, metric, limit,  # type: ignore[arg-type]
                                        positive("alpha", alpha) or Fraction(1), convention.value)
        else:
            rho_value, size = one_resolution(rho, resolution)
            solution = solve_alpha(spec, metric, limit, rho_value, size,  # type: ignore[arg-type]
                                   convention.value)
    if fmt is Format.json:
        data: dict[str, Any] = {
            "model": report.model, "convention": report.convention,
            "params": str(report.params_closed), "madds": str(report.madds_closed),
            "symbols": ["alpha", "rho"],
            "note": "unrounded polynomial in alpha and rho; exact where no rounding happens",
        }
        if solution is not None:
            r = solution.report
            data["solution"] = {"metric": solution.metric, "budget": solution.budget,
                                "alpha": float(r.alpha), "rho": float(r.rho),
                                "resolution": r.resolution, "params": r.params, "madds": r.madds}
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
    elif fmt is Format.latex:
        deliver(fmt, output, force, text=formula_latex(report))
    else:
        deliver(fmt, output, force, tables=[formula_table(report, solution)])


@app.command()
@user_errors
def verify(
    model: Model,
    alpha: Alpha = "1",
    rho: Rho = None,
    resolution: Resolution = None,
    framework: Annotated[
        Framework, typer.Option(help="torch: hand-written reference; keras: keras.applications.")
    ] = Framework.torch,
    fmt: Fmt = Format.table,
    output: Output = None,
    force: Force = False,
    sets: Sets = None,
    debug: Debug = False,
) -> None:
    """Check a zoo network against a real model, layer by layer; exit 0 only if all match."""
    from complexity import verify as check
    from complexity.render.comparisons import verify_table
    from complexity.render.tables import heading

    spec = _spec(model, sets)
    report = _walk(spec, alpha, rho, resolution, framework.value)
    variables = dict(spec.network.variables)
    if framework is Framework.torch:
        reference = check.torch_model(spec.network.name, float(report.alpha), variables)
        measured = check.measure_torch(reference, report.resolution, spec.network.in_channels,
                                       training=check.has_side_branch(spec.network.layers))
    else:
        reference = check.keras_model(spec.network.name, float(report.alpha), report.resolution,
                                      variables)
        measured = check.measure_keras(reference)
    result = check.verify(report, measured)
    if fmt is Format.json:
        data = {"model": report.model, "framework": framework.value, "ok": result.ok,
                "params": list(result.params), "madds": list(result.madds),
                "layers": [{"spec": vars(p.ours) if p.ours else None,
                            "model": vars(p.theirs) if p.theirs else None, "ok": p.ok}
                           for p in result.pairs]}
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
    else:
        side = "torch reference" if framework is Framework.torch else "keras.applications"
        deliver(fmt, output, force,
                tables=[verify_table(result, f"{heading(report)} — spec vs {side}")])
    if not result.ok:
        raise typer.Exit(EXIT_MISMATCH)


@app.command()
@user_errors
def schema(
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """Print the JSON Schema of a spec file (for editors that validate and complete YAML)."""
    from complexity.schema import spec_schema

    deliver(Format.json, output, force, text=json.dumps(spec_schema(), indent=2) + "\n")


@app.command("list")
@user_errors
def list_models(
    fmt: Annotated[Format | None, typer.Option("--format", help="Output format "
                                               "(default: one line per network).")] = None,
    output: Output = None,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """List the networks in the zoo."""
    from complexity.render.tables import Table
    from complexity.zoo import resolve, zoo_names

    zoo = [(name, resolve(name).network.title or "") for name in zoo_names()]
    if fmt is None:
        text = "".join(f"{name:24} {title}\n" for name, title in zoo)
        deliver(Format.markdown, output, force, text=text)
    elif fmt is Format.json:
        data = [{"name": name, "title": title} for name, title in zoo]
        deliver(fmt, output, force, text=json.dumps(data, indent=2) + "\n")
    else:
        table = Table(title="mbcalc zoo", columns=["model", "title"],
                      rows=[[name, title] for name, title in zoo])
        deliver(fmt, output, force, tables=[table])


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: usage errors too end in one line and exit code 2."""
    try:
        code = app(args=argv, prog_name="mbcalc", standalone_mode=False)
    except (typer.Exit, typer.Abort) as exc:
        code = getattr(exc, "exit_code", 1)
    except Exception as exc:  # the option parser's usage errors (bad value, unknown option)
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        hint = " (see mbcalc --help)" if "--help" not in (argv or sys.argv) else ""
        typer.echo(f"error: {exc.format_message()}{hint}", err=True)
        code = EXIT_BAD_INPUT
    return code if isinstance(code, int) else 0
