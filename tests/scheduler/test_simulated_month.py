"""Issue 4's "done when": the demo org, the clock stepped hour by hour from 2026-09-20 to
2026-10-15 (a month end and the Q3 → Q4 boundary), every job run at every step. The
outbox must then hold exactly the expected messages, each once and at the right local
time; running the whole sequence again adds nothing.

SQLite only: the month is 600 steps × 10 jobs, and the jobs' SQL is the same on both
backends (PostgreSQL runs the jobs in `test_jobs.py`). Set-up choices make the calendar visible: li.na chose Berlin time in her settings (her
check-in card comes at 10:00 Berlin, not Shanghai), xu.jia is on leave for the whole
window (nothing for her, and she is not listed as missing), zhou.min submits her
check-in on the second day (no nudges for her), and a content hit lands on 2 October.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from bot.app import create_app
from bot.demo.generate import write_demo_files
from bot.demo.load import load_demo
from bot.settings import Settings
from handlers import build_routes
from handlers.admin import import_org_file
from handlers.context import Deps
from handlers.convkit import checkin_indicators
from handlers.dispatch import Inbound, dispatch
from scheduler.jobs import JOBS, run_job
from scoring.model import MetricRow, Org
from scoring.periods import Period
from storage.db import dispose_engine, make_engine, session_scope
from storage.repo import current_org, import_metrics
from storage.repo.reviews import assignments
from storage.tables import MemberPreference, OutboxMessage, ScoreSnapshot
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.wecom_api import FakeWeComAPI
from tests.mixed.conftest import mixed_settings

START = datetime(2026, 9, 20, 0, 0, tzinfo=UTC)
END = datetime(2026, 10, 15, 0, 0, tzinfo=UTC)
SH, BER = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.timeout(300)


def _setup(db_url: str) -> tuple[Deps, Org]:
    settings = Settings(database_url=db_url, secret_key=SecretStr("s"))
    load_demo(settings, today=START.date())
    engine = make_engine(db_url)
    with tempfile.TemporaryDirectory() as tmp:
        org_yaml = write_demo_files(Path(tmp), START.date()).org_yaml
        text = org_yaml.read_text(encoding="utf-8")
        leave = "leave: [{from: 2026-05-01, to: 2026-05-31}]"
        assert leave in text
        org_yaml.write_text(text.replace(leave, "leave: [{from: 2026-09-01, to: 2026-10-31}]"))
        assert not import_org_file(engine, org_yaml, dry_run=False, actor="test").errors
    with session_scope(engine) as s:
        s.add(MemberPreference(member_id="li.na", timezone="Europe/Berlin"))
        org = current_org(s)
    return Deps(engine=engine), org


def _keys(deps: Deps) -> dict[str, OutboxMessage]:
    with Session(deps.engine) as s:
        return {o.idempotency_key: o for o in s.exec(select(OutboxMessage))}


def _submit_checkin(deps: Deps, org: Org, member: str, now: datetime) -> None:
    platform, user = next(iter(org.members[member].identities.items()))
    event = Inbound(
        platform,
        user,
        "form",
        "checkin.submit",
        {"original_copies": "10"},
        delivery_id=f"sim-{member}",
        meta="2026-09",
    )
    dispatch(Deps(engine=deps.engine, clock=lambda: now), event, build_routes())


def _content_hit(deps: Deps) -> None:
    row = MetricRow(
        "li.na", "content_exposure", Period.parse("2026-10"), Decimal(1_200_000), item="v-hit"
    )
    with session_scope(deps.engine) as s:
        import_metrics(s, rows=[row], source="sim", actor="test")


def _simulate(deps: Deps, org: Org, seen: dict[str, datetime]) -> None:
    now = START
    while now < END:
        if now == datetime(2026, 9, 26, 3, tzinfo=UTC):
            _submit_checkin(deps, org, "zhou.min", now)
        if now == datetime(2026, 10, 2, 3, tzinfo=UTC):
            _content_hit(deps)
        for name in JOBS:
            if name != "award-detection" or now.hour % 6 == 0:
                run_job(deps, name, now)
        with Session(deps.engine) as s:
            for key in s.exec(select(OutboxMessage.idempotency_key)):
                seen.setdefault(key, now)
        now += timedelta(hours=1)


@pytest.fixture(scope="module")
def month(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Deps, Org, dict[str, datetime], set[str]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('month') / 'month.db'}"
    deps, org = _setup(url)
    for name in JOBS:  # the deployment starts: catch up on what is already due (Q2 close…)
        run_job(deps, name, START - timedelta(hours=1))
    baseline = set(_keys(deps))
    seen: dict[str, datetime] = {}
    _simulate(deps, org, seen)
    yield deps, org, {k: v for k, v in seen.items() if k not in baseline}, baseline
    dispose_engine(url)


def local(moment: datetime, tz: ZoneInfo) -> tuple[int, int, int, int]:
    m = moment.astimezone(tz)
    return m.month, m.day, m.hour, m.minute


def test_a_simulated_month_then_the_same_again(
    month: tuple[Deps, Org, dict[str, datetime], set[str]],
) -> None:
    deps, org, new, _baseline = month
    rows = _keys(deps)
    with_checkin = [m for m in org.members if checkin_indicators(org, m)]
    expected_cards = {f"checkin-reminder:2026-09:{m}:0" for m in with_checkin if m != "xu.jia"}
    # check-in cards: everyone with check-in figures but the one on leave, 10:00 local
    assert {
        k for k in new if k.endswith(":0") and k.startswith("checkin-reminder")
    } == expected_cards
    assert local(new["checkin-reminder:2026-09:li.na:0"], BER) == (9, 25, 10, 0)
    assert rows["checkin-reminder:2026-09:li.na:0"].not_before == datetime(
        2026, 9, 25, 8, tzinfo=UTC
    )
    assert local(new["checkin-reminder:2026-09:he.xin:0"], SH) == (9, 25, 10, 0)
    # nudges on days 2 and 4 to those who have not submitted (zhou.min did)
    nudged = {k for k in new if k.startswith("checkin-reminder") and not k.endswith(":0")}
    assert nudged == {c[:-1] + n for c in expected_cards for n in "12" if ":zhou.min:" not in c}
    assert local(new["checkin-reminder:2026-09:li.na:2"], BER) == (9, 29, 10, 0)
    # escalation: one per manager, listing the missing, never the one on leave
    escalations = {k: rows[k] for k in new if k.startswith("checkin-escalation")}
    assert set(escalations) == {
        "checkin-escalation:2026-09:wang.fang",
        "checkin-escalation:2026-09:liu.yang",
    }
    growth = json.dumps(
        escalations["checkin-escalation:2026-09:wang.fang"].card, ensure_ascii=False
    )
    brand = json.dumps(escalations["checkin-escalation:2026-09:liu.yang"].card, ensure_ascii=False)
    assert "李娜" in growth
    assert "周敏" not in brand
    assert "徐佳" not in brand
    assert local(new["checkin-escalation:2026-09:wang.fang"], SH) == (9, 30, 10, 0)
    # 360: one card per assignment when the window opens; reminders in each rater's daytime
    with Session(deps.engine) as s:
        pairs = assignments(s, cycle="2026-Q3")
        frozen = s.exec(select(ScoreSnapshot).where(ScoreSnapshot.period == "2026-Q3")).all()
    assert {k for k in new if k.startswith("review:")} == {f"review:2026-Q3:a{a.id}" for a in pairs}
    assert all(local(new[f"review:2026-Q3:a{a.id}"], SH) == (9, 23, 10, 0) for a in pairs)
    reminders = [k for k in new if k.startswith("review-reminder:2026-Q3:")]
    assert reminders
    assert all(local(new[k], BER)[2:] == (9, 0) for k in reminders if ":zhang.wei:" in k)
    assert any(":zhang.wei:" in k for k in reminders)
    # cycle close: snapshots, a DM each, team digests with aggregates only
    assert {s.member_id for s in frozen} == {m for m in org.members if org.members[m].template}
    assert {k for k in new if k.startswith("cycle-summary:")} == {
        f"cycle-summary:2026-Q3:{s.member_id}" for s in frozen
    }
    digests = [rows[k] for k in new if k.startswith("cycle-digest:2026-Q3:")]
    assert len(digests) == 6  # two teams, three platforms each
    for d in digests:
        text = json.dumps(d.card, ensure_ascii=False)
        for snap in frozen:
            assert org.members[snap.member_id].name not in text
            assert snap.total is None or f"{snap.total:.2f}" not in text
    # coaching prompts three days after close, to each manager for each report at work
    prep = {k for k in new if k.startswith("coaching:prep:2026-Q3:")}
    assert prep == {
        f"coaching:prep:2026-Q3:{s.member_id}:{org.manager_of(s.member_id)}"
        for s in frozen
        if s.member_id != "xu.jia"
    }
    assert all(local(new[k], SH) == (10, 11, 10, 0) for k in prep)
    # the content hit: one award announced once on each of the team's channels
    hit = sorted(k for k in new if k.startswith("award:content_hit:li.na:v-hit"))
    assert [rows[k].target for k in hit] == [
        "channel:oc_5ad11d72b830411d72b836c2growth",
        "channel:C0GROWTH01",
        "channel:wrGrowthChat01",
    ]
    # weekly digests: each Monday 09:30 in each manager's zone
    assert sorted(k for k in new if k.startswith("score-digest:") and k.endswith(":wang.fang")) == [
        f"score-digest:2026-{d}:wang.fang" for d in ("09-21", "09-28", "10-05", "10-12")
    ]
    families = Counter(k.split(":")[0] for k in new)
    assert set(families) <= {
        "checkin-reminder",
        "checkin-escalation",
        "review",
        "review-reminder",
        "cycle-summary",
        "cycle-digest",
        "coaching",
        "award",
        "score-digest",
        "pool",
    }

    # the same month again (or a second replica running it): nothing new
    before = set(rows)
    _simulate(deps, org, {})
    assert set(_keys(deps)) == before


def test_the_month_arrives_on_the_fake_platforms(
    month: tuple[Deps, Org, dict[str, datetime], set[str]],
) -> None:
    """Every queued message of the month, through the real dispatcher and senders, lands on
    the fake Slack, Feishu and WeCom exactly once: nothing lost, duplicated or dropped."""
    deps, _org, _new, _baseline = month
    rows = _keys(deps)
    by_platform = Counter(r.platform for r in rows.values())
    assert set(by_platform) == {"slack", "feishu", "wecom"}
    with (
        FakeSlackAPI(channel_limit=None, app_limit=None) as slack,
        FakeFeishuAPI(app_id=f"cli_{uuid.uuid4().hex[:16]}") as feishu,
        FakeWeComAPI(webhook_keys={"5f3c2a1e-brand-robot-0001": "brand"}) as wecom,
    ):
        settings = mixed_settings(str(deps.engine.url), slack, feishu, wecom).model_copy(
            update={"slack_max_per_minute": 100_000, "feishu_max_per_minute": 100_000}
        )
        app = create_app(settings, engine=deps.engine, run_outbox=True)
        with TestClient(app):
            deadline = time.monotonic() + 90
            while _pending(deps) and time.monotonic() < deadline:
                time.sleep(0.2)
        assert not _pending(deps), _pending(deps)
        with Session(deps.engine) as s:
            states = Counter(o.state for o in s.exec(select(OutboxMessage)))
        assert states == {"sent": len(rows)}
        slack_rows = {k for k, r in rows.items() if r.platform == "slack"}
        assert {d.key for d in slack.delivered} == slack_rows
        assert slack.duplicates == 0
        assert feishu.duplicates == 0  # keyed by the `uuid` idempotency field
        # WeCom takes no idempotency key (its fake keys by content, and repeated reminders
        # are alike): one delivery per row, none silently dropped, is the check there.
        for fake, platform in ((slack, "slack"), (feishu, "feishu"), (wecom, "wecom")):
            assert not fake.dropped, platform
            assert len(fake.delivered) == by_platform[platform], platform


def _pending(deps: Deps) -> int:
    with Session(deps.engine) as s:
        return len(s.exec(select(OutboxMessage).where(OutboxMessage.state != "sent")).all())
