"""What every dashboard page reads: the store's scoring inputs, periods, names, formatting.

The pages show numbers from `report_to_json`, so they are already rounded and already
hidden where the anonymity rule says so; formatting here only localises them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from handlers.i18n import format_money, format_number, format_percent, resolve_locale, t
from scoring.model import MetricRow, Org, Rating
from scoring.periods import Period, PeriodError
from storage.db import session_scope
from storage.msg import Msg
from storage.repo.scoring_inputs import load_scoring_inputs

PAGE_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Inputs:
    org: Org
    rows: list[MetricRow]
    ratings: list[Rating]
    now: datetime
    today: date


def org_today(org: Org, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


def load_inputs(
    engine: Engine, period: Period, now: datetime, members: list[str] | None = None
) -> Inputs:
    """Org, rows and ratings of `period`'s year (raises NoOrgError without an org); with
    `members`, only what those members' scores read (storage's one-member path)."""
    with session_scope(engine) as session:
        org, rows, ratings = load_scoring_inputs(session, period=period, members=members)
    return Inputs(org, rows, ratings, now, org_today(org, now))


def parse_period(text: str | None, today: date) -> Period:
    """`?period=`: a month, quarter or year; empty means the current quarter."""
    if not text:
        return Period.containing(today, "quarter")
    p = Period.parse(text)
    if p.kind not in PAGE_KINDS:
        raise PeriodError(
            Msg("period.page_kind", "{text!r}: choose a month, a quarter or a year", text=text)
        )
    return p


def period_options(today: date, selected: Period) -> list[tuple[str, list[str]]]:
    """Switcher choices: this and last year's months (to date), quarters and years."""
    years = [Period.year(today.year - 1), Period.year(today.year)]
    months = [m for y in years for m in y.subperiods("month") if m.start <= today]
    quarters = [q for y in years for q in y.subperiods("quarter") if q.start <= today]
    groups = [
        ("month", [str(m) for m in reversed(months)]),
        ("quarter", [str(q) for q in reversed(quarters)]),
        ("year", [str(y) for y in reversed(years)]),
    ]
    if not any(str(selected) in values for _, values in groups):
        groups[PAGE_KINDS.index(selected.kind)][1].insert(0, str(selected))
    return groups


def page_locale(*prefs: str | None) -> str:
    """`?lang=`, then the cookie, then the member's, then the org's locale."""
    return resolve_locale(*prefs)


def text_of(names: Mapping[str, str], locale: str, fallback: str) -> str:
    """A {"zh-CN": …, "en": …} name in the page's language, else any, else the key."""
    tag = "zh-CN" if locale == "zh_CN" else "en"
    return names.get(tag) or next(iter(names.values()), None) or fallback


def fmt_num(value: float | None, locale: str, digits: int = 2) -> str:
    return "—" if value is None else format_number(value, locale, digits)


def fmt_pct(value: float | None, locale: str) -> str:
    return "—" if value is None else format_percent(value, locale)


def fmt_money(value: float | None, locale: str) -> str:
    return "—" if value is None else format_money(value, locale)


def fmt_value(value: float | None, unit: str | None, locale: str) -> str:
    """An indicator value: money with its sign, a ratio as a percentage, else a number."""
    if value is None:
        return "—"
    if unit == "CNY":
        return format_money(value, locale)
    if unit in ("ratio", "%"):
        return format_percent(value, locale)
    return format_number(value, locale)


def dimension_name(key: str, locale: str) -> str:
    return t(f"web.dim.{key}", locale) if key in ("result", "process", "capability") else key


def member_name(org: Org, member_id: str) -> str:
    m = org.members.get(member_id)
    return m.name or member_id if m else member_id


def team_name(org: Org, team: str, locale: str) -> str:
    tm = org.teams.get(team)
    return text_of(tm.name, locale, team) if tm else team


def indicator_names(org: Org, locale: str) -> dict[str, str]:
    """Every indicator key of every template to its name (templates may share keys)."""
    out: dict[str, str] = {}
    for tpl in org.templates.values():
        for ind in tpl.indicators:
            out.setdefault(ind.key, text_of(ind.name, locale, ind.key))
    return out
