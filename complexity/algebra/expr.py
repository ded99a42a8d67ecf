"""Cost formulas in the papers' notation, small and exact, without a computer-algebra system.

A formula is a tree of symbols, integers, products, sums and integer powers. It evaluates to an
exact number (integers, or fractions for a division by g) or, given polynomials for its
symbols, to the closed-form polynomial in α and ρ. Its text (``str``) parses in sympy, and
sympy converts one on demand (``_sympy_``), so tests and the formula command can use sympy
while the counting path never imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from complexity.frozen import Frozen


class Expr(Frozen):
    """A formula node. The ``is_*`` flags follow sympy's, so one printer reads both."""

    is_Symbol = is_Integer = is_Rational = is_Add = is_Mul = is_Pow = False

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """The formula's value with each symbol replaced by ``values[name]``."""
        raise NotImplementedError

    def xreplace(self, values: Mapping[Any, Any]) -> Any:
        """``evaluate`` with keys that may be symbols (sympy's spelling)."""
        return self.evaluate({getattr(k, "name", k): v for k, v in values.items()})

    def _sympy_(self) -> Any:
        from sympy import sympify

        from complexity.algebra.symbols import BY_NAME

        return sympify(str(self), locals=BY_NAME)


class Sym(Expr):
    """A symbol of the notation: D_K, M, N, D_F, g …"""

    name: str
    is_Symbol = True

    def __init__(self, name: str) -> None:
        self.__dict__.update(name=name)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        return values[self.name]

    def __str__(self) -> str:
        return self.name


class Num(Expr):
    """An integer constant."""

    value: int
    is_Integer = is_Rational = True

    def __init__(self, value: int) -> None:
        self.__dict__.update(value=value)

    @property
    def p(self) -> int:
        return self.value

    q = 1

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        return self.value

    def __str__(self) -> str:
        return str(self.value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int):
            return self.value == other
        return isinstance(other, Num) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __gt__(self, other: int) -> bool:
        return self.value > other

    def __lt__(self, other: int) -> bool:
        return self.value < other

    def __int__(self) -> int:
        return self.value

    def __neg__(self) -> Num:
        return Num(-self.value)


class Pow(Expr):
    """base**exp for an integer exp (−1 for a division: M/g is M·g**(−1))."""

    base: Expr
    exp: Num
    is_Pow = True

    def __init__(self, base: Expr, exp: Num) -> None:
        self.__dict__.update(base=base, exp=exp)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        base = self.base.evaluate(values)
        if self.exp.value < 0:
            return Fraction(1) / base ** -self.exp.value
        return base ** self.exp.value

    def __str__(self) -> str:
        exp = self.exp.value
        return f"{_wrapped(self.base)}**{exp if exp >= 0 else f'({exp})'}"


class Mul(Expr):
    """A product, its factors kept in the order written (D_K²·M·N·D_F²)."""

    args: tuple[Expr, ...]
    is_Mul = True

    def __init__(self, args: tuple[Expr, ...]) -> None:
        self.__dict__.update(args=args)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        result: Any = 1
        for arg in self.args:
            result = result * arg.evaluate(values)
        return result

    def __str__(self) -> str:
        return "*".join(_wrapped(a) if a.is_Add else str(a) for a in self.args)


class Add(Expr):
    """A sum, its terms kept in the order written (weights + bias)."""

    args: tuple[Expr, ...]
    is_Add = True

    def __init__(self, args: tuple[Expr, ...]) -> None:
        self.__dict__.update(args=args)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        result: Any = 0
        for arg in self.args:
            result = result + arg.evaluate(values)
        return result

    def __str__(self) -> str:
        return " + ".join(str(a) for a in self.args)


def _wrapped(expr: Expr) -> str:
    return str(expr) if expr.is_Symbol or expr.is_Integer else f"({expr})"


ZERO, ONE = Num(0), Num(1)


def product(*factors: Expr) -> Expr:
    """A product in the given order; factors of 1 dropped, nested products spliced in (except
    a division such as M/g, which stays one factor), 0 if any factor is 0."""
    kept: list[Expr] = []
    for f in factors:
        if type(f) is int:
            f = Num(f)
        kind = type(f)
        if kind is Num:  # compared by value here: Expr's == is a Python call per pair
            if f.value == 0:  # type: ignore[attr-defined]
                return ZERO
            if f.value != 1:  # type: ignore[attr-defined]
                kept.append(f)
        elif kind is Mul and not any(a.is_Pow and a.exp < 0 for a in f.args):  # type: ignore[attr-defined]
            kept.extend(f.args)  # type: ignore[attr-defined]
        else:
            kept.append(f)
    if not kept:
        return ONE
    return kept[0] if len(kept) == 1 else Mul(tuple(kept))


def total(*terms: Expr) -> Expr:
    """A sum in the given order, zeros dropped."""
    kept = tuple(t for t in terms if t != ZERO)
    if not kept:
        return ZERO
    return kept[0] if len(kept) == 1 else Add(kept)


def power(base: Expr, exp: int) -> Expr:
    """base**exp."""
    return base if exp == 1 else Pow(base, Num(exp))


def ratio(numerator: Expr, denominator: Expr) -> Expr:
    """numerator/denominator, one factor (M/g)."""
    return Mul((numerator, Pow(denominator, Num(-1))))


class Values(dict[str, Any]):
    """The values of a row's symbols by name; a sympy symbol finds its name's value too."""

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(getattr(key, "name", key))

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(getattr(key, "name", key), default)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(getattr(key, "name", key))
