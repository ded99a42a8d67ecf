"""The ``mbcalc`` command: looks up, calls, prints, and maps errors to exit codes."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any, TypeVar

import typer
import yaml
from typer.core import TyperGroup

from complexity.errors import MbcalcError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_MISMATCH = 3
"""``mbcalc verify``: the spec and the real model disagree."""


class Format(str, Enum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    latex = "latex"


class ConventionChoice(str, Enum):
    paper = "paper"
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


def positive(name: str, text: str | None) -> Fraction | None:
    """A user's number as an exact fraction ('0.75' -> 3/4), or an error naming the option."""
    if text is None:
        return None
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise MbcalcError(f"--{name} must be a number such as 0.75, got {text!r}") from None
    if value <= 0:
        raise MbcalcError(f"--{name} must be positive, got {text}")
    return value


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``--set classes=10`` pairs; values are read as YAML scalars (10, 0.5, true)."""
    values: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise MbcalcError(f"--set expects NAME=VALUE, got {item!r}")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
        if not isinstance(value, (bool, int, float, str)):
            raise MbcalcError(f"--set {key}: expected a number, true/false or a word, got {text!r}")
        values[key.strip()] = value
    return values


Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]


@app.command()
@user_errors
def count(
    model: Annotated[str, typer.Argument(help="A zoo name (see `mbcalc list`) or a spec file.")],
    alpha: Annotated[str, typer.Option(help="Width multiplier α.")] = "1",
    rho: Annotated[
        str | None, typer.Option(help="Resolution multiplier ρ: input round(ρ·R).")
    ] = None,
    resolution: Annotated[
        int | None, typer.Option(help="Input resolution, instead of --rho.")
    ] = None,
    convention: Annotated[
        ConventionChoice, typer.Option(help="What params count (docs/conventions).")
    ] = ConventionChoice.paper,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    summary: Annotated[bool, typer.Option(help="Totals only.")] = False,
    by_kind: Annotated[
        bool, typer.Option("--by-kind", help="Cost by kind of layer (paper's Table 2).")
    ] = False,
    flops: Annotated[bool, typer.Option(help="Also show FLOPs = 2 × MAdds.")] = False,
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="Set a spec variable: NAME=VALUE.")
    ] = None,
    debug: Debug = False,
) -> None:
    """Count a network's params and MAdds, layer by layer."""
    _, report = _costed(model, alpha, rho, resolution, convention.value, sets or [])
    emit(report, fmt, summary=summary, kinds=by_kind, flops=flops)


def emit(report: Any, fmt: Format, summary: bool, kinds: bool, flops: bool) -> None:
    """Print a report in the chosen format."""
    from complexity.render import tables

    if fmt is Format.json:
        from complexity.render.jsonout import report_json

        sys.stdout.write(report_json(report, kinds))
        return
    if summary:
        chosen = [tables.summary_table(report, flops)]
    else:
        chosen = [tables.layer_table(report, flops)]
    if kinds:
        chosen.append(tables.kind_table(report))
    print_tables(chosen, fmt)


def print_tables(chosen: list[Any], fmt: Format) -> None:
    """Print tables in a text format (everything but JSON)."""
    if fmt is Format.table:
        from rich.console import Console

        from complexity.render.terminal import rich_table

        console = Console()
        for table in chosen:
            console.print(rich_table(table, console.width))
        return
    from complexity.render import plain

    write = {Format.markdown: plain.markdown, Format.csv: plain.csv_text,
             Format.latex: plain.latex}[fmt]
    sys.stdout.write("\n".join(write(t) for t in chosen))


class Framework(str, Enum):
    torch = "torch"
    keras = "keras"


@app.command()
@user_errors
def verify(
    model: Annotated[str, typer.Argument(help="A zoo name (see `mbcalc list`).")],
    alpha: Annotated[str, typer.Option(help="Width multiplier α.")] = "1",
    rho: Annotated[
        str | None, typer.Option(help="Resolution multiplier ρ: input round(ρ·R).")
    ] = None,
    resolution: Annotated[
        int | None, typer.Option(help="Input resolution, instead of --rho.")
    ] = None,
    framework: Annotated[
        Framework, typer.Option(help="torch: hand-written reference; keras: keras.applications.")
    ] = Framework.torch,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="Set a spec variable: NAME=VALUE.")
    ] = None,
    debug: Debug = False,
) -> None:
    """Check a zoo network against a real model, layer by layer; exit 0 only if all match."""
    from complexity import verify as check

    spec, report = _costed(model, alpha, rho, resolution, framework.value, sets or [])
    variables = dict(spec.network.variables)
    a = float(report.alpha)
    if framework is Framework.torch:
        reference = check.torch_model(spec.network.name, a, variables)
        measured = check.measure_torch(reference, report.resolution, spec.network.in_channels)
    else:
        reference = check.keras_model(spec.network.name, a, report.resolution, variables)
        measured = check.measure_keras(reference)
    result = check.verify(report, measured)
    from complexity.render import tables

    title = (f"{tables.heading(report)} — spec vs "
             f"{'torch reference' if framework is Framework.torch else 'keras.applications'}")
    if fmt is Format.json:
        import json

        typer.echo(json.dumps({
            "model": report.model, "framework": framework.value, "ok": result.ok,
            "params": list(result.params), "madds": list(result.madds),
            "layers": [{"spec": vars(p.ours) if p.ours else None,
                        "model": vars(p.theirs) if p.theirs else None, "ok": p.ok}
                       for p in result.pairs],
        }, indent=2))
    else:
        print_tables([tables.verify_table(result, title)], fmt)
    if not result.ok:
        raise typer.Exit(EXIT_MISMATCH)


def _costed(model: str, alpha: str, rho: str | None, resolution: int | None, convention: str,
            sets: list[str]) -> tuple[Any, Any]:
    """Resolve and walk a model from the command line's options."""
    from complexity.engine import walk
    from complexity.zoo import resolve

    if rho is not None and resolution is not None:
        raise MbcalcError("give --rho or --resolution, not both")
    if resolution is not None and resolution < 1:
        raise MbcalcError(f"--resolution must be a positive integer, got {resolution}")
    spec = resolve(model, parse_sets(sets))
    report = walk(
        spec,
        alpha=positive("alpha", alpha) or Fraction(1),
        rho=positive("rho", rho),
        resolution=resolution,
        convention=convention,  # type: ignore[arg-type]
    )
    return spec, report


@app.command("list")
@user_errors
def list_models(debug: Debug = False) -> None:
    """List the networks in the zoo."""
    from complexity.zoo import resolve, zoo_names

    for name in zoo_names():
        title = resolve(name).network.title or ""
        typer.echo(f"{name:24} {title}")


def main() -> None:
    """Console-script entry point."""
    app()
