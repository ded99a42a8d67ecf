"""What real torch layers count, for the tests that hold the engine to them."""

from __future__ import annotations

from typing import Any


def torch_madds(module: Any, x: Any) -> int:
    """Multiply-adds of one eval-mode forward pass: FlopCounterMode's flops / 2."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    module.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(x)
    flops = int(counter.get_total_flops())
    assert flops % 2 == 0, f"odd flop count {flops}"
    return flops // 2


def input_shapes(model: Any, layers: list[Any], resolution: int) -> dict[Any, Any]:
    """The input shape each of ``layers`` sees in one forward pass of ``model`` on zeros,
    in the order the layers run."""
    import torch

    shapes: dict[Any, Any] = {}
    hooks = [layer.register_forward_pre_hook(
        lambda module, args: shapes.__setitem__(module, args[0].shape)) for layer in layers]
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, resolution, resolution))
    finally:
        for hook in hooks:
            hook.remove()
    return shapes
