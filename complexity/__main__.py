"""``python -m complexity`` and the ``mbcalc`` command."""

import os
import sys

from complexity.cli.streams import prepare, silence_stdout, write_failure
from complexity.errors import MbcalcError


def run() -> None:
    """Console-script entry point: the plain count without typer, anything else with it."""
    # mbcalc uses no pydantic plugins; skip their discovery (it scans every installed package)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    prepare()  # a closed, full or ASCII-only standard output: clear errors, not tracebacks
    try:
        from complexity.cli.fast import run as fast

        if fast(sys.argv[1:]):
            code = 0
        else:
            from complexity.cli import main

            code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `mbcalc … | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    except (OSError, MbcalcError) as exc:  # stdout full or closed, found at the last flush
        failure = write_failure(exc) if isinstance(exc, OSError) else exc
        if failure is None:
            raise
        silence_stdout()
        print(f"error: {failure}", file=sys.stderr)
        code = 2
    sys.exit(code)


if __name__ == "__main__":
    run()
