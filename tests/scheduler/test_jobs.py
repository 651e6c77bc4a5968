"""The jobs through `perfbot jobs run/list` on both backends: unknown names, quiet hours,
an idempotent cycle close and an explicit, audited re-close."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import SecretStr
from sqlmodel import Session, select
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.demo.load import load_demo
from bot.settings import Settings
from scheduler.jobs import JOBS
from storage.db import make_engine
from storage.tables import AuditLog, OutboxMessage, ScoreSnapshot


@pytest.fixture
def jobs(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    load_demo(Settings(database_url=db_url, secret_key=SecretStr("s")), today=date(2026, 9, 20))
    monkeypatch.setenv("PERFBOT_DATABASE_URL", db_url)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, ["jobs", *args])

    return invoke, make_engine(db_url)


def keys(engine, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        found = s.exec(select(OutboxMessage.idempotency_key)).all()
    return sorted(k for k in found if k.startswith(prefix))


def test_list_and_unknown_job(jobs) -> None:  # type: ignore[no-untyped-def]
    invoke, _ = jobs
    listed = invoke("list")
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(JOBS)
    unknown = invoke("run", "no-such-job", "--now", "2026-09-25T10:00")
    assert unknown.exit_code == 1
    assert "unknown job" in unknown.stderr


def test_checkin_cards_wait_for_the_end_of_quiet_hours(jobs) -> None:  # type: ignore[no-untyped-def]
    invoke, engine = jobs
    # 21:00 in Shanghai on check-in day: quiet hours, nothing goes out
    assert invoke("run", "checkin-reminders", "--now", "2026-09-25T21:00+08:00").exit_code == 0
    assert keys(engine, "checkin-reminder:") == []
    # 09:00 next morning: the day's cards, dated at the configured 10:00
    assert invoke("run", "checkin-reminders", "--now", "2026-09-26T09:00+08:00").exit_code == 0
    sent = keys(engine, "checkin-reminder:2026-09:")
    assert "checkin-reminder:2026-09:li.na:0" in sent
    assert all(k.endswith(":0") for k in sent)


def test_cycle_close_is_idempotent_and_a_reclose_is_audited(jobs) -> None:  # type: ignore[no-untyped-def]
    invoke, engine = jobs
    assert invoke("run", "cycle-close", "--now", "2026-10-08T09:00+08:00").exit_code == 0
    with Session(engine) as s:
        assert not s.exec(select(ScoreSnapshot).where(ScoreSnapshot.period == "2026-Q3")).all()
    for _ in range(2):
        assert invoke("run", "cycle-close", "--now", "2026-10-08T10:00+08:00").exit_code == 0
    with Session(engine) as s:
        snaps = s.exec(select(ScoreSnapshot).where(ScoreSnapshot.period == "2026-Q3")).all()
        closes = s.exec(select(AuditLog).where(AuditLog.subject == "2026-Q3")).all()
    assert snaps
    assert [a.action for a in closes if a.action.startswith("cycle.")] == ["cycle.close"]
    summaries = keys(engine, "cycle-summary:2026-Q3:")
    assert len(summaries) == len(snaps)
    again = invoke("run", "cycle-close", "--now", "2026-10-09T10:00+08:00", "--reclose")
    assert again.exit_code == 0
    with Session(engine) as s:
        actions = [a.action for a in s.exec(select(AuditLog).where(AuditLog.subject == "2026-Q3"))]
    assert actions.count("cycle.reclose") == 1
    assert len(keys(engine, "cycle-summary:2026-Q3:")) == 2 * len(snaps)
