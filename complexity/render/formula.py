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
        text = text.replace("+ -", "− ")
        return f"({text})" if nested else text
    if isinstance(expr, Mul):
        top: list[str] = []
        bottom: list[str] = []
        for factor in expr.args:
            if factor.is_Rational and not factor.is_Integer:
                top += [str(factor.p)] if factor.p != 1 else []
                bottom.append(str(factor.q))
            elif isinstance(factor, Pow) and factor.exp.is_Integer and factor.exp < 0:
                bottom.append(_render(factor.base**-factor.exp, values, nested=True))
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
    if isinstance(expr, Pow) and expr.exp.is_Integer and expr.exp > 0:
        base = _render(expr.base, values, nested=True)
        if isinstance(expr.base, (Mul, Add)) and not base.startswith("("):
            base = f"({base})"
        return base + str(expr.exp).translate(_SUPERSCRIPTS)
    if isinstance(expr, Pow) and expr.exp.is_Integer and expr.exp < 0:
        return "1/" + _render(expr.base**-expr.exp, values, nested=True)
    return str(expr)


def closed(expr: Expr) -> str:
    """A polynomial in α and ρ for people: '3139584·α² + 1069504·α'."""
    text = str(expr).replace("alpha", "α").replace("rho", "ρ")
    for power in ("**2", "**3", "**4"):
        text = text.replace(power, power[2:].translate(_SUPERSCRIPTS))
    return text.replace("*", "·")
