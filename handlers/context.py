"""What a handler gets besides the event: its dependencies and the member who acted.

`Deps` is built once per process (`bot` wires it); `Ctx` once per event, inside the one
short transaction the event runs in, so everything a handler writes lands together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.i18n import resolve_locale, t
from scoring.model import Member, Org
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

    @property
    def member(self) -> Member:
        return self.org.members[self.member_id]

    def t(self, msgid: str, /, **params: object) -> str:
        return t(msgid, self.locale, **params)

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


def member_locale(session: Session, org: Org, member_id: str) -> str:
    return member_settings(session, org, member_id)[0]
