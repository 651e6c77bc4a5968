"""Small checks shared by the org validators."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from storage.orgconfig.errors import Issue, Path
from storage.orgconfig.templates import Step

HUNDRED = Decimal(100)
TARGET_RULES = ("linear", "steps", "binary")


def num(value: Decimal) -> str:
    """A Decimal as the user wrote it would read: `90`, `0.3`."""
    text = format(value.normalize(), "f")
    return text


def duplicates(keys: Iterable[str], base: Path, field: str, what: str) -> list[Issue]:
    seen: set[str] = set()
    out: list[Issue] = []
    for i, key in enumerate(keys):
        if key in seen:
            out.append(((*base, i, field), f"duplicate {what} {key!r}"))
        seen.add(key)
    return out


def check_target(target: Decimal | None, rule: str, path: Path) -> list[Issue]:
    """Rules that divide by the target need one, and it must be positive."""
    if rule not in TARGET_RULES:
        return []
    if target is None:
        return [(path, f"rule {rule!r} needs a target")]
    if target <= 0:
        return [(path, f"target must be > 0 for rule {rule!r}, got {num(target)}")]
    return []


def check_steps(steps: list[Step], rule: str, path: Path) -> list[Issue]:
    if rule == "steps" and not steps:
        return [(path, "rule 'steps' needs steps: [[ratio, points], …]")]
    for i in range(1, len(steps)):
        if steps[i][0] <= steps[i - 1][0]:
            return [
                (
                    (*path, i),
                    f"step ratios must be strictly increasing: {num(steps[i][0])} "
                    f"after {num(steps[i - 1][0])}",
                )
            ]
    return []
