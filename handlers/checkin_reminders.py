"""The cards the scheduler sends around the monthly check-in: the opening card, the nudges
to those who have not submitted, and the manager's digest of who is missing.

Each card's button carries its month, so a stale card cannot open a later month's form
(`handlers.checkin._asked_month`). The escalation names the missing people to their own
manager only — who has not filled in a form is not a score and not a rating.
"""

from __future__ import annotations

from datetime import date

from handlers.cards import Actions, Button, Card, Context, Header, Text
from handlers.convkit import period_label
from handlers.i18n import format_date, t
from scoring.periods import Period

OPEN_ACTION = "checkin.open"


def _button(month: Period, locale: str) -> Actions:
    return Actions(
        (Button(t("checkin.open_button", locale), OPEN_ACTION, value=str(month), style="primary"),)
    )


def checkin_card(month: Period, deadline: date, locale: str) -> Card:
    """The check-in day's card: what to do, until when, and the button opening the form."""
    label = period_label(month, locale)
    return Card(
        title=t("checkin.title", locale, period=label),
        card_id=f"checkin-reminder:{month}",
        blocks=(
            Header(t("checkin.title", locale, period=label)),
            Text(t("checkin.intro", locale, period=label)),
            Context(t("checkin.deadline_note", locale, deadline=format_date(deadline, locale))),
            _button(month, locale),
        ),
    )


def nudge_card(month: Period, deadline: date, locale: str) -> Card:
    """A nudge to someone who has not submitted yet (only if their nudges are on)."""
    label = period_label(month, locale)
    due = format_date(deadline, locale)
    return Card(
        title=t("sched.checkin.nudge_title", locale, period=label),
        card_id=f"checkin-nudge:{month}",
        blocks=(
            Text(t("checkin.reminder", locale, period=label, deadline=due)),
            _button(month, locale),
        ),
    )


def escalation_card(month: Period, team: str, missing: list[str], locale: str) -> Card:
    """One digest per manager: how many of their reports have not checked in, and who."""
    label = period_label(month, locale)
    sep = "、" if locale.startswith("zh") else ", "
    return Card(
        title=t("sched.checkin.escalation_title", locale, period=label),
        card_id=f"checkin-escalation:{month}",
        blocks=(
            Header(t("sched.checkin.escalation_title", locale, period=label)),
            Text(t("checkin.escalation", locale, count=len(missing), team=team, period=label)),
            Context(t("sched.checkin.missing_list", locale, names=sep.join(missing))),
        ),
    )
