"""A 360 review round on WeCom: review.open clicks, ratings on vote/multiple cards, one
card update per submission, then `/myscore` over WeCom against `perfbot score`."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from bot.platforms import wecom_render as render
from handlers.admin import score_store
from handlers.convkit import fmt_score
from handlers.review_cycle import open_cycle
from storage.db import session_scope
from storage.repo.reviews import assignments
from tests.wecom.conftest import WeComEnv, card_event_xml, table_counts

QUARTER = "2026-Q4"


def _click_open(env: WeComEnv, rater: str, assignment_id: int, n: int) -> dict[str, Any]:
    """Click the DM's "review" button; the form comes back as a choice card."""
    before = len(env.api.delivered)
    code = env.api.issue_response_code(f"dm-{n}")
    key = render.encode_key("review.open", str(assignment_id))
    xml = card_event_xml(
        env.uid(rater), key, f"dm-{n}", code, {}, card_type="button_interaction", create=n
    )
    assert env.signed_post(xml).status_code == 200
    (new,) = env.api.delivered[before:]
    card: dict[str, Any] = new.content["template_card"]
    return card


def _submit(env: WeComEnv, rater: str, card: dict[str, Any], rating: int, n: int) -> None:
    if card["card_type"] == "vote_interaction":
        questions = [card["checkbox"]["question_key"]]
    else:
        assert card["card_type"] == "multiple_interaction", card["card_type"]
        questions = [s["question_key"] for s in card["select_list"]]
    code = env.api.issue_response_code(card["task_id"])
    key = card["submit_button"]["key"]
    xml = card_event_xml(
        env.uid(rater), key, card["task_id"], code, {q: [str(rating)] for q in questions},
        card_type=card["card_type"], create=10_000 + n,
    )  # fmt: skip
    updates = len(env.api.card_updates)
    assert env.signed_post(xml).status_code == 200
    assert len(env.api.card_updates) == updates + 1
    assert env.api.card_updates[-1]["response_code"] == code


def test_review_round_over_wecom_matches_perfbot_score(env: WeComEnv) -> None:
    with session_scope(env.world.engine) as s:
        open_cycle(s, env.world.org, QUARTER, env.world.clock.now)
    with Session(env.world.engine) as s:
        rows = assignments(s, cycle=QUARTER)
    org = env.world.org
    on_wecom = [a for a in rows if "wecom" in org.members[a.rater_id].identities]
    assert on_wecom, "the demo org must have WeCom reviewers"
    ratings_before = table_counts(env.world.engine)["rating"]
    for n, a in enumerate(on_wecom):
        assert a.id is not None
        card = _click_open(env, a.rater_id, a.id, n)
        _submit(env, a.rater_id, card, 3 + n % 3, n)

    assert table_counts(env.world.engine)["rating"] > ratings_before
    report = score_store(env.world.engine, period=QUARTER, as_of=None, now=env.world.clock.now)
    assert report.report is not None, report.errors
    totals = {m["member"]: m["total"] for m in report.report["members"]}
    checked = 0
    for member_id, total in totals.items():
        member = org.members[member_id]
        if "wecom" not in member.identities or member.template is None or total is None:
            continue
        before = len(env.sent_to(member_id))
        env.text(member_id, "/myscore")
        text = json.dumps(env.sent_to(member_id)[before:], ensure_ascii=False)
        assert any(fmt_score(total, loc) in text for loc in ("en", "zh_CN")), (member_id, total)
        checked += 1
    assert checked >= 3
