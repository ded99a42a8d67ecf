"""Polynomials in α and ρ with exact rational coefficients: the closed form of a network.

A third variable stands for max(1, α), the width factor of a layer that only grows (MobileNetV2's
last conv). Sums of many terms stay linear in their number. The text parses in sympy (``Max``
included) and sympy converts one on demand, so only the formula command and tests import it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

Exponents = tuple[int, int, int]
"""Powers of (α, ρ, max(1, α))."""
_NAMES = ("alpha", "rho", "Max(1, alpha)")
_MONOMIALS: dict[tuple[int, ...], str] = {}
"""Each monomial's text by its exponents (alpha**2*rho): a report prints a few, many times."""


def _descending(key: tuple[int, ...]) -> tuple[int, ...]:
    """A term's place in the text: higher degree first, then by each exponent, descending."""
    return (-sum(key), *(-e for e in key))


class Poly:
    """Σ coefficient·α^a·ρ^r·max(1, α)^m, zero terms never stored."""

    __slots__ = ("terms", "_hash")

    def __init__(self, terms: dict[Exponents, Fraction] | None = None) -> None:
        self.terms = {k: v for k, v in (terms or {}).items() if v}
        self._hash: int | None = None

    @classmethod
    def const(cls, value: int | Fraction) -> Poly:
        return cls({(0, 0, 0): Fraction(value)})

    @classmethod
    def variable(cls, index: int) -> Poly:
        exponents = [0, 0, 0]
        exponents[index] = 1
        return cls({(exponents[0], exponents[1], exponents[2]): Fraction(1)})

    def _coerce(self, other: object) -> Poly | None:
        if isinstance(other, Poly):
            return other
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            return Poly.const(other)
        return None

    def __add__(self, other: object) -> Any:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        terms = dict(self.terms)
        for k, v in o.terms.items():
            terms[k] = terms.get(k, Fraction(0)) + v
        return Poly(terms)

    __radd__ = __add__

    def __neg__(self) -> Poly:
        return Poly({k: -v for k, v in self.terms.items()})

    def __sub__(self, other: object) -> Any:
        o = self._coerce(other)
        return NotImplemented if o is None else self + (-o)

    def __rsub__(self, other: object) -> Any:
        o = self._coerce(other)
        return NotImplemented if o is None else o + (-self)

    def __mul__(self, other: object) -> Any:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        terms: dict[Exponents, Fraction] = {}
        for (a1, r1, m1), v1 in self.terms.items():
            for (a2, r2, m2), v2 in o.terms.items():
                key = (a1 + a2, r1 + r2, m1 + m2)
                terms[key] = terms.get(key, Fraction(0)) + v1 * v2
        return Poly(terms)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Any:
        if isinstance(other, (int, Fraction)) and not isinstance(other, bool) and other:
            return Poly({k: v / other for k, v in self.terms.items()})
        return NotImplemented

    def __pow__(self, exp: int) -> Poly:
        result = Poly.const(1)
        for _ in range(exp):
            result = result * self
        return result

    def __eq__(self, other: object) -> bool:
        o = self._coerce(other)
        if o is None:
            return bool(hasattr(other, "free_symbols") and self._sympy_() == other)
        return o.terms == self.terms

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.terms.items()))
        return self._hash

    def __str__(self) -> str:
        if not self.terms:
            return "0"
        parts = []
        for key in sorted(self.terms, key=_descending):
            value = self.terms[key]  # a Fraction's parts are ints: compared and printed in C
            numerator, denominator = value.numerator, value.denominator
            factors = _MONOMIALS.get(key)
            if factors is None:
                factors = _MONOMIALS[key] = "*".join(
                    name if e == 1 else f"{name}**{e}"
                    for name, e in zip(_NAMES, key, strict=True) if e)
            if numerator in (1, -1) and denominator == 1 and factors:
                text = factors
            else:
                text = f"{abs(numerator)}*{factors}" if factors else str(abs(numerator))
            if denominator != 1:
                text = f"{text}/{denominator}"
            parts.append(("- " if numerator < 0 else "+ ") + text)
        joined = " ".join(parts)
        return joined[2:] if joined.startswith("+ ") else "-" + joined[2:]

    __repr__ = __str__

    def _sympy_(self) -> Any:
        from sympy import Max, sympify

        from complexity.algebra.symbols import alpha, rho

        return sympify(str(self), locals={"alpha": alpha, "rho": rho, "Max": Max})

    def __getattr__(self, name: str) -> Any:
        """Anything else sympy's form has (free_symbols, coeff …), for tests and scripts."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._sympy_(), name)

    def subs(self, *args: Any, **kwargs: Any) -> Any:
        """sympy's subs, on the sympy form (for tests and scripts)."""
        return self._sympy_().subs(*args, **kwargs)

    def at(self, alpha: Fraction, rho: Fraction) -> Fraction:
        """The exact value at α and ρ."""
        grow = max(Fraction(1), alpha)
        return sum((v * alpha**a * rho**r * grow**m for (a, r, m), v in self.terms.items()),
                   Fraction(0))


ALPHA, RHO, GROW = Poly.variable(0), Poly.variable(1), Poly.variable(2)
ZERO = Poly()
