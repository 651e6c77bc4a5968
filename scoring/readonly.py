"""`@readonly`: a value class that the type checker treats as a frozen dataclass, built at
run time as a plain slotted one.

Why: a frozen dataclass's `__init__` sets every field through `object.__setattr__`, about
1,500 machine instructions a field (callgrind) against about 100 for a slot store. The
event, card and write objects of one review click hold some fifty fields: a third of
what the handler cost. Immutability stays where it is checked: mypy reports any
assignment to a field (PEP 681 `frozen_default`), and instances hash by their fields
as frozen ones do (`unsafe_hash`), so they still work as keys and in sets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from typing_extensions import dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def readonly(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)` to mypy; `@dataclass(slots=True, unsafe_hash=True)` at run
    time."""
    return dataclass(slots=True, unsafe_hash=True)(cls)
