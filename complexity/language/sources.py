"""Where a spec comes from: its file's text, read safely, and the line of each of its values.

No YAML and no pydantic here: a count from a cached spec (``language.cache``) reads the file
and holds a ``LoadedSpec`` without either.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, Any

from complexity.errors import Location, SpecError
from complexity.frozen import Frozen

if TYPE_CHECKING:  # a count from the cache works on str paths: it never imports pathlib
    from pathlib import Path

    from complexity.language.spec import Network

MAX_BYTES = 1 << 20
"""A spec larger than this (1 MiB) is refused before parsing."""

Path_ = tuple[str | int, ...]


def looks_like_path(model: str) -> bool:
    """Whether a model given on the command line is a spec file's path (holds a directory
    separator, or its suffix, as pathlib tells one, is .yaml or .yml) rather than a zoo name."""
    if "/" in model or "\\" in model:
        return True
    return model.endswith((".yaml", ".yml")) and model.rfind(".") > 0


def zoo_folder() -> str:
    """Where the zoo's YAML files are: inside the installed package (``complexity/specs``), or
    the checkout's ``specs/``."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    installed = os.path.join(package, "specs")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(package),
                                                                    "specs")


def zoo_dir() -> Path:
    """``zoo_folder()`` as a Path."""
    from pathlib import Path

    return Path(zoo_folder())


class SourceMap(Frozen):
    """The file a spec came from and the line of each value in it, by path of keys."""

    file: str | None
    lines: dict[Path_, int]
    data: Any
    """The raw document, to recover layer names for messages."""
    notes: dict[Path_, str]
    """Paths inside a user-defined block's layers: where the block was used."""

    def __init__(self, file: str | None = None, lines: dict[Path_, int] | None = None,
                 data: Any = None, notes: dict[Path_, str] | None = None) -> None:
        self.__dict__.update(file=file, lines={} if lines is None else lines, data=data,
                             notes={} if notes is None else notes)

    def locate(self, path: Path_, field_name: str | None = None) -> Location:
        """A location for ``path``: the nearest line on it, and the layer it points into."""
        full = (*path, field_name) if field_name else path
        line = note = None
        for n in range(len(full), -1, -1):
            if line is None and full[:n] in self.lines:
                line = self.lines[full[:n]]
            if note is None and full[:n] in self.notes:
                note = self.notes[full[:n]]
        return Location(self.file, line, full, self._layer_name(full), note)

    def _layer_name(self, path: Path_) -> str | None:
        node, name = self.data, None
        for key in path:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(key, int) and isinstance(node, dict):
                name = node.get("name") if isinstance(node.get("name"), str) else name
        return name


class LoadedSpec(Frozen):
    """A validated network and where it came from."""

    network: Network
    source: SourceMap

    def __init__(self, network: Network, source: SourceMap) -> None:
        self.__dict__.update(network=network, source=source)


def read_text(path: str | Path) -> str:
    """The text of a spec file, or a SpecError saying why it cannot be one. Only a regular file
    is read (a FIFO or a device is refused without blocking: checked before opening, opened
    non-blocking and checked again on the open file), and at most MAX_BYTES of it."""
    where = Location(str(path))
    if "\0" in str(path):
        raise SpecError("a file name cannot hold a NUL byte", where)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SpecError("no such file", where) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", where) from None
    _regular(info.st_mode, where)
    if info.st_size > MAX_BYTES:
        raise SpecError(f"larger than {MAX_BYTES // 1024} KiB; not a spec file", where)
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", where) from None
    try:
        _regular(os.fstat(handle).st_mode, where)  # the same file, not one swapped in since
        with os.fdopen(handle, "rb", closefd=False) as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", where) from None
    finally:
        os.close(handle)
    if len(raw) > MAX_BYTES:
        raise SpecError(f"larger than {MAX_BYTES // 1024} KiB; not a spec file", where)
    if b"\0" in raw:
        raise SpecError("is a binary file, not a YAML spec", where)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"is not UTF-8 text (bad byte at offset {exc.start})", where) from None


def _regular(mode: int, where: Location) -> None:
    if stat.S_ISDIR(mode):
        raise SpecError("is a directory, not a spec file", where)
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
                or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file")
        raise SpecError(f"is {kind}, not a regular file; specs are read from files only", where)


