"""From outbox rows and neutral cards to what the playground templates draw.

The templates receive plain dicts (one per block, `kind` says which), so the three looks
(Slack, Feishu, WeCom) are only different Jinja partials over the same data: same content,
different skin. Markdown-lite is rendered here, escaped first, so card text can never
inject markup into the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers import cards as c
from handlers.cardjson import card_from_json
from handlers.delivery import team_targets
from scoring.model import Org
from storage.tables import OutboxMessage

LOOKS = ("slack", "feishu", "wecom")
MAX_DMS = 40
MAX_POSTS = 30

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])_(?!_)(.+?)(?<!_)_(?!\w)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")


def markdown_lite(text: str) -> Markup:
    """`**bold**`, `_italic_`, `[label](https://url)`, `- ` bullets and newlines → HTML."""
    lines = []
    for raw in str(escape(text)).split("\n"):
        line = _LINK.sub(r'<a href="\2" rel="noreferrer noopener">\1</a>', raw)
        line = _BOLD.sub(r"<strong>\1</strong>", line)
        line = _ITALIC.sub(r"<em>\1</em>", line)
        if line.startswith("- "):
            line = "• " + line[2:]
        lines.append(line)
    return Markup("<br>".join(lines))  # noqa: S704 - every piece was escaped above


def _element(el: c.Button | c.Select) -> dict[str, Any]:
    if isinstance(el, c.Button):
        return {
            "kind": "button",
            "label": el.label,
            "action_id": el.action_id,
            "value": el.value,
            "style": el.style,
            "url": el.url,
        }
    return {
        "kind": "select",
        "action_id": el.action_id,
        "placeholder": el.placeholder,
        "options": list(el.options),
        "initial": el.initial,
    }


def _block(block: c.Block, local: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(block, c.Header):
        return {"kind": "header", "text": block.text}
    if isinstance(block, c.Text):
        return {"kind": "text", "html": markdown_lite(block.text)}
    if isinstance(block, c.Context):
        return {"kind": "context", "html": markdown_lite(block.text)}
    if isinstance(block, c.Fields):
        return {"kind": "fields", "items": [(k, markdown_lite(v)) for k, v in block.items]}
    if isinstance(block, c.Image):
        # Only this server's images load; anything else stays a link (nothing leaves).
        own = block.url.startswith("/") or block.url.startswith(local)
        return {"kind": "image", "url": block.url, "alt": block.alt, "load": own}
    if isinstance(block, c.ChartLink):
        return {"kind": "link", "url": block.url, "label": block.label}
    if isinstance(block, c.Actions):
        return {"kind": "actions", "elements": [_element(e) for e in block.elements]}
    return {"kind": "divider"}


def card_view(card: c.Card, source: str, public_url: str = "") -> dict[str, Any]:
    """A card as template data. `title` is its first header (else the card's title):
    Feishu and WeCom lift that header into the card's title bar (`head_index` says which
    block it was), Slack leaves it in place."""
    local = tuple(u for u in (public_url.rstrip("/") + "/",) if u != "/")
    blocks = [_block(b, local) for b in card.blocks]
    first = next((n for n, b in enumerate(blocks) if b["kind"] == "header"), None)
    head = blocks[first]["text"] if first is not None else None
    return {
        "source": source,
        "title": head or card.title,
        "head_index": first,
        "blocks": blocks,
        "card_id": card.card_id or "",
    }


@dataclass(frozen=True)
class Row:
    """An outbox row as the playground shows it."""

    id: int
    created: datetime
    platform: str
    card: c.Card
    key: str


def _rows(session: Session, pairs: list[tuple[str, str]], limit: int) -> list[Row]:
    if not pairs:
        return []
    platforms = {p for p, _ in pairs}
    targets = {t for _, t in pairs}
    stmt = (
        select(OutboxMessage)
        .where(col(OutboxMessage.platform).in_(platforms), col(OutboxMessage.target).in_(targets))
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit * 3)
    )
    wanted = set(pairs)
    out = []
    for m in session.exec(stmt):
        if (m.platform, m.target) in wanted and m.id is not None:
            out.append(
                Row(m.id, m.created_at, m.platform, card_from_json(m.card), m.idempotency_key)
            )
    return out[:limit][::-1]


def dm_pairs(org: Org, member_id: str) -> list[tuple[str, str]]:
    return [(p, f"user:{uid}") for p, uid in org.members[member_id].identities.items()]


def member_dms(session: Session, org: Org, member_id: str) -> list[Row]:
    """Every DM queued for the member on any of their platforms, oldest first."""
    return _rows(session, dm_pairs(org, member_id), MAX_DMS)


def team_posts(session: Session, org: Org, team: str, look: str) -> list[Row]:
    """The team channel: one copy of each post (the look's platform when it has one)."""
    if team not in org.teams:
        return []
    rows = _rows(session, team_targets(org, team), MAX_POSTS * len(LOOKS))
    by_key: dict[str, Row] = {}
    for r in rows:
        base = r.key.removesuffix(f":{r.platform}")
        if base not in by_key or r.platform == look:
            by_key[base] = r
    return sorted(by_key.values(), key=lambda r: r.id)[-MAX_POSTS:]


def stamp_new_rows(engine: Engine, since: int, at: datetime) -> tuple[int, dict[int, datetime]]:
    """Rows queued after `since` get the playground time `at`; returns the new high water."""
    with Session(engine) as session:
        ids = session.exec(select(OutboxMessage.id).where(col(OutboxMessage.id) > since)).all()
    fresh = {i: at for i in ids if i is not None}
    return max(fresh, default=since), fresh
