"""Lead events in: `POST /api/v1/lead-events` and `perfbot leads import FILE.csv`.

Both go through `validate_lead_items` and the same locked, all-or-nothing write as the
metrics API, then recompute `lead_handoff_on_time` for the touched members and months.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.admin import Outcome
from handlers.ingest import Answer, Grant, Writer, run_batch
from handlers.leads import validate_lead_items, write_leads
from handlers.payload import ItemErrors
from scoring.model import Org
from storage.db import session_scope
from storage.msg import Msg, msg_of
from storage.repo import NoOrgError, current_org
from storage.repo.ingest import lock_imports
from storage.tabular import TableError
from storage.tabular.reader import check_header, read_table, records

CSV_REQUIRED = ("lead_id", "member", "created_at")
CSV_OPTIONAL = ("handed_over_at", "origin")


def ingest_leads(
    engine: Engine, raw: bytes, *, grant: Grant, key: str | None, now: datetime, max_items: int
) -> Answer:
    """`POST /api/v1/lead-events`: body `{"events": [{lead_id, member, created_at, …}]}`."""

    def parse(org: Org, items: list[Any]) -> tuple[Writer | None, ItemErrors]:
        leads, problems = validate_lead_items(org, items, "api", grant.origin)
        if problems:
            return None, problems

        def write(session: Session, o: Org) -> Answer:
            body = write_leads(session, o, leads, source="api", actor=f"api:{grant.name}", now=now)
            return Answer(200, body)

        return write, []

    return run_batch(
        engine,
        raw,
        scope="lead-events",
        list_name="events",
        key=key,
        max_items=max_items,
        parse=parse,
    )


def import_leads_file(engine: Engine, path: Path, *, now: datetime, actor: str = "cli") -> Outcome:
    """CSV/XLSX `lead_id,member,created_at,handed_over_at[,origin]`; any bad row refuses all."""
    try:
        table = read_table(path)
        check_header(table, CSV_REQUIRED, CSV_OPTIONAL)
    except TableError as exc:
        return Outcome(errors=list(exc.errors))
    numbered = records(table)
    with session_scope(engine) as session:
        lock_imports(session)
        try:
            org = current_org(session)
        except NoOrgError as exc:
            return Outcome(errors=[msg_of(exc)])
        items: list[object] = [r for _, r in numbered]
        rows = [n for n, _ in numbered]
        leads, problems = validate_lead_items(org, items, "import", None, rows)
        if problems:
            session.rollback()
            return Outcome(
                errors=[
                    table.error(numbered[p["index"]][0], p["field"], p["reason"]) for p in problems
                ]
            )
        body = write_leads(session, org, leads, source=path.name, actor=actor, now=now)
    english = (
        "{file}: {rows} leads: {inserted} new, {updated} changed, {unchanged} unchanged "
        "(batch {batch})"
    )
    counts = {k: body[k] for k in ("rows", "inserted", "updated", "unchanged", "batch")}
    return Outcome(message=Msg("import.leads_done", english, file=path.name, **counts))
