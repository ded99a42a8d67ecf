"""The symbols of the papers' notation, declared once.

α and ρ are the MobileNet width and resolution multipliers. The layer symbols follow the
MobileNetV1 paper: D_K kernel size, M input channels, N output channels, D_F output feature map
size, g groups; K_h, K_w, H_out, W_out where a kernel or a map is not square.
"""

from sympy import Symbol

alpha = Symbol("alpha", positive=True)
rho = Symbol("rho", positive=True)

D_K = Symbol("D_K", positive=True, integer=True)
K_h = Symbol("K_h", positive=True, integer=True)
K_w = Symbol("K_w", positive=True, integer=True)
M = Symbol("M", positive=True, integer=True)
N = Symbol("N", positive=True, integer=True)
D_F = Symbol("D_F", positive=True, integer=True)
H_out = Symbol("H_out", positive=True, integer=True)
W_out = Symbol("W_out", positive=True, integer=True)
g = Symbol("g", positive=True, integer=True)
m = Symbol("m", positive=True, integer=True)
"""Depth multiplier of a depthwise convolution."""
C = Symbol("C", positive=True, integer=True)
"""Channels of a layer whose input and output widths are equal (batch norm, SE)."""
C_r = Symbol("C_r", positive=True, integer=True)
"""Squeeze width of a squeeze-and-excite layer, C/r rounded by the family's rule."""

c_1 = Symbol("c_1", positive=True, integer=True)
"""Memory (ShuffleNet V2's notation): the channels a layer reads (all operands of an add)."""
c_2 = Symbol("c_2", positive=True, integer=True)
"""The channels a layer writes."""
h = Symbol("h", positive=True, integer=True)
w = Symbol("w", positive=True, integer=True)
h_1 = Symbol("h_1", positive=True, integer=True)
"""The input map's height where it differs from the output's (h)."""
w_1 = Symbol("w_1", positive=True, integer=True)

H_in = Symbol("H_in", positive=True, integer=True)
"""Height of the map a global or adaptive pooling layer reduces (analysis/ops.py)."""
W_in = Symbol("W_in", positive=True, integer=True)
"""Width of the map a global or adaptive pooling layer reduces."""

BY_NAME = {
    s.name: s for s in (alpha, rho, D_K, K_h, K_w, M, N, D_F, H_out, W_out, g, m, C, C_r,
                        c_1, c_2, h, w, h_1, w_1, H_in, W_in)
}
"""Every symbol by its name, for parsing formulas back (``sympify(text, locals=BY_NAME)``)."""
