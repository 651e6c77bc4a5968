"""The snapshot generation (migration 0006): every watched table bumps it on every kind of
write, in the writing transaction — so a later migration that drops a trigger (SQLite's
`batch_alter_table` recreates tables) or a new cached table without one fails here."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.repo.snapshot import read_generation

WATCHED = (
    "org",
    "member",
    "member_identity",
    "member_preference",
    "calibration",
    "bonus_points",
    "key_action_points",
    "review_cycle",
    "review_assignment",
)


def _triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(
                sa.text(
                    "SELECT event_object_table FROM information_schema.triggers "
                    "WHERE trigger_name LIKE 'snapgen_%' AND trigger_schema = current_schema()"
                )
            )
        else:
            rows = conn.execute(
                sa.text("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
            )
        return {r[0] for r in rows}


def test_every_watched_table_has_its_trigger(engine: Engine) -> None:
    assert set(WATCHED) <= _triggers(engine)


def test_a_write_bumps_the_generation_at_commit_only(engine: Engine) -> None:
    with engine.connect() as reader:
        before = read_generation(reader)
        reader.rollback()
        with engine.begin() as writer:
            writer.execute(
                sa.text(
                    "INSERT INTO review_cycle (quarter, opens_at, closes_at, state, created_at) "
                    "VALUES ('2030-Q1', :t, :t, 'open', :t)"
                ),
                {"t": "2030-01-01 00:00:00"},
            )
            assert read_generation(writer) == before + 1
            assert read_generation(reader) == before  # not committed yet
            reader.rollback()
        assert read_generation(reader) == before + 1
        reader.rollback()
        with engine.begin() as writer:
            writer.execute(sa.text("DELETE FROM review_cycle WHERE quarter = '2030-Q1'"))
        assert read_generation(reader) == before + 2
