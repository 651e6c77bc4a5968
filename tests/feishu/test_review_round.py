"""A whole 360 review round for the demo org over Feishu: every reviewer with a Feishu
identity opens the rating form and submits it through `card.action.trigger` callbacks
(sealed and signed as Feishu sends them); then `/myscore` typed to the bot shows exactly
the totals `perfbot score` computes from the store (issue 5, Tests)."""

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
from tests.feishu import larkreq as lr
from tests.feishu.conftest import FeishuWorld

QUARTER = "2026-Q4"


def _click(feishu: FeishuWorld, member: str, value: dict[str, str], **kw: Any) -> dict[str, Any]:
    event = lr.card_click(feishu.open_id(member), value, **kw)
    response = feishu.post(lr.envelope("card.action.trigger", event))
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _form_parts(answer: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """(rating select names, submit callback value) of the form card in a callback answer."""
    body = answer["card"]["data"]["body"]["elements"]
    [form] = [e for e in body if e["tag"] == "form"]
    selects = [e["name"] for e in form["elements"] if e["tag"] == "select_static"]
    [submit] = [e for e in form["elements"] if e.get("form_action_type") == "submit"]
    return selects, submit["behaviors"][0]["value"]


def _rate(feishu: FeishuWorld, rater: str, assignment_id: int, rating: int) -> dict[str, Any]:
    opened = _click(feishu, rater, {"action_id": "review.open", "value": str(assignment_id)})
    selects, submit = _form_parts(opened)
    assert selects, opened
    return _click(feishu, rater, submit, form_value=dict.fromkeys(selects, str(rating)))


def _texts(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def test_review_round_over_feishu_matches_perfbot_score(feishu_full: FeishuWorld) -> None:
    feishu = feishu_full
    with session_scope(feishu.engine) as s:
        open_cycle(s, feishu.org, QUARTER, feishu.clock.now)
    with Session(feishu.engine) as s:
        rows = assignments(s, cycle=QUARTER)
    on_feishu = [a for a in rows if "feishu" in feishu.org.members[a.rater_id].identities]
    assert on_feishu, "the demo org must have reviewers on Feishu"
    for n, a in enumerate(on_feishu):
        answer = _rate(feishu, a.rater_id, a.id, 3 + n % 3)
        assert answer["card"]["type"] == "raw", answer  # the form becomes "submitted ✓"
        assert "toast" not in answer or answer["toast"]["type"] != "error", answer
    # a resubmission replaces the earlier ratings
    first = on_feishu[0]
    assert _rate(feishu, first.rater_id, first.id, 1)["card"]["type"] == "raw"
    # a self-review is refused in the member's language, as a DM; the card stays
    feishu.fake.reset_records()
    submit = {"action_id": "review.submit", "form_id": "review.submit", "meta": str(first.id)}
    if "feishu" in feishu.org.members[first.ratee_id].identities:
        assert _click(feishu, first.ratee_id, submit, form_value={"x": "5"}) == {}
        sent = _texts({"sent": feishu.sent_cards()})
        assert t("review.self_refused", "en") in sent or t("review.self_refused", "zh_CN") in sent

    report = score_store(feishu.engine, period=QUARTER, as_of=None, now=feishu.clock.now)
    assert report.report is not None, report.errors
    totals = {m["member"]: m["total"] for m in report.report["members"]}
    raters_of: dict[str, set[str]] = {}
    for a in rows:
        raters_of.setdefault(a.ratee_id, set()).add(a.rater_id)
    checked = 0
    for member_id, total in totals.items():
        member = feishu.org.members[member_id]
        if "feishu" not in member.identities or member.template is None:
            continue
        feishu.fake.reset_records()
        event = lr.text_message(member.identities["feishu"], "/myscore")
        assert feishu.post(lr.envelope("im.message.receive_v1", event)).status_code == 200
        cards = feishu.sent_cards()
        assert [target for target, _ in cards] == [f"open_id:{member.identities['feishu']}"]
        text = _texts({"cards": cards})
        assert any(fmt_score(total, loc) in text for loc in ("en", "zh_CN")), (member_id, total)
        checked += 1
        for rater in raters_of.get(member_id, set()) - {feishu.org.manager_of(member_id)}:
            person = feishu.org.members[rater]
            assert (person.name or rater) not in text
            assert person.identities.get("feishu", "\0") not in text
    assert checked >= 3
