"""The migrations produce exactly the models, on every database we support."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.tables  # noqa: F401
from storage.db import make_engine
from storage.migrate import current_revision, upgrade


def test_upgrade_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []
    assert set(sa.inspect(engine).get_table_names()) == set(SQLModel.metadata.tables) | {
        "alembic_version"
    }


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == before is not None


def test_upgrade_accepts_a_url(db_url: str) -> None:
    upgrade(db_url)
    assert "metric_value" in sa.inspect(make_engine(db_url)).get_table_names()
