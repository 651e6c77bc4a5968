"""The writes handlers ask for through `Ctx.defer`, each with its set-based form.

On the general path a write is applied at once in the event's transaction; on the fast path
the batch writer applies every waiting event's writes of one type with one statement. The
statements are `storage.repo.fastwrites`'s either way, so both paths write the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from sqlalchemy.engine import Connection

from scoring.readonly import readonly
from storage.repo.fastwrites import AuditLine, RatingSet, insert_audit_lines, save_rating_sets


@readonly
class SaveRatings(RatingSet):
    """Upsert one rater's ratings of one ratee (criteria left out are removed)."""

    order: ClassVar[int] = 10

    @classmethod
    def apply_all(cls, conn: Connection, writes: Sequence[RatingSet]) -> None:
        save_rating_sets(conn, writes)


@readonly
class Audit(AuditLine):
    """An audit line, committed with the change it describes."""

    order: ClassVar[int] = 90

    @classmethod
    def apply_all(cls, conn: Connection, writes: Sequence[AuditLine]) -> None:
        insert_audit_lines(conn, writes)
