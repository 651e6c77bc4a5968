"""Three `perfbot serve` replicas on one PostgreSQL share a 500-member reminder run
(`checkin-reminders`) against the fake Slack.

Every queued message arrives; without a crash exactly once — also when the fake answers
429 and 500 to a share of calls and when the replicas' database connections are cut
once; with one replica SIGKILLed mid-run, a message arrives twice only if that replica had
it in flight, which its semaphore bounds (`PERFBOT_OUTBOX_CONCURRENCY`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from handlers.context import Deps
from scheduler.jobs import run_job
from storage.db import session_scope
from storage.orgconfig import load_org_text
from storage.repo import import_org
from storage.tables import OutboxMessage
from tests.conftest import PG_URL
from tests.fakes.limits import Limit
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlackAPI

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="needs PERFBOT_TEST_POSTGRES_URL"),
    pytest.mark.timeout(120),
    pytest.mark.parametrize("db_url", ["postgres"], indirect=True),
]
N = 500
CONCURRENCY = 8
PERFBOT = Path(sys.executable).with_name("perfbot")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Replicas:
    def __init__(self, url: str, fake: FakeSlackAPI, cwd: Path, per_minute: int) -> None:
        self.app_name = f"perfbot-{uuid.uuid4().hex[:10]}"
        self.url = (
            make_url(url)
            .update_query_dict({"application_name": self.app_name})
            .render_as_string(hide_password=False)
        )
        self.env = {
            **os.environ,
            "PERFBOT_DATABASE_URL": self.url,
            "PERFBOT_SECRET_KEY": "replica-test-secret",
            "PERFBOT_SLACK_BOT_TOKEN": DEFAULT_TOKEN,
            "PERFBOT_SLACK_SIGNING_SECRET": "replica-signing-secret",
            "PERFBOT_SLACK_API_URL": fake.url + "/api/",
            "PERFBOT_SLACK_MAX_PER_MINUTE": str(per_minute),
            "PERFBOT_OUTBOX_CONCURRENCY": str(CONCURRENCY),
            "PERFBOT_OUTBOX_LEASE_SECONDS": "4",
            "PERFBOT_OUTBOX_POLL_SECONDS": "0.2",
            "PERFBOT_SCHEDULER": "on",
            "PERFBOT_LOG_FORMAT": "json",
        }
        self.cwd = cwd
        self.procs: list[subprocess.Popen[bytes]] = []
        self.ports: list[int] = []

    def start(self, count: int = 3) -> None:
        for n in range(count):
            port = _port()
            cmd = [str(PERFBOT), "serve", "--host", "127.0.0.1", "--port", str(port)]
            with (self.cwd / f"replica-{n}.log").open("wb") as log:
                self.procs.append(
                    subprocess.Popen(cmd, env=self.env, cwd=self.cwd, stdout=log, stderr=log)
                )
            self.ports.append(port)
        deadline = time.monotonic() + 40
        for port in self.ports:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, self.logs()
                time.sleep(0.2)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.cwd.glob("replica-*.log")))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def pg_engine(engine: Engine) -> Engine:
    """Replicas share work on PostgreSQL only; SQLite is the single-process default."""
    assert engine.dialect.name == "postgresql"
    return engine


@pytest.fixture
def replicas(db_url: str, pg_engine: Engine, tmp_path: Path) -> Iterator[Callable[..., Replicas]]:
    started: list[Replicas] = []

    def start(fake: FakeSlackAPI, per_minute: int) -> Replicas:
        group = Replicas(db_url, fake, tmp_path, per_minute)
        started.append(group)
        group.start()
        return group

    yield start
    for group in started:
        group.stop()


def _org_yaml(n: int, today: date) -> str:
    """N members with one check-in indicator; the check-in day is today (UTC, no quiet
    hours), so the replicas' own calendar, running at real time, finds the same reminders
    due and its runs are no-ops by their idempotency keys."""
    members = "\n".join(
        f"  - {{id: m{i:03d}, name: M{i:03d}, team: ops, function: copy, template: t,"
        f" manager: lead, joined: {today.replace(day=1).isoformat()},"
        f" identities: {{slack: U{i:05d}}}}}"
        for i in range(n)
    )
    return f"""org:
  name: {{en: Replica test}}
  timezone: UTC
  locale: en
teams:
  - {{key: ops, name: {{en: Ops}}, manager: lead}}
members:
  - {{id: lead, name: Lead, team: ops, function: planning, template: null}}
{members}
templates:
  - key: t
    name: {{en: T}}
    dimensions: {{process: 100}}
    indicators:
      - {{key: copies, dimension: process, weight: 100, period: month, aggregate: sum,
         target: 10, source: checkin}}
schedule:
  checkin: {{day: {min(today.day, 28)}, at: "00:00", deadline_days: 7}}
  quiet_hours: {{start: "00:00", end: "00:00"}}
"""


def _remind(engine: Engine) -> set[str]:
    """A real reminder run for N members (`perfbot jobs run checkin-reminders`): the org is
    imported, the job writes one DM per member to the outbox; returns their keys."""
    now = datetime.now(UTC)
    text = _org_yaml(N, now.date())
    with session_scope(engine) as session:
        import_org(session, cfg=load_org_text(text, "org.yaml"), source_text=text)
    result = run_job(Deps(engine=engine), "checkin-reminders", now)
    with engine.connect() as conn:
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        keys = {str(k) for (k,) in conn.execute(sa.select(table.c.idempotency_key))}
    assert len(keys) == N, (result, len(keys))
    return keys


def _wait_all(
    fake: FakeSlackAPI, engine: Engine, timeout: float, group: Replicas, expected: set[str]
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if {d.key for d in fake.delivered} >= expected and _states(engine) == {"sent": N}:
            return
        time.sleep(0.2)
    missing = len(expected - {d.key for d in fake.delivered})
    pytest.fail(f"{missing} not delivered; states {_states(engine)}\n{group.logs()}")


def _states(engine: Engine) -> dict[str, int]:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    stmt = sa.select(table.c.state, sa.func.count()).group_by(table.c.state)
    with engine.connect() as conn:
        return {str(s): int(n) for s, n in conn.execute(stmt).all()}


def test_three_replicas_exactly_once_through_429_500_and_a_dropped_connection(
    pg_engine: Engine, replicas: Callable[..., Replicas]
) -> None:
    app_limit = Limit.per_second(150, burst=20)  # below our budget: real 429s, Retry-After
    with FakeSlackAPI(channel_limit=None, app_limit=app_limit, failure_rate=0.05, seed=7) as fake:
        group = replicas(fake, per_minute=60_000)
        expected = _remind(pg_engine)
        while len(fake.delivered) < N // 4:
            time.sleep(0.05)
        with pg_engine.connect() as conn:  # cut every replica connection once, mid-run
            killed = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :app"
                ),
                {"app": group.app_name},
            ).scalar_one()
        assert killed >= 3
        _wait_all(fake, pg_engine, 45, group, expected)
        statuses = [c.status for c in fake.calls_to("chat.postMessage")]
        assert fake.duplicates == 0
        assert len(fake.delivered) == N
        assert statuses.count(429) > 0
        assert statuses.count(500) > 0


def test_a_replica_killed_mid_run_duplicates_at_most_its_in_flight_sends(
    pg_engine: Engine, replicas: Callable[..., Replicas]
) -> None:
    with FakeSlackAPI(channel_limit=None, app_limit=None) as fake:
        group = replicas(fake, per_minute=6_000)  # 100/s: the run takes ~5 s
        expected = _remind(pg_engine)
        while len(fake.delivered) < N // 4:
            time.sleep(0.02)
        group.procs[0].send_signal(signal.SIGKILL)
        group.procs[0].wait()
        assert len(fake.delivered) < N  # it really was mid-run
        _wait_all(fake, pg_engine, 45, group, expected)
        assert {d.key for d in fake.delivered} == expected
        assert fake.duplicates <= CONCURRENCY
        assert len(fake.delivered) == N + fake.duplicates
        for port in group.ports[1:]:  # the survivors: one of them leads the scheduler
            assert httpx.get(f"http://127.0.0.1:{port}/healthz").json()["status"] == "ok"
        roles = [httpx.get(f"http://127.0.0.1:{p}/healthz").json() for p in group.ports[1:]]
        deadline = time.monotonic() + 10
        while "running" not in [r["scheduler"] for r in roles] and time.monotonic() < deadline:
            time.sleep(0.5)
            roles = [httpx.get(f"http://127.0.0.1:{p}/healthz").json() for p in group.ports[1:]]
        assert sorted(r["scheduler"] for r in roles) == ["running", "standby"]
