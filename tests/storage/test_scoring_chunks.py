"""Scoring the org team by team (`team_inputs` + `merge_reports`) gives exactly the report
of scoring everyone at once from `load_scoring_inputs` (the whole-org path's memory fix)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from scoring.periods import Period
from scoring.report import merge_reports, report_to_json, score_report
from storage.db import session_scope
from storage.orgconfig import to_scoring_org
from storage.repo import import_metrics, import_org, import_ratings, load_scoring_inputs
from storage.repo.scoring_chunks import team_inputs
from storage.tabular import parse_metrics_file, parse_reviews_file
from tests.paths import SHARED
from tests.storage.helpers import config

WORKED = SHARED / "examples" / "worked"


def test_team_by_team_equals_the_whole_org_at_once(engine: Engine) -> None:
    text = (WORKED / "org.yaml").read_text(encoding="utf-8")
    cfg = config(text)
    org = to_scoring_org(cfg)
    with session_scope(engine) as s:
        import_org(s, cfg=cfg, source_text=text)
        import_metrics(
            s, rows=parse_metrics_file(WORKED / "metrics.csv", org).rows, source="m", actor="t"
        )
        import_ratings(
            s, ratings=parse_reviews_file(WORKED / "reviews.csv", org), source="r", actor="t"
        )
    teams = {m.team for m in org.members.values() if m.template}
    for period in (Period.quarter(2026, 3), Period.month(2026, 8)):
        for as_of in (date(2026, 8, 20), date(2027, 1, 15)):
            with session_scope(engine) as s:
                whole_org, rows, ratings = load_scoring_inputs(s, period=period)
                chunks = list(team_inputs(s, period=period))
            whole = score_report(whole_org, rows, ratings, period, as_of)
            parts = [
                score_report(c.org, c.rows, c.ratings, period, as_of, members=c.members)
                for c in chunks
            ]
            assert len(chunks) == len(teams)
            merged = merge_reports(whole_org, parts)
            assert report_to_json(merged) == report_to_json(whole)
            assert [m.member for m in merged.members] == [m.member for m in whole.members]


def test_team_inputs_restores_the_collector(engine: Engine) -> None:
    """Whole-org loading pauses the cyclic collector only while it is iterated."""
    import gc

    text = (WORKED / "org.yaml").read_text(encoding="utf-8")
    cfg = config(text)
    with session_scope(engine) as s:
        import_org(s, cfg=cfg, source_text=text)
    gc.enable()
    with session_scope(engine) as s:
        chunks = list(team_inputs(s, period=Period.quarter(2026, 3)))
    assert chunks
    assert gc.isenabled()
