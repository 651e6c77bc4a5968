"""A store with the example org (li.na, zhang.wei, wang.fang in team growth) and an app
with a default ingest token `tok` and a named token `douyin:dtok`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.app import create_app
from bot.settings import Settings
from handlers.admin import import_org_file
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.repo import table_counts
from tests.dbclone import Templates
from tests.paths import SHARED

NOW = datetime(2026, 8, 20, 4, 0, tzinfo=UTC)
AUTH = {"Authorization": "Bearer tok"}
DATA = Path(__file__).resolve().parents[1] / "data"


def _example_org(url: str) -> None:
    upgrade(url)
    outcome = import_org_file(make_engine(url), SHARED / "examples" / "org.yaml", dry_run=False)
    assert not outcome.errors, outcome.errors


@pytest.fixture
def store(db_url: str, db_templates: Templates) -> Engine:
    """The example org imported into a migrated store (a copy of one built per session)."""
    db_templates.clone(db_url, _example_org)
    return make_engine(db_url)


def make_client(engine: Engine, db_url: str, **overrides: Any) -> TestClient:
    settings = Settings(
        database_url=db_url, ingest_token="tok", ingest_tokens="douyin:dtok", **overrides
    )
    return TestClient(create_app(settings, engine=engine))


@pytest.fixture
def client(store: Engine, db_url: str) -> Iterator[TestClient]:
    with make_client(store, db_url) as c:
        yield c


def counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return table_counts(s)


def item(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "member": "li.na",
        "indicator": "content_exposure",
        "period": "2026-08-14",
        "value": 1000,
        "item": "v1",
    }
    base.update(kw)
    return base


@pytest.fixture(scope="session")
def example_org() -> Any:
    from storage.orgconfig import load_org_file, to_scoring_org

    return to_scoring_org(load_org_file(SHARED / "examples" / "org.yaml"))
