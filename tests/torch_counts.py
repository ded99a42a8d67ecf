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
