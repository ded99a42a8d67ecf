"""Writing results to a file: never over an existing one unless forced, never half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from complexity.errors import MbcalcError


def write_atomically(path: Path, data: str | bytes, force: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Refuses an existing file unless ``force``; on any failure no partial file is left.
    """
    if path.exists() and not force:
        raise MbcalcError(f"{path}: exists; add --force to overwrite it")
    if path.is_dir():
        raise MbcalcError(f"{path}: is a directory")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise MbcalcError(f"{path}: folder {folder} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise MbcalcError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise MbcalcError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
