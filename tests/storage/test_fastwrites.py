"""The set-based hot writes store exactly what the ORM stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from storage.repo import fastwrites
from storage.tables import RatingRecord


def _content(bound: Any) -> Any:
    """What a bound JSON value holds: SQLite gets text, psycopg a `Json` wrapper."""
    return json.loads(bound) if isinstance(bound, str) else bound.obj


def test_flat_details_are_serialised_per_content_and_type(engine: Engine) -> None:
    binder = fastwrites._binder(engine.dialect, "audit_log", "details")
    cases = [{"ratings": 2}, {"ratings": True}, {"ratings": 1}, {"ratings": 2, "x": None},
             {"nested": {"a": 1}}, {"list": [1, 2]}]  # fmt: skip
    for details in cases + cases:  # the second round comes from the cache
        stored = fastwrites._details(binder, details)
        fresh = binder(dict(details))
        assert type(stored) is type(fresh)
        assert _content(stored) == _content(fresh) == details
        if isinstance(fresh, str):
            assert stored == fresh  # the very text the ORM writes
        got = _content(stored)
        assert [type(v) for v in got.values()] == [type(v) for v in details.values()]


# hypothesis bounds are naive by its API; the values it draws carry a time zone
_INSTANTS = st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.timezones(),
)


@settings(max_examples=300, deadline=None)
@given(_INSTANTS)
def test_sqlite_instants_are_bound_as_sqlalchemy_binds_them(value: datetime) -> None:
    """The hot path's own SQLite formatting of `UTCDateTime` equals the column type's."""
    dialect = sa.create_engine("sqlite://").dialect
    ours = fastwrites._binder(dialect, "rating", "submitted_at")
    assert ours is fastwrites._sqlite_instant  # the fast form is in use, not the fallback
    kind = RatingRecord.__table__.c["submitted_at"].type  # type: ignore[attr-defined]
    reference = kind.dialect_impl(dialect).bind_processor(dialect)
    assert ours(value) == reference(value)


def test_sqlite_instant_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        fastwrites._sqlite_instant(datetime(2026, 1, 1))  # noqa: DTZ001


def test_sqlite_instants_of_one_second_share_its_text_but_not_its_microseconds() -> None:
    """A burst of instants within one second (the formatted second is reused)."""
    dialect = sa.create_engine("sqlite://").dialect
    kind = RatingRecord.__table__.c["submitted_at"].type  # type: ignore[attr-defined]
    reference = kind.dialect_impl(dialect).bind_processor(dialect)
    base = datetime(2026, 11, 27, 2, 0, 59, tzinfo=UTC)
    burst = [base.replace(microsecond=m) for m in (0, 1, 999_999, 500)]
    burst += [base + timedelta(seconds=1), base.astimezone(timezone(timedelta(hours=8)))]
    for value in burst + burst:
        assert fastwrites._sqlite_instant(value) == reference(value)
