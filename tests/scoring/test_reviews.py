"""360 values: peer vs manager, cycles, replacement, normalize, anonymity (§4)."""

from __future__ import annotations

import json
from decimal import Decimal

from scoring import report_to_json, score_report
from scoring.model import Member
from tests.scoring.builders import AS_OF, ind, indicator_of, rating, score_one, simple_org

D = Decimal
PEER = ind("peer", period="year", source="peer", rule="rating", criteria=("c1", "c2"))
MGR = ind("mgr", period="year", source="manager", rule="rating", criteria=("c1",))


def test_peer_excludes_manager_and_manager_only_manager() -> None:
    org = simple_org([PEER, MGR])
    ratings = [rating("2026-Q3", "lead", "mei", "c1", 5), rating("2026-Q3", "r1", "mei", "c1", 3)]
    m = score_one(org, [], "2026", ratings=ratings)
    assert indicator_of(m, "peer").value == D(3)
    assert indicator_of(m, "mgr").value == D(5)


def test_direct_manager_overrides_team_manager() -> None:
    org = simple_org([MGR], members=[Member("mei", "growth", "t", manager="r1")])
    ratings = [rating("2026-Q3", "lead", "mei", "c1", 5), rating("2026-Q3", "r1", "mei", "c1", 2)]
    assert indicator_of(score_one(org, [], "2026", ratings=ratings), "mgr").value == D(2)


def test_rater_mean_then_mean_over_raters_and_cycles() -> None:
    org = simple_org([PEER])
    ratings = [
        rating("2026-Q2", "r1", "mei", "c1", 4),
        rating("2026-Q2", "r1", "mei", "c2", 2),  # r1: 3
        rating("2026-Q2", "r2", "mei", "c1", 5),  # r2: 5 → cycle 4
        rating("2026-Q3", "r1", "mei", "c1", 2),
        rating("2026-Q3", "r1", "mei", "c1", 3),  # replaces the earlier rating → cycle 3
        rating("2026-Q3", "mei", "mei", "c1", 5),  # self-rating never counts
        rating("2026-Q3", "r2", "mei", "other", 1),  # not this indicator's criterion
    ]
    i = indicator_of(score_one(org, [], "2026", ratings=ratings), "peer")
    assert i.value == D("3.5")
    assert i.score == D(70)
    # to date: a Q3 report of a yearly indicator counts Q2 and Q3, a Q2 report only Q2
    assert indicator_of(score_one(org, [], "2026-Q2", ratings=ratings), "peer").value == D(4)


def test_no_rater_is_missing() -> None:
    i = indicator_of(score_one(simple_org([PEER]), [], "2026"), "peer")
    assert (i.missing, i.score) == (True, D(0))


def test_normalize_corrects_lenient_and_harsh_raters_across_org() -> None:
    norm = ind(
        "peer", period="year", source="peer", rule="rating", criteria=("c1",), normalize=True
    )
    members = [
        Member("mei", "growth", "t", manager="lead"),
        Member("bo", "growth", "t", manager="lead"),
    ]
    org = simple_org([norm], members=members)
    ratings = [
        rating("2026-Q3", "r1", "mei", "c1", 5),  # r1 lenient: mean 5
        rating("2026-Q3", "r1", "bo", "c1", 5),
        rating("2026-Q3", "r2", "bo", "c1", 1),  # r2 harsh: mean 1; g = 11/3
    ]
    mei = indicator_of(score_one(org, [], "2026-Q3", ratings=ratings), "peer")
    bo = indicator_of(score_one(org, [], "2026-Q3", ratings=ratings, member="bo"), "peer")
    g = round(D(11) / 3, 20)
    assert round(mei.value, 20) == g  # 5 + (g − 5)
    assert round(bo.value, 20) == g  # both raters now count alike
    plain = indicator_of(
        score_one(simple_org([PEER], members=members), [], "2026-Q3", ratings=ratings), "peer"
    )
    assert plain.value == D(5)


def test_normalize_clips_to_scale() -> None:
    norm = ind(
        "peer", period="year", source="peer", rule="rating", criteria=("c1",), normalize=True
    )
    members = [
        Member("mei", "growth", "t", manager="lead"),
        Member("bo", "growth", "t", manager="lead"),
    ]
    org = simple_org([norm], members=members)
    ratings = [
        rating("2026-Q3", "r1", "mei", "c1", 5),
        rating("2026-Q3", "r1", "bo", "c1", 1),  # r1 mean 3
        rating("2026-Q3", "r2", "bo", "c1", 5),
        rating("2026-Q3", "r3", "bo", "c1", 5),  # g = 4; mei: 5 + 1 → clipped to 5
    ]
    assert indicator_of(score_one(org, [], "2026-Q3", ratings=ratings), "peer").value == D(5)


def test_anonymity_threshold_hides_figures_not_score() -> None:
    org = simple_org([PEER])
    ratings = [
        rating("2026-Q3", "r1", "mei", "c1", 4, "very helpful"),
        rating("2026-Q3", "r2", "mei", "c1", 2, "late"),
        rating("2026-Q3", "r3", "mei", "c2", 3),
    ]
    report = score_report(org, [], ratings, "2026-Q3", AS_OF)
    ind_json = report_to_json(report)["members"][0]["dimensions"][0]["indicators"][0]
    assert ind_json["score"] == 60
    assert ind_json["value"] == 3  # 3 raters behind the value
    crit = {c["criterion"]: c for c in ind_json["reviews"][0]["criteria"]}
    assert (crit["c1"]["raters"], crit["c1"]["mean"], crit["c1"]["comments"]) == (2, None, None)
    assert (crit["c2"]["raters"], crit["c2"]["mean"]) == (1, None)
    text = json.dumps(report_to_json(report))
    assert '"r1"' not in text
    assert "helpful" not in text
    two = score_report(org, [], ratings[:2], "2026-Q3", AS_OF)
    ind2 = report_to_json(two)["members"][0]["dimensions"][0]["indicators"][0]
    assert (ind2["value"], ind2["achievement"], ind2["score"]) == (None, None, 60)
    assert [s["value"] for s in ind2["subperiods"]] == [None]
    assert two.members[0].indicators()[0].value_visible is False


def test_comments_shown_sorted_at_threshold() -> None:
    org = simple_org([PEER], anonymity_threshold=2)
    ratings = [
        rating("2026-Q3", "r1", "mei", "c1", 4, "zeta"),
        rating("2026-Q3", "r2", "mei", "c1", 2, "alpha"),
    ]
    ind_json = report_to_json(score_report(org, [], ratings, "2026-Q3", AS_OF))["members"][0][
        "dimensions"
    ][0]["indicators"][0]
    assert ind_json["reviews"][0]["criteria"][0]["comments"] == ["alpha", "zeta"]
