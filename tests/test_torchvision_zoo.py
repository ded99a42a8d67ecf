"""The zoo's torchvision names, exact against torchvision's own models (torchvision 0.29.1).

For every name: ``mbcalc NAME --format json`` (paper convention) gives params = the numel of the
conv and linear weights, ``--convention torch`` gives Σ numel(model.parameters()), and the MAdds
equal FlopCounterMode's total / 2 for an eval-mode forward pass, at 224 and at 160.

The models are built on torch's meta device (shapes only: no weights allocated, no arithmetic
run), which is how FlopCounterMode counts anyway. Deselected by default (the ``torchvision``
marker; see pyproject's addopts), and skipped where torchvision is absent. Run it with the
venv that has torchvision, from the checkout::

    PYTHONPATH=. /work/venvs/tv/bin/python -m pytest -m torchvision tests/test_torchvision_zoo.py

or print the figures (one line per name and size) with::

    PYTHONPATH=. /work/venvs/tv/bin/python tests/test_torchvision_zoo.py
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

TORCHVISION_NAMES = [
    "alexnet",
    "densenet121", "densenet161", "densenet169", "densenet201",
    "googlenet", "inception_v3",
    "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
    "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
    "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    "squeezenet1_0", "squeezenet1_1",
    "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "wide_resnet50_2", "wide_resnet101_2",
]
"""torchvision.models builder names that are zoo names (the classification CNNs)."""
RESOLUTIONS = [224, 160]
BUILD_ARGS: dict[str, dict[str, Any]] = {
    "googlenet": {"aux_logits": False, "init_weights": False},
    "inception_v3": {"aux_logits": False, "init_weights": False},
}
"""GoogLeNet and Inception v3 as torchvision ships them trained: ``googlenet(weights=...)``
drops the auxiliary heads (aux_logits=False), which is the zoo's default too; built without
weights torchvision would keep them (their params counted, their MAdds not run in eval mode)."""

pytestmark = pytest.mark.torchvision


def torchvision_counts(name: str, resolution: int) -> dict[str, int]:
    """torchvision's own model: weights, all parameters, eval-mode MAdds (FlopCounterMode / 2)."""
    torch = pytest.importorskip("torch")
    models = pytest.importorskip("torchvision.models")
    from torch import nn
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"):
        model = models.get_model(name, weights=None, **BUILD_ARGS.get(name, {})).eval()
        x = torch.zeros(1, 3, resolution, resolution)
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(x)
    flops = int(counter.get_total_flops())
    assert flops % 2 == 0
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, nn.Conv2d | nn.Linear))
    return {"weights": weights, "params": sum(p.numel() for p in model.parameters()),
            "madds": flops // 2}


def mbcalc_counts(name: str, resolution: int) -> dict[str, int]:
    """``mbcalc NAME --format json`` under the paper and the torch conventions."""
    from typer.testing import CliRunner

    from complexity.cli import app

    totals = {}
    for convention in ("paper", "torch"):
        result = CliRunner().invoke(app, [name, "--format", "json", "--resolution",
                                          str(resolution), "--convention", convention])
        assert result.exit_code == 0, result.output
        totals[convention] = json.loads(result.stdout)["totals"]
    assert totals["paper"]["madds"] == totals["torch"]["madds"]
    return {"weights": totals["paper"]["params"], "params": totals["torch"]["params"],
            "madds": totals["paper"]["madds"]}


@pytest.mark.parametrize("resolution", RESOLUTIONS)
@pytest.mark.parametrize("name", TORCHVISION_NAMES)
def test_zoo_name_equals_torchvision(name: str, resolution: int) -> None:
    expected = torchvision_counts(name, resolution)
    assert mbcalc_counts(name, resolution) == expected


def main() -> int:
    """Print mbcalc beside torchvision for every name and size; exit 1 on any difference."""
    failed = 0
    print(f"{'name':20} {'R':>4} {'weights':>12} {'params (torch)':>15} {'MAdds':>15}  exact")
    for name in TORCHVISION_NAMES:
        for resolution in RESOLUTIONS:
            expected: Any = torchvision_counts(name, resolution)
            try:
                got: Any = mbcalc_counts(name, resolution)
            except AssertionError as exc:
                got = str(exc).strip().splitlines()[0]
            ok = got == expected
            failed += not ok
            print(f"{name:20} {resolution:>4} {expected['weights']:>12,} "
                  f"{expected['params']:>15,} {expected['madds']:>15,}  "
                  f"{'yes' if ok else f'NO: mbcalc {got}'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
