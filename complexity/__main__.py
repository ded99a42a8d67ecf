"""``python -m complexity`` and the ``mbcalc`` command."""

import os
import sys


def run() -> None:
    """Console-script entry point: the plain count without typer, anything else with it."""
    # mbcalc uses no pydantic plugins; skip their discovery (it scans every installed package)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
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
    sys.exit(code)


if __name__ == "__main__":
    run()
