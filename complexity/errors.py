"""The errors mbcalc reports to users, each carrying where the bad input came from."""

from __future__ import annotations

from complexity.frozen import Frozen


class Location(Frozen):
    """Where in a spec a value came from: the file, its line, and the path of keys to it."""

    file: str | None
    line: int | None
    path: tuple[str | int, ...]
    layer: str | None
    """The name of the layer the path points into, when it points into one."""
    note: str | None
    """More about where: a user-defined block's layers say where the block was used."""

    def __init__(self, file: str | None = None, line: int | None = None,
                 path: tuple[str | int, ...] = (), layer: str | None = None,
                 note: str | None = None) -> None:
        self.__dict__.update(file=file, line=line, path=path, layer=layer, note=note)

    def describe(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        where = format_path(self.path)
        if where:
            parts.append(f"{where} ({self.layer})" if self.layer else where)
        return ": ".join(parts)


def format_path(path: tuple[str | int, ...]) -> str:
    """('layers', 3, 'groups') -> 'layers[3].groups'."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


class MbcalcError(Exception):
    """A user-facing failure: bad input, never a bug. The CLI prints it on one line, exit 2."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()

    def __str__(self) -> str:
        where = self.location.describe()
        message = f"{self.message} ({self.location.note})" if self.location.note else self.message
        return printable(f"{where}: {message}" if where else message)


class SpecError(MbcalcError):
    """A spec file that cannot be read, parsed or validated."""


class LayerProblem(Exception):
    """Raised inside the walk by a layer; the engine adds the layer's location."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        """The layer's field at fault, if one is."""
        self.message = message


_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Line separators and bidirectional overrides: they reorder or split what a terminal shows."""
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, keep: str = "") -> str:
    """``text`` safe for a terminal: control characters (C0, DEL, C1 — hence ESC and OSC
    sequences) escaped as ``\\n`` or ``\\x1b``; the characters in ``keep`` pass as they are."""
    if text.isprintable() and "\x7f" not in text:
        return text
    out = []
    for char in text:
        code = ord(char)
        if char in keep or not (code < 0x20 or 0x7F <= code < 0xA0 or char in _INVISIBLE):
            out.append(char)
        else:
            out.append(_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else
                                              f"\\u{code:04x}"))
    return "".join(out)
