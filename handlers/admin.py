"""Admin use cases behind the CLI (and, later, the metrics API): imports and score reports.

Each validates everything first and writes in one transaction, so a refused input leaves
every table as it was. Results carry the errors instead of raising, so every front end can
print them its own way; errors, warnings and messages are `storage.msg.Msg` where we word
them, so the CLI can say them in zh-CN (`handlers.i18n.render`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from handlers.autoscore import process_batch
from handlers.orgscore import score_org
from scoring import report_to_json, score_report
from scoring.model import MetricRow, Org
from scoring.periods import Period, PeriodError
from storage.db import session_scope
from storage.msg import Msg, msg_of
from storage.orgconfig import ConfigError, load_org_file, to_scoring_org
from storage.repo import (
    NoOrgError,
    current_org,
    import_metrics,
    import_org,
    import_ratings,
    load_scoring_inputs,
)
from storage.repo.frozen import frozen_periods_touched, record_reopen
from storage.repo.ingest import lock_imports
from storage.tabular import TableError, parse_metrics_file, parse_reviews_file


@dataclass
class Outcome:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    report: dict[str, Any] | None = None


def unreadable(path: Path, exc: OSError) -> Msg:
    detail = exc.strerror or exc
    return Msg("import.unreadable", "{file}: cannot read: {detail}", file=path, detail=detail)


def import_org_file(engine: Engine, path: Path, *, dry_run: bool, actor: str = "cli") -> Outcome:
    try:
        text = path.read_text(encoding="utf-8-sig")
        cfg = load_org_file(path)
    except OSError as exc:
        return Outcome(errors=[unreadable(path, exc)])
    except ConfigError as exc:
        return Outcome(errors=list(exc.errors))
    summary = Msg(
        "import.org_summary",
        "{teams} teams, {members} members, {templates} templates",
        teams=len(cfg.teams),
        members=len(cfg.members),
        templates=len(cfg.templates),
    )
    if dry_run:
        english = "{file} is valid: {summary} (dry run, nothing written)"
        return Outcome(message=Msg("import.org_dry_run", english, file=path.name, summary=summary))
    with session_scope(engine) as session:
        result = import_org(session, cfg=cfg, source_text=text, actor=actor)
    if result.status == "unchanged":
        english = "{file}: unchanged, nothing to do ({summary})"
        return Outcome(
            message=Msg("import.org_unchanged", english, file=path.name, summary=summary)
        )
    changed = ", ".join(
        f"{table} +{c.get('inserted', 0)} ~{c.get('updated', 0)} -{c.get('retired', 0)}"
        for table, c in sorted(result.changes.items())
    )
    facts = {"file": path.name, "summary": summary, "changed": changed}
    if result.status == "created":
        english = "{file}: created ({summary}); {changed}"
        return Outcome(message=Msg("import.org_created", english, **facts))
    english = "{file}: updated ({summary}); {changed}"
    return Outcome(message=Msg("import.org_updated", english, **facts))


def _org_or_error(engine: Engine) -> tuple[Org | None, list[str]]:
    try:
        with session_scope(engine) as session:
            return current_org(session), []
    except NoOrgError as exc:
        return None, [msg_of(exc)]


def import_metrics_file(
    engine: Engine,
    path: Path,
    *,
    profile: str | None = None,
    dry_run: bool = False,
    reopen: bool = False,
    actor: str = "cli",
    now: datetime | None = None,
) -> Outcome:
    org, errors = _org_or_error(engine)
    if org is None:
        return Outcome(errors=errors)
    try:
        parsed = parse_metrics_file(path, org, profile=profile)
    except TableError as exc:
        return Outcome(errors=list(exc.errors))
    except OSError as exc:
        return Outcome(errors=[unreadable(path, exc)])
    with session_scope(engine) as session:
        lock_imports(session)
        frozen = frozen_periods_touched(session, rows=parsed.rows)
        if frozen and not reopen:
            english = (
                "{file}: period {period} is frozen by cycle-close; "
                "re-run with --reopen to change it (audited)"
            )
            errors = [Msg("import.frozen", english, file=path.name, period=p) for p in frozen]
            return Outcome(warnings=parsed.warnings, errors=errors)
        if dry_run:
            english = "{file} is valid: {rows} rows (dry run, nothing written)"
            valid = Msg("import.metrics_dry_run", english, file=path.name, rows=len(parsed.rows))
            return Outcome(warnings=parsed.warnings, message=valid)
        rows = [_in_zone(r, org.timezone) for r in parsed.rows]
        if frozen:
            record_reopen(session, periods=frozen, actor=actor, source=path.name)
        result = import_metrics(session, rows=rows, source=path.name, actor=actor)
        process_batch(session, batch_id=result.batch_id, now=now or datetime.now(UTC))
    english = (
        "{file}: {rows} rows: {inserted} new, {updated} replaced, {unchanged} unchanged "
        "(batch {batch})"
    )
    done = Msg(
        "import.metrics_done",
        english,
        file=path.name,
        rows=len(parsed.rows),
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
        batch=result.batch_id,
    )
    return Outcome(warnings=parsed.warnings, message=done)


def _in_zone(row: MetricRow, tz: str) -> MetricRow:
    """Zone-less `recorded_at` means the org's zone (scoring.md); the store keeps instants."""
    if row.recorded_at is None or row.recorded_at.tzinfo is not None:
        return row
    return replace(row, recorded_at=row.recorded_at.replace(tzinfo=ZoneInfo(tz)))


def import_reviews_file(
    engine: Engine, path: Path, *, dry_run: bool = False, actor: str = "cli"
) -> Outcome:
    org, errors = _org_or_error(engine)
    if org is None:
        return Outcome(errors=errors)
    try:
        ratings = parse_reviews_file(path, org)
    except TableError as exc:
        return Outcome(errors=list(exc.errors))
    except OSError as exc:
        return Outcome(errors=[unreadable(path, exc)])
    if dry_run:
        english = "{file} is valid: {ratings} ratings (dry run)"
        valid = Msg("import.reviews_dry_run", english, file=path.name, ratings=len(ratings))
        return Outcome(message=valid)
    with session_scope(engine) as session:
        result = import_ratings(session, ratings=ratings, source=path.name, actor=actor)
    english = "{file}: {ratings} ratings: {inserted} new, {updated} replaced, {unchanged} unchanged"
    done = Msg(
        "import.reviews_done",
        english,
        file=path.name,
        ratings=len(ratings),
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    return Outcome(message=done)


def parse_as_of(text: str | None, now: datetime) -> datetime | date:
    """`--as-of`: a date (start of that day), an ISO time, or now; zone-less = the org's zone."""
    if text is None:
        return now
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        english = "--as-of: not an ISO date or time: {text!r}"
        raise ValueError(Msg("score.bad_as_of", english, text=text)) from None


def score_files(
    config: Path,
    metrics: Path,
    reviews: Path | None,
    *,
    period: str,
    as_of: str | None,
    now: datetime,
    member: str | None = None,
) -> Outcome:
    """Score files alone, in memory: no database is opened."""
    try:
        org = to_scoring_org(load_org_file(config))
        rows = parse_metrics_file(metrics, org)
        ratings = parse_reviews_file(reviews, org) if reviews is not None else []
    except (ConfigError, TableError) as exc:
        return Outcome(errors=list(exc.errors))
    except OSError as exc:
        return Outcome(errors=[Msg("score.unreadable", "cannot read: {detail}", detail=exc)])
    return _report(org, rows.rows, ratings, period, as_of, now, member, rows.warnings)


def score_store(
    engine: Engine, *, period: str, as_of: str | None, now: datetime, member: str | None = None
) -> Outcome:
    """Score from the store: one member through the one-member load (`/myscore`'s), the
    whole org a team at a time (`handlers.orgscore.score_org`, the quarter close's path),
    so the org's rows are never all in memory. Same JSON as `score_files` on the same data."""
    try:
        p = Period.parse(period)
    except PeriodError as exc:
        return Outcome(errors=[Msg("score.bad_period", "--period: {reason}", reason=msg_of(exc))])
    try:
        with session_scope(engine) as session:
            checked = _checked(current_org(session), period, as_of, now, member)
            if isinstance(checked, Outcome):
                return checked
            when = checked[1]
            if member is None:
                _org, report = score_org(session, period=p, as_of=when)
            else:
                org, rows, ratings = load_scoring_inputs(session, period=p, members=[member])
                report = score_report(org, rows, ratings, p, when, members=[member])
    except NoOrgError as exc:
        return Outcome(errors=[msg_of(exc)])
    return Outcome(report=report_to_json(report))


def _checked(
    org: Org, period: str, as_of: str | None, now: datetime, member: str | None
) -> tuple[Period, datetime | date] | Outcome:
    """The report's period and as-of time, or the Outcome that says what is wrong."""
    try:
        p = Period.parse(period)
        when = parse_as_of(as_of, now)
    except (PeriodError, ValueError) as exc:
        english = "--period/--as-of: {reason}"
        return Outcome(errors=[Msg("score.bad_period_or_as_of", english, reason=msg_of(exc))])
    if p.kind == "day":
        english = "--period: reports are for a month, a quarter or a year"
        return Outcome(errors=[Msg("score.day_period", english)])
    if member is not None and member not in org.members:
        english = "--member: unknown member {member!r}"
        return Outcome(errors=[Msg("score.unknown_member", english, member=member)])
    return p, when


def _report(
    org: Org,
    rows: list[Any],
    ratings: list[Any],
    period: str,
    as_of: str | None,
    now: datetime,
    member: str | None,
    warnings: list[str],
) -> Outcome:
    checked = _checked(org, period, as_of, now, member)
    if isinstance(checked, Outcome):
        return checked
    p, when = checked
    report = score_report(
        org, rows, ratings, p, when, members=[member] if member is not None else None
    )
    return Outcome(warnings=warnings, report=report_to_json(report))
