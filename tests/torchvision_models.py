"""torchvision's own model of a zoo name, built without weights on a chosen device, for the
marked torchvision referees (tests/test_zoo_torchvision.py, tests/test_memory_torchvision.py)."""

from __future__ import annotations

from typing import Any

import pytest


def torchvision_model(name: str, device: str = "meta", **kwargs: Any) -> Any:
    """``torchvision.models.get_model(name, weights=None, **kwargs)`` in eval mode, its tensors
    made on ``device``; RegNet's block widths are still worked out on the CPU (with real
    tensors: the meta device has no values)."""
    torch = pytest.importorskip("torch")
    models = pytest.importorskip("torchvision.models")
    from torchvision.models import regnet

    plain = regnet.BlockParams.from_init_params.__func__

    def on_cpu(cls: type, *args: object, **kw: object) -> object:
        with torch.device("cpu"):
            return plain(cls, *args, **kw)

    with pytest.MonkeyPatch.context() as patch, torch.device(device):
        patch.setattr(regnet.BlockParams, "from_init_params", classmethod(on_cpu))
        return models.get_model(name, weights=None, **kwargs).eval()
