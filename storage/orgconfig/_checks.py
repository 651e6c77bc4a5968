"""Small checks shared by the org validators."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from storage.msg import Msg
from storage.orgconfig.errors import Issue, Path
from storage.orgconfig.templates import Step

HUNDRED = Decimal(100)
TARGET_RULES = ("linear", "steps", "binary")


def num(value: Decimal) -> str:
    """A Decimal as the user wrote it would read: `90`, `0.3`."""
    text = format(value.normalize(), "f")
    return text


def unknown_member(name: str) -> Msg:
    return Msg("config.unknown_member", "unknown member {name!r}", name=name)


def unknown_indicator(key: str) -> Msg:
    return Msg("config.unknown_indicator", "unknown indicator {key!r}", key=key)


def unknown_team(key: str) -> Msg:
    return Msg("config.unknown_team", "unknown team {key!r}", key=key)


def duplicates(keys: Iterable[str], base: Path, field: str, what: Msg) -> list[Issue]:
    """`what` names the key (`team key`), a `config.noun.*` message."""
    seen: set[str] = set()
    out: list[Issue] = []
    for i, key in enumerate(keys):
        if key in seen:
            message = Msg("config.duplicate", "duplicate {what} {key!r}", what=what, key=key)
            out.append(((*base, i, field), message))
        seen.add(key)
    return out


def check_target(target: Decimal | None, rule: str, path: Path) -> list[Issue]:
    """Rules that divide by the target need one, and it must be positive."""
    if rule not in TARGET_RULES:
        return []
    if target is None:
        return [(path, Msg("config.needs_target", "rule {rule!r} needs a target", rule=rule))]
    if target <= 0:
        english = "target must be > 0 for rule {rule!r}, got {target}"
        return [(path, Msg("config.target_not_positive", english, rule=rule, target=num(target)))]
    return []


def check_steps(steps: list[Step], rule: str, path: Path) -> list[Issue]:
    if rule == "steps" and not steps:
        return [(path, Msg("config.needs_steps", "rule 'steps' needs steps: [[ratio, points], …]"))]
    for i in range(1, len(steps)):
        if steps[i][0] <= steps[i - 1][0]:
            english = "step ratios must be strictly increasing: {ratio} after {previous}"
            ratio, previous = num(steps[i][0]), num(steps[i - 1][0])
            message = Msg("config.steps_not_increasing", english, ratio=ratio, previous=previous)
            return [((*path, i), message)]
    return []
