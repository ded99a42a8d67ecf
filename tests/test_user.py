"""Loading a user's model from ``file.py:callable`` or ``module:callable``."""

from __future__ import annotations

from pathlib import Path

import pytest

from complexity.errors import MbcalcError
from complexity.reference.user import build_model, framework_of, load_callable, parse_arguments


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "user_net.py"
    path.write_text(text)
    return path


def test_file_callable_with_arguments(tmp_path: Path) -> None:
    path = _write(tmp_path, "def net(width=8, bias=False):\n    return ('net', width, bias)\n")
    built = build_model(f"{path}:net", parse_arguments(["width=16", "bias=true"]))
    assert built == ("net", 16, True)


def test_module_callable() -> None:
    assert load_callable("fractions:Fraction")(3, 4) == 0.75


@pytest.mark.parametrize(("ref", "message"), [
    ("no_colon.py", "FILE.py:CALLABLE"),
    ("{path}:missing", "has no 'missing' (it has: net)"),
    ("{path}:VALUE", "is a int, not a callable"),
    ("/nonexistent/x.py:net", "no such file"),
    ("no_such_module_xyz:net", "cannot import module"),
])
def test_bad_references(tmp_path: Path, ref: str, message: str) -> None:
    path = _write(tmp_path, "VALUE = 3\ndef net():\n    return 1\n")
    with pytest.raises(MbcalcError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_callable(ref.format(path=path))


def test_user_code_failures_are_one_line(tmp_path: Path) -> None:
    broken = _write(tmp_path, "raise RuntimeError('boom')\n")
    with pytest.raises(MbcalcError, match="running it failed .RuntimeError: boom."):
        load_callable(f"{broken}:net")
    failing = tmp_path / "failing.py"
    failing.write_text("def net(width):\n    raise ValueError(f'bad width {width}')\n")
    with pytest.raises(MbcalcError, match="building the model failed .ValueError: bad width 3."):
        build_model(f"{failing}:net", {"width": 3})


@pytest.mark.parametrize("item", ["noequals", "1x=2", "=3", "x=[1, 2]"])
def test_bad_arguments(item: str) -> None:
    with pytest.raises(MbcalcError, match="--reference-arg"):
        parse_arguments([item])


def test_framework_of_refuses_other_objects() -> None:
    with pytest.raises(MbcalcError, match="torch.nn.Module or a Keras model"):
        framework_of(object())


@pytest.mark.reference
def test_framework_of_torch_and_keras() -> None:
    torch = pytest.importorskip("torch")
    assert framework_of(torch.nn.Conv2d(3, 8, 3)) == "torch"
    keras = pytest.importorskip("keras")
    assert framework_of(keras.Sequential([keras.layers.Dense(2)])) == "keras"
