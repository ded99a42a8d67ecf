#!/bin/sh
# The zoo's EfficientNet, EfficientNetV2, RegNet and ConvNeXt members against torchvision
# 0.29.1's own models (tests/test_zoo_torchvision.py, deselected from the default run): params
# under paper and torch, MAdds at 224, 160 and each network's own size. Needs a Python with
# torch and torchvision (default: the machine's /work/venvs/tv; TV_PYTHON=... to choose).
set -e
cd "$(dirname "$0")/.."
PYTHONPATH=. exec "${TV_PYTHON:-/work/venvs/tv/bin/python}" -m pytest -q -p no:cacheprovider \
    -m torchvision tests/test_zoo_torchvision.py "$@"
