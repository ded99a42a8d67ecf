"""The ``mbcalc`` command group, the options its commands share, and errors as exit codes."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from complexity.cli.arguments import one_resolution, parse_sets, positive
from complexity.cli.delivery import Format
from complexity.cli.streams import silence_stdout, write_failure
from complexity.errors import MbcalcError, printable

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_MISMATCH = 3
"""``mbcalc verify``: the spec and the real model disagree."""


class ConventionChoice(StrEnum):
    paper = "paper"
    torch = "torch"
    keras = "keras"


class DType(StrEnum):
    float32 = "float32"
    float16 = "float16"
    bfloat16 = "bfloat16"
    int8 = "int8"


class ScheduleChoice(StrEnum):
    sequential = "sequential"
    inverted_residual = "inverted_residual"


class Framework(StrEnum):
    torch = "torch"
    keras = "keras"


def _tidy(params: list[Any]) -> list[Any]:
    """Help without Python types: flags show no ``<bool>``, a named argument no ``<str>``."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif param.param_type_name == "argument" and param.metavar:
            param.display_type_rich = lambda ctx: None
    return params


_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


class DefaultCommand(TyperGroup):
    """A group where ``mbcalc MODEL …`` means ``mbcalc count MODEL …``."""

    default = "count"

    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy(super().get_params(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if len(args) == 2 and args[0] == "--show-completion" and args[1] in _SHELLS:
            # typer's --show-completion detects the shell; a named one is honoured here
            from typer._completion_shared import get_completion_script

            typer.echo(get_completion_script(prog_name="mbcalc", complete_var="_MBCALC_COMPLETE",
                                             shell=args[1]))
            raise typer.Exit(0)
        own = {name for p in self.get_params(ctx) for name in [*p.opts, *p.secondary_opts]}
        if args and args[0] not in self.commands and args[0] not in own:
            args = [self.default, *args]
        return super().parse_args(ctx, args)


class Command(TyperCommand):
    """A command whose usage line names its arguments in capitals: ``mbcalc count MODEL``."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p
                for p in super().collect_usage_pieces(ctx)]


class App(typer.Typer):
    """typer.Typer whose commands are ``Command``s."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or Command, **kwargs)


app = App(
    cls=DefaultCommand,
    add_completion=True,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
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
            result = command(*args, **kwargs)
            sys.stdout.flush()  # a full disk or a closed stdout shows here, as a user error
            return result
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
        except OSError as exc:
            failure = write_failure(exc)
            if failure is None:
                raise _internal(exc, debug) from None
            silence_stdout()
            typer.echo(f"error: {failure}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except MemoryError:  # a safety net: large inputs are bounded before they are built
            typer.echo("error: out of memory: the input asks for more than this machine has; "
                       "ask for less (fewer sweep points, --format csv)", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except Exception as exc:  # noqa: BLE001 - the one place bugs are turned into a message
            raise _internal(exc, debug) from None

    return run  # type: ignore[return-value]


def _internal(exc: Exception, debug: bool) -> typer.Exit:
    """A bug: one line asking for a report (a traceback with --debug), exit 1."""
    if debug:
        traceback.print_exc()
    typer.echo(
        f"error: internal error ({type(exc).__name__}: {printable(str(exc))}); rerun with "
        "--debug and report it",
        err=True,
    )
    return typer.Exit(EXIT_INTERNAL)


Model = Annotated[str, typer.Argument(metavar="MODEL",
                                       help="A zoo name (see `mbcalc list`) or a spec file.")]
Alpha = Annotated[str, typer.Option(metavar="ALPHA", help="Width multiplier α (0.75 or 3/4).")]
Rho = Annotated[str | None, typer.Option(metavar="RHO",
                                         help="Resolution multiplier ρ: input round(ρ·R).")]
Resolution = Annotated[int | None, typer.Option(metavar="PIXELS",
                                                help="Input resolution, instead of --rho.")]
Conv = Annotated[ConventionChoice, typer.Option(
    metavar="CONVENTION", help="What params count: paper, torch or keras (docs/conventions.md).")]
Fmt = Annotated[Format, typer.Option("--format", metavar="FORMAT",
                                     help="table, markdown, csv, json, latex or html.")]
Output = Annotated[Path | None, typer.Option(metavar="FILE",
                                             help="Write to this file instead of the terminal.")]
Force = Annotated[bool, typer.Option("--force", metavar="",
                                     help="Let --output overwrite a file.")]
ForcePlot = Annotated[bool, typer.Option("--force", metavar="",
                                         help="Let --output and --plot overwrite a file.")]
Plot = Annotated[Path | None, typer.Option(metavar="FILE", help="Also draw a picture: FILE.png or "
                                           "FILE.svg (needs the plot extra, matplotlib).")]
Sets = Annotated[list[str] | None, typer.Option("--set", metavar="NAME=VALUE",
                                                help="Set a spec variable (repeatable).")]
Debug = Annotated[bool, typer.Option("--debug", metavar="", help="Show tracebacks.")]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"mbcalc {version('mbcalc')}")
        raise typer.Exit(0)


@app.callback()
def _options(
    show_version: Annotated[bool, typer.Option(
        "--version", metavar="", is_eager=True, callback=_version,
        help="Print the version and exit.")] = False,
) -> None:
    """The group's own options (the help text is the app's)."""


def spec_of(model: str, sets: list[str] | None) -> Any:
    from complexity.language.zoo import resolve

    return resolve(model, parse_sets(sets or []))


def walk_at(spec: Any, alpha: str, rho: str | None, resolution: int | None,
          convention: str) -> Any:
    from complexity.engine.walk import walk

    rho_value, size = one_resolution(rho, resolution)
    return walk(spec, positive("alpha", alpha) or Fraction(1), rho_value, size,
                convention)  # type: ignore[arg-type]
