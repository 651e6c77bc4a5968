"""The dispatcher sends outbox rows to (fake) Slack exactly once, retries failures later,
and gives up (`dead`) after the configured number of attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, delete, select

from bot.delivery import Dispatcher
from bot.platforms.slack import SlackSender, make_client
from handlers.cards import Card, ChartLink, Text
from handlers.delivery import send_to_member, send_to_team
from storage.tables import OutboxMessage
from tests.slack.conftest import SlackWorld


def _dispatcher(slack: SlackWorld, max_attempts: int = 5) -> Dispatcher:
    client = make_client(slack.fake.token, slack.settings.slack_api_url)
    return Dispatcher(
        slack.engine,
        [SlackSender(client)],
        clock=slack.clock,
        max_attempts=max_attempts,
        call_attempts=1,  # row-level retries are what these tests watch
    )


def _queue(slack: SlackWorld) -> None:
    """Two rows (a DM and a team post), due at once: enqueue stamps the real time."""
    slack.clock.now = datetime.now(UTC) + timedelta(seconds=1)
    with Session(slack.engine) as s:
        s.execute(delete(OutboxMessage))  # the demo's own announcements are not ours
        s.commit()
    card = Card(blocks=(Text("Your check-in is due"), ChartLink("http://perfbot.test/d", "Open")))
    with Session(slack.engine) as s:
        send_to_member(s, slack.org, "li.na", card, "t:dm:li.na", prefer="slack")
        send_to_team(s, slack.org, "growth", Card(blocks=(Text("Award!"),)), "t:team:growth")
        s.commit()


def _rows(slack: SlackWorld) -> list[OutboxMessage]:
    with Session(slack.engine) as s:
        stmt = select(OutboxMessage).where(
            OutboxMessage.platform == "slack",
            sa.not_(sa.column("idempotency_key").startswith("outbox-dead:")),
        )
        return list(s.exec(stmt.order_by(OutboxMessage.id)))  # type: ignore[arg-type]


async def test_rows_are_sent_exactly_once(slack: SlackWorld) -> None:
    _queue(slack)
    outbox = _dispatcher(slack)
    assert await outbox.run_once() == 2
    assert await outbox.run_once() == 0
    delivered = slack.fake.delivered
    assert sorted(d.key for d in delivered) == ["t:dm:li.na", "t:team:growth:slack"]
    assert slack.fake.duplicates == 0
    assert {d.target for d in delivered} >= {"C0GROWTH01"}
    posts = slack.fake.calls_to("chat.postMessage")
    assert all(p.body["unfurl_links"] is False and p.body["unfurl_media"] is False for p in posts)
    rows = _rows(slack)
    assert [r.state for r in rows] == ["sent", "sent"]
    assert all(r.platform_ref and ":" in r.platform_ref for r in rows)


async def test_failure_is_retried_later_then_dead(slack: SlackWorld) -> None:
    _queue(slack)
    outbox = _dispatcher(slack, max_attempts=2)
    slack.fake.fail_next(10)
    assert await outbox.run_once() == 0
    rows = _rows(slack)
    assert [(r.state, r.attempts) for r in rows] == [("pending", 1), ("pending", 1)]
    assert await outbox.run_once() == 0  # not due yet: backing off
    slack.clock.now += timedelta(minutes=5)
    assert await outbox.run_once() == 0
    assert [(r.state, r.attempts) for r in _rows(slack)] == [("dead", 2), ("dead", 2)]
    assert slack.fake.delivered == []
    with Session(slack.engine) as s:  # the admins are told once, about the whole batch
        alerts = s.exec(
            select(OutboxMessage.idempotency_key).where(
                sa.column("idempotency_key").startswith("outbox-dead:")
            )
        ).all()
    assert alerts
    assert all(a.startswith(f"outbox-dead:{_rows(slack)[0].id}:") for a in alerts)


async def test_recovers_after_a_transient_failure(slack: SlackWorld) -> None:
    _queue(slack)
    outbox = _dispatcher(slack)
    slack.fake.fail_next(1)
    assert await outbox.run_once() == 1
    slack.clock.now += timedelta(minutes=5)
    assert await outbox.run_once() == 1
    assert [r.state for r in _rows(slack)] == ["sent", "sent"]
    assert slack.fake.duplicates == 0
