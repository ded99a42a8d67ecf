"""The algebra of counting: exact formula trees in the papers' notation, polynomials in α and ρ,
and the symbols both use. Depends on nothing else of mbcalc."""
