"""The round-trip check of ``mbcalc import --check``: the imported spec beside the model.

At the traced size and at 5/7 of it (224 → 160), the spec is walked and the model counted by its
framework: for torch, params under the torch convention against ``sum(p.numel())``, under the
paper convention against the conv and linear weights, MAdds against ``FlopCounterMode`` / 2
(eval mode). For ONNX, the file's own numbers at each size (onnx shape inference with the input
resized): initializer sizes and conv / Gemm / MatMul multiply-adds from the inferred shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from complexity.importers import Imported
from complexity.render.tables import Cell, Table


@dataclass(frozen=True)
class CheckResult:
    """The comparison table(s) and whether every number agreed."""

    tables: list[Table]
    ok: bool


def other_resolution(traced: int) -> int:
    """The second size checked: round(5/7 of the traced size), 160 for 224."""
    return max(1, (traced * 5 + 3) // 7)


def _spec(imported: Imported, size: int) -> dict[str, int]:
    from complexity.engine.walk import walk

    torch_report = walk(imported.spec, resolution=size, convention="torch", closed=False)
    paper_report = walk(imported.spec, resolution=size, convention="paper", closed=False)
    return {"params (torch)": torch_report.params, "params (paper)": paper_report.params,
            "MAdds": torch_report.madds}


def _table(title: str, side: str, results: list[tuple[int, dict[str, int], dict[str, int]]],
           notes: list[str]) -> CheckResult:
    rows: list[list[Cell]] = []
    ok = True
    for size, ours, theirs in results:
        for key, value in ours.items():
            same = theirs.get(key) == value
            ok &= same
            rows.append([size, key, value, theirs.get(key, "n/a"), "✓" if same else "✗"])
    return CheckResult([Table(title=title, columns=["resolution", "count", "spec", side, ""],
                              rows=rows, notes=notes)], ok)


def torch_counts(model: Any, size: int, channels: int) -> dict[str, int]:
    """What torch says of ``model`` at ``size``: params, conv + linear weights, MAdds (eval)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    was_training = [m.training for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(torch.zeros(1, channels, size, size))
    finally:
        for module, flag in zip(model.modules(), was_training, strict=True):
            module.training = flag
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)))
    return {"params (torch)": sum(p.numel() for p in model.parameters()),
            "params (paper)": weights, "MAdds": counter.get_total_flops() // 2}


def check_torch(imported: Imported, model: Any) -> CheckResult:
    """The imported spec against the torch model at the traced size and 5/7 of it."""
    channels = imported.spec.network.in_channels
    results = [(size, _spec(imported, size), torch_counts(model, size, channels))
               for size in (imported.resolution, other_resolution(imported.resolution))]
    return _table(f"{imported.spec.network.name}: imported spec vs torch", "torch", results,
                  ["torch: sum(p.numel()), conv and linear weights, FlopCounterMode / 2 "
                   "(eval mode)"])


def check_onnx(imported: Imported, path: Any) -> CheckResult:
    """The imported spec against the ONNX file's own counts at the traced size and 5/7 of it."""
    from complexity.errors import MbcalcError
    from complexity.importers.onnx import counts

    notes = ["onnx: initializers of conv, Gemm, MatMul, BatchNormalization and "
             "LayerNormalization (scale, bias) and of per-channel Mul (layer scale); "
             "multiply-adds of conv, Gemm and MatMul from shape inference"]
    results = [(imported.resolution, _spec(imported, imported.resolution),
                counts(path, imported.resolution))]
    other = other_resolution(imported.resolution)
    try:
        results.append((other, _spec(imported, other), counts(path, other)))
    except MbcalcError as exc:  # the file works at its own size only: say so, check that one
        notes.append(f"{other}: not checked: {exc}")
    return _table(f"{imported.spec.network.name}: imported spec vs ONNX", "onnx", results,
                  notes)
