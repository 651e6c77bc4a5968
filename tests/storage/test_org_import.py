"""import_org: idempotent by hash, updates in place, never deletes people or their data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import select

from scoring.model import MetricRow, Rating
from scoring.periods import Period
from storage.db import session_scope
from storage.repo import import_metrics, import_org, import_ratings, table_counts
from storage.tables import (
    AuditLog,
    BonusPointsRecord,
    CalibrationRecord,
    IndicatorRecord,
    MemberIdentity,
    MemberRecord,
    OrgRecord,
    TeamRecord,
)
from tests.storage.helpers import config, example_text, snapshot


def _import(engine: Engine, text: str) -> object:
    with session_scope(engine) as s:
        return import_org(s, cfg=config(text), source_text=text)


def test_first_import_writes_the_org(engine: Engine) -> None:
    outcome = _import(engine, example_text())
    assert getattr(outcome, "status") == "created"  # noqa: B009
    with session_scope(engine) as s:
        org = s.exec(select(OrgRecord)).one()
        assert org.timezone == "Asia/Shanghai"
        assert len(org.config_sha256) == 64
        members = {m.id: m for m in s.exec(select(MemberRecord))}
        assert set(members) == {
            "wang.fang",
            "li.na",
            "zhang.wei",
            "zhao.lei",
            "chen.jing",
            "zhou.min",
        }
        assert members["zhang.wei"].timezone == "Europe/Berlin"
        assert members["chen.jing"].roles == ["admin"]
        assert members["chen.jing"].template_key is None
        ids = {
            (i.platform, i.platform_user_id): i.member_id for i in s.exec(select(MemberIdentity))
        }
        assert ids[("slack", "U0LINA0001")] == "li.na"
        assert ids[("wecom", "ChenJing")] == "chen.jing"
        team = s.exec(select(TeamRecord)).one()
        assert team.kr_cap == Decimal("1.2")
        ind = s.exec(select(IndicatorRecord).where(IndicatorRecord.key == "original_copies")).one()
        assert ind.spec["steps"] == [["0.5", "50"], ["0.8", "80"], ["1.0", "100"], ["1.5", "120"]]
        cals = s.exec(select(CalibrationRecord)).all()
        assert [(c.source, c.state, c.type) for c in cals] == [
            ("file", "approved", "retarget"),
            ("file", "approved", "swap"),
        ]
        bonus = s.exec(select(BonusPointsRecord)).one()
        assert (bonus.member_id, bonus.period, bonus.points) == ("li.na", "2026-Q3", Decimal(3))


def test_same_config_again_changes_nothing(engine: Engine) -> None:
    text = example_text()
    _import(engine, text)
    before, counts = snapshot(engine), _counts(engine)
    outcome = _import(engine, text + "\n# only a comment differs\n")
    assert getattr(outcome, "status") == "unchanged"  # noqa: B009
    assert snapshot(engine) == before
    after = _counts(engine)
    assert after.pop("audit_log") == counts.pop("audit_log") + 1
    assert after == counts
    with session_scope(engine) as s:
        last = s.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()  # type: ignore[union-attr]
        assert last is not None
        assert (last.action, last.details["status"]) == ("org.import", "unchanged")


def test_changed_config_updates_in_place_and_keeps_data(engine: Engine) -> None:
    _import(engine, example_text(with_new_hire=True))
    with session_scope(engine) as s:
        import_metrics(s, rows=[_row("new.hire", "1000")], source="m.csv", actor="t")
        import_ratings(s, ratings=[_rating("li.na", "new.hire")], source="r.csv", actor="t")
    with session_scope(engine) as s:
        org_id = s.exec(select(OrgRecord.id)).one()
    outcome = _import(engine, example_text(rename_li_na="李娜娜"))
    assert getattr(outcome, "status") == "updated"  # noqa: B009
    changes = getattr(outcome, "changes")  # noqa: B009
    assert changes["member"] == {"inserted": 0, "updated": 1, "retired": 1}
    assert changes["member_identity"] == {"inserted": 0, "updated": 0, "retired": 1}
    with session_scope(engine) as s:
        assert s.exec(select(OrgRecord.id)).all() == [org_id]
        hire = s.get(MemberRecord, "new.hire")
        assert hire is not None
        assert hire.active is False
        li_na = s.get(MemberRecord, "li.na")
        assert li_na is not None
        assert (li_na.name, li_na.active) == ("李娜娜", True)
        assert (
            s.exec(select(MemberIdentity).where(MemberIdentity.member_id == "new.hire")).all() == []
        )
        counts = table_counts(s)
    assert counts["metric_value"] == 1
    assert counts["rating"] == 1
    # back again: the new hire returns as active, the file records are untouched
    _import(engine, example_text(with_new_hire=True))
    with session_scope(engine) as s:
        hire = s.get(MemberRecord, "new.hire")
        assert hire is not None
        assert hire.active is True
        assert [c.type for c in s.exec(select(CalibrationRecord))] == ["retarget", "swap"]


def test_identity_can_move_between_members(engine: Engine) -> None:
    _import(engine, example_text())
    text = (
        example_text()
        .replace("slack: U0ZHANGWEI", "slack: U0LINA0001")
        .replace("slack: U0LINA0001, feishu", "slack: U0SOMEONE, feishu", 1)
    )
    _import(engine, text)
    with session_scope(engine) as s:
        owner = s.exec(
            select(MemberIdentity.member_id).where(MemberIdentity.platform_user_id == "U0LINA0001")
        ).one()
    assert owner == "zhang.wei"


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return table_counts(s)


def _row(subject: str, value: str) -> MetricRow:
    return MetricRow(subject, "content_exposure", Period.month(2026, 8), Decimal(value))


def _rating(rater: str, ratee: str) -> Rating:
    return Rating(Period.quarter(2026, 3), rater, ratee, "collaboration", 4)


def test_dates_are_plain_dates(engine: Engine) -> None:
    text = example_text()
    _import(engine, text)
    with session_scope(engine) as s:
        li_na = s.get(MemberRecord, "li.na")
    assert li_na is not None
    assert li_na.joined == date(2025, 3, 1)
