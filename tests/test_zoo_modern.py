"""EfficientNet, RegNet and ConvNeXt against the hand-written torch references of
``complexity/reference/modern.py`` (written from the papers): params under the paper and torch
conventions, MAdds = FlopCounterMode total / 2, at 224 and 160. The references are built on the
meta device: the counts need no weights and no arithmetic."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from complexity.engine.walk import walk  # noqa: E402
from complexity.language.zoo import resolve  # noqa: E402
from complexity.reference import modern  # noqa: E402

pytestmark = pytest.mark.reference


def torch_counts(name: str, resolution: int) -> tuple[int, int, int]:
    from torch.utils.flop_counter import FlopCounterMode

    builder = (modern.MODELS[name] if name in modern.MODELS
               else lambda: modern.efficientnet(phi=int(name[-1])))
    with torch.device("meta"):
        model = builder().eval()
    weights = sum(m.weight.numel() for m in model.modules()
                  if isinstance(m, nn.Conv2d | nn.Linear))
    every = sum(p.numel() for p in model.parameters())
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, resolution, resolution, device="meta"))
    return weights, every, counter.get_total_flops() // 2


@pytest.mark.parametrize("resolution", [224, 160])
@pytest.mark.parametrize("name", ["efficientnet_b0", "efficientnet_b3", "regnet_y_400mf",
                                  "regnet_x_400mf", "convnext_tiny"])
def test_matches_the_papers_reference(name: str, resolution: int) -> None:
    weights, every, madds = torch_counts(name, resolution)
    spec = resolve(name)
    paper = walk(spec, resolution=resolution, closed=False)
    torch_report = walk(spec, resolution=resolution, convention="torch", closed=False)
    assert (paper.params, torch_report.params, paper.madds) == (weights, every, madds)


def test_regnet_rule_gives_the_spec_tables() -> None:
    # The paper's quantised linear rule, worked out by the reference, against the spec's
    # per-stage depths, widths and group widths.
    for name in modern.REGNETS:
        variables = resolve(name).network.variables
        stages = modern.regnet_stages(*modern.REGNETS[name][:5])
        assert stages == [(variables[f"d{i}"], variables[f"w{i}"], variables[f"g{i}"])
                          for i in range(1, 5)], name


def test_published_figures() -> None:
    # torchvision's weight tables: ConvNeXt_Tiny num_params 28,589,128, GFLOPS 4.46;
    # EfficientNet_B0 5,288,548 / 0.39; RegNet_Y_400MF 4,344,144 / 0.40 (GFLOPS = MAdds).
    for name, params, gmadds in (("convnext_tiny", 28_589_128, "4.46"),
                                 ("efficientnet_b0", 5_288_548, "0.39"),
                                 ("regnet_y_400mf", 4_344_144, "0.40")):
        report = walk(resolve(name), convention="torch", closed=False)
        assert report.params == params, name
        assert f"{report.madds / 1e9:.2f}" == gmadds, name
