"""`checkin-reminders`: the monthly check-in card, the nudges, the manager's escalation.

Everything is in the member's own timezone (the escalation in the manager's), never inside
quiet hours, and only while that member's form is open. Members on leave (or not yet
joined, or gone) get nothing and are not listed as missing. Keys:
`checkin-reminder:<month>:<member>:0` for the card, `:<n>` for the n-th nudge,
`checkin-escalation:<month>:<manager>` for the digest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from handlers.checkin_reminders import checkin_card, escalation_card, nudge_card
from handlers.context import Deps
from handlers.convkit import checkin_indicators, text_of
from handlers.delivery import send_to_member
from scheduler.calendar import checkin_day, checkin_moments, checkin_month_at
from scheduler.jobs.base import JobResult, World, world
from scoring.periods import Period
from storage.repo.schedule import submitted_members

NAME = "checkin-reminders"


def run(deps: Deps, now: datetime) -> JobResult:
    result = JobResult(NAME)
    with world(deps, now) as w:
        missing: dict[tuple[str, Period], list[str]] = defaultdict(list)
        submitted: dict[Period, set[str]] = {}
        for mid in w.org.members:
            if not checkin_indicators(w.org, mid) or w.away(mid):
                continue
            month = checkin_month_at(now, w.person(mid).tz, w.config.schedule)
            if month is None:
                continue
            if month not in submitted:
                submitted[month] = submitted_members(w.session, month=str(month))
            done = mid in submitted[month]
            _remind(w, mid, month, done, result)
            manager = w.org.manager_of(mid)
            if (
                not done
                and manager
                and manager in w.org.members
                and _escalate_due(w, mid, manager, month)
            ):
                missing[(manager, month)].append(mid)
        for (manager, month), who in missing.items():
            _escalate(w, manager, month, who, result)
    return result


def _remind(w: World, mid: str, month: Period, done: bool, result: JobResult) -> None:
    p, sched = w.person(mid), w.config.schedule
    if w.quiet(mid):
        return
    moments = checkin_moments(month, p.tz, sched)
    deadline = checkin_day(month, sched) + timedelta(days=sched.checkin.deadline_days)
    key = f"checkin-reminder:{month}:{mid}"
    if w.now >= moments.opens:
        card = checkin_card(month, deadline, p.locale)
        result.add(
            "cards",
            send_to_member(w.session, w.org, mid, card, f"{key}:0", not_before=moments.opens),
        )
    due = [(i, at) for i, (_, at) in enumerate(moments.nudges, 1) if at <= w.now]
    if done or not p.nudges or not due:
        return
    n, at = due[-1]  # only the latest: a run that catches up does not fire old nudges too
    card = nudge_card(month, deadline, p.locale)
    result.add("nudges", send_to_member(w.session, w.org, mid, card, f"{key}:{n}", not_before=at))


def _escalate_due(w: World, mid: str, manager: str, month: Period) -> bool:
    sched = w.config.schedule
    m = checkin_moments(month, w.person(mid).tz, sched, manager_tz=w.person(manager).tz)
    return m.escalate <= w.now


def _escalate(w: World, manager: str, month: Period, who: list[str], result: JobResult) -> None:
    if w.quiet(manager):
        return
    p = w.person(manager)
    team = w.org.teams.get(w.org.members[manager].team)
    team_name = text_of(team.name, p.locale, team.key) if team else ""
    card = escalation_card(month, team_name, [w.name(m) for m in who], p.locale)
    key = f"checkin-escalation:{month}:{manager}"
    result.add("escalations", send_to_member(w.session, w.org, manager, card, key))
