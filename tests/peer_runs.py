"""What the installed peer counters print for a torch model (the referees of `--as PEER`).

Each function runs one peer exactly as its README shows, on an eval-mode model and a batch of
one, and returns (params, ops) as integers in the peer's own unit. Needs the `peers` extra.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any


def _quiet() -> contextlib.ExitStack:
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    return stack


def ptflops(model: Any, resolution: int, backend: str = "pytorch") -> tuple[int, int]:
    from ptflops import get_model_complexity_info

    with _quiet():
        macs, params = get_model_complexity_info(
            model.eval(), (3, resolution, resolution), as_strings=False,
            print_per_layer_stat=False, backend=backend)
    return int(params), int(macs)


def ptflops_aten(model: Any, resolution: int) -> tuple[int, int]:
    return ptflops(model, resolution, backend="aten")


def fvcore(model: Any, resolution: int) -> tuple[int, int]:
    import logging

    import torch
    from fvcore.nn import FlopCountAnalysis, parameter_count

    logging.getLogger("fvcore").setLevel(logging.ERROR)
    with _quiet(), torch.no_grad():
        flops = FlopCountAnalysis(model.eval(), torch.zeros(1, 3, resolution, resolution))
        total = flops.total()
    return int(parameter_count(model)[""]), int(total)


def thop(model: Any, resolution: int) -> tuple[int, int]:
    import torch
    from thop import profile

    with _quiet():
        ops, params = profile(model.eval(), inputs=(torch.zeros(1, 3, resolution, resolution),),
                              verbose=False)
    return int(params), int(ops)


def torchinfo(model: Any, resolution: int) -> tuple[int, int]:
    from torchinfo import summary

    with _quiet():
        stats = summary(model.eval(), input_size=(1, 3, resolution, resolution), verbose=0)
    return int(stats.total_params), int(stats.total_mult_adds)


def flopcounter(model: Any, resolution: int) -> tuple[int, int]:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    model.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, resolution, resolution))
    return sum(p.numel() for p in model.parameters()), int(counter.get_total_flops())


RUNS = {"ptflops": ptflops, "ptflops-aten": ptflops_aten, "fvcore": fvcore, "thop": thop,
        "torchinfo": torchinfo, "flopcounter": flopcounter}
"""Peer name (as `--as` spells it) → its run."""
