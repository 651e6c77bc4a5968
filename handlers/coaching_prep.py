"""The coaching prep card a manager reads before the interview, and the follow-up card.

Order matters (coaching starts from strengths): highlights first — indicators that moved
most since the previous quarter, content-hit awards, other awards — then the areas to
discuss (weakest indicators, missing data), then the open questions, then the button to
record the co-created plan. Only indicator *scores* appear, never a rater.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from handlers.cards import Actions, Block, Button, Card, Divider, Fields, Header, Text
from handlers.context import member_locale
from handlers.delivery import send_to_member
from handlers.i18n import format_date, format_number, t
from scoring import score_report
from scoring.breakdown import IndicatorScore
from scoring.model import Org
from scoring.periods import Period
from storage.repo import load_scoring_inputs
from storage.repo.coaching import member_awards
from storage.repo.reviews import stored_config
from storage.tables import ImprovementPlan

TOP = 2
DEFAULT_QUESTIONS = ("coaching.question_1", "coaching.question_2", "coaching.question_3")


def _tag(locale: str) -> str:
    return "zh-CN" if locale.startswith("zh") else "en"


def indicator_name(org: Org, member_id: str, key: str, locale: str) -> str:
    template = org.templates.get(org.members[member_id].template or "")
    for ind in template.indicators if template else ():
        if ind.key == key:
            return ind.name.get(_tag(locale)) or ind.name.get("en") or key
    return key


def _scores(
    session: Session, org: Org, member_id: str, period: Period, now: datetime
) -> dict[str, IndicatorScore]:
    if org.members[member_id].template is None:
        return {}
    org_now, rows, ratings = load_scoring_inputs(session, period=period, members=[member_id])
    report = score_report(org_now, rows, ratings, period, now, members=[member_id])
    if not report.members:
        return {}
    return {i.key: i for i in report.members[0].indicators() if i.counted}


def _num(value: Decimal | None, locale: str) -> str:
    return "–" if value is None else format_number(value, locale)


def _highlights(
    session: Session,
    org: Org,
    member_id: str,
    now_scores: dict[str, IndicatorScore],
    prev_scores: dict[str, IndicatorScore],
    cycle: Period,
    locale: str,
) -> list[str]:
    moves: list[tuple[Decimal, str]] = []
    for key, cur in now_scores.items():
        old = prev_scores.get(key)
        if cur.score is None or cur.missing or old is None or old.score is None or old.missing:
            continue
        if cur.score > old.score:
            moves.append((cur.score - old.score, key))
    lines = [
        t(
            "coaching.moved_up",
            locale,
            name=indicator_name(org, member_id, key, locale),
            before=_num(prev_scores[key].score, locale),
            after=_num(now_scores[key].score, locale),
        )
        for _, key in sorted(moves, key=lambda m: (-m[0], m[1]))[:TOP]
    ]
    awards = [
        a for a in member_awards(session, member_id=member_id) if cycle.contains(_period(a.period))
    ]
    awards.sort(key=lambda a: a.kind != "content_hit")
    for a in awards:
        msgid = "coaching.award_content_hit" if a.kind == "content_hit" else "coaching.award_other"
        reason = a.reason.get(_tag(locale)) or a.reason.get("en") or a.item or a.kind
        lines.append(t(msgid, locale, kind=a.kind, period=a.period, reason=reason))
    return lines


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        return Period.parse("1900")


def _areas(org: Org, member_id: str, scores: dict[str, IndicatorScore], locale: str) -> list[str]:
    weak = sorted(
        (s for s in scores.values() if not s.missing and s.score is not None),
        key=lambda s: (s.score, s.key),
    )[:TOP]
    lines = [
        t(
            "coaching.weak",
            locale,
            name=indicator_name(org, member_id, s.key, locale),
            score=_num(s.score, locale),
        )
        for s in weak
    ]
    lines += [
        t("coaching.missing", locale, name=indicator_name(org, member_id, s.key, locale))
        for s in scores.values()
        if s.missing
    ]
    return lines


def open_questions(session: Session, locale: str) -> list[str]:
    """The configured `coaching.open_questions`, else the bundled defaults."""
    config = stored_config(session)
    configured = config.coaching.open_questions if config else []
    tag = _tag(locale)
    texts = [{str(k): v for k, v in q.items()} for q in configured]
    out = [q.get(tag) or q.get("en") or next(iter(q.values()), "") for q in texts]
    out = [q for q in out if q]
    return out or [t(msgid, locale) for msgid in DEFAULT_QUESTIONS]


def _bullets(lines: list[str], empty: str) -> Text:
    return Text("\n".join(f"- {line}" for line in lines) if lines else empty)


def coaching_prep_card(
    session: Session,
    org: Org,
    manager_id: str,
    member_id: str,
    cycle: str | Period,
    now: datetime,
    locale: str,
) -> Card:
    """Highlights, areas, questions, plan button — in that order."""
    q = cycle if isinstance(cycle, Period) else Period.parse(cycle)
    prev = Period.containing(q.start - timedelta(days=1), "quarter")
    now_scores = _scores(session, org, member_id, q, now)
    prev_scores = _scores(session, org, member_id, prev, now)
    name = org.members[member_id].name or member_id
    blocks: list[Block] = [
        Header(t("coaching.prep_title", locale, name=name, period=str(q))),
        Header(t("coaching.highlights", locale)),
        _bullets(
            _highlights(session, org, member_id, now_scores, prev_scores, q, locale),
            t("coaching.none", locale),
        ),
        Header(t("coaching.areas", locale)),
        _bullets(_areas(org, member_id, now_scores, locale), t("coaching.none", locale)),
        Header(t("coaching.questions", locale)),
        _bullets(open_questions(session, locale), t("coaching.none", locale)),
        Divider(),
        Actions(
            (
                Button(
                    t("coaching.plan_button", locale),
                    "coaching.plan",
                    value=f"{member_id}|{q}",
                    style="primary",
                ),
            )
        ),
    ]
    return Card(blocks=blocks, card_id=f"coaching:prep:{q}:{member_id}:{manager_id}")


def queue_coaching_prep(
    session: Session, org: Org, manager_id: str, member_id: str, cycle: str | Period, now: datetime
) -> bool:
    """DM the prep card to the manager once per (cycle, member); False if already queued."""
    locale = member_locale(session, org, manager_id)
    card = coaching_prep_card(session, org, manager_id, member_id, cycle, now, locale)
    key = f"coaching:prep:{cycle}:{member_id}:{manager_id}"
    return send_to_member(session, org, manager_id, card, key)


def plan_fields(org: Org, plan: ImprovementPlan, locale: str) -> Fields:
    metric = indicator_name(org, plan.member_id, plan.metric, locale) if plan.metric else "–"
    due = format_date(plan.due, locale) if plan.due else "–"
    return Fields(
        (
            (t("coaching.plan_skill", locale), plan.skill),
            (t("coaching.plan_metric", locale), metric),
            (t("coaching.plan_target", locale), _num(plan.target, locale)),
            (t("coaching.plan_due", locale), due),
            (t("coaching.plan_notes", locale), plan.notes or "–"),
        )
    )


def followup_card(org: Org, plan: ImprovementPlan, locale: str) -> Card:
    """The reminder before a plan's due date (the scheduler sends it to member and coach)."""
    due = format_date(plan.due, locale) if plan.due else "–"
    return Card(
        blocks=(
            Text(t("coaching.followup", locale, skill=plan.skill, due=due)),
            plan_fields(org, plan, locale),
        ),
        card_id=f"coaching:followup:{plan.id}",
    )


def followup_key(plan: ImprovementPlan, recipient: str) -> str:
    return f"coaching:followup:{plan.id}:{recipient}"
