"""scoring.md §6, the public worked example, to the cent."""

from __future__ import annotations

import json
from decimal import Decimal

from scoring import report_to_json, score_report
from tests.scoring.builders import AS_OF, worked_org, worked_ratings, worked_rows


def _report() -> dict[str, object]:
    report = score_report(worked_org(), worked_rows(), worked_ratings(), "2026-Q3", AS_OF)
    out = report_to_json(report)
    json.dumps(out)
    return out


def test_worked_example_totals() -> None:
    out = _report()
    assert out["period"] == "2026-Q3"
    assert out["provisional"] is True
    assert out["as_of"] == "2026-11-27T00:00:00+08:00"
    (m,) = out["members"]  # type: ignore[misc]
    assert m["member"] == "mei"
    assert m["team"] == "growth"
    assert m["base"] == 97.07
    assert m["okr_rate"] == 1.05
    assert m["coefficient"] == 1.1
    assert m["bonus"] == 3
    assert m["total"] == 109.77
    assert m["grade"] == "A"
    assert m["provisional"] is True


def test_worked_example_breakdown() -> None:
    (m,) = _report()["members"]  # type: ignore[misc]
    dims = {d["key"]: d for d in m["dimensions"]}
    assert [(d["key"], d["weight"], d["score"]) for d in m["dimensions"]] == [
        ("result", 40, 96),
        ("process", 40, 101.67),
        ("capability", 20, 90),
    ]
    scores = {i["key"]: i for d in dims.values() for i in d["indicators"]}
    expected = {
        "new_customer_sales": (330000, 300000, 1.1, 110),
        "private_gmv": (150000, 200000, 0.75, 75),
        "content_exposure": (103333.33, 100000, 1.03, 103.33),
        "community_weekly_active": (0.3, 0.3, 1.0, 100),
        "digital_tools": (1, 1, 1, 100),
        "collaboration": (4, None, None, 80),
    }
    for key, (value, target, ach, score) in expected.items():
        i = scores[key]
        assert (i["value"], i["target"], i["achievement"], i["score"]) == (
            value,
            target,
            ach,
            score,
        ), key
        assert i["missing"] is False
        assert i["replaces"] is None
        assert i["calibration"] is None
    months = [(s["period"], s["score"]) for s in scores["content_exposure"]["subperiods"]]
    assert months == [("2026-07", 120), ("2026-08", 90), ("2026-09", 100)]
    cwa = [s["score"] for s in scores["community_weekly_active"]["subperiods"]]
    assert cwa == [90, 110, 100]
    assert scores["digital_tools"]["provisional"] is True
    assert scores["new_customer_sales"]["provisional"] is False


def test_worked_example_exact_decimals() -> None:
    report = score_report(worked_org(), worked_rows(), worked_ratings(), "2026-Q3", AS_OF)
    m = report.members[0]
    assert m.total is not None
    assert m.base is not None
    assert m.base * 3 == Decimal("291.2")
    assert round(m.total, 10) == Decimal("109.7733333333")


def test_review_figures_show_counts_not_raters() -> None:
    (m,) = _report()["members"]  # type: ignore[misc]
    collab = m["dimensions"][2]["indicators"][1]
    (cycle,) = collab["reviews"]
    assert cycle["raters"] == 3
    assert cycle["value"] == 4
    assert [(c["criterion"], c["mean"], c["raters"]) for c in cycle["criteria"]] == [
        ("collaboration", 4, 3),
        ("responsiveness", 4, 3),
    ]
    assert "r1" not in json.dumps(m)
