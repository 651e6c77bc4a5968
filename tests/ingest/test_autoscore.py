"""After each import: only affected members rescored, content hits granted and announced
once, at-risk indicators flagged only when newly at risk."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers.admin import import_metrics_file
from handlers.ingest import Grant, ingest_metrics
from storage.db import session_scope
from storage.tables import AtRiskFlag, Award, OutboxMessage, ProvisionalScore
from tests.ingest.conftest import DATA, NOW, item


def send(engine: Engine, *items: dict[str, object]) -> dict[str, object]:
    import json

    raw = json.dumps({"metrics": list(items)}).encode()
    answer = ingest_metrics(
        engine, raw, grant=Grant("default"), key=None, reopen=False, now=NOW, max_items=100
    )
    assert answer.status == 200, answer.body
    return answer.body


def provisional(engine: Engine) -> set[tuple[str, str]]:
    with session_scope(engine) as s:
        return {(p.member_id, p.period) for p in s.exec(select(ProvisionalScore))}


def test_only_affected_members_are_rescored(store: Engine) -> None:
    send(store, item())
    assert provisional(store) == {("li.na", "2026-08"), ("li.na", "2026-Q3"), ("li.na", "2026")}
    with session_scope(store) as s:
        row = s.exec(select(ProvisionalScore).where(ProvisionalScore.period == "2026-Q3")).one()
    assert row.result["member"] == "li.na"
    assert row.computed_at == NOW
    send(
        store,
        item(member="team:growth", indicator="new_customer_sales_team", period="2026-Q3", value=5),
    )
    assert provisional(store) == {
        (m, p) for m in ("li.na",) for p in ("2026-08", "2026-Q3", "2026")
    } | {(m, p) for m in ("wang.fang", "li.na", "zhang.wei") for p in ("2026-Q3", "2026")}


def test_unchanged_rows_rescore_nobody(store: Engine) -> None:
    send(store, item())
    with session_scope(store) as s:
        s.exec(select(ProvisionalScore)).all()
    body = send(store, item())
    assert body["unchanged"] == 1
    assert body["rescored_members"] == []


def test_cli_import_rescores_too(store: Engine) -> None:
    outcome = import_metrics_file(
        store, DATA / "douyin_content.csv", profile="douyin_content", now=NOW
    )
    assert not outcome.errors
    assert {m for m, _ in provisional(store)} == {"li.na"}


def test_content_hit_awarded_and_announced_once(store: Engine) -> None:
    first = send(store, item(value=1_200_000, item="v9"))
    assert first["content_hits"] == ["content_hit:li.na:v9"]
    second = send(store, item(value=1_300_000, item="v9"))
    assert second["content_hits"] == []
    with session_scope(store) as s:
        awards = s.exec(select(Award)).all()
        outbox = s.exec(select(OutboxMessage)).all()
    assert [(a.key, a.kind, a.member_id, a.period, a.item) for a in awards] == [
        ("content_hit:li.na:v9", "content_hit", "li.na", "2026-08", "v9")
    ]
    # team growth has a Slack, a Feishu and a WeCom channel: one message each, once,
    # in the one award format (handlers.award_card) every award is announced with
    assert sorted((o.platform, o.target) for o in outbox) == [
        ("feishu", "channel:oc_5ad11d72b830411d72b836c20"),
        ("slack", "channel:C0GROWTH01"),
        ("wecom", "channel:wrGrowthChat01"),
    ]
    assert all(o.idempotency_key.startswith("award:content_hit:li.na:v9:announce:") for o in outbox)
    card = outbox[0].card
    assert card["type"] == "Card"
    assert card["title"] == "内容爆款奖"


def test_at_risk_flagged_only_when_new(store: Engine) -> None:
    first = send(store, item(value=1000))
    assert "li.na:content_exposure:2026-Q3" in first["at_risk"]
    second = send(store, item(value=2000))
    assert second["at_risk"] == []
    with session_scope(store) as s:
        flags = s.exec(select(AtRiskFlag).where(AtRiskFlag.indicator == "content_exposure")).all()
    assert [(f.member_id, f.period, f.digested_at) for f in flags] == [("li.na", "2026-Q3", None)]
    assert flags[0].projected < 1


def test_on_track_indicator_is_not_flagged(store: Engine) -> None:
    body = send(store, item(value=500_000, item="big"))
    assert not any(f.startswith("li.na:content_exposure") for f in body["at_risk"])
