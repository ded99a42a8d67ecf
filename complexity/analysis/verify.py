"""Checking a spec against a real model: layer by layer, params and MAdds, side by side.

The real model is a hand-written torch reference (``complexity.reference``), a
``keras.applications`` network, or the user's own model. Its layers are measured on one forward
pass: params by ``numel()`` / ``count_params()``, every parameter of the model once (those held by
non-leaf modules, such as a block's layer scale, too; shared or tied ones once), MAdds twice, by
torch's ``FlopCounterMode`` (2 FLOPs per multiply-add) and from each conv's and linear's recorded
shapes. The spec's rows and the model's layers are paired by their shapes and counts, not by the
order they run in (a framework may run a block's shortcut before its body), so a missing, extra or
wrong layer shows up where it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from complexity.engine.walk import Report
from complexity.errors import MbcalcError

INSTALL_HINT = "install the reference extra: pip install 'mbcalc[reference]'"

ShapeKey = tuple[int, ...] | None
"""A feature map as (C, H, W) — (F, 1, 1) for a linear layer's features — or None if unknown."""

Progress = Callable[[str], None]
"""Told what the referee is doing ("building model…"), for a progress line."""


@dataclass(frozen=True)
class Measured:
    """One layer's counts; ``madds`` is None where the framework does not count them."""

    name: str
    params: int
    madds: int | None
    shape_madds: int | None = None
    """MAdds from the layer's recorded shapes (k·k·cin/g·cout·H·W, in·out), for a conv or linear."""
    input: ShapeKey = None
    output: ShapeKey = None

    @property
    def counts(self) -> tuple[int, int | None]:
        return (self.params, self.madds)


@dataclass(frozen=True)
class Measurement:
    """A model's layers and its totals, each total measured on the whole model."""

    layers: list[Measured]
    params: int
    """Every parameter of the model once (``model.parameters()`` deduplicates shared ones)."""
    madds: int | None
    """``FlopCounterMode``'s total / 2 per input image, or None where not measured."""
    shape_madds: int | None = None
    """The sum of the conv and linear layers' MAdds from their recorded shapes."""


@dataclass(frozen=True)
class Pair:
    """A spec row beside the model layer it was paired with (either may be missing)."""

    ours: Measured | None
    theirs: Measured | None

    @property
    def ok(self) -> bool:
        if self.ours is None or self.theirs is None:
            return False
        return self.ours.params == self.theirs.params and all(
            theirs is None or theirs == self.ours.madds
            for theirs in (self.theirs.madds, self.theirs.shape_madds))


@dataclass(frozen=True)
class Verification:
    """The paired layers and the totals of both sides."""

    pairs: list[Pair]
    params: tuple[int, int]
    madds: tuple[int, int | None]
    """The spec's MAdds and FlopCounterMode's."""
    shape_madds: tuple[int, int | None] = (0, None)
    """The spec's MAdds and the sum over the model's conv and linear layers' shapes."""
    problems: list[str] = field(default_factory=list)
    """Totals that differ, in words."""

    @property
    def ok(self) -> bool:
        return not self.problems and all(p.ok for p in self.pairs)


def _shape(row_shape: Any) -> tuple[int, ...]:
    return tuple(row_shape.as_list())


def spec_layers(report: Report) -> list[Measured]:
    """The spec's rows that have a cost, as frameworks split them (SE as its two 1×1 convs)."""
    measured = []
    for row in report.rows:
        if row.kind == "se":
            c, c_r = row.values["C"], row.values["C_r"]
            bias = row.params > 2 * c * c_r
            measured += [
                Measured(f"{row.name}.fc1", c * c_r + (c_r if bias else 0), c * c_r, None,
                         (c, 1, 1), (c_r, 1, 1)),
                Measured(f"{row.name}.fc2", c_r * c + (c if bias else 0), c_r * c, None,
                         (c_r, 1, 1), (c, 1, 1)),
            ]
        elif row.params or row.madds:
            measured.append(Measured(row.name, row.params, row.madds, None, _shape(row.input),
                                     _shape(row.output)))
    return measured


def align(ours: list[Measured], theirs: list[Measured]) -> list[Pair]:
    """Pair the spec's layers with the model's by shapes and counts, whatever order they run in.

    First a model layer with the same input and output shapes and the same counts (the first
    unused one in run order, so repeated blocks pair in order), then one with the same counts;
    a model layer whose MAdds were not measured pairs on params. What is left pairs with the
    model layer nearest where it should be, preferring the same input shape, as a mismatch; model
    layers that pair with nothing are listed where they ran.
    """
    queues: dict[Any, list[int]] = defaultdict(list)
    for j, t in enumerate(theirs):
        counts = (t.params, t.madds) if t.madds is not None else (t.params,)
        queues[(counts, t.input, t.output)].append(j)
        queues[counts].append(j)
    used = [False] * len(theirs)
    partner: list[int | None] = [None] * len(ours)

    def take(key: Any, after: int | None) -> int | None:
        """The model layer right after ``after`` if it has ``key``, else the first unused."""
        candidates = queues.get(key, ())
        if after is not None and after + 1 in candidates and not used[after + 1]:
            used[after + 1] = True
            return after + 1
        for j in candidates:
            if not used[j]:
                used[j] = True
                return j
        return None

    for with_shapes in (True, False):
        for i, m in enumerate(ours):
            if partner[i] is not None:
                continue
            for counts in ((m.params, m.madds), (m.params,)):
                j = take((counts, m.input, m.output) if with_shapes else counts,
                         partner[i - 1] if i else None)
                if j is not None:
                    partner[i] = j
                    break
    _pair_leftovers(ours, theirs, partner, used)
    placed: list[tuple[tuple[int, int, int], Pair]] = []
    for i, m in enumerate(ours):
        j = partner[i]
        placed.append(((i, 0, 0), Pair(m, theirs[j] if j is not None else None)))
    for j, t in enumerate(theirs):
        if used[j]:
            continue
        before = [i for i, k in enumerate(partner) if k is not None and k < j]
        last = max(before) if before else -1
        placed.append(((last, 1, j), Pair(None, t)))
    return [pair for _, pair in sorted(placed, key=lambda item: item[0])]


def _pair_leftovers(ours: list[Measured], theirs: list[Measured], partner: list[int | None],
                    used: list[bool]) -> None:
    """Pair each unpaired spec layer with the unused model layer nearest the place its
    neighbours point to, one with the same input shape first."""
    for i, m in enumerate(ours):
        if partner[i] is not None:
            continue
        previous = [partner[k] for k in range(i - 1, -1, -1) if partner[k] is not None]
        expected = (previous[0] + 1) if previous else 0  # type: ignore[operator]
        free = [j for j in range(len(theirs)) if not used[j]]
        if not free:
            return
        same_input = [j for j in free if m.input is not None and theirs[j].input == m.input]
        nearby = [j for j in (same_input or free) if abs(j - expected) <= 8]
        if not nearby:
            continue
        j = min(nearby, key=lambda k: (abs(k - expected), k))
        used[j] = True
        partner[i] = j


def verify(report: Report, theirs: list[Measured] | Measurement) -> Verification:
    """Compare a costed spec with a measured model: every layer and every total."""
    if not isinstance(theirs, Measurement):
        madds = [m.madds for m in theirs]
        theirs = Measurement(theirs, sum(m.params for m in theirs),
                             None if None in madds else sum(m for m in madds if m))
    problems = []
    if report.params != theirs.params:
        problems.append(f"params: spec {report.params:,}, model {theirs.params:,}")
    if theirs.madds is not None and report.madds != theirs.madds:
        problems.append(f"MAdds: spec {report.madds:,}, model {theirs.madds:,} (FlopCounterMode)")
    if theirs.shape_madds is not None and report.madds != theirs.shape_madds:
        problems.append(f"MAdds: spec {report.madds:,}, model {theirs.shape_madds:,} (from the "
                        "conv and linear layers' shapes)")
    return Verification(
        pairs=align(spec_layers(report), theirs.layers),
        params=(report.params, theirs.params),
        madds=(report.madds, theirs.madds),
        shape_madds=(report.madds, theirs.shape_madds),
        problems=problems,
    )


def _feature_map(shape: Any, channels_last: bool = False) -> ShapeKey:
    """A tensor's shape without its batch, as (C, H, W); a linear's (…, F) as (F, …)."""
    dims = tuple(int(n) for n in shape[1:])
    if not dims:
        return None
    if channels_last:
        dims = (dims[-1], *dims[:-1])
    return dims + (1,) * (3 - len(dims)) if len(dims) < 3 else dims


def _shape_madds(module: Any, x: Any, y: Any, batch: int) -> int | None:
    """A conv's or linear's MAdds from its shapes: weight numel (k·k·cin/g·cout) × output
    positions; in·out × the rows it is applied to."""
    import torch

    if isinstance(module, torch.nn.modules.conv._ConvNd):
        positions = x.shape[2:] if module.transposed else y.shape[2:]
        total = module.weight.numel()
        for n in positions:
            total *= int(n)
        return total
    if isinstance(module, torch.nn.Linear):
        return module.in_features * module.out_features * (x.numel() // module.in_features) \
            // batch
    return None


def measure_torch(model: Any, resolution: int, in_channels: int = 3, training: bool = False,
                  progress: Progress | None = None) -> Measurement:
    """Every parameter of ``model``, and its MAdds on one zeros input of ``in_channels`` ×
    ``resolution``², layer by layer.

    A leaf module with parameters is one layer; a non-leaf module holding parameters of its
    own (a block's layer scale) is one more, with unknown MAdds; a parameter shared by several
    modules counts once, with the first. In eval mode by default; ``training`` runs a batch of
    two in training mode instead, so that auxiliary heads (which torch models run only while
    training) are counted too. A module that never runs is listed with its params and unknown
    MAdds.
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    batch = 2 if training else 1
    model.train(training)
    named = list(model.named_modules())
    leaves = {module: name for name, module in named
              if not any(module.children()) and any(True for _ in module.parameters(recurse=False))}
    order: list[Any] = []
    seen_shapes: dict[Any, tuple[ShapeKey, ShapeKey, int | None]] = {}

    def record(module: Any, args: Any, output: Any) -> None:
        order.append(module)
        x = args[0] if args and isinstance(args[0], torch.Tensor) else None
        if x is None or not isinstance(output, torch.Tensor) or module in seen_shapes:
            return
        last = isinstance(module, torch.nn.Linear | torch.nn.LayerNorm)
        seen_shapes[module] = (_feature_map(x.shape, last), _feature_map(output.shape, last),
                               _shape_madds(module, x, output, batch))

    hooks = [m.register_forward_hook(record) for m in leaves]
    if progress:
        progress(f"running forward at {resolution}×{resolution} …")
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(torch.zeros(batch, in_channels, resolution, resolution))
    except Exception as exc:  # noqa: BLE001 - the model cannot run: one line, exit 2
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise MbcalcError(f"the model cannot run on a {batch}×{in_channels}×{resolution}×"
                          f"{resolution} input ({type(exc).__name__}: {first})") from None
    finally:
        for hook in hooks:
            hook.remove()
    flops = counter.get_flop_counts()  # keyed "<root class>.<module path>"
    root = type(model).__name__
    counted: set[int] = set()

    def own(module: Any, recurse: bool) -> int:
        total = 0
        for p in module.parameters(recurse=recurse):
            if id(p) not in counted:
                counted.add(id(p))
                total += p.numel()
        return total

    measured, done = [], set()
    for module in [*order, *leaves]:
        if module in done or module not in leaves:
            continue
        done.add(module)
        ran = module in seen_shapes or module in order
        flop_count = sum(flops.get(f"{root}.{leaves[module]}", {}).values())
        x_shape, y_shape, by_shape = seen_shapes.get(module, (None, None, None))
        measured.append(Measured(leaves[module], own(module, False),
                                 flop_count // (2 * batch) if ran else None,
                                 by_shape, x_shape, y_shape))
    for name, module in named:  # parameters held by non-leaf modules: a layer scale, a token
        if module in leaves:
            continue
        held = own(module, False)
        if held:
            names = ", ".join(n for n, _ in module.named_parameters(recurse=False))
            measured.append(Measured(f"{name or root}.{names}" if name else names, held, None))
    params = sum(p.numel() for p in model.parameters())
    shape_total = sum(m.shape_madds for m in measured if m.shape_madds is not None)
    return Measurement(measured, params, counter.get_total_flops() // (2 * batch), shape_total)


def has_side_branch(items: list[Any]) -> bool:
    """Whether a spec has a side branch (an auxiliary head) that runs, at any depth: then
    its reference runs in training mode, where frameworks run such heads."""
    from complexity.language.containers import Concat, Repeat, Residual, Sequence, Side

    for item in items:
        if isinstance(item, Side) and item.enabled and item.run:
            return True
        nested = (item.branches if isinstance(item, Concat)
                  else [item.layers, item.shortcut] if isinstance(item, Residual)
                  else [item.layers, *(item.bodies or [])] if isinstance(item, Repeat)
                  else [item.layers] if isinstance(item, Sequence) else [])
        if any(has_side_branch(list(group)) for group in nested):
            return True
    return False


def _run_order(model: Any) -> list[Any]:
    """A functional Keras model's layers in the order a forward pass runs them: post-order from
    the outputs, each layer's inputs in their order (a concat's branches left to right), the
    longer input of an add (the body) before the shorter (the shortcut). ``model.layers``
    sorts by graph depth instead, interleaving parallel branches."""
    depths: dict[tuple[int, int], int] = {}

    def history(tensor: Any) -> tuple[Any, Any]:
        layer, node_index, _ = tensor._keras_history
        return layer, layer._inbound_nodes[node_index]

    def depth(tensor: Any) -> int:
        layer, node = history(tensor)
        key = (id(layer), id(node))
        if key not in depths:
            depths[key] = 1 + max((depth(t) for t in node.input_tensors), default=0)
        return depths[key]

    seen: set[int] = set()
    order: list[Any] = []

    def visit(tensor: Any) -> None:
        layer, node = history(tensor)
        if id(layer) in seen:
            return
        inputs = list(node.input_tensors)
        if type(layer).__name__ == "Add":
            inputs.sort(key=lambda t: -depth(t))
        for t in inputs:
            visit(t)
        seen.add(id(layer))
        order.append(layer)

    for output in model.outputs:
        visit(output)
    return order


def _weighted_layers(model: Any) -> list[Any]:
    """A Keras model's layers that hold weights, in the order they run."""
    try:
        layers = _run_order(model)
    except (AttributeError, IndexError, TypeError):
        layers = list(model.layers)  # not a functional graph we can follow
    return [layer for layer in _flatten(layers)
            if getattr(layer, "built", False) and layer.count_params()]


def measure_keras(model: Any, madds: dict[int, int] | None = None) -> list[Measured]:
    """Layers with parameters, in the order they run; a separable conv as its two halves.
    ``madds``: each layer's measured MAdds by ``id(layer)`` (a separable conv's halves are not
    measured apart: their MAdds stay unknown, their sum is in the model's total)."""
    measured = []
    for layer in _weighted_layers(model):
        params = layer.count_params()
        if type(layer).__name__ == "SeparableConv2D":
            depthwise = _size(layer.depthwise_kernel.shape)
            measured += [Measured(f"{layer.name}.depthwise", depthwise, None),
                         Measured(f"{layer.name}.pointwise", params - depthwise, None)]
        else:
            measured.append(Measured(layer.name, params, (madds or {}).get(id(layer))))
    return measured


def _flatten(layers: list[Any]) -> list[Any]:
    """Layers with the layers of a nested Sequential model (Keras's ConvNeXt stem and
    downsampling blocks) in its place, in the order it runs them."""
    flat = []
    for layer in layers:
        if type(layer).__name__ == "Sequential":
            flat += _flatten(list(layer.layers))
        else:
            flat.append(layer)
    return flat


def measure_keras_model(model: Any, progress: Progress | None = None) -> Measurement:
    """A Keras model's layers (``measure_keras``), all its weights once (``count_params``), and
    on Keras's torch backend its MAdds by ``FlopCounterMode`` on one zeros input: the total, and
    each layer's (what the counter adds up while that layer runs: Keras's layers are torch
    modules there, so hooks see each call). On another backend MAdds are not measured."""
    import keras

    if keras.backend.backend() != "torch":
        return Measurement(measure_keras(model), int(model.count_params()), None)
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    shape = [1 if n is None else int(n) for n in model.inputs[0].shape]
    if progress:
        progress(f"running forward on a {'×'.join(map(str, shape))} input …")
    flops: dict[int, int] = {}
    hooks = []
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        def before(layer: Any, _args: Any) -> None:
            flops[id(layer)] = flops.get(id(layer), 0) - counter.get_total_flops()

        def after(layer: Any, _args: Any, _output: Any) -> None:
            flops[id(layer)] += counter.get_total_flops()

        for layer in _weighted_layers(model):
            if isinstance(layer, torch.nn.Module):
                hooks += [layer.register_forward_pre_hook(before),
                          layer.register_forward_hook(after)]
        try:
            model(torch.zeros(shape), training=False)
        except Exception as exc:  # noqa: BLE001 - the model cannot run: one line, exit 2
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise MbcalcError(f"the model cannot run on a {'×'.join(map(str, shape))} input "
                              f"({type(exc).__name__}: {first})") from None
        finally:
            for hook in hooks:
                hook.remove()
    madds = {key: count // 2 for key, count in flops.items()}
    return Measurement(measure_keras(model, madds), int(model.count_params()),
                       counter.get_total_flops() // 2)


def _size(shape: Any) -> int:
    total = 1
    for n in shape:
        total *= int(n)
    return total


def torch_model(name: str, alpha: float, variables: dict[str, Any]) -> Any:
    """The torch reference for zoo network ``name``, built with the spec's variables."""
    import inspect

    try:
        from complexity.reference import torch_builders

        builders = torch_builders()
    except ImportError as exc:
        raise MbcalcError(
            f"mbcalc verify needs torch ({exc.name} is missing): {INSTALL_HINT}") from None
    if name not in builders:
        known = ", ".join(sorted(builders))
        raise MbcalcError(f"no torch reference model for '{name}' (there are: {known}); check "
                          "a spec against your own model with --reference FILE.py:CALLABLE")
    builder = builders[name]
    accepted = inspect.signature(builder).parameters
    if alpha != 1 and "alpha" not in accepted:
        raise MbcalcError(f"the reference {name} has no width multiplier; verify it at --alpha 1")
    kwargs = {k: v for k, v in variables.items() if k in accepted}
    if "alpha" in accepted:
        kwargs["alpha"] = alpha
    return builder(**kwargs)


def keras_model(name: str, alpha: float, resolution: int, variables: dict[str, Any]) -> Any:
    """The keras.applications network for zoo network ``name``."""
    try:
        from complexity.reference.keras_apps import build
    except ImportError as exc:
        raise MbcalcError(f"mbcalc verify --framework keras needs keras ({exc.name} is "
                          f"missing): {INSTALL_HINT}") from None
    return build(name, alpha, resolution, variables)
