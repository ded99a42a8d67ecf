"""Peer benchmark: ptflops on torchvision's mobilenet_v2, as one whole process.

Imports torch, builds the model, counts; prints one JSON line. Exit status 3: a package is
missing. Run by benchmarks/run.py with --peer-python (see benchmarks/README.md).
"""

import json
import sys

try:
    import torch  # noqa: F401  (timed: the import is part of the cost)
    import torchvision
    from ptflops import get_model_complexity_info
except ImportError as e:
    print(f"not importable: {e}", file=sys.stderr)
    sys.exit(3)

model = torchvision.models.mobilenet_v2()
macs, params = get_model_complexity_info(
    model, (3, 224, 224), as_strings=False, print_per_layer_stat=False
)
print(json.dumps({"macs": int(macs), "params": int(params)}))
