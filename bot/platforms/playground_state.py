"""What the playground remembers between page loads, in memory (it is a demo, one process).

Chat platforms keep some things the database does not: replies only the clicker sees
(ephemeral), the modal currently open, a toast, a card replaced after a click. The
playground keeps those per browser (a random cookie) and per member acted as, with a cap
so an open demo cannot grow without bound. Outbox rows are *not* copied here: the page
reads them from the database every time, whatever their delivery state (see README).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from bot.platforms.playground_clock import PlaygroundClock
from handlers.cards import Card, Form

MAX_BROWSERS = 200
MAX_ENTRIES = 60
Who = Literal["me", "bot"]


def real_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Entry:
    """One line of the DM transcript that never went through the outbox."""

    id: int
    who: Who
    created: datetime
    """Real time: orders the entry among outbox rows (whose `created_at` is real time)."""
    sim: datetime
    """The playground clock's time, shown to the reader."""
    card: Card | None = None
    text: str = ""
    ephemeral: bool = False


@dataclass
class OpenModal:
    """The form on screen; submissions are matched by `token`, so a stale tab is refused."""

    token: str
    form: Form
    source: str | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Talk:
    """One browser acting as one member."""

    entries: list[Entry] = field(default_factory=list)
    modal: OpenModal | None = None
    flashes: list[tuple[str, str]] = field(default_factory=list)
    replaced: dict[str, Card] = field(default_factory=dict)
    """Source ref (`outbox:<id>` or `entry:<id>`) → the card an `UpdateSource` put there."""


@dataclass
class PlaygroundState:
    clock: PlaygroundClock = field(default_factory=PlaygroundClock)
    arrived: dict[int, datetime] = field(default_factory=dict)
    """Outbox row id → the playground time it was queued at (rows seen being created)."""
    high_water: int = 0
    _talks: OrderedDict[tuple[str, str], Talk] = field(default_factory=OrderedDict)
    _next_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def talk(self, browser: str, member: str) -> Talk:
        key = (browser, member)
        with self.lock:
            found = self._talks.pop(key, None) or Talk()
            self._talks[key] = found
            while len(self._talks) > MAX_BROWSERS:
                self._talks.popitem(last=False)
            return found

    def add(
        self,
        talk: Talk,
        who: Who,
        *,
        card: Card | None = None,
        text: str = "",
        ephemeral: bool = False,
    ) -> Entry:
        with self.lock:
            self._next_id += 1
            entry = Entry(self._next_id, who, real_now(), self.clock(), card, text, ephemeral)
            talk.entries.append(entry)
            del talk.entries[:-MAX_ENTRIES]
            return entry


def new_browser_id() -> str:
    return secrets.token_urlsafe(16)


def new_token() -> str:
    return secrets.token_urlsafe(12)
