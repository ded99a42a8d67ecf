"""Formulas for people: 'D_K²·M·N·D_F²', and the same with a layer's sizes put in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def pretty(expr: Any, values: Mapping[Any, int] | None = None) -> str:
    """Render a formula (ours, or sympy's) in the papers' notation, or with each symbol replaced
    by its value (``values`` keyed by symbol names or symbols)."""
    named = {getattr(k, "name", k): v for k, v in (values or {}).items()}
    return _render(expr, named, nested=False)


def _render(expr: Any, values: Mapping[str, int], nested: bool) -> str:
    if expr.is_Symbol:
        return str(values[expr.name]) if expr.name in values else expr.name
    if expr.is_Add:
        text = " + ".join(_render(term, values, nested=False) for term in expr.args)
        text = text.replace("+ -", "− ")
        return f"({text})" if nested else text
    if expr.is_Mul:
        top: list[str] = []
        bottom: list[str] = []
        for factor in expr.args:
            if factor.is_Rational and not factor.is_Integer:
                top += [str(factor.p)] if factor.p != 1 else []
                bottom.append(str(factor.q))
            elif factor.is_Pow and factor.exp.is_Integer and factor.exp < 0:
                bottom.append(_render_power(factor.base, -int(factor.exp), values))
            else:
                top.append(_render(factor, values, nested=True))
        text = "·".join(top) or "1"
        if top == ["-1"]:
            text = "-1"
        elif top and top[0] == "-1":
            text = "-" + "·".join(top[1:])
        if bottom:
            text += "/" + ("·".join(bottom) if len(bottom) == 1 else f"({'·'.join(bottom)})")
        return f"({text})" if nested else text
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return _render_power(expr.base, int(expr.exp), values)
    if expr.is_Pow and expr.exp.is_Integer and expr.exp < 0:
        return "1/" + _render_power(expr.base, -int(expr.exp), values)
    return str(expr)


def _render_power(base: Any, exp: int, values: Mapping[str, int]) -> str:
    """base^exp with the exponent as a superscript; a compound base in parentheses."""
    text = _render(base, values, nested=True)
    if (base.is_Mul or base.is_Add) and not text.startswith("("):
        text = f"({text})"
    return text if exp == 1 else text + str(exp).translate(_SUPERSCRIPTS)


def closed(expr: Any) -> str:
    """A polynomial in α and ρ for people: '3139584·α² + 1069504·α'."""
    text = str(expr).replace("alpha", "α").replace("rho", "ρ")
    for power in ("**2", "**3", "**4"):
        text = text.replace(power, power[2:].translate(_SUPERSCRIPTS))
    return text.replace("*", "·")
