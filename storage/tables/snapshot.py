"""The snapshot generation: one counter row that every change to cached read-side data bumps.

Handlers read the org, identities, preferences and open review assignments from a per-process
snapshot (`storage.repo.snapshot`); a snapshot is valid while this counter still has the value
it was built at. Database triggers (migration 0006) bump it in the same transaction as any
insert, update or delete of a watched table, so every writer — this replica, another one, the
CLI, a hand-written SQL fix — invalidates every replica's snapshot at its commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class SnapshotGeneration(SQLModel, table=True):
    __tablename__ = "snapshot_generation"

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_type=sa.BigInteger)
