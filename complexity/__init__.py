"""mbcalc: exact parameter and multiply-add counts for convolutional networks."""

__version__ = "0.1.0"
