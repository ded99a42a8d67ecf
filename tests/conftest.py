"""Shared test set-up: Keras runs on the torch backend (no TensorFlow needed); a cache directory
of the run's own; golden files."""

import atexit
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
# The cache of validated specs (complexity/language/cache.py): one of the run's own, not the
# user's ~/.cache/mbcalc (subprocesses inherit it).
os.environ["MBCALC_CACHE_DIR"] = tempfile.mkdtemp(prefix="mbcalc-test-cache-")
atexit.register(shutil.rmtree, os.environ["MBCALC_CACHE_DIR"], True)
os.environ.pop("MBCALC_NO_CACHE", None)
# One torch thread: the reference models are small, and threads only contend on a shared CPU.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/* from the current output instead of comparing.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


try:
    from hypothesis import HealthCheck, settings

    # CI: a fixed seed and a bounded number of examples. Locally, for a longer hunt:
    #   HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py
    settings.register_profile("ci", max_examples=60, derandomize=True, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("long", max_examples=3000, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # hypothesis is in the test extra; without it the fuzz tests skip
    pass
