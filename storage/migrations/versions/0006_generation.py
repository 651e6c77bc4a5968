"""snapshot_generation: a counter bumped by triggers on every table the read-side snapshot
holds (org config, members, identities, preferences, chat approvals, review cycles and
assignments), in the writing transaction, so every replica sees a change at its commit

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

On PostgreSQL the bump is an UPDATE of one row, so transactions writing watched tables
(imports, approvals, settings: rare, short) queue behind each other; the hot path (ratings,
delivery claims, audit) touches no watched table and only reads the row.

Note for later migrations: SQLite's `batch_alter_table` recreates a table and drops its
triggers; re-run `_sqlite_triggers` for a watched table it touches (a test checks they exist).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
BUMP = "UPDATE snapshot_generation SET value = value + 1 WHERE id = 1"


def _sqlite_triggers(table: str) -> None:
    for verb in ("insert", "update", "delete"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS snapgen_{table}_{verb} AFTER {verb.upper()} "
            f"ON {table} BEGIN {BUMP}; END"
        )


def upgrade() -> None:
    op.create_table(
        "snapshot_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_generation")),
    )
    op.execute("INSERT INTO snapshot_generation (id, value) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_snapshot_generation() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER snapgen_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_snapshot_generation()"
            )
    else:
        for table in WATCHED:
            _sqlite_triggers(table)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS snapgen_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_snapshot_generation()")
    else:
        for table in WATCHED:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS snapgen_{table}_{verb}")
    op.drop_table("snapshot_generation")
