"""Graph → spec data: primitives, residual and concat containers, and named blocks.

The structure comes from the graph alone: a merge (add, concat, the SE multiply) joins the
branches that leave its immediate dominator, the value every path to it passes through. Each
branch is converted the same way, so nested merges nest. Named blocks come after: consecutive
layers under one module (``layer1.0``) are tried against each block of the language with the
parameters read off those layers, and a block is used only where its own expansion, walked, gives
the same rows (kinds, shapes, params, MAdds) as the imported layers: an exact match or none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from complexity.errors import MbcalcError
from complexity.importers.graph import INPUT, Graph, Op, UnsupportedOp
from complexity.language.width import WidthRule, make_divisible

Item = dict[str, Any]
MODULE = "_module"
"""Private key: the module path an item came from (dropped before emission)."""
IN = "_in"
"""Private key: the input shape (C, H, W) of an item."""

_ACTS = {"relu", "relu6", "hswish", "hsigmoid", "sigmoid", "swish", "linear", "softmax", "gelu",
         "tanh", "leaky_relu", "elu"}


def dominators(graph: Graph) -> dict[str, str]:
    """The immediate dominator of every value (the input dominates everything)."""
    order = {INPUT: 0, **{name: i + 1 for i, name in enumerate(graph.ops)}}
    idom: dict[str, str] = {INPUT: INPUT}

    def meet(a: str, b: str) -> str:
        while a != b:
            while order[a] > order[b]:
                a = idom[a]
            while order[b] > order[a]:
                b = idom[b]
        return a

    for name, op in graph.ops.items():
        preds = [p for p in op.inputs if p in idom]
        if not preds:
            raise MbcalcError(f"node {name!r} does not depend on the model's input")
        d = preds[0]
        for p in preds[1:]:
            d = meet(d, p)
        idom[name] = d
    return idom


class Converter:
    """Turns one graph into spec items."""

    def __init__(self, graph: Graph, opaque: bool = False) -> None:
        self.graph = graph
        self.opaque = opaque
        self.idom = dominators(graph)
        self.order = {INPUT: 0, **{name: i + 1 for i, name in enumerate(graph.ops)}}
        self.used: set[str] = set()
        self.fixed_out = _classifier(graph)

    def items(self) -> list[Item]:
        """The whole graph as spec items, checking every op was placed exactly once."""
        items = self.sequence(INPUT, self.graph.output)
        skipped = {n for n, op in self.graph.ops.items()
                   if n not in self.used and not _on_path(self.graph, n, self.graph.output)}
        missing = set(self.graph.ops) - self.used - skipped
        if missing:
            op = self.graph.ops[sorted(missing, key=list(self.graph.ops).index)[0]]
            raise UnsupportedOp(op.source or op.kind, op.name, op.module,
                                "the graph's branches do not nest as residuals and concats")
        return items

    def sequence(self, start: str, end: str) -> list[Item]:
        """Items for the ops after value ``start`` up to and including value ``end``."""
        reversed_items: list[list[Item]] = []
        value = end
        while value != start:
            if value == INPUT:
                raise MbcalcError(f"internal: no path from {start!r} to {end!r}")
            op = self.graph.ops[value]
            if op.name in self.used:
                raise UnsupportedOp(op.source or op.kind, op.name, op.module,
                                    "its output is used across branches that do not nest")
            self.used.add(op.name)
            if op.kind in ("add", "cat", "mul"):
                fork = self.idom[value]
                reversed_items.append(self.merge(op, fork))
                value = fork
                if self.graph.ops.get(fork) is not None and self.graph.ops[fork].kind == "split":
                    self.used.add(fork)
                    value = self.graph.ops[fork].inputs[0]
                continue
            if op.kind in ("split", "getitem"):
                raise UnsupportedOp(op.source or op.kind, op.name, op.module,
                                    "a channel split is supported only as the input of a "
                                    "concat of all its parts")
            reversed_items.append(self.single(op))
            value = op.inputs[0]
        return [item for group in reversed(reversed_items) for item in group]

    def merge(self, op: Op, fork: str) -> list[Item]:
        """A residual (add), a concat, or squeeze-and-excite (mul) joining branches from fork."""
        fork_op = self.graph.ops.get(fork)
        split = fork_op is not None and fork_op.kind == "split"
        if split:
            assert fork_op is not None
            heads = []
            for value in op.inputs:
                head = self._head(value, fork)
                heads.append(head)
            parts = fork_op.attrs["parts"]
            if op.kind != "cat" or [self.graph.ops[h].attrs["index"] for h in heads] != list(
                    range(parts)) or not fork_op.attrs.get("even", True):
                raise UnsupportedOp(op.source, op.name, op.module,
                                    "a channel split must be even and concatenated back in order")
            branches = []
            for head, value in zip(heads, op.inputs, strict=True):
                self.used.add(head)
                branches.append(self.sequence(head, value))
            return [self._tag({"kind": "concat", "split": True, "branches": branches}, op)]
        if op.kind == "cat":
            return [self._tag({"kind": "concat", "branches": self._cat_branches(op, fork)}, op)]
        branches = [self.sequence(fork, value) for value in op.inputs]
        if len(branches) != 2:
            raise UnsupportedOp(op.source, op.name, op.module, "expected two operands")
        if op.kind == "mul":
            return [self._se(op, branches)]
        a, b = branches
        body, shortcut = (a, b) if _size(a) >= _size(b) else (b, a)
        if not body:
            raise UnsupportedOp(op.source, op.name, op.module, "x + x is not a residual")
        item: Item = {"kind": "residual", "layers": body}
        if shortcut:
            item["shortcut"] = shortcut
        return [self._tag(item, op)]

    def _meet(self, a: str, b: str) -> str:
        """The nearest value that dominates both ``a`` and ``b``."""
        order = self.order
        while a != b:
            while order[a] > order[b]:
                a = self.idom[a]
            while order[b] > order[a]:
                b = self.idom[b]
        return a

    def _cat_branches(self, op: Op, fork: str) -> list[list[Item]]:
        """A concat's branches; consecutive inputs that share a stem after ``fork`` become one
        branch: the stem, then a concat of theirs (an exporter may flatten a nested concat)."""
        groups: list[tuple[str, list[str]]] = []
        for value in op.inputs:
            if groups:
                stem = self._meet(groups[-1][0], value)
                if stem != fork:
                    groups[-1] = (stem, [*groups[-1][1], value])
                    continue
            groups.append((value, [value]))
        branches = []
        for stem, members in groups:
            if len(members) == 1:
                branches.append(self.sequence(fork, members[0]))
                continue
            inner = [self.sequence(stem, m) for m in members]
            nested: Item = {"kind": "concat", "branches": inner}
            nested[MODULE] = _common([_module_of(i) for b in inner for i in b if _module_of(i)])
            nested[IN] = self.graph.shape(stem)
            branches.append([*self.sequence(fork, stem), nested])
        return branches

    def _head(self, value: str, fork: str) -> str:
        """The getitem of ``fork`` a branch starts from."""
        while True:
            op = self.graph.ops[value]
            if op.kind == "getitem" and op.inputs[0] == fork:
                return value
            value = self.idom[value] if op.kind in ("add", "cat", "mul") else op.inputs[0]
            if value == INPUT:
                raise MbcalcError(f"internal: branch of {fork!r} without its part")

    def _se(self, op: Op, branches: list[list[Item]]) -> Item:
        """x · gate(x): squeeze-and-excite when gate is pool → 1×1 → act → 1×1 → sigmoid."""
        gate = branches[1] if not branches[0] else branches[0] if not branches[1] else None
        layers = [i for i in gate or [] if i["kind"] not in ("flatten", "dropout")]
        pattern = [i["kind"] for i in layers]
        ok = (gate is not None and len(layers) == 5 and pattern[0] == "global_pool"
              and pattern[1] in ("pw", "fc") and pattern[2] == "act"
              and pattern[3] in ("pw", "fc") and pattern[4] == "act"
              and layers[4]["fn"] in ("sigmoid", "hsigmoid")
              and layers[1].get("bias", False) == layers[3].get("bias", False)
              and layers[1].get("groups", 1) == layers[3].get("groups", 1) == 1)
        channels = self.graph.shape(op.inputs[0])[0]
        if not ok or layers[3]["out"] != channels:
            raise UnsupportedOp(op.source, op.name, op.module,
                                "an elementwise product other than squeeze-and-excite")
        squeezed = layers[1]["out"]
        found = _reduction(channels, squeezed)
        item: Item = {"kind": "se", "name": _module_of(layers[1]).rpartition(".")[0] or None}
        if found is None:  # a share of the block's input (RegNetY): the width itself
            item["squeeze"] = squeezed
        else:
            item["reduction"], divisor = found
            if divisor:
                item["divisor"] = divisor
        if not layers[1].get("bias", True):
            item["bias"] = False
        if layers[4]["fn"] != "sigmoid":
            item["gate"] = layers[4]["fn"]
        item[MODULE] = _module_of(layers[1]).rpartition(".")[0]
        item[IN] = self.graph.shape(op.inputs[0])
        return item

    def _tag(self, item: Item, op: Op) -> Item:
        inner = [_module_of(i) for i in _children(item)]
        item[MODULE] = _common([m for m in inner if m] + [op.module])
        fork = self.idom[op.name]
        if fork in self.graph.ops and self.graph.ops[fork].kind == "split":
            fork = self.graph.ops[fork].inputs[0]
        item[IN] = self.graph.shape(fork)
        return item

    def single(self, op: Op) -> list[Item]:
        """The spec item of one op (none for identities)."""
        x = self.graph.shape(op.inputs[0]) if op.inputs else self.graph.input_shape
        item = _primitive(op, x, op.name == self.fixed_out)
        if item is None:
            return []
        if item["kind"] == "opaque" and not self.opaque:
            raise UnsupportedOp(op.source, op.name, op.module, op.attrs.get("why", ""))
        item[MODULE] = op.module
        item[IN] = x
        return [item]


def _primitive(op: Op, x: tuple[int, ...], fixed: bool) -> Item | None:
    a = op.attrs
    name = op.module or op.name
    kind = op.kind
    if kind == "identity":
        return None
    if kind == "conv":
        return _conv(op, x, fixed)
    if kind == "linear" and a.get("layout") == "channels_last" and len(x) == 3:
        item = {"kind": "linear", "name": name, "out": op.shape[0]}
        if not a.get("bias", True):
            item["bias"] = False
        if fixed:
            item["width"] = "fixed"
        return item
    if kind == "linear":
        if len(x) != 1 and tuple(x[1:]) != (1, 1):
            raise UnsupportedOp(op.source, op.name, op.module,
                                f"a linear layer on a {'×'.join(map(str, x))} input")
        item: Item = {"kind": "fc", "name": name, "out": op.shape[0]}
        if not a.get("bias", True):
            item["bias"] = False
        if fixed:
            item["width"] = "fixed"
        return item
    if kind == "bn":
        item = {"kind": "bn"}
        if not a.get("scale", True):
            item["scale"] = False
        if not a.get("center", True):
            item["center"] = False
        return item
    if kind == "act":
        fn = a["fn"]
        if fn not in _ACTS:
            return {"kind": "opaque", "why": f"activation {fn}"}
        return {"kind": "act", "fn": fn}
    if kind in ("maxpool", "avgpool"):
        item = {"kind": kind, "name": name, "kernel": _one(a["kernel"])}
        stride = _one(a.get("stride") or a["kernel"])
        if stride != item["kernel"]:
            item["stride"] = stride
        for key, default in (("padding", 0), ("dilation", 1), ("ceil_mode", False)):
            value = _one(a.get(key, default))
            if value != default:
                item[key] = value
        return item
    if kind == "global_pool":
        item = {"kind": "global_pool"}
        if a.get("op", "avg") != "avg":
            item["op"] = a["op"]
        return item
    if kind == "adaptive_pool":
        size = _one(a["size"])
        if size in (1, (1, 1)):
            return _primitive(Op(op.name, "global_pool", op.inputs, op.shape, op.module,
                                 op.source, {"op": a.get("op", "avg")}), x, fixed)
        item = {"kind": "adaptive_pool", "size": size}
        if a.get("op", "avg") != "avg":
            item["op"] = a["op"]
        return item
    if kind == "flatten":
        if len(x) == 1:
            return None
        return {"kind": "flatten"}
    if kind == "dropout":
        return {"kind": "dropout", "p": float(a.get("p", 0.5))}
    if kind == "stochastic_depth":
        return {"kind": "stochastic_depth", "p": float(a.get("p", 0.0))}
    if kind == "layernorm":
        item = {"kind": "layernorm"}
        if a.get("layout", "channels_first") != "channels_first":
            item["layout"] = a["layout"]
        if not a.get("affine", True):
            item["affine"] = False
        return item
    if kind == "groupnorm":
        item = {"kind": "groupnorm", "groups": a["groups"]}
        if not a.get("affine", True):
            item["affine"] = False
        return item
    if kind == "scale":
        return {"kind": "scale"}
    if kind == "shuffle":
        return {"kind": "shuffle", "groups": a["groups"]}
    if kind == "opaque":
        return {"kind": "opaque", "name": name, "params": a.get("params", 0),
                **({"weights": a["weights"]} if a.get("weights", a.get("params", 0)) != a.get(
                    "params", 0) else {}),
                "madds": a.get("madds", 0), "output": list(op.shape) if op.shape != x else None,
                "note": f"{op.source} measured at the traced size, not analytic",
                "why": a.get("why", "")}
    raise UnsupportedOp(op.source or kind, op.name, op.module)


def _conv(op: Op, x: tuple[int, ...], fixed: bool) -> Item:
    a = op.attrs
    m, n, groups = x[0], op.shape[0], a.get("groups", 1)
    kernel, stride = _one(a["kernel"]), _one(a.get("stride", 1))
    padding, dilation = _one(a.get("padding", 0)), _one(a.get("dilation", 1))
    name = op.module or op.name
    item: Item
    if groups == m and m > 1 and n % m == 0 and not fixed:
        item = {"kind": "dw", "name": name, "kernel": kernel}
        if n != m:
            item["multiplier"] = n // m
    elif kernel == 1 and stride == 1 and padding in (0, "valid") and dilation == 1:
        item = {"kind": "pw", "name": name, "out": n}
        if groups != 1:
            item["groups"] = groups
        if fixed:
            item["width"] = "fixed"
        if a.get("bias"):
            item["bias"] = True
        return item
    else:
        item = {"kind": "conv", "name": name, "out": n, "kernel": kernel}
        if groups != 1:
            item["groups"] = groups
        if fixed:
            item["width"] = "fixed"
    if stride != 1:
        item["stride"] = stride
    if padding != "same":  # the format's default: any other padding is written out
        item["padding"] = padding
    if dilation != 1:
        item["dilation"] = dilation
    if a.get("bias"):
        item["bias"] = True
    return item


def _one(value: Any) -> Any:
    """A pair with equal halves as one int; lists as tuples."""
    if isinstance(value, (list, tuple)):
        if len(set(value)) == 1:
            return int(value[0])
        return tuple(int(v) for v in value)
    return value


def _classifier(graph: Graph) -> str | None:
    """The last conv or linear op: its output channels are the class count (width: fixed)."""
    last = None
    for name, op in graph.ops.items():
        if op.kind in ("conv", "linear"):
            last = name
    return last


def _on_path(graph: Graph, name: str, output: str) -> bool:
    """Whether the output depends on ``name`` (ops that feed nothing are skipped)."""
    seen, stack = set(), [output]
    while stack:
        value = stack.pop()
        if value == name:
            return True
        if value in seen or value == INPUT:
            continue
        seen.add(value)
        stack.extend(graph.ops[value].inputs)
    return False


def _reduction(channels: int, squeezed: int) -> tuple[int, int | None] | None:
    """(r, divisor) with squeeze(channels, r, divisor) == squeezed, preferring exact ratios."""
    if channels % squeezed == 0:
        return channels // squeezed, None
    for r in (4, 16, 8, 2, 24, 32, *range(1, 257)):
        if make_divisible(Fraction(channels, r), 8) == squeezed:
            return r, 8
        if math.floor(Fraction(channels, r)) == squeezed:
            return r, None
    return None


def _size(items: list[Item]) -> int:
    return sum(1 + _size(list(_children(i))) for i in items)


def _children(item: Item) -> Iterator[Item]:
    yield from item.get("layers", [])
    yield from item.get("shortcut", [])
    for branch in item.get("branches", []):
        yield from branch


def _module_of(item: Item) -> str:
    return str(item.get(MODULE, ""))


def _common(paths: list[str]) -> str:
    """The longest module path every one of ``paths`` is under."""
    if not paths:
        return ""
    split = [p.split(".") for p in paths]
    prefix: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    return ".".join(prefix)


def check_width_rule(items: list[Item], rule: WidthRule) -> None:
    """Every scaled width must be itself at α = 1 under ``rule`` (exact at the traced size)."""
    for item in _all(items):
        out = item.get("out")
        if isinstance(out, int) and item.get("width", "scaled") == "scaled" and rule.round(
                Fraction(out)) != out:
                raise MbcalcError(
                    f"--width-rule {rule.rule}({rule.divisor}) rounds {item.get('name')}'s "
                    f"{out} channels to {rule.round(Fraction(out))} at alpha=1; use "
                    f"--width-rule floor")


def _all(items: list[Item]) -> Iterator[Item]:
    for item in items:
        yield item
        yield from _all(list(_children(item)))


def strip(items: list[Item]) -> list[Item]:
    """Items without the private keys, for emission."""
    out = []
    for item in items:
        clean = {k: v for k, v in item.items() if not k.startswith("_") and k != "why"}
        if "layers" in clean:
            clean["layers"] = strip(clean["layers"])
        if "shortcut" in clean:
            clean["shortcut"] = strip(clean["shortcut"])
        if "branches" in clean:
            clean["branches"] = [strip(b) for b in clean["branches"]]
        if clean.get("kind") == "opaque" and clean.get("output") is None:
            clean.pop("output", None)
        out.append(clean)
    return out


Matcher = Callable[[list[Item], tuple[int, ...]], list[Item]]
"""Candidate blocks (spec data without names) for a run of items entering with a shape."""


def opaque_rows(items: list[Item]) -> list[str]:
    """The names of the opaque layers, in order."""
    return [str(i.get("name")) for i in _all(items) if i.get("kind") == "opaque"]
