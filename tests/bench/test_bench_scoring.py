"""Smoke run of the scoring benchmark: small, SQLite only, figures present (no timing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.bench_scoring import AS_OF, QUARTER, _whole_org, populate, run
from handlers import orgscore
from scoring.periods import Period
from storage.db import dispose_engine


def test_bench_scoring_returns_the_figures() -> None:
    out = run(members=200, repeats=1, backends=("sqlite",), one_member_runs=3)
    got = out["sqlite"]
    assert got["members_scored"] == 200
    assert got["rows_read"] == got["metric_rows"] + got["ratings"]
    assert got["floor_seconds"]["median"] > 0
    assert got["whole_org_over_floor"]["median"] > 0
    assert got["whole_org_peak_rss_mb"]["median"] > 0
    assert got["one_member_ms"] > 0
    assert got["one_member_same_as_full"] is True
    assert "postgres" not in out


def test_whole_org_figure_is_the_close_jobs_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's whole-org child runs `handlers.orgscore.score_org`, the function the
    quarter close and `perfbot score` call, so its figures are theirs."""
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    populate(url, 120)
    calls: list[tuple[Period, object]] = []
    real = orgscore.score_org

    def spy(session: Any, **kwargs: Any) -> Any:
        calls.append((kwargs["period"], kwargs["as_of"]))
        return real(session, **kwargs)

    monkeypatch.setattr(orgscore, "score_org", spy)
    try:
        got = _whole_org(url)
    finally:
        dispose_engine(url)
    assert calls == [(Period.parse(QUARTER), AS_OF)]
    assert got["members"] == 120
    assert got["load_seconds"] > 0
