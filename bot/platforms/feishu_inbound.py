"""Verified Feishu events → `Inbound`, and the handlers' replies → Feishu answers.

Pure functions over the decrypted JSON: a text message becomes a command (unknown text asks
for `help`), a card click becomes a button or form submission via `feishu_render`, and
replies become either the body of the card callback's response (toast, card) or cards to
send afterwards (DMs to the member, posts in the chat the message came from).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.platforms import feishu_render as fr
from handlers import cards as c
from handlers.commands import parse_command
from handlers.dispatch import Inbound

PLATFORM = "feishu"
_MENTION_KEY = re.compile(r"@_user_\d+|@_all")

Json = dict[str, Any]


@dataclass(frozen=True)
class MessageIn:
    """A text message to the bot: the command plus where answers go."""

    inbound: Inbound
    open_id: str
    chat_id: str


def _open_id(ids: Any) -> str:
    return str(ids.get("open_id") or "") if isinstance(ids, Mapping) else ""


def rewrite_mentions(text: str, mentions: Sequence[Mapping[str, Any]], *, group: bool) -> str:
    """Drop the bot's own mention, turn the others into `@feishu:<open_id>`.

    Feishu writes mentions into the text as placeholders (`@_user_1`) explained by the
    event's `mentions` list. In a group the message starts with the mention that addressed
    the bot; a mention typed as a bot (`mentioned_type: bot`) is dropped wherever it is.
    """
    by_key = {str(m.get("key")): m for m in mentions}
    body = text.strip()
    if group and (lead := _MENTION_KEY.match(body)):
        body = body[lead.end() :]

    def person(match: re.Match[str]) -> str:
        m = by_key.get(match.group())
        if m is None or m.get("mentioned_type") == "bot" or not _open_id(m.get("id")):
            return ""
        return f"@{PLATFORM}:{_open_id(m.get('id'))}"

    return " ".join(_MENTION_KEY.sub(person, body).split())


def message_inbound(body: Mapping[str, Any]) -> MessageIn | None:
    """An `im.message.receive_v1` body → the command it carries; None for what we ignore
    (messages from bots, non-text messages)."""
    event = body["event"]
    sender = event.get("sender") or {}
    message = event.get("message") or {}
    open_id = _open_id(sender.get("sender_id"))
    if sender.get("sender_type") != "user" or not open_id:
        return None
    if message.get("message_type") != "text":
        return None
    try:
        text = str(json.loads(message.get("content") or "{}").get("text") or "")
    except (ValueError, AttributeError):
        return None
    group = message.get("chat_type") != "p2p"
    typed = rewrite_mentions(text, message.get("mentions") or [], group=group)
    name, args = parse_command(typed) or ("help", "")
    inbound = Inbound(
        platform=PLATFORM,
        user_id=open_id,
        kind="command",
        name=name,
        args=args,
        delivery_id=str(body["header"].get("event_id") or ""),
        source_ref=message.get("message_id"),
    )
    return MessageIn(inbound, open_id, str(message.get("chat_id") or ""))


def action_inbound(body: Mapping[str, Any]) -> tuple[Inbound, str, str]:
    """A `card.action.trigger` body → (inbound, operator open_id, chat id)."""
    event = body["event"]
    sub = fr.parse_action(event)
    open_id = _open_id(event.get("operator"))
    chat_id = str((event.get("context") or {}).get("open_chat_id") or "")
    inbound = Inbound(
        platform=PLATFORM,
        user_id=open_id,
        kind=sub.kind,
        name=sub.name,
        values=dict(sub.values),
        meta=sub.private_metadata,
        delivery_id=str(body["header"].get("event_id") or ""),
        source_ref=sub.source_ref,
    )
    return inbound, open_id, chat_id


def _note(text: str) -> Json:
    return fr.render_card(c.Card(blocks=(c.Text(text),)))


def as_message(reply: c.Reply, user: str, chat: str) -> tuple[str, Json] | None:
    """Where a reply to a typed command goes, as (target, Feishu card JSON).

    Feishu has no ephemeral messages: `Ephemeral` (and anything meant for the member
    alone, such as a form) is a DM; `Respond` is posted in the chat the command came from.
    """
    dm = f"user:{user}"
    if isinstance(reply, c.Respond):
        return (f"channel:{chat}" if chat else dm), fr.render_card(reply.card)
    if isinstance(reply, c.Ephemeral | c.UpdateSource):
        return dm, fr.render_card(reply.card)
    if isinstance(reply, c.OpenForm):
        return dm, fr.render_form(reply.form)
    if isinstance(reply, c.Toast):
        return dm, _note(reply.text)
    if isinstance(reply, c.FormErrors):
        return dm, _note("\n".join(reply.errors.values()))
    return None


def callback_answer(
    replies: Sequence[c.Reply], user: str, chat: str
) -> tuple[Json, list[tuple[str, Json]]]:
    """Replies to a card click → (callback response body, cards to send afterwards).

    The response can carry a toast and one card that replaces the clicked one; `{}` keeps
    the card as it is. An opened form replaces the clicked card; validation errors are an
    error toast (Feishu cards have no per-field errors).
    """
    answer: Json = {}
    later: list[tuple[str, Json]] = []
    for reply in replies:
        if isinstance(reply, c.Toast):
            answer |= fr.render_toast(reply)
        elif isinstance(reply, c.FormErrors):
            answer |= fr.render_form_errors(reply)
        elif isinstance(reply, c.UpdateSource):
            answer |= fr.render_update(reply.card)
        elif isinstance(reply, c.OpenForm):
            answer["card"] = {"type": "raw", "data": fr.render_form(reply.form)}
        elif (message := as_message(reply, user, chat)) is not None:
            later.append(message)
    return answer, later
