"""Upsert a table towards a desired state by natural key, touching only what differs.

Config import is idempotent because of this: a row is updated only when a field really
changed, so a re-import of an unchanged file issues no UPDATE at all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from sqlmodel import Session, SQLModel, select

Missing = Literal["deactivate", "delete", "keep"]
T = TypeVar("T", bound=SQLModel)


@dataclass
class SyncCounts:
    inserted: int = 0
    updated: int = 0
    retired: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.retired)

    def as_dict(self) -> dict[str, int]:
        return {"inserted": self.inserted, "updated": self.updated, "retired": self.retired}


def load_by_key(
    session: Session, model: type[T], key: Callable[[T], Hashable]
) -> dict[Hashable, T]:
    return {key(obj): obj for obj in session.exec(select(model)).all()}


def upsert(
    session: Session,
    model: type[T],
    existing: Mapping[Hashable, T],
    desired: Mapping[Hashable, Mapping[str, Any]],
    counts: SyncCounts,
) -> None:
    """Insert missing keys, update rows whose fields differ (reactivating retired ones)."""
    for key, fields in desired.items():
        obj = existing.get(key)
        if obj is None:
            session.add(model(**fields))
            counts.inserted += 1
            continue
        diff = {k: v for k, v in fields.items() if getattr(obj, k) != v}
        if diff:
            for name, value in diff.items():
                setattr(obj, name, value)
            counts.updated += 1


def retire(
    session: Session,
    existing: Mapping[Hashable, T],
    desired: Mapping[Hashable, object],
    how: Missing,
    counts: SyncCounts,
) -> None:
    """Rows whose key is no longer desired: marked inactive, deleted, or left alone."""
    if how == "keep":
        return
    for key, obj in existing.items():
        if key in desired:
            continue
        if how == "delete":
            session.delete(obj)
            counts.retired += 1
        elif getattr(obj, "active", False):
            setattr(obj, "active", False)  # noqa: B010  (any table with an active flag)
            counts.retired += 1
