"""The zoo's EfficientNet, EfficientNetV2, RegNet and ConvNeXt families against torchvision's
own models: params (conv and linear weights under ``paper``, every parameter under ``torch``)
and MAdds (FlopCounterMode total / 2, eval mode) at 224, 160 and the network's own size.

Needs torchvision, which the default run does not install: marked ``torchvision`` and
deselected by default. Run it with the torch 2.14.1 + torchvision 0.29.1 venv:
``benchmarks/torchvision_referee.sh`` (or ``PYTHONPATH=. /work/venvs/tv/bin/python -m pytest
-m torchvision tests/test_zoo_torchvision.py``). Models are built on the meta device: no weights
are initialised and no arithmetic runs, only the counting.
"""

from __future__ import annotations

import pytest

from complexity.engine.walk import walk
from complexity.language import zoo
from tests.torchvision_models import torchvision_model

pytestmark = pytest.mark.torchvision

NAMES = [
    *(f"efficientnet_b{i}" for i in range(8)),
    "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
    *(f"regnet_x_{s}" for s in ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf")),
    *(f"regnet_y_{s}" for s in ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf",
                                "128gf")),
    "convnext_tiny", "convnext_small", "convnext_base", "convnext_large",
]


def counts(name: str, resolution: int) -> tuple[int, int, int]:
    """torchvision's model ``name``: conv + linear weights, every parameter, MAdds."""
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    model = torchvision_model(name, "meta")
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)))
    every = sum(p.numel() for p in model.parameters())
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, resolution, resolution, device="meta"))
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    return weights, every, flops // 2


@pytest.mark.parametrize("name", NAMES)
def test_matches_torchvision(name: str) -> None:
    spec = zoo.resolve(name)
    for resolution in sorted({224, 160, spec.network.resolution}):
        weights, every, madds = counts(name, resolution)
        paper = walk(spec, resolution=resolution, closed=False)
        torch_report = walk(spec, resolution=resolution, convention="torch", closed=False)
        assert (paper.params, torch_report.params, paper.madds) == (weights, every, madds), (
            f"{name} at {resolution}: (paper params, torch params, MAdds)")
