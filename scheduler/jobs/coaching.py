"""`coaching-prompts`: prep cards to managers after close, follow-ups before a plan is due.

Prep cards go `days_after_close` days after the last quarter was closed (snapshots exist),
at the manager's local morning, one per direct report with a template
(`coaching:prep:<quarter>:<member>:<manager>`). Follow-ups go to the member and their
coach `follow_up_days_before_due` days before the plan's due date, once per plan and
recipient. The outbox is asked first so a prep card (which scores two quarters) is only
built when it will actually be sent.
"""

from __future__ import annotations

from datetime import datetime

from handlers.coaching_prep import followup_card, followup_key, queue_coaching_prep
from handlers.context import Deps
from handlers.delivery import send_to_member
from scheduler.calendar import coaching_prompt_at, previous_quarter
from scheduler.jobs.base import JobResult, World, world
from storage.repo.coaching import plan_coach, plan_followups_due
from storage.repo.schedule import has_snapshots, queued

NAME = "coaching-prompts"


def run(deps: Deps, now: datetime) -> JobResult:
    result = JobResult(NAME)
    with world(deps, now) as w:
        _prep(w, result)
        _followups(w, result)
    return result


def _prep(w: World, result: JobResult) -> None:
    q = previous_quarter(w.org_today())
    if not has_snapshots(w.session, period=str(q)):
        return  # not closed yet: cycle-close runs this again right after freezing
    sched = w.config.schedule
    for manager in w.managers():
        tz = w.person(manager).tz
        if coaching_prompt_at(q, tz, sched, w.org.timezone) > w.now or w.quiet(manager):
            continue
        for mid in w.direct_reports(manager):
            if w.org.members[mid].template is None or w.away(mid):
                continue
            if queued(w.session, f"coaching:prep:{q}:{mid}:{manager}"):
                continue
            result.add("prep_cards", queue_coaching_prep(w.session, w.org, manager, mid, q, w.now))


def _followups(w: World, result: JobResult) -> None:
    days = w.config.schedule.coaching.follow_up_days_before_due
    for plan in plan_followups_due(w.session, w.org_today(), days):
        if plan.member_id not in w.org.members:
            continue
        coach = plan_coach(w.session, plan=plan) or w.org.manager_of(plan.member_id)
        recipients = [r for r in (plan.member_id, coach) if r is not None and r in w.org.members]
        for who in dict.fromkeys(recipients):
            if w.quiet(who):
                continue
            card = followup_card(w.org, plan, w.person(who).locale)
            result.add(
                "followups", send_to_member(w.session, w.org, who, card, followup_key(plan, who))
            )
