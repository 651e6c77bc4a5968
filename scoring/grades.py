"""Grade bands: the band with the highest `min` not above the total rounded to 2 decimals."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from scoring.numbers import round2


def grade_for(total: Decimal, grades: Sequence[tuple[str, Decimal]]) -> str | None:
    """Rounded first, so a total of 94.995 is an A at a 95 boundary, as it is displayed."""
    shown = round2(total)
    best: tuple[str, Decimal] | None = None
    for name, low in grades:
        if low <= shown and (best is None or low > best[1]):
            best = (name, low)
    return best[0] if best else None
