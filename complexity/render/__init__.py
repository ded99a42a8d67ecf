"""Pure functions from costed reports to text: terminal tables, markdown, CSV, JSON, LaTeX."""
