"""A mixed org in one 360 review round (issue 5, last Tests bullet): one app with Slack,
Feishu and WeCom enabled together; every rater answers on the platform perfbot sent their
review card to (members on one platform use it; members on several get it on their first
identity and also edit a rating from each of their other platforms — one person, one member).
Then the store, `perfbot score`, the scoring engine and `/myscore` on every platform agree,
and no reply to a ratee reveals who rated them."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict

from sqlmodel import Session, col, select

from handlers.admin import parse_as_of, score_store
from handlers.convkit import fmt_score
from handlers.review_cycle import open_cycle
from scoring import report_to_json, score_report
from scoring.model import Rating
from scoring.periods import Period
from storage.db import session_scope
from storage.repo import load_scoring_inputs
from storage.repo.reviews import assignments
from storage.tables import OutboxMessage, RatingRecord, ReviewAssignment
from tests.feishu import larkreq as lr
from tests.feishu.test_review_round import _rate as feishu_rate
from tests.mixed.conftest import MixedWorld
from tests.slack.slackreq import slash
from tests.slack.test_review_round import _answers, _open_form
from tests.slack.test_review_round import _submit as slack_submit
from tests.wecom.test_review_round import _click_open
from tests.wecom.test_review_round import _submit as wecom_submit

QUARTER = "2026-Q4"
PLATFORMS = ("slack", "feishu", "wecom")
# the demo's user ids per platform: Slack `U…`, Feishu open_id `ou_…`, WeCom userid `SunHao`
DM_TARGET = {
    "slack": re.compile(r"user:U[0-9A-Z]+"),
    "feishu": re.compile(r"user:ou_[0-9a-f]{32}"),
    "wecom": re.compile(r"user:[A-Z][A-Za-z]+"),
}


def _primary(mixed: MixedWorld, member_id: str) -> str:
    """The platform perfbot DMs a member on: the first identity of their config."""
    return next(iter(mixed.org.members[member_id].identities))


def _review_dms(mixed: MixedWorld) -> dict[int, OutboxMessage]:
    prefix = f"review:{QUARTER}:a"
    with Session(mixed.engine) as s:
        rows = s.exec(select(OutboxMessage)).all()
    return {
        int(r.idempotency_key.removeprefix(prefix)): r
        for r in rows
        if r.idempotency_key.startswith(prefix)
    }


def _rate(mixed: MixedWorld, platform: str, a: ReviewAssignment, value: int, n: int) -> None:
    """One rating submitted by `a.rater_id` through `platform`'s own callbacks."""
    assert a.id is not None
    if platform == "slack":
        view = _open_form(mixed.slack, a.rater_id, a.id)
        answers = _answers(view, value)
        assert answers, view
        ack = slack_submit(mixed.slack, a.rater_id, view["private_metadata"], answers)
        assert ack["response_action"] == "update", ack
    elif platform == "feishu":
        answer = feishu_rate(mixed.feishu, a.rater_id, a.id, value)
        assert answer["card"]["type"] == "raw", answer  # the form became "submitted ✓"
    else:
        card = _click_open(mixed.wecom, a.rater_id, a.id, n)
        wecom_submit(mixed.wecom, a.rater_id, card, value, n)


def _drive_round(
    mixed: MixedWorld, rows: list[ReviewAssignment]
) -> tuple[dict[int, int], Counter[str]]:
    """Every assignment rated on its rater's platform, then edits from their other ones."""
    expected: dict[int, int] = {}
    carried: Counter[str] = Counter()
    seq = itertools.count()
    for a in rows:
        n = next(seq)
        platform = _primary(mixed, a.rater_id)
        _rate(mixed, platform, a, 2 + n % 4, n)
        expected[a.id or 0], carried[platform] = 2 + n % 4, carried[platform] + 1
    first_of: dict[str, ReviewAssignment] = {}
    for a in rows:
        first_of.setdefault(a.rater_id, a)
    for rater, a in first_of.items():
        for platform in list(mixed.org.members[rater].identities)[1:]:
            n = next(seq)
            _rate(mixed, platform, a, 1 + n % 5, n)  # the latest answer replaces the earlier
            expected[a.id or 0] = 1 + n % 5
            carried[f"edit:{platform}"] += 1
    return expected, carried


def _stored(mixed: MixedWorld) -> dict[tuple[str, str], dict[str, int]]:
    """Q4 ratings in the store: (rater, ratee) → {criterion: value}."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    with Session(mixed.engine) as s:
        for r in s.exec(select(RatingRecord).where(col(RatingRecord.cycle) == QUARTER)).all():
            out[(r.rater_id, r.ratee_id)][r.criterion] = r.value
    return dict(out)


def _myscore(mixed: MixedWorld, member_id: str, platform: str) -> str:
    """Everything perfbot answered `member_id` asking `/myscore` on `platform`."""
    uid = mixed.org.members[member_id].identities[platform]
    if platform == "slack":
        return json.dumps(mixed.slack.post(slash(uid, "/myscore")).json(), ensure_ascii=False)
    if platform == "feishu":
        mixed.feishu.fake.reset_records()
        event = lr.text_message(uid, "/myscore")
        assert mixed.feishu.post(lr.envelope("im.message.receive_v1", event)).status_code == 200
        cards = mixed.feishu.sent_cards()
        assert [target for target, _ in cards] == [f"open_id:{uid}"]
        return json.dumps(cards, ensure_ascii=False)
    before = len(mixed.wecom.sent_to(member_id))
    assert mixed.wecom.text(member_id, "/myscore").status_code == 200
    return json.dumps(mixed.wecom.sent_to(member_id)[before:], ensure_ascii=False)


def test_mixed_org_review_round_across_slack_feishu_and_wecom(mixed: MixedWorld) -> None:
    with session_scope(mixed.engine) as s:
        open_cycle(s, mixed.org, QUARTER, mixed.clock.now)
    with Session(mixed.engine) as s:
        rows = assignments(s, cycle=QUARTER)
    assert rows, "the demo org must get review assignments"

    # each review card was queued for the rater's own platform, addressed with its user id
    dms = _review_dms(mixed)
    assert set(dms) == {a.id for a in rows}
    for a in rows:
        platform = _primary(mixed, a.rater_id)
        dm = dms[a.id or 0]
        assert dm.platform == platform, (a.rater_id, dm.platform)
        assert dm.target == f"user:{mixed.org.members[a.rater_id].identities[platform]}"
        assert DM_TARGET[platform].fullmatch(dm.target), dm.target

    expected, carried = _drive_round(mixed, rows)
    assert all(carried[p] >= 1 for p in PLATFORMS), carried  # one round, three platforms
    assert sum(carried[f"edit:{p}"] for p in PLATFORMS) >= 2, carried

    # every assignment has its ratings, with the value last submitted on whichever platform
    stored = _stored(mixed)
    assert set(stored) == {(a.rater_id, a.ratee_id) for a in rows}
    criteria_of: dict[tuple[str, str], set[str]] = {}  # the same form on every platform
    for a in rows:
        given = stored[(a.rater_id, a.ratee_id)]
        assert given, a
        assert set(given.values()) == {expected[a.id or 0]}, (a, given)
        asked = criteria_of.setdefault((a.ratee_id, a.kind), set(given))
        assert asked == set(given), (a.ratee_id, a.kind)

    # `perfbot score` equals the scoring engine over the org, metrics and what was submitted
    outcome = score_store(mixed.engine, period=QUARTER, as_of=None, now=mixed.clock.now)
    assert outcome.report is not None, outcome.errors
    period = Period.parse(QUARTER)
    with session_scope(mixed.engine) as s:
        org, metric_rows, all_ratings = load_scoring_inputs(s, period=period)
    submitted = [
        Rating(period, a.rater_id, a.ratee_id, criterion, expected[a.id or 0])
        for a in rows
        for criterion in sorted(criteria_of[(a.ratee_id, a.kind)])
    ]
    earlier = [r for r in all_ratings if r.cycle != period]
    when = parse_as_of(None, mixed.clock.now)
    engine_report = score_report(org, metric_rows, earlier + submitted, period, when)
    assert outcome.report == report_to_json(engine_report)

    # `/myscore` on every platform a member uses shows their total, and never their raters
    raters_of: dict[str, set[str]] = defaultdict(set)
    for a in rows:
        raters_of[a.ratee_id].add(a.rater_id)
    platforms_asked: Counter[str] = Counter()
    for line in outcome.report["members"]:
        member_id, total = line["member"], line["total"]
        member = mixed.org.members[member_id]
        if member.template is None or total is None:
            continue
        for platform in member.identities:
            text = _myscore(mixed, member_id, platform)
            assert any(fmt_score(total, loc) in text for loc in ("en", "zh_CN")), (
                member_id,
                platform,
                total,
            )
            platforms_asked[platform] += 1
            for rater in raters_of[member_id] - {mixed.org.manager_of(member_id)}:
                person = mixed.org.members[rater]
                assert rater not in text, (member_id, platform)
                assert (person.name or rater) not in text, (member_id, platform)
                for uid in person.identities.values():
                    assert uid not in text, (member_id, platform)
    assert all(platforms_asked[p] >= 2 for p in PLATFORMS), platforms_asked
