"""The ``mbcalc`` command: typer commands, thin, that look up, call, print and map errors to exit
codes. Each command lives in a module of its own; ``app`` (imported on first use, so that the
plain count of ``complexity.cli.fast`` never loads typer) registers them all."""

from __future__ import annotations

import sys
from typing import Any

from complexity.cli import streams
from complexity.errors import printable


def __getattr__(name: str) -> Any:
    """``complexity.cli.app``: the typer application, built (every command registered) on first
    use, so that the plain count of ``complexity.cli.fast`` never loads typer."""
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app() -> Any:
    # Imported in the order --help lists the commands.
    from complexity.cli import count, compare, sweep, formula, verify, catalogue  # noqa: F401  # isort: skip
    from complexity.cli import peers, importing  # noqa: F401  # isort: skip
    from complexity.cli.group import app

    return app


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: usage errors too end in one line and exit code 2."""
    import typer

    from complexity.cli.group import EXIT_BAD_INPUT

    streams.prepare()
    try:
        code = _app()(args=argv, prog_name="mbcalc", standalone_mode=False)
    except (typer.Exit, typer.Abort) as exc:
        code = getattr(exc, "exit_code", 1)
    except SystemExit as exc:  # --show-completion / --install-completion end in sys.exit
        code = exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:  # the option parser's usage errors (bad value, unknown option)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `mbcalc`: the help, and no error
            message = exc.format_message()  # type: ignore[attr-defined]
            if message.strip():
                typer.echo(message)
            return 0
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        hint = " (see mbcalc --help)" if "--help" not in (argv or sys.argv) else ""
        typer.echo(f"error: {printable(exc.format_message())}{hint}", err=True)
        code = EXIT_BAD_INPUT
    return code if isinstance(code, int) else 0
