"""The seam for import profiles: a foreign export's records → canonical records.

A profile (a later feature, `--profile NAME`) renames and reshapes the columns of, say, a
CRM export into `member,indicator,period,value,…`. Everything after this step sees only
canonical records, so adding profiles touches nothing else.
"""

from __future__ import annotations

from storage.tabular.errors import TableError
from storage.tabular.reader import RawTable


def to_canonical(table: RawTable, profile: str | None) -> RawTable:
    """Identity without a profile; named profiles are not supported yet."""
    if profile is None:
        return table
    raise TableError([f"{table.name}:1 header: unknown import profile {profile!r}"])
