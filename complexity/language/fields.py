"""Strict field types for specs: a bool, a float or a numeric string is refused, never coerced."""

from typing import Annotated

from annotated_types import Ge, Gt, Le
from pydantic import Field, Strict

from complexity.language.numbers import LARGEST

PositiveInt = Annotated[int, Strict(), Gt(0), Le(LARGEST)]
NonNegativeInt = Annotated[int, Strict(), Ge(0), Le(LARGEST)]
StrictBool = Annotated[bool, Strict()]
Size = PositiveInt | tuple[PositiveInt, PositiveInt]
"""A square size n, or [height, width]."""
Measured = Annotated[int, Field(ge=0, le=10**15, strict=True)]
"""A count measured by a framework (up to 10^15)."""
