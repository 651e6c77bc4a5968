"""The rule table of scoring.md §1, both directions, floor, cap, steps, ∞."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.grades import grade_for
from scoring.model import DEFAULT_GRADES
from scoring.numbers import INF, round2
from scoring.rules import ScoringError, achievement, max_score, score_value
from tests.scoring.builders import ind

D = Decimal
STEPS = [[0.8, 60], [1.0, 100], [1.2, 120]]


@pytest.mark.parametrize(
    ("kw", "value", "target", "score"),
    [
        ({}, "330000", "300000", "110"),
        ({}, "400000", "300000", "120"),  # capped at 1.2
        ({"cap": "1.5"}, "400000", "300000", "133.33"),
        ({}, "0", "300000", "0"),
        ({"floor": "0.5"}, "0.44", "0.9", "0"),  # a < floor
        ({"floor": "0.5"}, "0.45", "0.9", "50"),  # exactly at floor counts
        ({"direction": "lower"}, "35", "35", "100"),
        ({"direction": "lower"}, "70", "35", "50"),
        ({"direction": "lower"}, "0", "35", "120"),  # v = 0 → a = ∞ → 100 × cap
        ({"rule": "binary"}, "1", "1", "100"),
        ({"rule": "binary"}, "0.99", "1", "0"),
        ({"rule": "binary", "direction": "lower"}, "0", "5", "100"),
        ({"rule": "steps", "steps": STEPS}, "0.79", "1", "0"),
        ({"rule": "steps", "steps": STEPS}, "0.8", "1", "60"),  # exactly at a step
        ({"rule": "steps", "steps": STEPS}, "0.99", "1", "60"),
        ({"rule": "steps", "steps": STEPS}, "1.0", "1", "100"),
        ({"rule": "steps", "steps": STEPS}, "3", "1", "120"),  # not capped, top step
        ({"rule": "steps", "steps": STEPS, "direction": "lower"}, "0", "1", "120"),
        ({"rule": "rating"}, "4", None, "80"),
        ({"rule": "rating", "scale": 10}, "7", None, "70"),
    ],
)
def test_rule_table(kw: dict[str, object], value: str, target: str | None, score: str) -> None:
    indicator = ind("x", **kw)  # type: ignore[arg-type]
    t = None if target is None else D(target)
    _, s = score_value(indicator, D(value), t, 5)
    assert round2(s) == D(score)


def test_lower_zero_is_infinite_achievement() -> None:
    assert achievement(D(0), D(35), "lower") == INF
    assert achievement(D(70), D(35), "lower") == D("0.5")
    assert achievement(D(70), D(35), "higher") == D(2)


def test_target_rule_without_target_is_an_error() -> None:
    with pytest.raises(ScoringError, match="needs a target"):
        score_value(ind("x"), D(1), None, 5)


def test_rating_uses_review_scale_by_default() -> None:
    assert score_value(ind("x", rule="rating"), D(3), None, 4)[1] == D(75)


@pytest.mark.parametrize(
    ("kw", "m"),
    [
        ({}, "120"),
        ({"cap": "1.5"}, "150"),
        ({"rule": "steps", "steps": STEPS}, "120"),
        ({"rule": "binary"}, "100"),
    ],
)
def test_max_score(kw: dict[str, object], m: str) -> None:
    assert max_score(ind("x", **kw)) == D(m)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("110", "S"),
        ("109.995", "S"),  # rounds to 110.00
        ("109.994", "A"),
        ("95", "A"),
        ("94.99", "B"),
        ("80", "B"),
        ("79.999", "B"),
        ("60", "C"),
        ("59.99", "D"),
        ("0", "D"),
    ],
)
def test_grade_boundaries(total: str, grade: str) -> None:
    assert grade_for(D(total), DEFAULT_GRADES) == grade
