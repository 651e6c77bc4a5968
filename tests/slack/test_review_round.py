"""A whole 360 review round for the demo org driven by signed Slack requests, then
`/myscore` over Slack against `perfbot score` for the same data (issue 3, Tests bullet 3)."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from handlers.admin import score_store
from handlers.i18n import t
from handlers.review_cycle import open_cycle
from handlers.scorecard import fmt_score
from storage.db import session_scope
from storage.repo.reviews import assignments
from tests.slack.conftest import SlackWorld
from tests.slack.slackreq import block_action, slash, view_submission

QUARTER = "2026-Q4"


def _open_round(slack: SlackWorld) -> list[Any]:
    with session_scope(slack.engine) as s:
        open_cycle(s, slack.org, QUARTER, slack.clock.now)
    with Session(slack.engine) as s:
        return assignments(s, cycle=QUARTER)


def _open_form(slack: SlackWorld, rater: str, assignment_id: int) -> dict[str, Any]:
    before = set(slack.fake.views)
    response = slack.post(block_action(slack.uid(rater), "review.open", str(assignment_id)))
    assert response.status_code == 200
    (view_id,) = set(slack.fake.views) - before
    return slack.fake.views[view_id]


def _answers(view: dict[str, Any], rating: int) -> dict[str, str]:
    """A rating for every select of the modal (criteria), the comment left empty."""
    return {
        b["block_id"]: str(rating)
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "static_select"
    }


def _submit(slack: SlackWorld, rater: str, meta: str, values: dict[str, str]) -> dict[str, Any]:
    response = slack.post(view_submission(slack.uid(rater), "review.submit", values, meta=meta))
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_review_round_over_slack_matches_perfbot_score(slack_real: SlackWorld) -> None:
    slack = slack_real
    rows = _open_round(slack)
    assert rows, "the demo org must get review assignments"
    on_slack = [a for a in rows if "slack" in slack.org.members[a.rater_id].identities]
    assert on_slack
    for n, a in enumerate(on_slack):
        view = _open_form(slack, a.rater_id, a.id)
        ack = _submit(slack, a.rater_id, view["private_metadata"], _answers(view, 3 + n % 3))
        assert ack["response_action"] == "update", ack
    # one reviewer edits: the form comes back prefilled and the new values replace the old
    first = on_slack[0]
    view = _open_form(slack, first.rater_id, first.id)
    assert _submit(slack, first.rater_id, str(first.id), _answers(view, 1))["response_action"]
    # a self-review and an unassigned ratee are refused, in the rater's language
    ratee = first.ratee_id
    refused = _submit(slack, ratee, str(first.id), _answers(view, 5))
    assert t("review.self_refused", "en") in json.dumps(refused) or t(
        "review.self_refused", "zh_CN"
    ) in json.dumps(refused, ensure_ascii=False)
    outsider = next(
        m
        for m in slack.org.members
        if m not in (first.rater_id, first.ratee_id) and "slack" in slack.org.members[m].identities
    )
    refused = json.dumps(
        _submit(slack, outsider, str(first.id), _answers(view, 5)), ensure_ascii=False
    )
    assert t("review.not_assigned", "en") in refused or t("review.not_assigned", "zh_CN") in refused

    report = score_store(slack.engine, period=QUARTER, as_of=None, now=slack.clock.now)
    assert report.report is not None, report.errors
    totals = {m["member"]: m["total"] for m in report.report["members"]}
    raters_of: dict[str, set[str]] = {}
    for a in rows:
        raters_of.setdefault(a.ratee_id, set()).add(a.rater_id)
    checked = 0
    for member_id, total in totals.items():
        identities = slack.org.members[member_id].identities
        if "slack" not in identities or slack.org.members[member_id].template is None:
            continue
        text = json.dumps(
            slack.post(slash(identities["slack"], "/myscore")).json(), ensure_ascii=False
        )
        assert any(fmt_score(total, loc) in text for loc in ("en", "zh_CN")), (member_id, total)
        checked += 1
        for rater in raters_of.get(member_id, set()) - {slack.org.manager_of(member_id)}:
            person = slack.org.members[rater]
            assert rater not in text
            assert (person.name or rater) not in text
            assert person.identities.get("slack", "\0") not in text
    assert checked >= len(raters_of) // 2
