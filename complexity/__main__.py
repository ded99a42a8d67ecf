"""``python -m complexity`` and the ``mbcalc`` command."""

import sys

from complexity.cli import main


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
