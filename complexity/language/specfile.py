"""Reading spec files: bounded, safe YAML with the line of every value, then validation."""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from complexity.errors import Location, SpecError
from complexity.language import hints
from complexity.language.sources import LoadedSpec, Path_, SourceMap
from complexity.language.spec import Network, VariableValue
from complexity.language.templates import fill

MAX_NODES = 200_000
"""Values a document may expand to, counting every use of an alias (bounds alias bombs)."""
MAX_DEPTH = 100
"""Nesting depth of mappings and lists."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (ten times faster), else PyYAML's."""
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def parse_yaml(text: str, file: str | None = None) -> tuple[Any, dict[Path_, int]]:
    """The document in ``text`` and the 1-based line of every value, safely and within bounds."""
    _check_depth(text, file)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = exc.problem or str(exc)
        raise SpecError(f"malformed YAML: {problem}", Location(file, line)) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"malformed YAML: {exc}", Location(file)) from None
    except RecursionError:
        raise SpecError(f"nested deeper than {MAX_DEPTH} levels", Location(file)) from None
    finally:
        loader.dispose()
    if node is None:
        raise SpecError("is empty; a spec is a mapping with name and layers", Location(file))
    _check_size(node, file)
    lines: dict[Path_, int] = {}
    budget = [MAX_NODES]
    data = _build(node, loader, (), lines, budget, file)
    return data, lines


def _check_size(root: yaml.Node, file: str | None) -> None:
    """Refuse a document that would build more than MAX_NODES values, from its node graph
    (an alias is the node it names: counted once, used many times) before building any: an
    alias bomb costs microseconds, not the first MAX_NODES values. The line named is the
    smallest mapping or list that is too large."""
    sizes: dict[int, int] = {}
    limit = MAX_NODES + 1

    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if not isinstance(node, yaml.MappingNode):
            return []
        found = []
        for key, value in node.value:
            if key.tag != "tag:yaml.org,2002:merge":
                found.append(value)
            elif isinstance(value, yaml.SequenceNode):
                found += value.value  # merged mappings (``_merge_sources`` checks them)
            else:
                found.append(value)
        return found

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key not in sizes:
            if depth > MAX_DEPTH:
                return 1  # ``_build`` refuses the depth, with its own message
            sizes[key] = limit  # a node inside itself never ends
            sizes[key] = min(limit, 1 + sum(size(child, depth + 1) for child in children(node)))
        return sizes[key]

    node = root
    if size(node, 0) < limit:
        return
    while True:  # down to the smallest node that is too large
        inner = next((c for c in children(node) if sizes.get(id(c), 0) >= limit), None)
        if inner is None or inner is node:
            break
        node = inner
    raise SpecError(f"expands to more than {MAX_NODES} values (alias bomb?)",
                    Location(file, node.start_mark.line + 1))


_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
         yaml.BlockMappingStartToken)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def _check_depth(text: str, file: str | None) -> None:
    """Refuse a document nested deeper than MAX_DEPTH from its tokens, before building it."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise SpecError(f"nested deeper than {MAX_DEPTH} levels",
                                    Location(file, token.start_mark.line + 1))
            elif isinstance(token, _CLOSE):
                depth -= 1
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml's own bound, far above ours
            raise SpecError(f"nested deeper than {MAX_DEPTH} levels", Location(file)) from None
        return  # the parse that follows reports it with its line


def _build(node: yaml.Node, loader: Any, path: Path_, lines: dict[Path_, int],
           budget: list[int], file: str | None) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise SpecError(f"expands to more than {MAX_NODES} values (alias bomb?)",
                        Location(file, node.start_mark.line + 1))
    if len(path) > MAX_DEPTH:
        raise SpecError(f"nested deeper than {MAX_DEPTH} levels",
                        Location(file, node.start_mark.line + 1))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        raise SpecError(f"unsupported YAML tag {node.tag}",
                        Location(file, node.start_mark.line + 1, path))
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        seen: dict[Any, tuple[int, int]] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged += _merge_sources(value_node, file, path)
                continue
            key = _scalar(key_node, loader, file)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise SpecError(f"keys must be names, got {key!r}", Location(file, line, path))
            if key in seen:
                first, column = seen[key]
                where = (f"lines {first} and {line}" if first != line else
                         f"line {line}, columns {column} and {key_node.start_mark.column + 1}")
                raise SpecError(f"duplicate key {key!r} on {where}; a mapping names each key "
                                "once", Location(file, line, path))
            seen[key] = (line, key_node.start_mark.column + 1)
            result[key] = _build(value_node, loader, (*path, key), lines, budget, file)
        for source in merged:  # the mapping's own keys win, then earlier merged mappings
            found: dict[Path_, int] = {}
            extra = _build(source, loader, path, found, budget, file)
            fresh = {key for key in extra if key not in result}
            for key in fresh:
                result[key] = extra[key]
            depth = len(path)
            lines.update({p: n for p, n in found.items() if len(p) > depth and p[depth] in fresh
                          and p not in lines})
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, loader, (*path, i), lines, budget, file)
                for i, v in enumerate(node.value)]
    return _scalar(node, loader, file)


def _merge_sources(node: yaml.Node, file: str | None, path: Path_) -> list[yaml.Node]:
    """The mappings a merge key (``<<: *anchor`` or ``<<: [*a, *b]``) brings in."""
    sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for source in sources:
        if not isinstance(source, yaml.MappingNode):
            raise SpecError("a merge key (<<) takes a mapping or a list of mappings",
                            Location(file, source.start_mark.line + 1, path))
    return list(sources)


def _scalar(node: yaml.Node, loader: Any, file: str | None) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise SpecError("keys must be plain names", Location(file, node.start_mark.line + 1))
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise SpecError(f"unsupported YAML: {exc.problem}",
                        Location(file, node.start_mark.line + 1)) from None
    except ValueError:  # an integer of more digits than Python converts (4,300)
        raise SpecError(f"a number of {len(node.value):,} characters; far beyond any limit",
                        Location(file, node.start_mark.line + 1)) from None
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise SpecError(f"unsupported YAML value {node.tag} (a spec holds numbers, words, "
                        "true/false, lists and mappings)", Location(file, node.start_mark.line + 1))
    return value


def load_spec(text: str, file: str | None = None,
              overrides: dict[str, VariableValue] | None = None,
              variant: str | None = None) -> LoadedSpec:
    """Parse and validate a spec, with ``overrides`` replacing its variables' defaults; with
    ``variant``, a member of the family the spec's ``variants`` names (its name and values)."""
    data, lines = parse_yaml(text, file)
    source = SourceMap(file, lines, data)
    if not isinstance(data, dict):
        raise SpecError(
            f"must be a mapping with name and layers, got a {type(data).__name__}",
            source.locate(()),
        )
    if variant is not None:
        data = {**data, "name": variant}
        overrides = {**_variant_values(data, variant, source), **(overrides or {})}
    values = _variables(data, overrides or {}, source)
    done = fill({k: v for k, v in data.items() if k != "variables"}, values, lines, file,
                set(kind_models()), source.locate)
    done.lines.update({p: n for p, n in lines.items() if p[:1] == ("variables",)})
    source = SourceMap(file, done.lines, done.data, done.notes)
    try:
        network = Network.model_validate({**done.data, "variables": values})
    except ValidationError as exc:
        blocks = data.get("blocks")
        raise _validation_error(exc, source, list(blocks) if isinstance(blocks, dict) else []
                                ) from None
    return LoadedSpec(network, source)


def kind_models() -> dict[str, type[BaseModel]]:
    """Every layer kind a spec can name (primitives, containers, built-in blocks) → its model."""
    from complexity.language.models import item_models

    return item_models()


def _variant_values(data: dict[str, Any], variant: str,
                    source: SourceMap) -> dict[str, VariableValue]:
    variants = data.get("variants")
    if not isinstance(variants, dict) or not isinstance(variants.get(variant), dict):
        raise SpecError(f"no variant {variant!r} in variants", source.locate(("variants",)))
    return dict(variants[variant])


def _variables(data: dict[str, Any], overrides: dict[str, VariableValue],
               source: SourceMap) -> dict[str, VariableValue]:
    declared = data.get("variables") or {}
    if not isinstance(declared, dict):
        raise SpecError("must be a mapping of names to default values",
                        source.locate(("variables",)))
    values = dict(declared)
    for key, value in overrides.items():
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            close = difflib.get_close_matches(key, list(declared), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise SpecError(f"--set {key}: unknown variable{hint} (this spec declares: {known})",
                            Location(source.file))
        default = declared[key]
        if isinstance(default, dict):
            raise SpecError(f"--set {key}: {key} follows {default.get('by')!r}; set that instead",
                            Location(source.file))
        if type(value) is not type(default) and not (
            isinstance(default, float) and type(value) is int
        ):
            raise SpecError(
                f"--set {key}={value!r}: expected a {type(default).__name__} "
                f"like the default {default!r}",
                Location(source.file),
            )
        values[key] = value
    for key, value in declared.items():
        if isinstance(value, dict) and key not in overrides:
            values[key] = _lookup(key, value, values, source)
    return values


def _lookup(key: str, table: dict[str, Any], values: dict[str, Any], source: SourceMap) -> Any:
    """A derived variable ``{by: other, values: {choice: value}}``: its value for ``other``;
    a value may itself be such a table (chosen by a second variable)."""
    where = source.locate(("variables", key))
    by, choices = table.get("by"), table.get("values")
    if set(table) != {"by", "values"} or not isinstance(choices, dict):
        raise SpecError("a table variable is {by: VARIABLE, values: {CHOICE: VALUE, ...}}", where)
    if not isinstance(by, str) or by not in values or isinstance(values[by], dict):
        raise SpecError(f"by: {by!r} is not a plain variable of this spec", where)
    if isinstance(values[by], list):
        raise SpecError(f"by: '{by}' is a list; a table variable is chosen by a single value "
                        "(a number, a word or true/false)", where)
    if values[by] not in choices:
        listed = ", ".join(map(str, choices))
        raise SpecError(f"no value for {by}={values[by]!r} (choices: {listed})", where)
    chosen = choices[values[by]]
    return _lookup(key, chosen, values, source) if isinstance(chosen, dict) else chosen


def _validation_error(exc: ValidationError, source: SourceMap,
                      user_blocks: list[str] | None = None) -> SpecError:
    errors = exc.errors()
    # A mapping given where a field takes a bool or a mapping (se: {...}): report what is
    # wrong with the mapping, not that it is not a bool.
    first = next((e for e in errors if not (e["type"].endswith("_type")
                                            and isinstance(e["input"], dict))), errors[0])
    path = _data_path(first["loc"], source.data)

    def here(error: Any) -> bool:
        return _data_path(error["loc"], source.data) == path

    first = hints.literal_error(errors, first, here)
    kind = first["type"]
    if kind == "missing":
        message = f"missing field '{first['loc'][-1]}'"
    elif kind == "extra_forbidden":
        hint = hints.field_hint(first["loc"], kind_models(), source.data)
        message = f"unknown field '{path[-1]}'{hint}"
    elif kind == "union_tag_invalid":
        tags = sorted(t.strip("'") for t in str(first["ctx"]["expected_tags"]).split(", "))
        given = str(first["ctx"]["tag"])
        close = difflib.get_close_matches(given, [*tags, *(user_blocks or [])], n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        mine = f"; this spec's blocks: {', '.join(user_blocks)}" if user_blocks else ""
        message = f"unknown layer kind {given!r}; {hint}kinds: {', '.join(tags)}{mine}"
        path = (*path, "kind")
    elif kind == "union_tag_not_found":
        message = "missing field 'kind'"
    elif kind == "literal_error" and isinstance(first["input"], str):  # a word out of a list
        message = hints.literal_message(errors, first, here)
    else:
        message = f"{first['msg']} (got {first['input']!r})"
    return SpecError(message, source.locate(path))


def _data_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """A pydantic error location as a path into ``data``, without the union tags and member
    labels pydantic inserts."""
    path: list[str | int] = []
    node = data
    found = False
    for key in loc:
        found = isinstance(node, dict) and key in node or isinstance(node, list) and isinstance(
            key, int
        ) and 0 <= key < len(node)
        if found:
            path.append(key)
            node = node[key]
    if loc and isinstance(loc[-1], str) and not found and isinstance(node, dict):
        path.append(loc[-1])  # a missing field: name it
    return tuple(path)
