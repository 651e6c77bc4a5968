"""Lead handoff timeliness (`lead_handoff_on_time`) computed from lead events.

A lead counts in the month (org timezone) it was created. It is on time if handed over
within `lead_handoff.sla_hours` (exactly at the SLA is on time); a lead not yet handed over
is late once its SLA has passed and is not counted while still inside it. The monthly share
per member is written through `import_metrics` with origin `lead_events`, so recomputing
replaces the previous value (with history) and triggers the automatic processing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.autoscore import Processed, process_batch
from handlers.payload import ItemErrors, text_fields
from scoring.model import MetricRow, Org
from scoring.periods import Period
from storage.msg import Msg, msg_of
from storage.repo import import_metrics
from storage.repo.ingest import ingest_settings
from storage.repo.leads import LeadIn, lead_times, pending_lead_members, upsert_leads
from storage.tabular.subjects import CellError, catalog, member_lookup, resolve_member
from storage.tabular.validate import EMPTY, parse_time

INDICATOR = "lead_handoff_on_time"
ORIGIN = "lead_events"
LEAD_FIELDS = ("lead_id", "member", "created_at", "handed_over_at", "origin")
RATE_PLACES = Decimal("0.000001")

Times = tuple[str, datetime, datetime | None]


def handoff_rates(
    leads: list[Times], *, sla: timedelta, now: datetime, tz: ZoneInfo
) -> dict[tuple[str, str], Decimal]:
    """{(member, YYYY-MM): on-time share} over the counted leads (pure; `now` is given)."""
    on_time: dict[tuple[str, str], int] = defaultdict(int)
    counted: dict[tuple[str, str], int] = defaultdict(int)
    for member, created, handed in leads:
        local = created.astimezone(tz)
        key = (member, f"{local.year:04d}-{local.month:02d}")
        if handed is not None:
            counted[key] += 1
            on_time[key] += handed - created <= sla
        elif now - created > sla:
            counted[key] += 1
    return {
        k: (Decimal(on_time[k]) / Decimal(n)).quantize(RATE_PLACES, ROUND_HALF_UP)
        for k, n in counted.items()
    }


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    p = Period.parse(month)
    start = datetime.combine(p.start, time(), tzinfo=tz)
    return start, datetime.combine(p.end + timedelta(days=1), time(), tzinfo=tz)


def months_of(touched: list[tuple[str, datetime]], tz: ZoneInfo) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for member, created in touched:
        local = created.astimezone(tz)
        out[f"{local.year:04d}-{local.month:02d}"].add(member)
    return out


def recompute(
    session: Session, org: Org, touched: list[tuple[str, datetime]], *, now: datetime, source: str
) -> Processed:
    """Rewrite the rates of the touched (member, month) pairs and process the change."""
    if INDICATOR not in catalog(org).member or not touched:
        return Processed()
    tz = ZoneInfo(org.timezone)
    sla = timedelta(hours=float(ingest_settings(session).sla_hours))
    rows: list[MetricRow] = []
    for month, members in sorted(months_of(touched, tz).items()):
        start, end = month_bounds(month, tz)
        times = lead_times(session, members=members, start=start, end=end)
        rates = handoff_rates(times, sla=sla, now=now, tz=tz)
        rows += [
            MetricRow(m, INDICATOR, Period.parse(mo), rate, "", ORIGIN)
            for (m, mo), rate in sorted(rates.items())
        ]
    if not rows:
        return Processed()
    result = import_metrics(session, rows=rows, source=source, actor="system:lead_events")
    return process_batch(session, batch_id=result.batch_id, now=now)


def refresh_pending(session: Session, org: Org, *, now: datetime) -> Processed:
    """For the scheduler: leads waiting for a handoff turn late as time passes."""
    return recompute(session, org, pending_lead_members(session), now=now, source="lead_events")


def validate_lead_items(
    org: Org,
    items: list[object],
    default_origin: str,
    bound: str | None,
    rows: Sequence[int] | None = None,
) -> tuple[list[LeadIn], ItemErrors]:
    """Same rules for a JSON item and a CSV row; a problem's `index` is the item's index.
    `rows` (a file's spreadsheet row number of each item) makes a duplicate name the
    earlier row, as a file's reader counts them, instead of the earlier item."""
    names = member_lookup(org)
    problems: ItemErrors = []
    leads: list[LeadIn] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        lead, bad = _lead(org, names, item, default_origin, bound)
        problems += [{"index": index, "field": f, "reason": r} for f, r in bad]
        if lead is None:
            continue
        k = (lead.origin, lead.lead_id)
        if k in seen:
            first = seen[k]
            if rows is None:
                reason = Msg("lead.duplicate", "same lead_id as item {first}", first=first)
            else:
                reason = Msg("lead.duplicate_row", "same lead_id as row {first}", first=rows[first])
            problems.append({"index": index, "field": "lead_id", "reason": reason})
            continue
        seen[k] = index
        leads.append(lead)
    return leads, problems


def _lead(
    org: Org, names: dict[str, str | None], item: object, default_origin: str, bound: str | None
) -> tuple[LeadIn | None, list[tuple[str, str]]]:
    required = ("lead_id", "member", "created_at")
    rec, bad = text_fields(item, LEAD_FIELDS, required, nullable=("handed_over_at", "origin"))
    if bad:
        return None, bad
    tz = ZoneInfo(org.timezone)
    times: dict[str, datetime | None] = {"created_at": None, "handed_over_at": None}
    member = ""
    for name, text in rec.items():
        if not text and name in required:
            bad.append((name, EMPTY))
        elif name == "member":
            try:
                member = resolve_member(names, text)
            except CellError as exc:
                bad.append((name, msg_of(exc)))
        elif name in times and text:
            try:
                times[name] = _zoned(parse_time(text), tz)
            except ValueError as exc:
                bad.append((name, msg_of(exc)))
    origin = rec.get("origin") or bound or default_origin
    if bound is not None and origin != bound:
        bad.append(("origin", f"this token may only write origin {bound!r}"))
    created, handed = times["created_at"], times["handed_over_at"]
    if created is not None and handed is not None and handed < created:
        bad.append(("handed_over_at", Msg("lead.handed_before_created", "before created_at")))
    if bad or created is None:
        return None, bad
    return LeadIn(rec["lead_id"], member, created, handed, origin), []


def _zoned(value: datetime | date, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def write_leads(
    session: Session, org: Org, leads: list[LeadIn], *, source: str, actor: str, now: datetime
) -> dict[str, object]:
    outcome = upsert_leads(session, leads=leads, source=source, actor=actor)
    processed = recompute(session, org, outcome.touched, now=now, source=source)
    return {
        "batch": outcome.batch_id,
        "rows": len(leads),
        "inserted": outcome.inserted,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        **processed.summary(),
    }
