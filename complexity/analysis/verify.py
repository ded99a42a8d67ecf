"""Checking a spec against a real model: layer by layer, params and MAdds, side by side.

The real model is a hand-written torch reference (``complexity.reference``) or a
``keras.applications`` network. Its layers are measured in the order they run: params by
``numel()`` / ``count_params()``, MAdds by torch's ``FlopCounterMode`` (2 FLOPs per multiply-add).
The spec's rows and the model's layers are aligned by their counts, so a missing, extra or
wrong layer shows up where it is.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from complexity.engine.walk import Report
from complexity.errors import MbcalcError

INSTALL_HINT = "install the reference extra: pip install 'mbcalc[reference]'"


@dataclass(frozen=True)
class Measured:
    """One layer's counts; ``madds`` is None where the framework does not count them."""

    name: str
    params: int
    madds: int | None


@dataclass(frozen=True)
class Pair:
    """A spec row beside the model layer it was aligned with (either may be missing)."""

    ours: Measured | None
    theirs: Measured | None

    @property
    def ok(self) -> bool:
        if self.ours is None or self.theirs is None:
            return False
        madds_ok = self.theirs.madds is None or self.theirs.madds == self.ours.madds
        return self.ours.params == self.theirs.params and madds_ok


@dataclass(frozen=True)
class Verification:
    """The aligned layers and the totals of both sides."""

    pairs: list[Pair]
    params: tuple[int, int]
    madds: tuple[int, int | None]

    @property
    def ok(self) -> bool:
        madds_ok = self.madds[1] is None or self.madds[0] == self.madds[1]
        return self.params[0] == self.params[1] and madds_ok and all(p.ok for p in self.pairs)


def spec_layers(report: Report) -> list[Measured]:
    """The spec's rows that have a cost, as frameworks split them (SE as its two 1×1 convs)."""
    measured = []
    for row in report.rows:
        if row.kind == "se":
            c, c_r = row.values["C"], row.values["C_r"]
            bias = row.params > 2 * c * c_r
            measured += [
                Measured(f"{row.name}.fc1", c * c_r + (c_r if bias else 0), c * c_r),
                Measured(f"{row.name}.fc2", c_r * c + (c if bias else 0), c_r * c),
            ]
        elif row.params or row.madds:
            measured.append(Measured(row.name, row.params, row.madds))
    return measured


def align(ours: list[Measured], theirs: list[Measured]) -> list[Pair]:
    """Pair the two lists in order, matching equal counts and marking the rest."""
    def key(m: Measured, with_madds: bool) -> tuple[int, int | None]:
        return (m.params, m.madds if with_madds else None)

    with_madds = all(m.madds is not None for m in theirs)
    matcher = difflib.SequenceMatcher(
        None, [key(m, with_madds) for m in ours], [key(m, with_madds) for m in theirs],
        autojunk=False,
    )
    pairs: list[Pair] = []
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs += _pair_unordered(ours[i1:i2], theirs[j1:j2], with_madds)
    return _pair_strays(pairs, with_madds)


def _pair_strays(pairs: list[Pair], with_madds: bool) -> list[Pair]:
    """Pair a spec row left alone with an equal model layer left alone elsewhere (a model may
    define, and so list, an idle aux head far from where it branches off)."""
    def key(m: Measured) -> tuple[int, int | None]:
        return (m.params, m.madds if with_madds else None)

    strays = [p.theirs for p in pairs if p.ours is None and p.theirs is not None]
    taken: set[int] = set()
    result = []
    for pair in pairs:
        if pair.theirs is None and pair.ours is not None:
            twin = next((i for i, t in enumerate(strays)
                         if i not in taken and key(t) == key(pair.ours)), None)
            if twin is not None:
                taken.add(twin)
                pair = Pair(pair.ours, strays[twin])
        result.append(pair)
    used = {id(strays[i]) for i in taken}
    return [p for p in result if not (p.ours is None and id(p.theirs) in used)]


def _pair_unordered(a: list[Measured], b: list[Measured], with_madds: bool) -> list[Pair]:
    """Pair equal counts regardless of order (a framework may run a block's shortcut before
    its body), then the rest side by side as mismatches."""
    def key(m: Measured) -> tuple[int, int | None]:
        return (m.params, m.madds if with_madds else None)

    left = list(b)
    pairs, unmatched = [], []
    for m in a:
        twin = next((t for t in left if key(t) == key(m)), None)
        if twin is None:
            unmatched.append(m)
        else:
            left.remove(twin)
            pairs.append(Pair(m, twin))
    for k in range(max(len(unmatched), len(left))):
        pairs.append(Pair(unmatched[k] if k < len(unmatched) else None,
                          left[k] if k < len(left) else None))
    return pairs


def verify(report: Report, theirs: list[Measured]) -> Verification:
    """Compare a costed spec with a measured model."""
    measured_madds = [m.madds for m in theirs]
    total_madds = None if None in measured_madds else sum(m for m in measured_madds if m)
    return Verification(
        pairs=align(spec_layers(report), theirs),
        params=(report.params, sum(m.params for m in theirs)),
        madds=(report.madds, total_madds),
    )


def measure_torch(model: Any, resolution: int, in_channels: int = 3,
                  training: bool = False) -> list[Measured]:
    """Leaf modules with parameters, in the order they run once on a zeros input.

    In eval mode by default; ``training`` runs a batch of two in training mode instead, so that
    auxiliary heads (which torch models run only while training) are counted too. A module
    that never runs (an aux head in eval mode) is listed with its params and no MAdds.
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    batch = 2 if training else 1
    model.train(training)
    names = {
        module: name
        for name, module in model.named_modules()
        if not any(module.children()) and any(True for _ in module.parameters(recurse=False))
    }
    order: list[Any] = []
    hooks = [m.register_forward_pre_hook(lambda m, _args: order.append(m)) for m in names]
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(torch.zeros(batch, in_channels, resolution, resolution))
    finally:
        for hook in hooks:
            hook.remove()
    flops = counter.get_flop_counts()  # keyed "<root class>.<module path>"
    root = type(model).__name__
    measured, seen = [], set()
    for module in [*order, *names]:
        if module in seen:
            continue
        seen.add(module)
        ran = module in order
        flop_count = sum(flops.get(f"{root}.{names[module]}", {}).values())
        madds = flop_count // (2 * batch) if ran else 0
        params = sum(p.numel() for p in module.parameters())
        measured.append(Measured(names[module], params, madds))
    return measured


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


def measure_keras(model: Any) -> list[Measured]:
    """Layers with parameters, in the order they run; a separable conv as its two halves."""
    try:
        layers = _run_order(model)
    except (AttributeError, IndexError, TypeError):
        layers = list(model.layers)  # not a functional graph we can follow
    measured = []
    for layer in layers:
        params = layer.count_params() if getattr(layer, "built", False) else 0
        if not params:
            continue
        if type(layer).__name__ == "SeparableConv2D":
            depthwise = _size(layer.depthwise_kernel.shape)
            measured += [Measured(f"{layer.name}.depthwise", depthwise, None),
                         Measured(f"{layer.name}.pointwise", params - depthwise, None)]
        else:
            measured.append(Measured(layer.name, params, None))
    return measured


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
        raise MbcalcError(f"no torch reference model for '{name}' (there are: {known})")
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
