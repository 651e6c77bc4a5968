"""The whole-org scoring paths — the quarter close and `perfbot score` from the store — score
a team at a time (`handlers.orgscore.score_org`) and give exactly what scoring everyone at
once from `load_scoring_inputs` gives, on the two-team demo org (team `team:KEY` key results,
bonus pools and new-customer awards split by content-hit points, peer and manager ratings,
org-wide rater-bias correction on one template or on all). Neither path reads the whole
org's rows."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

import storage.repo.scoring_inputs as scoring_inputs
from bot.demo.generate import DemoPaths, write_demo_files
from handlers.admin import (
    import_metrics_file,
    import_org_file,
    import_reviews_file,
    score_files,
    score_store,
)
from handlers.context import Deps
from handlers.orgscore import score_org
from scheduler.jobs import close
from scoring.jsonout import member_json
from scoring.periods import Period
from scoring.report import Report, report_to_json, score_report
from storage.db import session_scope
from storage.repo import load_scoring_inputs
from storage.tables import ScoreSnapshot

TODAY = date(2026, 9, 20)
SH = ZoneInfo("Asia/Shanghai")
CLOSE_AT = datetime(2026, 10, 8, 10, 0, tzinfo=SH)  # 2026-Q3's cycle close
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=SH)
PERIODS = ("2026-Q3", "2026-08", "2026")


@pytest.fixture(params=[False, True], ids=["demo", "all-normalized"])
def demo(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> DemoPaths:
    """The demo org's files, imported (its buyers' template corrects rater bias);
    `all-normalized` turns the correction on for every template, so every member's 360
    figures depend on ratings of the whole org."""
    paths = write_demo_files(tmp_path, TODAY)
    if request.param:
        text = paths.org_yaml.read_text(encoding="utf-8")
        assert "normalize: false" in text
        paths.org_yaml.write_text(text.replace("normalize: false", "normalize: true"), "utf-8")
    steps = [
        import_org_file(engine, paths.org_yaml, dry_run=False),
        import_metrics_file(engine, paths.metrics_csv, now=NOW),
        import_reviews_file(engine, paths.reviews_csv),
    ]
    assert [e for s in steps for e in s.errors] == []
    return paths


def everyone_at_once(engine: Engine, period: Period, as_of: datetime | date) -> Report:
    with session_scope(engine) as s:
        org, rows, ratings = load_scoring_inputs(s, period=period)
    return score_report(org, rows, ratings, period, as_of)


@pytest.fixture
def whole_year_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every read of the year's metric rows or ratings without a member filter
    (what `load_scoring_inputs` without `members` does)."""
    seen: list[str] = []
    rows, ratings = scoring_inputs._metric_rows, scoring_inputs._ratings

    def spy_rows(session: Any, year: Period, where: Any = None) -> Any:
        if where is None:
            seen.append(f"metric rows of {year}")
        return rows(session, year, where)

    def spy_ratings(session: Any, year: Period, where: Any = None) -> Any:
        if where is None:
            seen.append(f"ratings of {year}")
        return ratings(session, year, where)

    monkeypatch.setattr(scoring_inputs, "_metric_rows", spy_rows)
    monkeypatch.setattr(scoring_inputs, "_ratings", spy_ratings)
    return seen


@pytest.mark.parametrize("period", PERIODS)
def test_score_org_equals_everyone_at_once(engine: Engine, demo: DemoPaths, period: str) -> None:
    p = Period.parse(period)
    whole = everyone_at_once(engine, p, NOW)
    with session_scope(engine) as s:
        _org, report = score_org(s, period=p, as_of=NOW)
    assert len({m.team for m in report.members}) == 2
    assert report_to_json(report) == report_to_json(whole)


def test_close_snapshots_equal_everyone_at_once(
    engine: Engine, demo: DemoPaths, whole_year_reads: list[str]
) -> None:
    result = close.run(Deps(engine), CLOSE_AT)
    assert whole_year_reads == []  # the close read the org a team at a time
    q = Period.parse("2026-Q3")
    whole = everyone_at_once(engine, q, CLOSE_AT)
    with session_scope(engine) as s:
        snaps = {x.member_id: x for x in s.exec(select(ScoreSnapshot))}
        got = {
            m: (x.period, x.total, x.grade, x.result, x.as_of == CLOSE_AT) for m, x in snaps.items()
        }
    want = {
        m.member: (
            "2026-Q3",
            m.total,
            m.grade,
            json.loads(json.dumps(member_json(m, whole.anonymity_threshold))),
            True,
        )
        for m in whole.members
    }
    assert len({m.team for m in whole.members}) == 2
    assert result.counts["snapshots"] == len(whole.members)
    assert got == want


def test_store_scores_equal_file_scores_without_a_whole_org_read(
    engine: Engine, demo: DemoPaths, whole_year_reads: list[str]
) -> None:
    for period in PERIODS:
        from_store = score_store(engine, period=period, as_of="2026-11-27", now=NOW)
        from_files = score_files(
            demo.org_yaml,
            demo.metrics_csv,
            demo.reviews_csv,
            period=period,
            as_of="2026-11-27",
            now=NOW,
        )
        assert from_store.errors == from_files.errors == []
        assert from_store.report == from_files.report
        assert from_store.report is not None
        assert len(from_store.report["members"]) > 2
    assert whole_year_reads == []


def test_store_score_of_one_member_equals_their_entry_in_the_org(
    engine: Engine, demo: DemoPaths, whole_year_reads: list[str]
) -> None:
    q = Period.parse("2026-Q3")
    with session_scope(engine) as s:
        org, rows, ratings = load_scoring_inputs(s, period=q)
    whole_year_reads.clear()
    scored = [m for m in org.members if org.members[m].template]
    for member in scored:
        got = score_store(engine, period="2026-Q3", as_of="2026-11-27", now=NOW, member=member)
        want = score_report(org, rows, ratings, q, date(2026, 11, 27), members=[member])
        assert got.report == report_to_json(want)
    assert whole_year_reads == []
    bad = score_store(engine, period="2026-Q3", as_of=None, now=NOW, member="nobody")
    assert bad.errors == ["--member: unknown member 'nobody'"]
