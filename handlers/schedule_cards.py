"""Cards the scheduled jobs send that are not about the check-in: review reminders, the
quarter summary and team digest, the at-risk warning, the weekly score digest, the
half-year target review and the team bonus pool.

The team digest takes *aggregates* only (counts per grade, completion rates): it is posted
to a channel, where nobody may see another person's score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from handlers.cards import Actions, Block, Button, Card, Context, Fields, Header, Text
from handlers.i18n import format_date, format_number, format_percent, t

CALIBRATION_ACTION = "calibration.request"
CONFIRM_TARGETS_ACTION = "halfyear.confirm"


def _score(value: Decimal | None, locale: str) -> str:
    return "—" if value is None else format_number(value, locale)


def review_reminder_card(quarter: str, count: int, deadline: datetime, locale: str) -> Card:
    title = t("sched.review.reminder_title", locale, period=quarter)
    due = format_date(deadline, locale)
    return Card(
        title=title,
        card_id=f"review-reminder:{quarter}",
        blocks=(Header(title), Text(t("review.pending", locale, count=count, deadline=due))),
    )


def summary_card(period: str, total: Decimal | None, grade: str | None, locale: str) -> Card:
    """The member's own result, DMed to them alone at cycle close."""
    title = t("sched.summary.title", locale, period=period)
    return Card(
        title=title,
        card_id=f"cycle-summary:{period}",
        blocks=(
            Header(title),
            Text(t("sched.summary.total", locale, total=_score(total, locale), grade=grade or "—")),
            Context(t("sched.summary.more", locale, period=period)),
        ),
    )


def team_digest_card(
    team: str,
    period: str,
    grades: Mapping[str, int],
    scored: int,
    checkin_rate: Decimal | None,
    review_rate: Decimal | None,
    locale: str,
) -> Card:
    """Counts and rates only: no name, no individual score."""
    title = t("digest.title", locale, team=team, period=period)
    lines = [t("sched.digest.grade_line", locale, grade=g, count=n) for g, n in grades.items()]
    rates = [
        t("sched.digest.checkin_rate", locale, rate=_rate(checkin_rate, locale)),
        t("sched.digest.review_rate", locale, rate=_rate(review_rate, locale)),
    ]
    return Card(
        title=title,
        card_id=f"cycle-digest:{period}",
        blocks=(
            Header(title),
            Text(t("sched.digest.members", locale, count=scored)),
            Text(t("sched.digest.grades", locale) + "\n" + "\n".join(lines)),
            Context("\n".join(rates)),
        ),
    )


def _rate(value: Decimal | None, locale: str) -> str:
    return "—" if value is None else format_percent(value, locale)


def at_risk_card(
    name: str,
    member_id: str,
    period: str,
    below: Decimal,
    lines: Sequence[tuple[str, Decimal]],
    locale: str,
) -> Card:
    """To the manager: the indicators projected under `below`, and a calibration button."""
    title = t("sched.risk.title", locale, name=name, period=period)
    body = "\n".join(
        "- " + t("sched.risk.line", locale, indicator=ind, projected=format_percent(a, locale))
        for ind, a in lines
    )
    return Card(
        title=title,
        card_id=f"at-risk:{period}:{member_id}",
        blocks=(
            Header(title),
            Text(t("sched.risk.intro", locale, below=format_percent(below, locale)) + "\n" + body),
            Actions((Button(t("sched.risk.button", locale), CALIBRATION_ACTION, value=member_id),)),
        ),
    )


def score_digest_card(
    period: str,
    scores: Sequence[tuple[str, Decimal | None, str | None]],
    movers: Sequence[tuple[str, Decimal | None, Decimal | None]],
    risks: Sequence[tuple[str, str, Decimal]],
    locale: str,
) -> Card:
    """The manager's weekly digest of their reports (a DM, so scores may appear)."""
    title = t("sched.score_digest.title", locale, period=period)
    none = t("sched.score_digest.none", locale)
    score_lines = [
        t("sched.score_digest.line", locale, name=n, total=_score(s, locale), grade=g or "—")
        for n, s, g in scores
    ]
    mover_lines = [
        t(
            "sched.score_digest.mover",
            locale,
            name=n,
            before=_score(b, locale),
            after=_score(a, locale),
        )
        for n, b, a in movers
    ]
    risk_lines = [
        t("sched.risk.line", locale, indicator=f"{n} · {i}", projected=format_percent(a, locale))
        for n, i, a in risks
    ]
    blocks: list[Block] = [Header(title), Text("\n".join(score_lines) or none)]
    blocks.append(
        Text(t("sched.score_digest.movers", locale) + "\n" + ("\n".join(mover_lines) or none))
    )
    blocks.append(
        Text(t("sched.score_digest.at_risk", locale) + "\n" + ("\n".join(risk_lines) or none))
    )
    return Card(title=title, card_id=f"score-digest:{period}", blocks=tuple(blocks))


def half_year_card(half: str, targets: Sequence[tuple[str, str]], locale: str) -> Card:
    """To approvers: next half's targets, with confirm / open-calibration buttons."""
    title = t("sched.half.title", locale, half=half)
    return Card(
        title=title,
        card_id=f"half-year-review:{half}",
        blocks=(
            Header(title),
            Text(t("sched.half.intro", locale)),
            Fields(tuple(targets)),
            Actions(
                (
                    Button(
                        t("sched.half.confirm", locale),
                        CONFIRM_TARGETS_ACTION,
                        value=half,
                        style="primary",
                    ),
                    Button(t("sched.half.calibrate", locale), CALIBRATION_ACTION, value=""),
                )
            ),
        ),
    )


def pool_card(team: str, metric: str, period: str, amount: str, locale: str) -> Card:
    title = t("sched.pool.title", locale)
    body = t("sched.pool.body", locale, team=team, metric=metric, period=period, amount=amount)
    return Card(title=title, card_id=f"pool:{period}", blocks=(Header(f"🎉 {title}"), Text(body)))
