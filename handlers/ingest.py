"""The ingestion API's use cases: JSON batches of metric values (and lead events, see
`handlers.leads`), all-or-nothing, idempotent by `Idempotency-Key`.

The web layer only authenticates and enforces the size limit; everything else is here, so
the CLI import and the API share the validator (`storage.tabular.validate`), the frozen-
period rule and the automatic processing (`handlers.autoscore`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from handlers.autoscore import process_batch
from handlers.payload import ItemErrors, load_items, text_fields
from scoring.model import MetricRow, Org
from storage.db import session_scope
from storage.repo import NoOrgError, current_org, import_metrics
from storage.repo.frozen import frozen_periods_touched, record_reopen
from storage.repo.ingest import find_answer, lock_imports, store_answer
from storage.tabular.validate import Key, MetricValidator, duplicate_reason, row_key

API_ORIGIN = "api"
ATTEMPTS = 5
METRIC_FIELDS = ("member", "indicator", "period", "value", "item", "origin", "recorded_at")
REQUIRED = ("member", "indicator", "period", "value")


@dataclass(frozen=True)
class Grant:
    """Who called: the token's name and the origin it is bound to (None = any origin)."""

    name: str
    origin: str | None = None


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def error(status: int, reason: str, *, field: str = "body", index: int | None = None) -> Answer:
    return Answer(status, {"errors": [{"index": index, "field": field, "reason": reason}]})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Writer = Callable[[Session, Org], Answer]
Parser = Callable[[Org, list[Any]], "tuple[Writer | None, ItemErrors]"]


def run_batch(
    engine: Engine,
    raw: bytes,
    *,
    scope: str,
    list_name: str,
    key: str | None,
    max_items: int,
    parse: Parser,
) -> Answer:
    """Decode, replay a stored answer, validate, then write under the import lock.

    A concurrent transaction can still make a write fail (SQLite's busy snapshot, a unique
    key raced in); the whole unit is then retried, which is safe as it is all-or-nothing.
    """
    items, problem = load_items(raw, list_name, max_items)
    if problem is not None:
        return Answer(problem[0], {"errors": [problem[1]]})
    body_sha = sha256(raw)
    for attempt in range(ATTEMPTS):
        try:
            return _attempt(engine, items, scope=scope, key=key, body_sha=body_sha, parse=parse)
        except (OperationalError, IntegrityError):
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _attempt(
    engine: Engine,
    items: list[Any],
    *,
    scope: str,
    key: str | None,
    body_sha: str,
    parse: Parser,
) -> Answer:
    with session_scope(engine) as session:
        lock_imports(session)
        if key is not None:
            stored = find_answer(session, scope=scope, key=key)
            if stored is not None:
                if stored.body_sha256 != body_sha:
                    return error(
                        409,
                        "this Idempotency-Key was used for a different body",
                        field="Idempotency-Key",
                    )
                return Answer(stored.status, stored.response)
        try:
            org = current_org(session)
        except NoOrgError as exc:
            return error(409, str(exc))
        write, problems = parse(org, items)
        if problems or write is None:
            session.rollback()
            return Answer(422, {"errors": problems})
        answer = write(session, org)
        if answer.status != 200:
            session.rollback()
            return answer
        if key is not None:
            text = json.dumps(answer.body, sort_keys=True, ensure_ascii=False).encode()
            store_answer(
                session,
                scope=scope,
                key=key,
                body_sha256=body_sha,
                status=answer.status,
                response=answer.body,
                response_sha256=sha256(text),
            )
        return answer


def ingest_metrics(
    engine: Engine,
    raw: bytes,
    *,
    grant: Grant,
    key: str | None,
    reopen: bool,
    now: datetime,
    max_items: int,
) -> Answer:
    """`POST /api/v1/metrics`: 200 with counts, or 4xx with every problem and nothing written."""

    def parse(org: Org, items: list[Any]) -> tuple[Writer | None, ItemErrors]:
        rows, problems = validate_metric_items(org, items, grant)
        if problems:
            return None, problems
        return (lambda s, o: write_metrics(s, o, rows, grant, reopen, now)), []

    return run_batch(
        engine, raw, scope="metrics", list_name="metrics", key=key, max_items=max_items, parse=parse
    )


def validate_metric_items(
    org: Org, items: list[Any], grant: Grant
) -> tuple[list[MetricRow], ItemErrors]:
    check = MetricValidator(org, default_origin=grant.origin or API_ORIGIN)
    problems: ItemErrors = []
    rows: list[MetricRow] = []
    seen: dict[Key, int] = {}
    for index, item in enumerate(items):
        rec, bad = text_fields(item, METRIC_FIELDS, REQUIRED, numeric=("value",))
        if grant.origin is not None and rec.get("origin", grant.origin) != grant.origin:
            bad.append(("origin", f"this token may only write origin {grant.origin!r}"))
        row = None
        if not bad:
            row, bad = check.record(rec, index)
        problems += [{"index": index, "field": f, "reason": r} for f, r in bad]
        if row is None:
            continue
        k = row_key(row)
        if k in seen:
            reason = duplicate_reason(seen[k], "item")
            problems.append({"index": index, "field": "member", "reason": reason})
            continue
        seen[k] = index
        rows.append(row)
    return rows, problems


def write_metrics(
    session: Session,
    org: Org,
    rows: list[MetricRow],
    grant: Grant,
    reopen: bool,
    now: datetime,
    *,
    source: str = "api",
) -> Answer:
    frozen = frozen_periods_touched(session, rows=rows)
    if frozen and not reopen:
        return Answer(
            422,
            {
                "errors": [
                    {
                        "index": None,
                        "field": "period",
                        "reason": f"period {p} is frozen by cycle-close; "
                        "add ?reopen=true to change it (audited)",
                    }
                    for p in frozen
                ]
            },
        )
    actor = f"api:{grant.name}"
    if frozen:
        record_reopen(session, periods=frozen, actor=actor, source=source)
    zoned = [in_zone(r, org.timezone) for r in rows]
    result = import_metrics(session, rows=zoned, source=source, actor=actor)
    processed = process_batch(session, batch_id=result.batch_id, now=now)
    return Answer(
        200,
        {
            "batch": result.batch_id,
            "rows": len(rows),
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "reopened": frozen,
            **processed.summary(),
        },
    )


def in_zone(row: MetricRow, tz: str) -> MetricRow:
    """Zone-less `recorded_at` means the org's zone (scoring.md); the store keeps instants."""
    if row.recorded_at is None or row.recorded_at.tzinfo is not None:
        return row
    return replace(row, recorded_at=row.recorded_at.replace(tzinfo=ZoneInfo(tz)))
