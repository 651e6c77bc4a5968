"""Decrypted WeCom callback XML → the neutral `Inbound` that `dispatch` takes.

Only two kinds of callback mean something to perfbot: text messages to the app (typed
commands, both languages) and `template_card_event` clicks (buttons, vote and multiple
choice submissions). Everything else (enter_agent, subscribe, images…) is acknowledged and
ignored. The delivery id makes WeCom's retries (it re-posts when no answer came within 5 s)
a no-op: `MsgId` for messages, FromUserName + CreateTime + event + key + task for events,
which carry no id of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.platforms.wecom_crypto import WeComDecryptError, parse_xml
from bot.platforms.wecom_render import parse_template_card_event
from handlers.commands import parse_command
from handlers.context import member_settings
from handlers.dispatch import Inbound
from handlers.i18n import resolve_locale
from storage.repo import NoOrgError, current_org
from storage.repo.deliveries import member_for_identity

PLATFORM = "wecom"
CARD_EVENTS = frozenset({"template_card_event", "template_card_menu_event"})
_CJK = re.compile(r"[\u4e00-\u9fff]")


class MalformedCallback(ValueError):
    """Decrypted fine but is not a WeCom message we can read (missing fields, bad XML)."""


@dataclass(frozen=True)
class Callback:
    """A callback worth dispatching, plus what the click update needs afterwards."""

    inbound: Inbound
    response_code: str | None = None
    task_id: str | None = None


def parse_callback(xml: str) -> Callback | None:
    """The callback as an Inbound, None for kinds perfbot ignores; raises MalformedCallback."""
    try:
        root = parse_xml(xml)
    except WeComDecryptError as exc:
        raise MalformedCallback(str(exc)) from exc
    fields = {child.tag: (child.text or "").strip() for child in root}
    user = fields.get("FromUserName", "")
    msg_type = fields.get("MsgType", "")
    if not user or not msg_type:
        raise MalformedCallback("callback without FromUserName or MsgType")
    if msg_type == "text":
        return _text(user, fields)
    if msg_type == "event" and fields.get("Event") in CARD_EVENTS:
        return _card_event(user, fields, xml)
    return None


def _text(user: str, fields: dict[str, str]) -> Callback:
    msg_id = fields.get("MsgId", "")
    if not msg_id:
        raise MalformedCallback("text message without MsgId")
    content = fields.get("Content", "")
    # Not a command: the first word goes on as the name, so dispatch answers with the help
    # card that names what it did not understand.
    words = content.split(maxsplit=1)
    name, args = parse_command(content) or ((words[0][:40] if words else "help"), "")
    inbound = Inbound(
        platform=PLATFORM,
        user_id=user,
        kind="command",
        name=name,
        args=args,
        delivery_id=f"msg:{msg_id}",
        locale_hint="zh_CN" if _CJK.search(content) else None,
    )
    return Callback(inbound)


def _card_event(user: str, fields: dict[str, str], xml: str) -> Callback:
    key, task = fields.get("EventKey", ""), fields.get("TaskId", "")
    if not key:
        raise MalformedCallback("card event without EventKey")
    submission = parse_template_card_event(xml)
    delivery = ":".join(
        ("evt", user, fields.get("CreateTime", ""), fields.get("Event", ""), key, task)
    )
    inbound = Inbound(
        platform=PLATFORM,
        user_id=user,
        kind=submission.kind,
        name=submission.name,
        values=dict(submission.values),
        delivery_id=delivery,
        source_ref=submission.source_ref,
        meta=submission.private_metadata,
    )
    return Callback(inbound, response_code=submission.source_ref, task_id=task or None)


def member_locale_of(engine: Engine, user_id: str) -> str:
    """The locale perfbot speaks to this WeCom user in (their setting, config, the org's)."""
    with Session(engine) as session:
        try:
            org = current_org(session)
        except NoOrgError:
            return resolve_locale(None)
        member_id = member_for_identity(session, platform=PLATFORM, user_id=user_id)
        if member_id is None or member_id not in org.members:
            return resolve_locale(org.locale)
        return member_settings(session, org, member_id)[0]
