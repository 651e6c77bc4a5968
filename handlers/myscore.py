"""`/myscore [period] [@member]`: a private score card for the asker, or for someone they
manage. The numbers are exactly `score_report`'s for the same data and moment; a request
about anyone else gets a polite refusal and no figure at all."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.access import can_view_scores
from handlers.cards import Ephemeral, Event, Reply, UpdateSource, paginate
from handlers.commands import mentioned_member
from handlers.context import Ctx
from handlers.convkit import member_name, notice
from handlers.links import make_dashboard_link
from handlers.routes import Routes
from handlers.scorecard import Json, score_card
from scoring.jsonout import member_json
from scoring.model import MetricRow, Org, Rating
from scoring.periods import Period, PeriodError
from scoring.report import as_of_in_org, score_report
from storage.repo import load_scoring_inputs

ROUTES = Routes()
PERIOD_KINDS = ("month", "quarter", "year")


class ArgError(ValueError):
    """A word of the command that is neither a period nor a known member."""


def parse_args(ctx: Ctx, args: str) -> tuple[Period | None, str | None]:
    """(period, member) named by the words of `args`, each optional, in any order."""
    period: Period | None = None
    subject: str | None = None
    for word in args.split():
        try:
            p = Period.parse(word)
        except PeriodError:
            p = None
        if p is not None and p.kind in PERIOD_KINDS and period is None:
            period = p
            continue
        found = mentioned_member(ctx.session, ctx.org, word)
        if found is None or found not in ctx.org.members or subject is not None:
            raise ArgError(word)
        subject = found
    return period, subject


def current_quarter(ctx: Ctx) -> Period:
    return Period.containing(ctx.org_today(), "quarter")


def _member(
    org: Org,
    rows: list[MetricRow],
    ratings: list[Rating],
    period: Period,
    as_of: datetime | date,
    subject: str,
) -> Json:
    report = score_report(org, rows, ratings, period, as_of, members=[subject])
    return member_json(report.members[0], report.anonymity_threshold)


def known_by(rows: list[MetricRow], day: date, tz: ZoneInfo) -> list[MetricRow]:
    """The rows as they stood at the end of `day`: none of a later period, none recorded
    later (scoring's as-of alone does not hide later data, it only decides what is open)."""
    cutoff = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return [
        r
        for r in rows
        if r.period.start <= day
        and (r.recorded_at is None or as_of_in_org(r.recorded_at, tz) < cutoff)
    ]


def member_reports(ctx: Ctx, subject: str, period: Period) -> tuple[Json, Json | None]:
    """`member_json` of one member now and at the end of last month (None when the period
    had not started then). The one-member load still brings what others' data the member's
    figures depend on (team rows, pool teammates' points, normalisation's ratings)."""
    org, rows, ratings = load_scoring_inputs(ctx.session, period=period, members=[subject])
    now = _member(org, rows, ratings, period, ctx.now, subject)
    prior = _last_month_end(ctx)
    if period.start > prior:
        return now, None
    known = known_by(rows, prior, ZoneInfo(org.timezone))
    return now, _member(org, known, ratings, period, prior, subject)


def member_now(ctx: Ctx, subject: str, period: Period) -> Json:
    org, rows, ratings = load_scoring_inputs(ctx.session, period=period, members=[subject])
    return _member(org, rows, ratings, period, ctx.now, subject)


def period_options(ctx: Ctx, subject: str, selected: Period) -> list[tuple[str, str]]:
    """This year's months and quarters to date, and the last two years (newest first)."""
    today = ctx.org_today()
    year = Period.year(today.year)
    months = [m for m in year.subperiods("month") if m.start <= today][::-1][:6]
    quarters = [q for q in year.subperiods("quarter") if q.start <= today][::-1]
    choices = quarters + months + [year, Period.year(today.year - 1)]
    if selected not in choices:
        choices.insert(0, selected)
    suffix = "" if subject == ctx.member_id else f" @{subject}"
    return [(str(p), f"{p}{suffix}") for p in choices]


def _last_month_end(ctx: Ctx) -> date:
    """`as_of` for 'the report as of the end of last month': its last day, whose data (and
    nothing of this month) counts."""
    return ctx.org_today().replace(day=1) - timedelta(days=1)


def score_replies(event: Event, ctx: Ctx, args: str) -> list[Reply]:
    try:
        period, subject = parse_args(ctx, args)
    except ArgError as exc:
        return [Ephemeral(notice(ctx.t("myscore.bad_args", arg=str(exc))))]
    subject = subject or ctx.member_id
    if not can_view_scores(ctx.org, ctx.member_id, subject):
        return [Ephemeral(notice(ctx.t("myscore.refused_other")))]
    if ctx.org.members[subject].template is None:
        key = "myscore.unscored" if subject == ctx.member_id else "myscore.unscored_other"
        return [Ephemeral(notice(ctx.t(key, name=member_name(ctx.org, subject))))]
    period = period or current_quarter(ctx)
    mj, before = member_reports(ctx, subject, period)
    url = make_dashboard_link(ctx.deps.secret_key, ctx.deps.public_url, ctx.member_id, ctx.now)
    options = period_options(ctx, subject, period)
    current = next(v for label, v in options if label == str(period))
    card = score_card(ctx, mj, before, period, dashboard_url=url, options=options, current=current)
    pages = paginate(card)
    if event.kind == "button":
        return [UpdateSource(pages[0]), *(Ephemeral(p) for p in pages[1:])]
    return [Ephemeral(p) for p in pages]


@ROUTES.command("myscore")
def myscore(event: Event, ctx: Ctx) -> list[Reply]:
    return score_replies(event, ctx, event.args)


@ROUTES.action("myscore.period")
def myscore_period(event: Event, ctx: Ctx) -> list[Reply]:
    """The period select on the card: its value is `<period>[ @member]`, checked again."""
    return score_replies(event, ctx, event.values.get("value", ""))
