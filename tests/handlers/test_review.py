"""A whole 360 round on the demo org through `dispatch`: open, submit, edit, refusals,
then the ratee's figures from `score_report` — with no rater anywhere in them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from handlers.cardjson import to_json
from handlers.cards import Ephemeral, FormErrors, OpenForm, RatingInput, Reply, UpdateSource
from handlers.review import criteria_for, rating_value
from handlers.review_cycle import CycleError, close_cycle, open_cycle
from scoring import report_to_json, score_report
from scoring.periods import Period
from storage.db import session_scope
from storage.repo import load_scoring_inputs, table_counts
from storage.repo.reviews import assignments
from storage.tables import AuditLog, OutboxMessage, RatingRecord, ReviewAssignment
from tests.handlers.conftest import World

Q = "2026-Q4"


def _open(world: World) -> list[ReviewAssignment]:
    with session_scope(world.engine) as s:
        outcome = open_cycle(s, world.org, Q, world.clock.now)
        assert outcome.assignments > 0
        assert outcome.cards_queued == outcome.assignments
        again = open_cycle(s, world.org, Q, world.clock.now)
        assert again.cards_queued == 0
        rows = assignments(s, cycle=Q)
        s.expunge_all()
    return rows


def _values(world: World, a: ReviewAssignment, shift: int = 0) -> dict[str, str]:
    crit = criteria_for(world.org, a.ratee_id, a.kind)
    return {c: str((len(a.rater_id) + i + shift) % 5 + 1) for i, c in enumerate(crit)}


def _submit(
    world: World, a: ReviewAssignment, values: dict[str, str], who: str | None = None
) -> list[Reply]:
    return world.act(who or a.rater_id, "form", "review.submit", values, meta=str(a.id))


def _texts(replies: Sequence[object]) -> str:
    return json.dumps([to_json(r.card) for r in replies if hasattr(r, "card")], ensure_ascii=False)


def _ratings(world: World) -> list[RatingRecord]:
    with world.session() as s:
        return list(s.exec(select(RatingRecord).where(RatingRecord.cycle == Q)))


def test_full_round_then_scores_match_and_stay_anonymous(world: World) -> None:
    rows = _open(world)
    kinds = {a.kind for a in rows}
    assert kinds == {"peer", "manager"}
    # The DM cards are queued, one per assignment, with the open button.
    with world.session() as s:
        cards = [
            m.card for m in s.exec(select(OutboxMessage)) if m.idempotency_key.startswith("review:")
        ]
    assert len(cards) == len(rows)
    first = rows[0]
    opened = world.act(first.rater_id, "button", "review.open", {"value": str(first.id)})
    assert isinstance(opened[0], OpenForm)
    ratings = [i for i in opened[0].form.inputs if isinstance(i, RatingInput)]
    assert [r.input_id for r in ratings] == list(
        criteria_for(world.org, first.ratee_id, first.kind)
    )
    assert all(r.scale == 5 for r in ratings)

    for a in rows:
        replies = _submit(world, a, _values(world, a) | {"comment": "good work"})
        assert isinstance(replies[0], UpdateSource), replies
        assert "2027" in _texts(replies)  # "edit until" the window's last day
    # One reviewer edits: the earlier values are replaced, not added.
    edited = next(a for a in rows if a.kind == "peer")
    before = len(_ratings(world))
    _submit(world, edited, _values(world, edited, shift=2))
    stored = _ratings(world)
    assert len(stored) == before
    mine = {
        r.criterion: r.value
        for r in stored
        if (r.rater_id, r.ratee_id) == (edited.rater_id, edited.ratee_id)
    }
    assert mine == {c: int(v) for c, v in _values(world, edited, shift=2).items()}

    # The ratee's peer indicator for Q4 equals the mean of the raters' means.
    ratee = edited.ratee_id
    with world.session() as s:
        org, metric_rows, all_ratings = load_scoring_inputs(s, period=Period.parse(Q))
    report = score_report(org, metric_rows, all_ratings, Q, world.clock.now, members=[ratee])
    collab = next(i for i in report.members[0].indicators() if i.key == "collaboration")
    fig = next(f for f in collab.reviews if str(f.cycle) == Q)
    boss = world.org.manager_of(ratee)
    per_rater: dict[str, list[int]] = {}
    for r in _ratings(world):
        if (
            r.ratee_id == ratee
            and r.rater_id != boss
            and r.criterion in ("collaboration", "responsiveness")
        ):
            per_rater.setdefault(r.rater_id, []).append(r.value)
    means = [Decimal(sum(v)) / len(v) for v in per_rater.values()]
    assert fig.raters == len(per_rater)
    assert fig.value == sum(means) / len(means)

    # Nothing the ratee sees names a rater: the score JSON and the audit trail.
    shown = json.dumps(report_to_json(report), ensure_ascii=False)
    for rater in per_rater:
        assert rater not in shown
        assert world.org.members[rater].name not in shown
    with world.session() as s:
        audits = [a for a in s.exec(select(AuditLog)) if a.action.startswith("review.")]
    blob = json.dumps([(a.actor, a.subject, a.details) for a in audits], ensure_ascii=False)
    assert not any(m in blob for m in world.org.members)


@pytest.mark.parametrize("locale_member", ["zhang.wei", "li.na"])
def test_self_unassigned_closed_and_forged_values_are_refused(
    world: World, locale_member: str
) -> None:
    rows = _open(world)
    a = (
        next(
            r
            for r in rows
            if r.kind == "peer" and r.rater_id != locale_member and r.ratee_id == locale_member
        )
        if any(r.ratee_id == locale_member for r in rows)
        else rows[0]
    )
    with world.session() as s:
        counts = table_counts(s)

    # Self-review: the ratee submits on an assignment about themselves.
    self_try = _submit(world, a, _values(world, a), who=a.ratee_id)
    assert isinstance(self_try[0], Ephemeral)
    expect = "不能评价自己" if a.ratee_id == "li.na" else "cannot review yourself"
    assert expect in _texts(self_try)
    # Unassigned: someone else uses this assignment id.
    stranger = next(m for m in world.org.members if m not in (a.rater_id, a.ratee_id))
    refused = _submit(world, a, _values(world, a), who=stranger)
    assert isinstance(refused[0], Ephemeral)
    assert world.act(stranger, "button", "review.open", {"value": str(a.id)})[0] == refused[0]
    # Out of range, non-numeric, forged criterion.
    crit = list(criteria_for(world.org, a.ratee_id, a.kind))
    for bad in ({crit[0]: "0"}, {crit[0]: "6"}, {crit[0]: "abc"}, {crit[0]: "3.5"}):
        out = _submit(world, a, _values(world, a) | bad)
        assert isinstance(out[0], FormErrors)
        assert crit[0] in out[0].errors
    forged = _submit(world, a, _values(world, a) | {"strategic_contribution": "5", "x": "1"})
    assert isinstance(forged[0], FormErrors)
    assert "x" in forged[0].errors
    with world.session() as s:
        after = table_counts(s)
    assert after["rating"] == counts["rating"]
    assert _ratings(world) == []
    assert after["audit_log"] == counts["audit_log"]

    # The window closes: submissions are refused with the closed message.
    world.clock.now += timedelta(days=60)
    late = _submit(world, a, _values(world, a))
    rater_zh = world.org.members[a.rater_id].locale is None
    assert ("评价窗口已关闭" if rater_zh else "is closed") in _texts(late)
    assert _ratings(world) == []


def test_close_cycle_refuses_later_submissions_and_reopening(world: World) -> None:
    rows = _open(world)
    with session_scope(world.engine) as s:
        close_cycle(s, world.org, Q, world.clock.now)
    a = rows[0]
    out = _submit(world, a, _values(world, a))
    assert isinstance(out[0], Ephemeral)
    assert Q in _texts(out)
    assert _ratings(world) == []
    with session_scope(world.engine) as s, pytest.raises(CycleError):
        open_cycle(s, world.org, Q, world.clock.now)


@given(st.text(max_size=5), st.integers(min_value=1, max_value=10))
def test_a_rating_is_one_to_three_digits_within_the_scale(raw: str, scale: int) -> None:
    digits = re.fullmatch(r"\d{1,3}", raw)  # \d: any Unicode decimal digit, as int() reads
    expected = int(raw) if digits and 1 <= int(raw) <= scale else None
    assert rating_value(raw, scale) == expected


def test_rating_values_at_the_edges() -> None:
    assert rating_value("5", 5) == 5
    assert rating_value("1", 5) == 1
    assert rating_value("٣", 5) == 3  # an Arabic-Indic three is a decimal digit
    for refused in ("0", "6", "²", "0003", "-1", "+3", "3.0", "", "ab"):
        assert rating_value(refused, 5) is None
