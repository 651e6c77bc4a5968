"""Shared test data for storage tests: the example org and variants of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from storage.db import session_scope
from storage.orgconfig import OrgConfig, load_org_text
from tests.paths import SHARED

EXAMPLE_TEXT = (SHARED / "examples" / "org.yaml").read_text(encoding="utf-8")
ZHOU_MIN = "  - {id: zhou.min,"
NEW_HIRE = (
    "  - {id: new.hire, name: 新人, team: growth, function: copy, template: content_creator,"
    " identities: {slack: U0NEWHIRE}}\n"
)


def example_text(*, with_new_hire: bool = False, rename_li_na: str | None = None) -> str:
    text = EXAMPLE_TEXT
    if with_new_hire:
        text = text.replace(ZHOU_MIN, NEW_HIRE + ZHOU_MIN, 1)
    if rename_li_na is not None:
        text = text.replace("name: 李娜", f"name: {rename_li_na}", 1)
    return text


def config(text: str) -> OrgConfig:
    return load_org_text(text, "org.yaml")


def snapshot(engine: Engine, *, skip: tuple[str, ...] = ("audit_log",)) -> dict[str, Any]:
    """Every row of every table (but `skip`), to prove an operation changed nothing."""
    out: dict[str, Any] = {}
    with session_scope(engine) as s:
        conn = s.connection()
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skip:
                continue
            ordered = table.select().order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(ordered)]
    return out
