"""The importer's core data: a small graph of ops with shapes and module paths.

Both front ends (``torch_fx``, ``onnx``) translate a framework's graph into this one; ``to_spec``
turns it into spec data. Values are named by the op that produces them; the graph's input is the
value ``input``. Shapes are per sample: (C, H, W) for feature maps, (K,) for flat vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from complexity.errors import MbcalcError

INPUT = "input"
"""The name of the graph's input value."""

KINDS = frozenset({
    "conv", "linear", "bn", "act", "maxpool", "avgpool", "adaptive_pool", "global_pool",
    "flatten", "dropout", "identity", "add", "cat", "mul", "split", "getitem", "shuffle",
    "opaque", "layernorm", "groupnorm", "scale", "stochastic_depth",
    "group_open",
})
"""What an op may be; ``opaque`` is an op the format cannot express (kept only with --opaque)."""


@dataclass
class Op:
    """One op of the graph: what it is, what it reads, what it gives."""

    name: str
    """The node's name in the framework's graph (unique)."""
    kind: str
    """One of ``KINDS``."""
    inputs: list[str]
    """The values it reads, by the names of the ops that produce them (or ``input``)."""
    shape: tuple[int, ...]
    """Its output's shape without the batch dimension."""
    module: str = ""
    """The module path it belongs to (``layer1.0.conv1``), empty at the top."""
    source: str = ""
    """The framework's name for the op (``Conv2d``, ``aten.matmul``, ``Conv``), for messages."""
    attrs: dict[str, Any] = field(default_factory=dict)
    """Its settings: kernel, stride, padding, groups, bias, fn …"""


@dataclass
class Graph:
    """Ops in the order they run, from the input to one output."""

    ops: dict[str, Op]
    output: str
    input_shape: tuple[int, int, int]
    origin: str
    """Where it came from, for the spec's header (``torch.fx: MyNet (file.py)``)."""
    name: str = "imported"
    users: dict[str, list[str]] = field(default_factory=dict)
    unused: list[tuple[str, int]] = field(default_factory=list)
    """Modules with parameters that did not run at the trace (auxiliary heads), with their
    parameter counts: not in the spec, and said so in its header."""

    def __post_init__(self) -> None:
        self.users = {INPUT: []}
        for op in self.ops.values():
            self.users.setdefault(op.name, [])
            for value in op.inputs:
                self.users.setdefault(value, []).append(op.name)

    def shape(self, value: str) -> tuple[int, ...]:
        """The shape of a value."""
        return self.input_shape if value == INPUT else self.ops[value].shape


class UnsupportedOp(MbcalcError):
    """An op the spec format cannot express."""

    def __init__(self, op: str, node: str, module: str, why: str = "") -> None:
        where = f"module {module!r}" if module else "the top-level forward"
        reason = f": {why}" if why else ""
        super().__init__(f"cannot import op {op} (node {node!r}, {where}){reason}; "
                         f"--opaque keeps it as a measured row")
        self.op, self.node, self.module = op, node, module
