"""Peer benchmark: fvcore on torchvision's mobilenet_v2, as one whole process.

Imports torch, builds the model, counts (FlopCountAnalysis traces one forward pass of a zeros
tensor); prints one JSON line. Exit status 3: a package is missing. Run by benchmarks/run.py
with --peer-python (see benchmarks/README.md).
"""

import json
import sys

try:
    import torch
    import torchvision
    from fvcore.nn import FlopCountAnalysis, parameter_count
except ImportError as e:
    print(f"not importable: {e}", file=sys.stderr)
    sys.exit(3)

model = torchvision.models.mobilenet_v2().eval()
flops = FlopCountAnalysis(model, torch.zeros(1, 3, 224, 224))
flops.unsupported_ops_warnings(False)
flops.uncalled_modules_warnings(False)
with torch.no_grad():
    total = flops.total()
print(json.dumps({"flops": int(total), "params": int(parameter_count(model)[""])}))
