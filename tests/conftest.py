"""Shared test set-up: Keras runs on the torch backend (no TensorFlow needed)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
