"""verify against torchvision's own models: skipped unless torchvision is installed. CI has no
torchvision (its torch differs from the pinned one); run it with the venv that has it:

    PYTHONPATH=. /work/venvs/tv/bin/python -m pytest tests/test_verify_torchvision.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from complexity.cli import app

torchvision = pytest.importorskip("torchvision")
pytestmark = pytest.mark.reference

MODELS = Path(__file__).resolve().parent / "models"


def test_regnet_runs_its_shortcut_first_and_verify_pairs_it(tmp_path: Path) -> None:
    # torchvision's RegNet computes proj(x) before f(x); an order-based matcher reported 14 false
    # mismatches here although every count is equal.
    reference = tmp_path / "tv_regnet.py"
    reference.write_text("import torchvision\n\n\ndef build():\n"
                         "    return torchvision.models.regnet_x_400mf()\n")
    result = CliRunner().invoke(app, ["verify", str(MODELS / "regnet_x_400mf.yaml"),
                                      "--reference", f"{reference}:build", "--format", "json"])
    assert result.exit_code == 0, result.stdout[-3000:] + result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["ok"] and all(layer["ok"] for layer in data["layers"])
    assert data["params"] == [5_495_976, 5_495_976]  # torchvision's documented num_params


def test_convnext_layer_scale_is_counted() -> None:
    from complexity.analysis.verify import measure_torch

    model = torchvision.models.convnext_tiny()
    measured = measure_torch(model, 224)
    assert measured.params == sum(p.numel() for p in model.parameters()) == 28_589_128
    scales = [m for m in measured.layers if m.name.endswith("layer_scale")]
    # One per block, 96·3 + 192·3 + 384·9 + 768·3: what a spec without them lacks.
    assert len(scales) == 18 and sum(m.params for m in scales) == 6_624
    assert sum(m.params for m in measured.layers) == measured.params
    assert measured.madds == measured.shape_madds
