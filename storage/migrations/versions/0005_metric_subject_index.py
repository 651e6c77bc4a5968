"""metric_value (subject, period_start) and rating (ratee_id, cycle) indexes: the one-member
(`/myscore`) path reads one member's and one team's rows of a year, and the ratings where
the member is ratee, without scanning the year's rows of the whole org

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_metric_value_subject_period", "metric_value", ["subject", "period_start"])
    op.create_index("ix_rating_ratee_cycle", "rating", ["ratee_id", "cycle"])


def downgrade() -> None:
    op.drop_index("ix_rating_ratee_cycle", table_name="rating")
    op.drop_index("ix_metric_value_subject_period", table_name="metric_value")
