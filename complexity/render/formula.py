"""Formulas for people: 'D_K²·M·N·D_F²', and the same with a layer's sizes put in."""

from __future__ import annotations

from sympy import Add, Expr, Mul, Pow, Symbol

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def pretty(expr: Expr, values: dict[Symbol, int] | None = None) -> str:
    """Render ``expr`` in the papers' notation, or with each symbol replaced by its value."""
    return _render(expr, values or {}, nested=False)


def _render(expr: Expr, values: dict[Symbol, int], nested: bool) -> str:
    if isinstance(expr, Symbol):
        return str(values[expr]) if expr in values else expr.name
    if isinstance(expr, Add):
        text = " + ".join(_render(term, values, nested=False) for term in expr.args)
        return f"({text})" if nested else text
    if isinstance(expr, Mul):
        top = [a for a in expr.args if not _is_reciprocal(a)]
        bottom = [a.base for a in expr.args if _is_reciprocal(a)]
        text = "·".join(_render(a, values, nested=True) for a in top) or "1"
        if bottom:
            text += "/" + "·".join(_render(b, values, nested=True) for b in bottom)
            return f"({text})" if nested else text
        return text
    if isinstance(expr, Pow) and expr.exp.is_Integer and expr.exp > 0:
        return _render(expr.base, values, nested=True) + str(expr.exp).translate(_SUPERSCRIPTS)
    return str(expr)


def _is_reciprocal(expr: Expr) -> bool:
    return isinstance(expr, Pow) and expr.exp == -1


def closed(expr: Expr) -> str:
    """A polynomial in α and ρ for people: '3139584·α² + 1069504·α'."""
    text = str(expr).replace("alpha", "α").replace("rho", "ρ")
    for power in ("**2", "**3", "**4"):
        text = text.replace(power, power[2:].translate(_SUPERSCRIPTS))
    return text.replace("*", "·")
