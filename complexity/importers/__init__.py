"""Importing a real model into a spec: PyTorch (torch.fx) and ONNX front ends, one core.

``import_torch(model)`` and ``import_onnx(path)`` return an :class:`Imported`: the spec, loaded
as any spec file is (``complexity.engine.walk.walk`` costs it), and its YAML text. Neither torch
nor onnx is needed by the rest of mbcalc; each front end imports its framework when called.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from complexity.importers.graph import Graph
from complexity.language.sources import LoadedSpec
from complexity.language.width import WidthRule

DEFAULT_WIDTH_RULE = "floor"
"""``floor``: int(c·α). The only rule that keeps every imported width as it is at α = 1
whatever the widths are (divisible(8) would turn 116 into 120)."""


@dataclass(frozen=True)
class Imported:
    """An imported model: its spec, the spec's YAML text, and notes on what it leaves out."""

    spec: LoadedSpec
    yaml: str
    resolution: int
    """The traced input size (the spec's ``resolution``)."""
    opaque: list[str] = field(default_factory=list)
    """Names of the rows kept as measured, not analytic (only with ``opaque=True``)."""
    unused: list[tuple[str, int]] = field(default_factory=list)
    """Modules with parameters that never ran at the trace (auxiliary heads) and their counts."""


def parse_width_rule(text: str) -> WidthRule:
    """``floor``, ``floor:MIN``, ``divisible`` or ``divisible:N`` as a width rule."""
    from complexity.errors import MbcalcError

    rule, _, number = text.partition(":")
    try:
        value = int(number) if number else None
    except ValueError:
        value = 0
    if rule not in ("floor", "divisible") or (value is not None and value < 1):
        raise MbcalcError(f"--width-rule expects floor, floor:MIN, divisible or divisible:N, "
                          f"got {text!r}")
    if rule == "floor":
        return WidthRule(rule="floor", min=value)
    return WidthRule(rule="divisible", divisor=value or 8)


def import_torch(model: Any, input: tuple[int, int, int] = (3, 224, 224), *,
                 width_rule: str | WidthRule = DEFAULT_WIDTH_RULE, opaque: bool = False,
                 blocks: bool = True, name: str | None = None,
                 source: str | None = None) -> Imported:
    """Trace a ``torch.nn.Module`` with torch.fx at ``input`` (C, H, W) and import it;
    ``name`` is the spec's name (default: the model's class in snake case), ``source`` what
    built the model, for the header."""
    from complexity.importers.torch_fx import trace

    graph = trace(model, _input(input), opaque)
    if source:
        graph.origin = f"{graph.origin}, built by {source}"
    if name:
        graph.name = name
    return build(graph, width_rule, opaque, blocks)


def import_onnx(path: Any, *, width_rule: str | WidthRule = DEFAULT_WIDTH_RULE,
                opaque: bool = False, blocks: bool = True,
                input: tuple[int, int, int] | None = None) -> Imported:
    """Read an ONNX file (or ``onnx.ModelProto``) with the onnx package and import it."""
    from complexity.importers.onnx import read

    graph = read(path, None if input is None else _input(input), opaque)
    return build(graph, width_rule, opaque, blocks)


def _input(shape: Any) -> tuple[int, int, int]:
    from complexity.errors import MbcalcError

    values = tuple(shape)
    if len(values) != 3 or not all(isinstance(v, int) and 0 < v <= 100_000 for v in values):
        raise MbcalcError(f"input must be C×H×W, three positive ints, got {shape!r}")
    if values[1] != values[2]:
        raise MbcalcError(f"input {values[1]}×{values[2]} is not square: a spec has one "
                          f"resolution")
    return values  # type: ignore[return-value]


def build(graph: Graph, width_rule: str | WidthRule = DEFAULT_WIDTH_RULE, opaque: bool = False,
          blocks: bool = True) -> Imported:
    """The spec of a graph: structure, named blocks, YAML text, loaded back and checked."""
    from complexity.importers.named_blocks import name_blocks
    from complexity.importers.to_spec import Converter, check_width_rule, opaque_rows, strip
    from complexity.importers.yaml_text import dump
    from complexity.language.specfile import load_spec

    rule = parse_width_rule(width_rule) if isinstance(width_rule, str) else width_rule
    items = Converter(graph, opaque).items()
    check_width_rule(items, rule)
    c, h, _ = graph.input_shape
    if blocks:
        items = name_blocks(items, c, h)
    network: dict[str, Any] = {"name": graph.name, "title": graph.origin, "resolution": h,
                               "in_channels": c,
                               "width_rule": rule.model_dump(exclude_defaults=True) or
                               {"rule": "floor"},
                               "layers": strip(items)}
    opaque_names = opaque_rows(items)
    header = [f"Imported by `mbcalc import` from {graph.origin}.",
              f"Traced at {c}×{h}×{h}, eval mode: `resolution` is that size, and --rho / "
              f"--resolution rescale it by the layers' own shape rules.",
              f"Widths are the model's, scaled by alpha with width_rule {rule.rule}; the input "
              f"channels and the class count stay fixed."]
    if opaque_names:
        header.append(f"Measured, not analytic: {', '.join(opaque_names)} — their params and "
                      f"MAdds are the traced size's and do not scale with rho or alpha.")
    for path, count in graph.unused:
        header.append(f"Not run at the trace, left out: {path} ({count:,} params).")
    text = dump(network, header)
    spec = load_spec(text, f"<imported {graph.name}>")
    return Imported(spec, text, h, opaque_names, list(graph.unused))
