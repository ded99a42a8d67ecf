"""Hand-written PyTorch reference models, written from the papers (the `reference` extra)."""
