"""Shared database fixtures: every storage test runs on SQLite and, when
`PERFBOT_TEST_POSTGRES_URL` is set (CI sets it), on PostgreSQL too — never skipped there.

PostgreSQL tests are isolated by a fresh schema per test, selected through the
connection's `search_path` option and dropped afterwards (by a worker thread, while the
next test runs).

Stores that many tests start from (the migrated schema, the demo org) are built once per
session and copied into each test's own database (`tests/dbclone.py`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from storage.db import dispose_engine, make_engine
from tests.dbclone import Templates

PG_URL = os.environ.get("PERFBOT_TEST_POSTGRES_URL", "")

# Apps built by tests must not run the calendar against the real clock (it would close
# quarters and send reminders mid-test); tests that exercise the scheduler turn it on.
os.environ.setdefault("PERFBOT_SCHEDULER", "off")
# The CLI speaks the shell's language, else the org's default (zh-CN in the test orgs):
# tests that read its English output must not depend on the machine's LANG; the locale
# tests (tests/cli/test_locale.py) clear this and set what they test.
os.environ.setdefault("PERFBOT_LOCALE", "en")


def _backends() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if PG_URL:
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))
    return params


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """Template stores, each built on first use; `clone` copies one into a test's database."""
    templates = Templates(tmp_path_factory.mktemp("db-templates"), PG_URL)
    yield templates
    templates.close()


@pytest.fixture(params=_backends())
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, db_templates: Templates
) -> Iterator[str]:
    """A URL of an empty database of the parametrized kind, removed after the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'perfbot-test.db'}"
        yield url
        dispose_engine(url)
        return
    url = db_templates.pg_schema()
    yield url
    db_templates.drop_pg_schema(url, request.node.nodeid)


@pytest.fixture
def engine(db_url: str, db_templates: Templates) -> Engine:
    """The process engine for `db_url`, migrated to the newest schema (a copy of a store
    `upgrade` migrated once this session)."""
    db_templates.migrated(db_url)
    return make_engine(db_url)
