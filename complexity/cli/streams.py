"""Standard output that may be closed, full or unable to encode α: clear errors, not tracebacks."""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import sys
from typing import Any

from complexity.errors import MbcalcError

ASCII_FALLBACK = {
    "α": "alpha", "ρ": "rho", "×": "x", "²": "^2", "³": "^3", "→": "->", "—": "--", "–": "-",
    "·": "*", "≤": "<=", "≥": ">=", "≈": "~", "…": "...", "⌈": "ceil(", "⌉": ")", "⌊": "floor(",
    "⌋": ")", "√": "sqrt", "½": "1/2", "│": "|", "─": "-", "┃": "|", "━": "-",
}
"""What an output that cannot encode them (PYTHONIOENCODING=ascii, a C locale) shows instead."""

WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG,
                          getattr(errno, "EDQUOT", errno.ENOSPC)})
"""Errors writing to standard output that are the destination's fault, not a bug."""


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(ASCII_FALLBACK.get(c) or f"\\u{ord(c):04x}" for c in text), error.end


codecs.register_error("mbcalc-fallback", _fallback)


class ClosedStream:
    """Stands for a standard output the shell closed (``mbcalc list >&-``): writing to it is a
    user error."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        if not text:
            return 0
        raise MbcalcError("cannot write the result: standard output is closed (use --output FILE)")

    def flush(self) -> None:
        """Nothing buffered, nothing to do."""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


def prepare() -> None:
    """Make the real standard streams safe to use: a closed one raises a user error, one that
    cannot encode the notation falls back to ASCII spellings (α → alpha)."""
    if sys.stdout is None:
        sys.stdout = ClosedStream()  # type: ignore[assignment]
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "α×²→—·".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="mbcalc-fallback")


def write_failure(exc: OSError) -> MbcalcError | None:
    """A failed write to standard output as a user error (a full disk, a closed descriptor)."""
    if exc.errno in WRITE_ERRORS:
        return MbcalcError(f"cannot write the result to standard output: {exc.strerror or exc}")
    return None


def silence_stdout() -> None:
    """After a failed write: point descriptor 1 at /dev/null so the interpreter's last flush of
    what is still buffered does not fail again (and print a second message)."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, AttributeError, ValueError):
        return
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
