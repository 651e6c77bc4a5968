"""Opening and closing a quarter's 360 review (the scheduler calls these use cases).

Opening stores the window, assigns reviewers (`review_assign`) and queues one DM card per
assignment with an idempotency key per assignment, so running it twice sends nothing new.
Cards name the ratee to the rater (who they are asked to rate); nothing ever names a rater
to anyone else, and the audit lines here carry counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.cards import Actions, Button, Card, Context, Header, Text
from handlers.context import member_settings
from handlers.delivery import send_to_member
from handlers.i18n import format_date, t
from handlers.review_assign import Strategy, assign
from scoring.model import Org
from scoring.periods import Period
from storage.orgconfig import OrgConfig
from storage.repo.audit import audit
from storage.repo.reviews import add_assignments, get_cycle, set_cycle_state, stored_config
from storage.repo.reviews import upsert_cycle as _upsert_cycle
from storage.tables import ReviewAssignment, ReviewCycle


class Window(Protocol):
    """A cycle's window: the stored `ReviewCycle` or the snapshot's `CycleWindow`."""

    @property
    def state(self) -> str: ...
    @property
    def opens_at(self) -> datetime: ...
    @property
    def closes_at(self) -> datetime: ...


class CycleError(ValueError):
    """The cycle cannot move to the asked state (e.g. reopening a closed quarter)."""


@dataclass(frozen=True)
class CycleOutcome:
    quarter: str
    state: str
    assignments: int
    cards_queued: int


def _quarter(quarter: str | Period) -> Period:
    q = quarter if isinstance(quarter, Period) else Period.parse(quarter)
    if q.kind != "quarter":
        raise CycleError(f"a review cycle is a quarter, got {q}")
    return q


def closes_at(org: Org, quarter: Period, days_after: int) -> datetime:
    """The instant the window shuts: the end of the day `days_after` the quarter's last day."""
    last_day = quarter.days_after_end(days_after) + timedelta(days=1)
    return datetime.combine(last_day, time(), ZoneInfo(org.timezone))


def last_edit_day(cycle: Window, timezone: str) -> datetime:
    """The last moment a rating can still change, in the reader's timezone."""
    return (cycle.closes_at - timedelta(microseconds=1)).astimezone(ZoneInfo(timezone))


def is_open(cycle: Window | None, now: datetime) -> bool:
    return cycle is not None and cycle.state == "open" and cycle.opens_at <= now < cycle.closes_at


def _strategy(config: OrgConfig | None) -> tuple[Strategy, int]:
    if config is None:
        return Strategy(), 7
    r = config.review
    strategy = Strategy(r.strategy, r.peers_per_member, {k: list(v) for k, v in r.explicit.items()})
    return strategy, config.schedule.review.close_days_after_quarter_end


def open_cycle(
    session: Session,
    org: Org,
    quarter: str | Period,
    now: datetime,
    config: OrgConfig | None = None,
) -> CycleOutcome:
    """Open the quarter's window (idempotent), assign reviewers and queue their cards."""
    q = _quarter(quarter)
    config = config if config is not None else stored_config(session)
    strategy, days_after = _strategy(config)
    existing = get_cycle(session, quarter=str(q))
    if existing is not None and existing.state in ("closed", "frozen"):
        raise CycleError(f"review cycle {q} is already {existing.state}")
    opens = existing.opens_at if existing is not None and existing.state == "open" else now
    cycle = _upsert_cycle(
        session,
        quarter=str(q),
        opens_at=opens,
        closes_at=closes_at(org, q, days_after),
        state="open",
    )
    day = now.astimezone(ZoneInfo(org.timezone)).date()
    rows = add_assignments(session, cycle=str(q), pairs=assign(org, q, day, strategy))
    queued = sum(_send_card(session, org, cycle, a) for a in rows)
    details = {"assignments": len(rows), "cards_queued": queued}
    audit(session, actor="scheduler", action="review.cycle_open", subject=str(q), details=details)
    return CycleOutcome(str(q), cycle.state, len(rows), queued)


def close_cycle(
    session: Session,
    org: Org,  # noqa: ARG001  (same signature as open_cycle for the scheduler)
    quarter: str | Period,
    now: datetime,
) -> CycleOutcome:
    """Close the window: later submissions are refused with the closed message."""
    q = _quarter(quarter)
    cycle = set_cycle_state(session, quarter=str(q), state="closed")
    if cycle is None:
        raise CycleError(f"no review cycle {q}")
    if cycle.closes_at > now:
        cycle.closes_at = now
    session.flush()
    audit(session, actor="scheduler", action="review.cycle_close", subject=str(q), details={})
    return CycleOutcome(str(q), cycle.state, 0, 0)


def _send_card(session: Session, org: Org, cycle: ReviewCycle, a: ReviewAssignment) -> bool:
    locale, tz, _ = member_settings(session, org, a.rater_id)
    card = review_card(org, cycle, a, locale, tz)
    return send_to_member(session, org, a.rater_id, card, f"review:{cycle.quarter}:a{a.id}")


def review_card(
    org: Org, cycle: ReviewCycle, a: ReviewAssignment, locale: str, timezone: str
) -> Card:
    """The rater's DM: whom to rate, until when, and the button opening the form."""
    name = org.members[a.ratee_id].name or a.ratee_id
    deadline = format_date(last_edit_day(cycle, timezone), locale)
    intro = "review.intro_manager" if a.kind == "manager" else "review.intro"
    return Card(
        blocks=(
            Header(t("review.title", locale, name=name)),
            Text(t(intro, locale, name=name, period=cycle.quarter)),
            Context(t("review.deadline", locale, deadline=deadline)),
            Actions(
                (
                    Button(
                        t("review.open_button", locale),
                        "review.open",
                        value=str(a.id),
                        style="primary",
                    ),
                )
            ),
        ),
        card_id=f"review:{cycle.quarter}:a{a.id}",
    )
