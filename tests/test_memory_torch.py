"""Memory against real torch models (the zoo's hand-written references): activation sizes are the
real tensors' numel(), weight bytes the real parameters' nbytes, and the sequential peak equals a
simulation written here over the real model's execution order (a torch.fx trace), independent of
the engine's lifetimes."""

from __future__ import annotations

import functools
import operator
from typing import Any

import pytest

from complexity.analysis.memory import DTYPES, analyse
from complexity.analysis.verify import torch_model
from complexity.engine.walk import walk
from complexity.language.zoo import resolve, zoo_names

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.reference

COSTED = {"conv", "pw", "dw", "fc", "linear"}
"""The rows of the modules ``real_sizes`` hooks: nn.Conv2d and nn.Linear (ConvNeXt's per-pixel
linears too)."""


def with_reference() -> list[str]:
    from complexity.reference import torch_builders

    return sorted(set(zoo_names()) & set(torch_builders()))


@functools.lru_cache(maxsize=1)
def reference(name: str) -> tuple[Any, Any, int]:
    """The spec's report at its base resolution and the real model, in eval mode (the last one
    built is kept: the ``name`` fixture makes the tests of one network run together)."""
    spec = resolve(name)
    report = walk(spec)
    model = torch_model(spec.network.name, 1.0, dict(spec.network.variables)).eval()
    return report, model, report.resolution


def real_sizes(model: Any, resolution: int, device: str = "cpu") -> list[tuple[str, int, int]]:
    """(kind, input numel, output numel) of every conv, linear and squeeze-and-excite module in
    the order they run; the convs inside a squeeze-and-excite module are its own business."""
    nn = torch.nn
    se_types = tuple(type(m) for m in model.modules()  # not torchvision's SqueezeNet
                     if "SqueezeExcit" in type(m).__name__)
    inside_se = {id(sub) for m in model.modules() if isinstance(m, se_types)
                 for sub in m.modules() if sub is not m}
    seen: list[tuple[str, int, int]] = []

    def hook(module: Any, args: Any, out: Any) -> None:
        kind = "se" if isinstance(module, se_types) else "layer"
        seen.append((kind, args[0].numel(), out.numel()))

    hooks = [m.register_forward_hook(hook) for m in model.modules()
             if (isinstance(m, (nn.Conv2d, nn.Linear)) and id(m) not in inside_se)
             or isinstance(m, se_types)]
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, resolution, resolution, device=device))
    finally:
        for h in hooks:
            h.remove()
    return seen


@pytest.fixture(scope="module", params=with_reference())
def name(request: pytest.FixtureRequest) -> str:
    """A zoo network with a torch reference; module scope groups each network's tests."""
    return str(request.param)


GAPS: dict[tuple[str, str], str] = {}
"""Referees a network does not pass yet, and why — (check, name) → reason; each still runs and
must still fail (strict). Empty: ConvNeXt, EfficientNet and RegNetY pass since the analysis
models views (permute, flatten, eval-mode dropout and stochastic depth), squeeze-and-excite's
six tensors and the stem norm's copy."""


def known_gap(check: str, name: str, request: pytest.FixtureRequest) -> None:
    """Mark this run as an expected, strict failure where ``GAPS`` lists it."""
    reason = GAPS.get((check, name))
    if reason is not None:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def test_activation_sizes_are_the_real_tensors_numel(name: str,
                                                     request: pytest.FixtureRequest) -> None:
    known_gap("sizes", name, request)
    report, model, resolution = reference(name)
    memory = analyse(report)
    ours = [("se" if m.row.kind == "se" else "layer", m.read, m.written)
            for m in memory.layers if m.row.kind in COSTED | {"se"}]
    assert ours == real_sizes(model, resolution)


def test_weight_bytes_are_the_real_parameters_nbytes(name: str) -> None:
    report = walk(resolve(name), convention="torch")
    model = reference(name)[1]
    for dtype, size in DTYPES.items():
        real = sum(p.detach().to(getattr(torch, dtype)).nbytes for p in model.parameters())
        assert analyse(report, dtype).weights * size == real, dtype


# --- an independent peak simulation over the real execution order ---------------------------------

MAPS = (10**9, 56, 28, 14, 7)
"""Peaks over the steps that write a map of at most S×S, for each S: the whole network, then
later and later parts of it, where residual inputs and concat branches hold the peak."""

INPLACE = {operator.iadd: operator.add, operator.imul: operator.mul}
"""Augmented assignments (torchvision's ``out += identity``) run out of place, and so do modules
and functions called with ``inplace=True`` (the references' ``nn.ReLU(inplace=True)``): the
memory convention counts no in-place operations (every row writes its own tensor)."""


def _tensors_of(value: Any) -> list[Any]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors_of(v)]
    return []


def _is_norm(graph_module: Any, node: Any) -> bool:
    if node.op == "call_module":
        return isinstance(graph_module.get_submodule(node.target), torch.nn.LayerNorm)
    return node.op == "call_function" and node.target is torch.nn.functional.layer_norm


def simulated_steps(model: Any, resolution: int, device: str = "cpu") -> list[tuple[int, int]]:
    """Trace ``model`` with torch.fx and run its nodes in order on a real input (torch.fx's
    Interpreter), asking torch of every node's output whether it is new memory:

    - a node whose output shares its storage with one of its inputs (``torch._C._is_alias_of``:
      a view — permute, flatten, view, a channel split's chunks — or an op that returns its input,
      as dropout and stochastic depth do in eval mode) allocates nothing: its readers hold the
      input's tensor;
    - every other node writes a tensor of its own (its numel), live from the node that makes it
      to its last user (``INPLACE``: nothing runs in place); weights (get_attr nodes) are not
      activations;
    - ``nn.LayerNorm`` on a non-contiguous input (the channels-last permute of an (N, C, H, W)
      map) holds a contiguous copy of that input while it runs: torch.profiler's memory events
      show aten::layer_norm → aten::contiguous → aten::clone allocating one input-sized buffer,
      freed when the norm returns (and none on a contiguous input).

    At each node that writes a tensor the live tensors (plus its copy) are summed: (that sum, the
    side of the node's output map) in the order the nodes run; a tensor's map follows its spatial
    axes through permutes (a channels-last (N, H, W, C) tensor's map is H×W), a channel
    shuffle's (N, g, C/g, H, W) map is its last two axes, and a vector's side is 1."""
    from torch.fx import Interpreter, symbolic_trace

    graph_module = symbolic_trace(model)
    for node in graph_module.graph.nodes:
        if node.op == "call_function" and node.target in INPLACE:
            node.target = INPLACE[node.target]
        if node.kwargs.get("inplace"):
            node.kwargs = {**node.kwargs, "inplace": False}
    graph_module.recompile()
    inplace = [m for m in graph_module.modules() if getattr(m, "inplace", False) is True]
    nodes = [n for n in graph_module.graph.nodes if n.op != "output"]
    order = {n: i for i, n in enumerate(nodes)}
    base: dict[Any, Any] = {}  # a view's node → the node whose tensor it shares
    size: dict[Any, int] = {}
    side: dict[Any, int] = {}
    axes: dict[Any, tuple[int, int]] = {}  # a 4-D tensor's spatial axes
    copy: dict[Any, int] = {}

    class Run(Interpreter):  # type: ignore[misc]
        def run_node(self, n: Any) -> Any:
            out = super().run_node(n)
            outs = _tensors_of(out)
            if not outs or n.op == "get_attr":
                return out
            inputs = [(m, t) for m in n.all_input_nodes for t in _tensors_of(self.env.get(m))]
            shared = next((m for m, t in inputs for o in outs if torch._C._is_alias_of(o, t)),
                          None)
            four = [m for m, t in inputs if t.dim() == 4 and m in axes]
            if outs[0].dim() == 4:
                if n.target in ("permute", torch.permute) and four:
                    dims = [int(d) for d in (n.args[1:] if len(n.args) > 2 else n.args[1])]
                    axes[n] = tuple(sorted(dims.index(a) for a in axes[four[0]]))  # type: ignore[assignment]
                else:
                    axes[n] = axes[four[0]] if four else (2, 3)
            if shared is not None:
                base[n] = shared
                return out
            size[n] = sum(o.numel() for o in outs)
            shape = outs[0].shape
            side[n] = (max(shape[a] for a in axes[n]) if n in axes
                       else max(shape[-2], shape[-1]) if len(shape) > 4 else 1)  # a shuffle's
            if _is_norm(graph_module, n) and inputs and not inputs[0][1].is_contiguous():
                copy[n] = inputs[0][1].numel()
            return out

    for m in inplace:
        m.inplace = False
    try:
        with torch.no_grad():
            Run(graph_module).run(torch.zeros(1, 3, resolution, resolution, device=device))
    finally:
        for m in inplace:
            m.inplace = True

    def root(n: Any) -> Any:
        while n in base:
            n = base[n]
        return n

    last = {n: order[n] for n in size}
    for n in nodes:
        for user in n.users:
            r = root(n)
            if user.op != "output" and r in last:
                last[r] = max(last[r], order[user])
    out = []
    for i, node in enumerate(nodes):
        if node not in size or node.op == "placeholder":
            continue  # the input alone is no step (the first layer's holds it too)
        live = sum(s for n, s in size.items() if order[n] <= i <= last[n]) + copy.get(node, 0)
        out.append((live, side[node]))
    return out


@functools.lru_cache(maxsize=1)
def simulation(name: str) -> list[tuple[int, int]]:
    """``simulated_steps`` of the reference of ``name`` at its base resolution (kept for the
    next test of the same network)."""
    _, model, resolution = reference(name)
    return simulated_steps(model, resolution)


def restricted(steps: list[tuple[int, int]]) -> dict[int, int]:
    """For each S in MAPS, the largest step whose output map is at most S×S."""
    return {limit: max((live for live, side in steps if side <= limit), default=0)
            for limit in MAPS}


def simulated_peaks(model: Any, resolution: int) -> dict[int, int]:
    """``restricted`` over the simulation of the real model."""
    return restricted(simulated_steps(model, resolution))


def engine_steps(report: Any) -> list[tuple[int, int]]:
    """The engine's sequential steps that write a tensor, as (live elements, side of the map it
    writes), from its own steps and lifetimes."""
    from complexity.analysis.memory import _tensors, profile, sequential_steps

    steps, tensors = sequential_steps(report), _tensors(report)
    return [(live, max(tensors[step.writes].shape.h, tensors[step.writes].shape.w))
            for step, live in zip(steps, profile(steps, tensors), strict=True)
            if step.writes is not None]  # a view: no node of the real model writes there


def engine_peaks(report: Any) -> dict[int, int]:
    """The same restricted peaks from the engine's sequential steps and lifetimes."""
    return restricted(engine_steps(report))


def test_sequential_peak_equals_a_simulation_of_the_real_model(
        name: str, request: pytest.FixtureRequest) -> None:
    known_gap("peak", name, request)
    report = reference(name)[0]
    expected = restricted(simulation(name))
    assert analyse(report).peaks["sequential"].elements == expected[MAPS[0]]
    assert engine_peaks(report) == expected


LOGITS = {"mobilenet_v1", "xception"}
"""Specs that end with the Keras application's softmax, which their torch reference (ending at
the logits) does not run: their last row has no node to compare."""


def test_every_step_equals_the_simulation_of_the_real_model(
        name: str, request: pytest.FixtureRequest) -> None:
    """Stronger than the peaks: the live memory at every step, in order, equals the real
    model's at the node that runs there (a squeeze-and-excite row's six tensors, a stem norm's
    copy, ShuffleNet V1's stride-2 unit running its body before its shortcut pool)."""
    known_gap("steps", name, request)
    report = reference(name)[0]
    ours = engine_steps(report)
    if name in LOGITS:
        assert report.rows[-1].layer is not None and report.rows[-1].layer.fn == "softmax"
        ours = ours[:-1]
    assert ours == simulation(name)


def with_alpha() -> list[str]:
    import inspect

    from complexity.reference import torch_builders

    return [n for n, b in sorted(torch_builders().items())
            if n in zoo_names() and "alpha" in inspect.signature(b).parameters]


@pytest.mark.slow
@pytest.mark.parametrize("alpha", ["0.5", "1.4"])
@pytest.mark.parametrize("resolution", [193])
@pytest.mark.parametrize("net", with_alpha())
def test_referees_at_other_alpha_and_resolution(net: str, alpha: str, resolution: int) -> None:
    from fractions import Fraction

    spec = resolve(net)
    report = walk(spec, Fraction(alpha), resolution=resolution)
    model = torch_model(spec.network.name, float(alpha), dict(spec.network.variables)).eval()
    memory = analyse(report)
    ours = [("se" if m.row.kind == "se" else "layer", m.read, m.written)
            for m in memory.layers if m.row.kind in COSTED | {"se"}]
    assert ours == real_sizes(model, resolution)
    expected = simulated_peaks(model, resolution)
    assert engine_peaks(report) == expected
