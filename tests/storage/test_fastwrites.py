"""The set-based hot writes store exactly what the ORM stores."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine

from storage.repo import fastwrites


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
