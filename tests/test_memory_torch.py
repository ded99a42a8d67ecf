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

COSTED = {"conv", "pw", "dw", "fc"}


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


def real_sizes(model: Any, resolution: int) -> list[tuple[str, int, int]]:
    """(kind, input numel, output numel) of every conv, linear and squeeze-and-excite module in
    the order they run; the convs inside a squeeze-and-excite module are its own business."""
    nn = torch.nn
    se_types = tuple(type(m) for m in model.modules() if "Squeeze" in type(m).__name__)
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
            model(torch.zeros(1, 3, resolution, resolution))
    finally:
        for h in hooks:
            h.remove()
    return seen


@pytest.fixture(scope="module", params=with_reference())
def name(request: pytest.FixtureRequest) -> str:
    """A zoo network with a torch reference; module scope groups each network's tests."""
    return str(request.param)


GAPS = {
    ("sizes", "convnext_tiny"): "ConvNeXt's channels-last permutes around its per-pixel "
    "linears are tensors the spec does not write as rows",
    ("peak", "convnext_tiny"): "not modelled yet: the tensors of permutes, layer scale and "
    "stochastic depth",
    ("peak", "efficientnet_b0"): "not modelled yet: the tensors of SE inside MBConv and of "
    "stochastic depth",
    ("peak", "regnet_y_400mf"): "not modelled yet: the tensors of SE inside the bottleneck",
}
"""The memory referees the newer families do not pass yet, and why: the spec language grew their
primitives after the memory analysis; each still runs and must still fail (strict)."""


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

ALIASES = {operator.getitem, torch.chunk, torch.split, "chunk", "split"}

"""Ops whose outputs are views of their input (a channel split): they allocate nothing."""


MAPS = (10**9, 56, 28, 14, 7)
"""Peaks over the steps that write a map of at most S×S, for each S: the whole network, then
later and later parts of it, where residual inputs and concat branches hold the peak."""


def simulated_peaks(model: Any, resolution: int) -> dict[int, int]:
    """Trace ``model`` with torch.fx and run its nodes in order: every node writes its own tensor
    (views of a channel split excepted), live from the node that makes it to its last user; at
    each node the live tensors are summed. A squeeze-and-excite gate is a node of its own
    (x * gate), so its C values count there. For each S in MAPS, the largest sum at a node whose
    output map is at most S×S."""
    from torch.fx import symbolic_trace
    from torch.fx.passes.shape_prop import ShapeProp

    graph_module = symbolic_trace(model)
    ShapeProp(graph_module).propagate(torch.zeros(1, 3, resolution, resolution))
    nodes = [n for n in graph_module.graph.nodes if n.op != "output"]
    order = {n: i for i, n in enumerate(nodes)}
    base: dict[Any, Any] = {}  # a view's node → the node whose tensor it shares

    def root(n: Any) -> Any:
        while n in base:
            n = base[n]
        return n

    size: dict[Any, int] = {}
    side: dict[Any, int] = {}
    for n in nodes:
        if n.op in ("call_function", "call_method") and n.target in ALIASES:
            base[n] = n.args[0]
            continue
        meta = n.meta.get("tensor_meta")
        if meta is not None and hasattr(meta, "shape"):
            shape = [int(d) for d in meta.shape]
            numel = 1
            for d in shape:
                numel *= d
            size[n] = numel
            side[n] = max(shape[-2], shape[-1]) if len(shape) >= 4 else 1  # a map: its last two
    last = {n: order[n] for n in size}
    for n in nodes:
        for user in n.users:
            r = root(n)
            if user.op != "output" and r in last:
                last[r] = max(last[r], order[user])
    peaks = dict.fromkeys(MAPS, 0)
    for i, node in enumerate(nodes):
        if node not in size:
            continue
        live = sum(s for n, s in size.items() if order[n] <= i <= last[n])
        for limit in MAPS:
            if side[node] <= limit:
                peaks[limit] = max(peaks[limit], live)
    return peaks


def engine_peaks(report: Any) -> dict[int, int]:
    """The same restricted peaks from the engine's sequential steps and lifetimes."""
    from complexity.analysis.memory import _tensors, lifetimes, sequential_steps

    steps, tensors = sequential_steps(report), _tensors(report)
    span = lifetimes(steps)
    peaks = dict.fromkeys(MAPS, 0)
    for j, step in enumerate(steps):
        live = sum(tensors[t].elements for t, (born, end) in span.items() if born <= j <= end)
        shape = tensors[step.writes].shape
        for limit in MAPS:
            if max(shape.h, shape.w) <= limit:
                peaks[limit] = max(peaks[limit], live + step.scratch)
    return peaks


ORDER = {"shufflenet_v1": (14, 7)}
"""Where the spec's order is not the reference's: ShuffleNet V1's stride-2 unit lists its branches
in concat order (the shortcut's 3×3 average pool first), while the torch reference runs the pool
after the body (``torch.cat((self.pool(x), y))`` evaluates y first). The schedules differ in the
stride-2 units only; those maps are compared to a simulation in the spec's order below."""


def test_sequential_peak_equals_a_simulation_of_the_real_model(
        name: str, request: pytest.FixtureRequest) -> None:
    known_gap("peak", name, request)
    report, model, resolution = reference(name)
    expected = simulated_peaks(model, resolution)
    assert analyse(report).peaks["sequential"].elements == expected[MAPS[0]]
    ours = engine_peaks(report)
    for limit in ORDER.get(name, ()):
        assert ours.pop(limit) != expected.pop(limit)  # still differ: see ORDER
    assert ours == expected


def test_shufflenet_v1_peak_in_the_spec_order() -> None:
    """The reference with its stride-2 unit's pool run first (the spec's order): then every
    restricted peak agrees."""
    from complexity.reference import shufflenet as ref

    report, model, resolution = reference("shufflenet_v1")

    def pool_first(self: Any, x: Any) -> Any:
        pooled = self.pool(x) if self.pool is not None else None
        y = self.gconv2(self.dw(ref.channel_shuffle(self.gconv1(x), self.groups)))
        merged = x + y if pooled is None else torch.cat((pooled, y), dim=1)
        return torch.relu(merged)

    original = ref.ShuffleV1Unit.forward
    ref.ShuffleV1Unit.forward = pool_first  # type: ignore[method-assign]
    try:
        expected = simulated_peaks(model, resolution)
    finally:
        ref.ShuffleV1Unit.forward = original  # type: ignore[method-assign]
    assert engine_peaks(report) == expected


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
