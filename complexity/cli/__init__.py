"""The ``mbcalc`` command: typer commands, thin, that look up, call, print and map errors to exit
codes. Each command lives in a module of its own; importing this package registers them all."""

from __future__ import annotations

import sys

import typer

# Imported in the order --help lists the commands.
from complexity.cli import count, compare, sweep, formula, verify, catalogue  # noqa: F401  # isort: skip
from complexity.cli import importing  # noqa: F401  # isort: skip
from complexity.cli.app import EXIT_BAD_INPUT, app


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
