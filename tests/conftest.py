"""Shared test set-up: Keras runs on the torch backend (no TensorFlow needed); golden files."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/* from the current output instead of comparing.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
