"""Writing results to a file: the one path every --output and --plot goes through.

The promises (docs/reliability.md):

- a new file is created exclusively: of two runs writing one new path at once, exactly one
  succeeds (the data goes to a temporary file in the same folder, then ``os.link`` puts it at the
  path, which fails if anything is there by then);
- an existing path is never replaced without ``force``; the check never follows a symbolic link
  (a dangling link exists), and a link is never followed nor replaced, even with ``force``;
- with ``force``, a regular file is replaced atomically (rename) and keeps its mode;
- a new file gets mode 0666 & ~umask, like any file a shell redirection creates;
- directories, sockets and block devices are refused; a character device (``/dev/null``, a
  terminal) or a FIFO, or a link to one, is a stream: written in place (no ``force`` needed, it
  holds no file to lose), never renamed over; a FIFO without a reader is an error, not a hang;
- ``-`` means standard output (and /dev/stdout, /dev/stderr the process's own streams);
- on any failure no partial file and no temporary file is left.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from complexity.errors import MbcalcError, printable


def umask() -> int:
    """The process's umask, read without a window where it is changed (Linux: /proc), else by
    the usual set-and-restore."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fail(path: Path | str, why: str) -> MbcalcError:
    return MbcalcError(f"{printable(str(path))}: {why}")


def _kind(mode: int) -> str | None:
    """What a non-regular, non-link file is, for a refusal; None for a regular file."""
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return None


def write_atomically(path: Path | str, data: str | bytes, force: bool = False) -> None:
    """Write ``data`` to ``path``: exclusively when new, atomically and mode-preserving with
    ``force``; ``-`` (and /dev/stdout, /dev/stderr) write to the open stream."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if str(path) == "-":
        _to_stdout(raw)
        return
    if str(path) in _STREAMS:
        _to_fd(path, _STREAMS[str(path)], raw)
        return
    if "\0" in str(path):
        raise _fail(path, "a file name cannot hold a NUL byte")
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise _fail(path, "is a directory, not a file name")
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _fail(path, f"cannot write: {exc.strerror or exc}") from None
    if info is not None:
        mode = info.st_mode
        if stat.S_ISLNK(mode):
            with contextlib.suppress(OSError):
                mode = os.stat(path).st_mode  # a link to a device or a FIFO: a stream
            if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
                raise _fail(path, "is a symbolic link; mbcalc neither follows nor replaces "
                            "links: give the file it points to")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            _to_stream(path, raw)
            return
        kind = _kind(mode)
        if kind is not None:
            raise _fail(path, f"is {kind}, not a file; mbcalc writes regular files only")
        if not force:
            raise _fail(path, "exists; add --force to overwrite it")
    folder = path.parent
    try:
        folder_info = os.stat(folder)
    except OSError:
        raise _fail(path, f"folder {printable(str(folder))} does not exist") from None
    if not stat.S_ISDIR(folder_info.st_mode):
        raise _fail(path, f"{printable(str(folder))} is not a folder")
    mode = (stat.S_IMODE(info.st_mode) if info is not None and stat.S_ISREG(info.st_mode)
            else 0o666 & ~umask())
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _fail(path, f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        if info is None:
            try:
                os.link(temporary, path)  # fails if the path appeared meanwhile: one winner
            except FileExistsError:
                raise _fail(path, "exists (created by another program just now); "
                            "add --force to overwrite it") from None
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
                _exclusive_copy(path, raw, mode)
        else:
            os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise _fail(path, f"cannot write: {exc.strerror or exc}") from None
        raise
    with contextlib.suppress(OSError):
        os.unlink(temporary)


_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV}
"""Errors of a file system without hard links (FAT, some network mounts)."""


def _exclusive_copy(path: Path, raw: bytes, mode: int) -> None:
    """Where hard links are not supported: O_EXCL creation, still exactly one winner."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except FileExistsError:
        raise _fail(path, "exists; add --force to overwrite it") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2, "/dev/fd/1": 1, "/dev/fd/2": 2,
            "/proc/self/fd/1": 1, "/proc/self/fd/2": 2}
"""Names of this process's own output streams: written to the open descriptor, whatever it is."""


def _to_stream(path: Path, raw: bytes) -> None:
    """A character device (/dev/null, a terminal) or a FIFO: written in place, never renamed
    over or replaced. Opened without blocking (a FIFO with no reader is an error, not a hang)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        why = "a FIFO with no reader" if exc.errno == errno.ENXIO else exc.strerror or exc
        raise _fail(path, f"cannot write: {why}") from None
    try:
        mode = os.fstat(handle).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            raise _fail(path, "changed while being opened; not written")
        os.set_blocking(handle, True)
        _write_all(path, handle, raw)
    finally:
        os.close(handle)


def _to_fd(path: Path | str, fd: int, raw: bytes) -> None:
    stream = sys.stdout if fd == 1 else sys.stderr
    if stream is None:
        raise _fail(path, "cannot write: the stream is closed")
    stream.flush()
    _write_all(path, fd, raw)


def _write_all(path: Path | str, fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    try:
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise _fail(path, f"cannot write: {exc.strerror or exc}") from None


def _to_stdout(raw: bytes) -> None:
    stream = sys.stdout
    if stream is None:
        raise MbcalcError("cannot write to standard output: it is closed")
    stream.flush()
    stream.buffer.write(raw) if hasattr(stream, "buffer") else stream.write(
        raw.decode("utf-8"))
    stream.flush()
