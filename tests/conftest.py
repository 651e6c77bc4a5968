"""Shared database fixtures: every storage test runs on SQLite and, when
`PERFBOT_TEST_POSTGRES_URL` is set (CI sets it), on PostgreSQL too — never skipped there.

PostgreSQL tests are isolated by a fresh schema per test, selected through the
connection's `search_path` option and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from storage.db import dispose_engine, make_engine
from storage.migrate import upgrade

PG_URL = os.environ.get("PERFBOT_TEST_POSTGRES_URL", "")

# Apps built by tests must not run the calendar against the real clock (it would close
# quarters and send reminders mid-test); tests that exercise the scheduler turn it on.
os.environ.setdefault("PERFBOT_SCHEDULER", "off")


def _backends() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if PG_URL:
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))
    return params


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of the parametrized kind, removed after the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'perfbot-test.db'}"
        yield url
        dispose_engine(url)
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(PG_URL, poolclass=sa.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(PG_URL)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Engine:
    """The process engine for `db_url`, migrated to the newest schema."""
    eng = make_engine(db_url)
    upgrade(eng)
    return eng
