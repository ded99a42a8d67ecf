"""complexity.algebra.poly: the closed forms' polynomials in α, ρ and max(1, α), and their text
(what the JSON's closed forms and the tables print), checked against sympy."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import sympy

from complexity.algebra.poly import Poly
from complexity.algebra.symbols import alpha, rho

GROW = sympy.Max(1, alpha)


def _random_terms(rng: random.Random) -> dict[tuple[int, int, int], Fraction]:
    terms = {}
    for _ in range(rng.randint(0, 5)):
        key = (rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 1))
        terms[key] = Fraction(rng.randint(-60, 60), rng.choice([1, 1, 1, 2, 3, 8]))
    return {k: v for k, v in terms.items() if v}


def test_the_text_is_the_polynomial_highest_degree_first() -> None:
    rng = random.Random(7)
    for _ in range(400):
        terms = _random_terms(rng)
        text = str(Poly(terms))
        expected = sum((sympy.Rational(v.numerator, v.denominator) * alpha**a * rho**r * GROW**m
                        for (a, r, m), v in terms.items()), sympy.Integer(0))
        parsed = sympy.sympify(text, locals={"alpha": alpha, "rho": rho, "Max": sympy.Max})
        assert sympy.simplify(parsed - expected) == 0, (terms, text)
        grow = sympy.Symbol("grow")
        pieces = re.split(r" [+-] ", text.removeprefix("-").replace("Max(1, alpha)", "grow"))
        names = {"alpha": alpha, "rho": rho, "grow": grow}
        degrees = [sympy.Poly(sympy.sympify(p, locals=names), alpha, rho, grow).total_degree()
                   for p in pieces]
        assert degrees == sorted(degrees, reverse=True), text


def test_coefficients_and_signs_print_as_written() -> None:
    assert str(Poly({})) == "0"
    assert str(Poly({(0, 0, 0): Fraction(5)})) == "5"
    assert str(Poly({(1, 2, 0): Fraction(1), (0, 0, 0): Fraction(-3, 2)})) == "alpha*rho**2 - 3/2"
    assert str(Poly({(1, 0, 0): Fraction(-1)})) == "-alpha"
    assert str(Poly({(2, 0, 1): Fraction(-7, 3)})) == "-7*alpha**2*Max(1, alpha)/3"
