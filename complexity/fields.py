"""Strict field types for specs: a bool, a float or a numeric string is refused, never coerced."""

from typing import Annotated

from annotated_types import Ge, Gt
from pydantic import Strict

PositiveInt = Annotated[int, Strict(), Gt(0)]
NonNegativeInt = Annotated[int, Strict(), Ge(0)]
StrictBool = Annotated[bool, Strict()]
Size = PositiveInt | tuple[PositiveInt, PositiveInt]
"""A square size n, or [height, width]."""
