"""`review-open`, `review-reminders`, `review-close`: the quarter's 360 window.

The windows come from the config (org timezone); opening and closing go through the
review use cases (`handlers.review_cycle`), which assign reviewers and queue one card per
assignment. Reminders go every `remind_every_days` to raters with assignments not done,
in their own daytime; only the latest due reminder is sent, keyed
`review-reminder:<quarter>:<rater>:<n>`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import select

from handlers.context import Deps
from handlers.delivery import send_to_member
from handlers.review_cycle import CycleError, close_cycle, last_edit_day, open_cycle
from handlers.schedule_cards import review_reminder_card
from scheduler.calendar import previous_quarter, review_window
from scheduler.jobs.base import JobResult, World, world
from scoring.periods import Period
from storage.repo.reviews import assignments, get_cycle
from storage.tables import RatingRecord


def _quarters(w: World) -> list[Period]:
    today = w.org_today()
    return [previous_quarter(today), Period.containing(today, "quarter")]


def run_open(deps: Deps, now: datetime) -> JobResult:
    result = JobResult("review-open")
    with world(deps, now) as w:
        for q in _quarters(w):
            win = review_window(q, w.org.timezone, w.config.schedule)
            cycle = get_cycle(w.session, quarter=str(q))
            if not (win.opens <= now < win.closes) or (cycle and cycle.state != "scheduled"):
                continue
            try:
                out = open_cycle(w.session, w.org, q, now, w.config)
            except CycleError:
                continue
            result.add("cycles_opened")
            result.add("cards", out.cards_queued)
    return result


def run_close(deps: Deps, now: datetime) -> JobResult:
    result = JobResult("review-close")
    with world(deps, now) as w:
        for q in _quarters(w):
            cycle = get_cycle(w.session, quarter=str(q))
            if cycle is not None and cycle.state == "open" and cycle.closes_at <= now:
                close_cycle(w.session, w.org, q, now)
                result.add("cycles_closed")
    return result


def run_reminders(deps: Deps, now: datetime) -> JobResult:
    result = JobResult("review-reminders")
    with world(deps, now) as w:
        for q in _quarters(w):
            _remind(w, q, result)
    return result


def _remind(w: World, q: Period, result: JobResult) -> None:
    cycle = get_cycle(w.session, quarter=str(q))
    if cycle is None or cycle.state != "open" or not cycle.opens_at <= w.now < cycle.closes_at:
        return
    win = review_window(q, w.org.timezone, w.config.schedule)
    due = [
        i
        for i, at in enumerate(win.reminders(w.config.schedule.review.remind_every_days), 1)
        if at <= w.now
    ]
    if not due:
        return
    done = {
        (r, e)
        for r, e in w.session.exec(
            select(RatingRecord.rater_id, RatingRecord.ratee_id).where(RatingRecord.cycle == str(q))
        )
    }
    pending = Counter(
        a.rater_id
        for a in assignments(w.session, cycle=str(q))
        if (a.rater_id, a.ratee_id) not in done
    )
    for rater, count in sorted(pending.items()):
        if rater not in w.org.members or w.away(rater) or w.quiet(rater):
            continue
        p = w.person(rater)
        card = review_reminder_card(str(q), count, last_edit_day(cycle, p.tz), p.locale)
        key = f"review-reminder:{q}:{rater}:{due[-1]}"
        result.add("reminders", send_to_member(w.session, w.org, rater, card, key))
