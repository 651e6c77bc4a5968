"""The demo's numbers tell the intended story once scored: a star, a struggler, hits, a swap."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scoring.jsonout import report_to_json
from scoring.report import score_report
from storage.tabular import parse_metrics_file, parse_reviews_file
from tests.demo.conftest import TODAY, Loaded


def test_last_closed_quarter_scores_as_designed(demo: Loaded) -> None:
    rows = parse_metrics_file(demo.paths.metrics_csv, demo.org).rows
    ratings = parse_reviews_file(demo.paths.reviews_csv, demo.org)
    as_of = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    report = report_to_json(score_report(demo.org, rows, ratings, "2026-Q2", as_of))
    by_id = {m["member"]: m for m in report["members"]}
    assert by_id["li.na"]["total"] > by_id["sun.hao"]["total"] > by_id["he.xin"]["total"]
    assert by_id["li.na"]["bonus"] == 3
    awards = [a for m in report["members"] for a in m["incentives"]["awards"]]
    assert any(a["type"] == "content_hit" for a in awards)
    swapped = [
        i
        for d in by_id["sun.hao"]["dimensions"]
        for i in d["indicators"]
        if i["replaces"] == "customer_visits"
    ]
    assert [i["key"] for i in swapped] == ["live_stream_leads"]
    assert by_id["emma.schulz"]["total"] is None
