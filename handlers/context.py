"""What a handler gets besides the event: its dependencies and the member who acted.

`Deps` is built once per process (`bot` wires it); `Ctx` once per event, inside the one
short transaction the event runs in, so everything a handler writes lands together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from handlers.i18n import resolve_locale, t
from scoring.model import Member, Org
from storage.repo.snapshot import Snapshot
from storage.tables import MemberPreference


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    engine: Engine
    public_url: str = "http://localhost:8000"
    secret_key: str = "dev-only-secret"
    clock: Callable[[], datetime] = utc_now
    """Aware UTC now; tests and `jobs run --now` pass a fixed clock."""


class Write(Protocol):
    """A write a handler asks for through `Ctx.defer`: applied at once on the general path,
    or batched with other events' writes of the same type (`apply_all`, set-based) on the
    fast path — so one handler body serves both."""

    order: ClassVar[int]
    """Batches apply write types by ascending order (parents before children)."""

    @classmethod
    def apply_all(cls, conn: Connection, writes: Sequence[Any]) -> None: ...


class NeedsStore(LookupError):
    """A handler running on the snapshot alone asked for the store: re-run it on the
    general path (`handlers.fastpath`)."""


class _NoStore:
    """`Ctx.session` of a fast-path event: any use means the snapshot was not enough."""

    def __getattr__(self, name: str) -> Any:
        raise NeedsStore(name)


NO_STORE: Any = _NoStore()


@dataclass
class Ctx:
    """One event's world: the session it writes in, the org, and the acting member."""

    deps: Deps
    session: Session
    org: Org
    member_id: str
    platform: str
    now: datetime
    locale: str = "en"
    timezone: str = "UTC"
    nudges: bool = True
    extra: dict[str, object] = field(default_factory=dict)
    snapshot: Snapshot | None = None
    """The read-side snapshot the event was resolved with (org, identities, open reviews)."""
    deferred: list[Write] | None = None
    """Fast path only: writes collected for the batch writer instead of applied now."""

    @property
    def member(self) -> Member:
        return self.org.members[self.member_id]

    def t(self, msgid: str, /, **params: object) -> str:
        return t(msgid, self.locale, **params)

    def defer(self, write: Write) -> None:
        """Apply `write` in this event's transaction, or hand it to the batch writer."""
        if self.deferred is not None:
            self.deferred.append(write)
        else:
            self.session.flush()  # ORM rows added earlier in this event land first
            type(write).apply_all(self.session.connection(), [write])

    def local_today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.timezone)).date()

    def org_today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.org.timezone)).date()


def member_settings(session: Session, org: Org, member_id: str) -> tuple[str, str, bool]:
    """(locale, timezone, nudges): `/perf settings` choices, then the config, then the org's."""
    member = org.members[member_id]
    pref = session.get(MemberPreference, member_id)
    locale = resolve_locale(pref.locale if pref else None, member.locale, org.locale)
    tz = (pref.timezone if pref else None) or member.timezone or org.timezone
    nudges = pref.nudges if pref else True
    return locale, tz, nudges


def snapshot_settings(snap: Snapshot, member_id: str) -> tuple[str, str, bool]:
    """`member_settings` read from the snapshot (same precedence, no query, once)."""
    return snap.memo(("settings", member_id), lambda: _settings_of(snap, member_id))


def _settings_of(snap: Snapshot, member_id: str) -> tuple[str, str, bool]:
    org = snap.org
    member = org.members[member_id]
    pref = snap.preferences.get(member_id)
    locale = resolve_locale(pref.locale if pref else None, member.locale, org.locale)
    tz = (pref.timezone if pref else None) or member.timezone or org.timezone
    return locale, tz, pref.nudges if pref else True


def member_locale(session: Session, org: Org, member_id: str) -> str:
    return member_settings(session, org, member_id)[0]
