"""`half-year-review`: on the configured months and day, the approvers (strategy,
marketing, hr) get the next half's targets with a confirm and an open-calibration button.

Due from the configured day's 10:00 (org zone) to the end of that month, so a missed run
catches up; one card per approver and review, `half-year-review:<yyyy-mm>:<approver>`.
"""

from __future__ import annotations

from datetime import datetime

from handlers.context import Deps
from handlers.convkit import fmt_value, text_of
from handlers.delivery import send_to_member
from handlers.schedule_cards import half_year_card
from scheduler.calendar import half_year_review_at
from scheduler.jobs.base import JobResult, World, world

NAME = "half-year-review"


def next_half(year: int, month: int) -> str:
    """The half that starts after `month`: June → `2026-H2`, December → `2027-H1`."""
    return f"{year}-H2" if month < 7 else f"{year + 1}-H1"


def run(deps: Deps, now: datetime) -> JobResult:
    result = JobResult(NAME)
    with world(deps, now) as w:
        today = w.org_today()
        sched = w.config.schedule
        if today.month not in sched.half_year_review.months:
            return result
        if half_year_review_at(today.year, today.month, w.org.timezone, sched) > now:
            return result
        half = next_half(today.year, today.month)
        roles = w.config.org.approvers
        approvers = dict.fromkeys(
            m for m in (*roles.strategy, *roles.marketing, *roles.hr) if m in w.org.members
        )
        for who in approvers:
            if w.quiet(who):
                continue
            card = half_year_card(half, _targets(w, w.person(who).locale), w.person(who).locale)
            key = f"half-year-review:{today.year}-{today.month:02d}:{who}"
            result.add("cards", send_to_member(w.session, w.org, who, card, key))
    return result


def _targets(w: World, locale: str) -> list[tuple[str, str]]:
    """(template · indicator (period), target) of every targeted indicator, config order."""
    out: list[tuple[str, str]] = []
    for tpl in w.org.templates.values():
        for ind in tpl.indicators:
            if ind.target is None or ind.rule == "rating":
                continue
            label = f"{text_of(tpl.name, locale, tpl.key)} · {text_of(ind.name, locale, ind.key)} ({ind.period})"
            out.append((label, fmt_value(ind.target, ind.unit, locale)))
    return out
