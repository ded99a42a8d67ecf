"""Feature-map shapes and the output-size rules of convolution and pooling."""

from __future__ import annotations

from typing import Literal

from complexity.algebra.poly import Poly
from complexity.errors import LayerProblem
from complexity.frozen import Frozen

Padding = int | tuple[int, int] | Literal["same", "valid"]


class Shape(Frozen):
    """A feature map (C, H, W). C is an int, or an expression in α in the closed-form walk."""

    c: int | Poly
    h: int
    w: int
    fixed: bool
    """H×W no longer follows the input resolution (after global or adaptive pooling), so the
    closed form does not scale it by ρ."""

    def __init__(self, c: int | Poly, h: int, w: int, fixed: bool = False) -> None:
        self.__dict__.update(c=c, h=h, w=w, fixed=fixed)

    def as_list(self) -> list[int]:
        return [int(self.c), self.h, self.w]

    def resized(self, c: int | Poly, h: int, w: int) -> Shape:
        """A shape computed from this one, keeping whether its size is fixed."""
        return Shape(c, h, w, self.fixed)


def pair(value: int | tuple[int, int]) -> tuple[int, int]:
    """A square size n as (n, n); a pair as itself."""
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def out_size(
    size: int,
    kernel: int,
    stride: int,
    padding: int | Literal["same", "valid"],
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Output length along one axis.

    explicit p: floor((D + 2p − d(K−1) − 1)/s) + 1 (ceil in ceil mode, where the last window
    must still start inside the input or its left padding, as in torch); ``same``: ceil(D/s);
    ``valid``: floor((D − d(K−1) − 1)/s) + 1.
    """
    reach = dilation * (kernel - 1) + 1
    if padding == "same":
        return -(-size // stride)
    pad = 0 if padding == "valid" else padding
    span = size + 2 * pad - reach
    if ceil_mode:
        out = (span + stride - 1) // stride + 1
        if (out - 1) * stride >= size + pad:
            out -= 1
    else:
        out = span // stride + 1
    if out < 1:
        raise LayerProblem(
            "kernel",
            f"kernel reach {reach} is larger than the padded input {size + 2 * pad}",
        )
    return out


def out_hw(
    shape: Shape,
    kernel: int | tuple[int, int],
    stride: int | tuple[int, int],
    padding: Padding,
    dilation: int | tuple[int, int] = 1,
    ceil_mode: bool = False,
) -> tuple[int, int]:
    """Output (H, W) of a sliding-window layer applied to ``shape``."""
    (kh, kw), (sh, sw), (dh, dw) = pair(kernel), pair(stride), pair(dilation)
    ph, pw = (padding, padding) if isinstance(padding, (int, str)) else padding
    return (
        out_size(shape.h, kh, sh, ph, dh, ceil_mode),
        out_size(shape.w, kw, sw, pw, dw, ceil_mode),
    )
