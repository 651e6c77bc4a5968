"""Small helpers the my-score, check-in, perf and home conversations share: how a period,
a value with its unit and an indicator's name read in the member's language, and which
monthly check-in a day belongs to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_skeleton

from handlers.cards import Card, Text
from handlers.i18n import format_money, format_number, format_percent, resolve_locale
from scoring.model import Indicator, Org
from scoring.periods import Period
from storage.orgconfig.records import CheckinSchedule

PERCENT_UNITS = ("ratio", "%", "percent")


def notice(text: str) -> Card:
    """A one-paragraph card (refusals, closed notices, confirmations without data)."""
    return Card(blocks=(Text(text),))


def period_label(period: Period, locale: str) -> str:
    """A month reads `November 2026` / `2026年11月`; quarters and years keep `2026-Q4`."""
    if period.kind == "month":
        babel_locale = "zh_CN" if resolve_locale(locale) == "zh_CN" else "en"
        return format_skeleton("yMMMM", period.start, locale=babel_locale)
    return str(period)


def text_of(names: Mapping[str, str], locale: str, fallback: str) -> str:
    """A {"zh-CN": …, "en": …} name in the reader's language, else any, else the key."""
    tag = "zh-CN" if resolve_locale(locale) == "zh_CN" else "en"
    return names.get(tag) or next(iter(names.values()), None) or fallback


def indicator_name(org: Org, template: str | None, key: str, locale: str) -> str:
    tpl = org.templates.get(template or "")
    for ind in tpl.indicators if tpl else ():
        if ind.key == key:
            return text_of(ind.name, locale, key)
    for other in org.templates.values():
        for ind in other.indicators:
            if ind.key == key:
                return text_of(ind.name, locale, key)
    return key


def fmt_value(value: float | Decimal | None, unit: str | None, locale: str) -> str:
    """Money with its sign, a ratio as a percentage, else a grouped number plus its unit."""
    if value is None:
        return "—"
    if unit == "CNY":
        return format_money(value, locale)
    if unit in PERCENT_UNITS:
        return format_percent(value, locale)
    number = format_number(value, locale)
    return f"{number} {unit}" if unit else number


def fmt_score(value: float | Decimal | None, locale: str) -> str:
    return "—" if value is None else format_number(value, locale)


def member_name(org: Org, member_id: str) -> str:
    m = org.members.get(member_id)
    return (m.name or member_id) if m else member_id


# --- monthly check-in -----------------------------------------------------------------


@dataclass(frozen=True)
class CheckinWindow:
    """One month's check-in: the card goes out on `opens`, edits are taken until `deadline`."""

    month: Period
    opens: date
    deadline: date

    def is_open(self, today: date) -> bool:
        return self.opens <= today <= self.deadline


def checkin_window(schedule: CheckinSchedule, today: date) -> CheckinWindow:
    """The check-in `today` belongs to: this month's once its day has come, else last
    month's (whose deadline may or may not have passed)."""
    month = Period.containing(today, "month")
    if today.day < schedule.day:
        month = Period.containing(month.start - timedelta(days=1), "month")
    opens = month.start.replace(day=schedule.day)
    return CheckinWindow(month, opens, opens + timedelta(days=schedule.deadline_days))


def checkin_indicators(org: Org, member_id: str) -> list[Indicator]:
    """The member's own `source: checkin` indicators, in template order."""
    member = org.members[member_id]
    tpl = org.templates.get(member.template or "")
    if tpl is None:
        return []
    return [i for i in tpl.indicators if i.source == "checkin" and i.subject == "member"]


def member_target(org: Org, member_id: str, ind: Indicator) -> Decimal | None:
    """A member's own target overrides the template's (scoring.md's rule)."""
    return org.members[member_id].targets.get(ind.key, ind.target)
