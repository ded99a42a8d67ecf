"""What is computed from walks: compare, sweep, solve, the by-kind breakdown, verify."""
