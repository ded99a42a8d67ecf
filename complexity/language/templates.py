"""Filling a spec in: variables, user-defined blocks and per-repetition values.

Nothing here evaluates user text. A ``$name`` string that is a whole value is replaced by the
value of ``name``; a layer whose ``kind`` names a block of the spec's ``blocks`` section becomes
a ``sequence`` of that block's layers with its parameters filled in; a ``repeat`` with ``each``
gets one body per repetition. Every value of the result keeps the line it came from (a block's
layers the lines of its definition), and a block's layers also remember where it was used.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from complexity.errors import Location, SpecError

Path_ = tuple[str | int, ...]
_REFERENCE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")
MAX_NODES = 200_000
"""Values a spec may expand to once its blocks and repetitions are filled in."""
MAX_NESTING = 20
"""How deep user-defined blocks may use one another."""

ParamType = Literal["int", "float", "bool", "str", "size", "any"]
_CHECKS: dict[str, Any] = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "size": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, list) and len(v) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in v)),
    "any": lambda v: True,
}


class Param(BaseModel):
    """A parameter of a user-defined block: its type and, if optional, its default."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    type: ParamType
    """int, float, bool, str, size (n or [h, w]) or any."""
    default: Any = None
    """The value when a use leaves it out; without one the parameter is required."""


class BlockDefinition(BaseModel):
    """A block a spec defines: named, typed parameters and the layers they fill in."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    params: dict[str, ParamType | Param] = Field(default_factory=dict)
    """Each parameter: a type name (required: ``out: int``) or ``{type: int, default: 1}``.
    ``$name`` in ``layers`` is the value a use gives."""
    layers: list[Any] = Field(min_length=1)
    """The block's layers, as in the spec's ``layers``, with ``$param`` where a value goes."""


@dataclass
class Filled:
    """A spec's data with everything filled in, and the line of each value."""

    data: Any
    lines: dict[Path_, int]
    notes: dict[Path_, str] = field(default_factory=dict)
    """Where a path lies inside a user-defined block: the block and where it was used."""


@dataclass
class _Filler:
    values: dict[str, Any]
    lines: dict[Path_, int]
    file: str | None
    blocks: dict[str, tuple[BlockDefinition, Path_]]
    out: Filled
    locate: Any
    """The source's own locate(path): file, line and layer name of a path of the document."""
    budget: int = MAX_NODES

    def line(self, path: Path_) -> int | None:
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return None

    def where(self, src: Path_, dst: Path_) -> Location:
        found = self.locate(src)
        note = self.out.notes.get(next((dst[:n] for n in range(len(dst), -1, -1)
                                        if dst[:n] in self.out.notes), ()))
        return Location(found.file, found.line, dst, found.layer, note)

    def fill(self, node: Any, src: Path_, dst: Path_, env: dict[str, Any],
             stack: tuple[str, ...]) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise SpecError(f"expands to more than {MAX_NODES} values once its blocks and "
                            "repetitions are filled in", self.where(src, dst))
        line = self.line(src)
        if line is not None:
            self.out.lines.setdefault(dst, line)
        if isinstance(node, str) and (match := _REFERENCE.match(node)):
            name = match.group(1)
            if name not in env:
                known = ", ".join(sorted(env)) or "none"
                whose = "known here" if stack or env.keys() != self.values.keys() else (
                    "this spec declares")
                close = difflib.get_close_matches(name, list(env), n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise SpecError(f"unknown variable '{name}'{hint} ({whose}: {known})",
                                self.where(src, dst))
            return env[name]
        if isinstance(node, list):
            return [self.fill(v, (*src, i), (*dst, i), env, stack) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        kind = node.get("kind")
        if isinstance(kind, str) and kind in self.blocks:
            return self.use(node, src, dst, env, stack)
        filled = {k: self.fill(v, (*src, k), (*dst, k), env, stack)
                  for k, v in node.items() if not (kind == "repeat" and k in ("each", "layers"))}
        if kind == "repeat" and "layers" in node:
            return self.repeat(node, filled, src, dst, env, stack)
        if set(filled) == {"mul"}:
            return _product(filled["mul"], self.where(src, dst))
        return filled

    def repeat(self, node: dict[str, Any], filled: dict[str, Any], src: Path_, dst: Path_,
               env: dict[str, Any], stack: tuple[str, ...]) -> dict[str, Any]:
        each = node.get("each")
        if each is None:
            filled["layers"] = self.fill(node["layers"], (*src, "layers"), (*dst, "layers"),
                                         env, stack)
            return filled
        each = self.fill(each, (*src, "each"), (*dst, "each"), env, stack)
        where = self.where((*src, "each"), (*dst, "each"))
        if not isinstance(each, dict) or not each or not all(
                isinstance(v, list) and v for v in each.values()):
            raise SpecError("each is a mapping of names to lists of values, one per repetition "
                            "(the last holds for the rest): {stride: [2, 1]}", where)
        times = filled.get("times")
        if not isinstance(times, int) or isinstance(times, bool) or times < 0:
            return {**filled, "layers": node["layers"]}  # validation reports the bad times
        filled["each"] = each
        bodies = []
        for j in range(times):
            local = {**env, **{k: v[min(j, len(v) - 1)] for k, v in each.items()}}
            bodies.append(self.fill(node["layers"], (*src, "layers"), (*dst, "bodies", j),
                                    local, stack))
        filled["bodies"] = bodies
        filled["layers"] = bodies[0] if bodies else self.fill(
            node["layers"], (*src, "layers"), (*dst, "layers"),
            {**env, **{k: v[0] for k, v in each.items()}}, stack)
        return filled

    def use(self, node: dict[str, Any], src: Path_, dst: Path_, env: dict[str, Any],
            stack: tuple[str, ...]) -> dict[str, Any]:
        kind = node["kind"]
        definition, def_path = self.blocks[kind]
        defined = f"block '{kind}' defined at {self._at(def_path)}"
        if kind in stack:
            raise SpecError(f"block '{kind}' uses itself ({' → '.join((*stack, kind))})",
                            self.where(src, dst))
        if len(stack) >= MAX_NESTING:
            raise SpecError(f"blocks nested deeper than {MAX_NESTING}", self.where(src, dst))
        args = {}
        for key, raw in node.items():
            if key in ("kind", "name"):
                continue
            if key not in definition.params:
                close = difflib.get_close_matches(str(key), list(definition.params), n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                listed = ", ".join(definition.params) or "none"
                raise SpecError(f"unknown parameter '{key}' of block '{kind}'; {hint}"
                                f"its parameters: {listed} ({defined})",
                                self.where((*src, key), (*dst, key)))
            args[key] = self.fill(raw, (*src, key), (*dst, key), env, stack)
        for key, param in definition.params.items():
            ptype = param if isinstance(param, str) else param.type
            if key not in args:
                if isinstance(param, str) or param.default is None:
                    raise SpecError(f"block '{kind}' needs parameter '{key}' ({ptype}; "
                                    f"{defined})", self.where(src, dst))
                args[key] = param.default
            if not _CHECKS[ptype](args[key]):
                raise SpecError(f"parameter '{key}' of block '{kind}' is a {ptype}, got "
                                f"{args[key]!r} ({defined})", self.where((*src, key), (*dst, key)))
        note = f"in block '{kind}' used at {self._at(src)}"
        self.out.notes.setdefault((*dst, "layers"), note)
        layers = self.fill(definition.layers, (*def_path, "layers"), (*dst, "layers"),
                           {**env, **args}, (*stack, kind))
        result: dict[str, Any] = {"kind": "sequence", "layers": layers}
        if "name" in node:
            result["name"] = self.fill(node["name"], (*src, "name"), (*dst, "name"), env, stack)
        return result

    def _at(self, path: Path_) -> str:
        line = self.line(path)
        return f"{self.file or '<spec>'}:{line}" if line else (self.file or "<spec>")


def _product(factors: Any, where: Location) -> int | float:
    """``{mul: [a, b, …]}``: the product of numbers (an int when every factor is one)."""
    if not isinstance(factors, list) or not factors or not all(
            isinstance(f, (int, float)) and not isinstance(f, bool) for f in factors):
        raise SpecError(f"mul takes a list of numbers, got {factors!r}", where)
    result: int | float = 1
    for factor in factors:
        result *= factor
    if isinstance(result, float) and result.is_integer():
        result = int(result)
    if abs(result) > 10**12:
        raise SpecError(f"mul gives {result}, too large", where)
    return result


def fill(data: dict[str, Any], values: dict[str, Any], lines: dict[Path_, int],
         file: str | None, builtin_kinds: set[str], locate: Any) -> Filled:
    """``data`` (a spec without its variables) with variables, blocks and repetitions filled
    in; the ``blocks`` section is checked and left out."""
    out = Filled({}, {(): lines.get((), 1)})
    blocks = _definitions(data.get("blocks"), lines, file, builtin_kinds)
    filler = _Filler(values, lines, file, blocks, out, locate)
    for key, value in data.items():
        if key == "blocks":
            continue
        if key in ("variants",):
            out.data[key] = value
            continue
        out.data[key] = filler.fill(value, (key,), (key,), values, ())
    return out


def _definitions(section: Any, lines: dict[Path_, int], file: str | None,
                 builtin_kinds: set[str]) -> dict[str, tuple[BlockDefinition, Path_]]:
    from pydantic import ValidationError

    if section is None:
        return {}
    where = Location(file, lines.get(("blocks",)), ("blocks",))
    if not isinstance(section, dict):
        raise SpecError("blocks is a mapping of block names to {params, layers}", where)
    found = {}
    for name, body in section.items():
        path: Path_ = ("blocks", name)
        here = Location(file, lines.get(path), path)
        if not isinstance(name, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise SpecError(f"a block name is a plain name, got {name!r}", here)
        if name in builtin_kinds:
            raise SpecError(f"block '{name}' has the name of a built-in kind; choose another",
                            here)
        try:
            definition = BlockDefinition.model_validate(body)
        except ValidationError as exc:
            message, field_path = _definition_error(exc.errors(), path)
            line = next((lines[field_path[:n]] for n in range(len(field_path), 0, -1)
                         if field_path[:n] in lines), None)
            raise SpecError(message, Location(file, line, field_path)) from None
        for param, spec in definition.params.items():
            if isinstance(spec, Param) and spec.default is not None and not _CHECKS[spec.type](
                    spec.default):
                raise SpecError(f"the default of '{param}' is not a {spec.type}",
                                Location(file, lines.get((*path, "params", param)),
                                         (*path, "params", param)))
        found[name] = (definition, path)
    return found


def _definition_error(errors: list[Any], path: Path_) -> tuple[str, Path_]:
    """What is wrong with a block definition, and where: the first error, told in the spec's
    words (a parameter's type with the nearest type name, an unknown field with the nearest)."""
    first = errors[0]
    sub = tuple(k for k in first["loc"] if isinstance(k, (str, int)))
    if sub[:1] == ("params",) and len(sub) >= 2:  # a parameter: a type name or {type, default}
        at: Path_ = (*path, *sub[:2])
        given = first["input"]
        if isinstance(given, dict):  # the {type, default} form: report what is wrong in it
            inner = next((e for e in errors if "Param" in map(str, e["loc"])), first)
            field = inner["loc"][-1]
            if inner["type"] == "extra_forbidden":
                close = difflib.get_close_matches(str(field), ["type", "default"], n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                return (f"unknown field '{field}' of a parameter ({hint}it has type and "
                        "default)", (*at, field))
            if inner["type"] != "missing":
                given, at = inner["input"], (*at, "type")
            else:
                return "a parameter given as a mapping needs its type", at
        types = list(_CHECKS)
        close = difflib.get_close_matches(given, types, n=1) if isinstance(given, str) else []
        hint = f"did you mean {close[0]}? " if close else ""
        return (f"unknown parameter type {given!r}; {hint}a parameter is one of "
                f"{', '.join(types)}, or {{type: TYPE, default: VALUE}}", at)
    if first["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(sub[-1]), ["params", "layers"], n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return (f"unknown field '{sub[-1]}' of a block definition ({hint}it has params and "
                "layers)", (*path, *sub[:3]))
    return f"{first['msg']} (got {first['input']!r})", (*path, *sub[:3])
