"""For `today` in every month of a year the demo loads, parses and has two review cycles."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from scoring.model import Org, Rating
from scoring.periods import Period
from storage.tabular import parse_metrics_file, parse_reviews_file
from tests.demo.conftest import TODAYS, load


def _quarter_before(q: Period) -> Period:
    return Period.containing(q.start - timedelta(days=1), "quarter")


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_demo_is_consistent_for_any_today(tmp_path: Path, today: date) -> None:
    demo = load(tmp_path, today)
    metrics = parse_metrics_file(demo.paths.metrics_csv, demo.org)
    assert metrics.warnings == []
    ratings = parse_reviews_file(demo.paths.reviews_csv, demo.org)

    this_q = Period.containing(today, "quarter")
    last_q = _quarter_before(this_q)
    cycles = {str(r.cycle) for r in ratings}
    assert cycles == {str(_quarter_before(last_q)), str(last_q)}
    if today.month <= 3:
        assert all(r.cycle.start.year == today.year - 1 for r in ratings)

    periods = {r.period for r in metrics.rows}
    assert min(p.start for p in periods if p.kind != "year") == _quarter_before(last_q).start
    assert any(p.contains(Period.day(today)) and p.kind == "month" for p in periods)
    assert all(p.start <= today for p in periods)
    for record in demo.org.calibrations:
        assert record.period in (last_q, this_q)
    for bonus in demo.org.bonus_points:
        assert bonus.period in (last_q, this_q)

    _assert_raters(demo.org, ratings)


def _assert_raters(org: Org, ratings: list[Rating]) -> None:
    """≥ 3 peers on both criteria and the manager, for every member who was there."""
    peers: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    managers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in ratings:
        if r.criterion == "strategic_contribution":
            managers[str(r.cycle), r.ratee].add(r.rater)
        else:
            assert r.rater != org.manager_of(r.ratee)
            peers[str(r.cycle), r.ratee, r.criterion].add(r.rater)
    for cycle in {str(r.cycle) for r in ratings}:
        end = Period.parse(cycle).end
        for member in org.members.values():
            if member.template is None or (member.joined and member.joined > end):
                continue
            for criterion in ("collaboration", "responsiveness"):
                assert 3 <= len(peers[cycle, member.id, criterion]) <= 4
            assert managers[cycle, member.id] == {org.manager_of(member.id)}
