"""The papers' notation as formula symbols (``algebra.symbols`` has the same names in sympy).

D_K kernel size, M input channels, N output channels, D_F output feature map size, g groups;
K_h, K_w, H_out, W_out where a kernel or a map is not square; m depth multiplier; C channels of
a layer that keeps its width, C_r an SE layer's squeeze width; H_in, W_in the map a global
or adaptive pooling layer reduces.
"""

from complexity.algebra.expr import Sym

D_K, K_h, K_w = Sym("D_K"), Sym("K_h"), Sym("K_w")
M, N, g, m = Sym("M"), Sym("N"), Sym("g"), Sym("m")
D_F, H_out, W_out = Sym("D_F"), Sym("H_out"), Sym("W_out")
C, C_r = Sym("C"), Sym("C_r")

c_1, c_2 = Sym("c_1"), Sym("c_2")
"""Memory (ShuffleNet V2's notation): channels read and channels written by a layer."""
h, w, h_1, w_1 = Sym("h"), Sym("w"), Sym("h_1"), Sym("w_1")
"""The output map h×w, and the input map h_1×w_1 where it differs."""
H_in, W_in = Sym("H_in"), Sym("W_in")
