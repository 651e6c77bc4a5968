"""Outgoing WeCom messages: neutral cards and forms to members, app group chats and robots.

What each destination accepts decides the rendering (see `wecom_render`):
- a member (`user:<UserID>`, `message/send`): `template_card` when the card has callback
  buttons or is a choice form (vote/multiple interaction), a text_notice linking to the
  signed form page for forms with free-text inputs, otherwise `markdown` messages;
- an app group chat (`channel:<chatid>`, `appchat/send`): no template cards there, so
  `markdown` (callback buttons dropped, links kept);
- a group robot (`webhook:<key>`, `webhook/send`): `markdown` as well (robots only take the
  non-interactive card types).

WeCom **silently drops** app messages beyond 30 per member per minute and 1000 per hour
(errcode 0, nothing delivered), so the outbox dispatcher must pace itself with the limits
exposed here; exceeding them cannot be detected afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from bot.platforms import wecom_render as render
from bot.platforms.wecom_api import WeComAPIError, WeComClient
from handlers import cards as c

PER_MEMBER_PER_MINUTE = 30
PER_MEMBER_PER_HOUR = 1000
APPCHAT_PER_MEMBER_PER_MINUTE = 200
ROBOT_PER_MINUTE = 20
E_TASK_ID_USED = 42014

FormLinker = Callable[[str, c.Form], str]
"""(WeCom UserID, form) → the signed URL of the web form page for that member."""

Json = dict[str, Any]


def has_callbacks(card: c.Card) -> bool:
    """Whether the card needs an interactive template card (callback buttons or selects)."""
    return any(
        isinstance(e, c.Select) or (isinstance(e, c.Button) and not e.url)
        for b in card.blocks
        if isinstance(b, c.Actions)
        for e in b.elements
    )


def choice_part(form: c.Form) -> c.Form | None:
    """The form without its optional free-text inputs, when that leaves 1-3 choices."""
    kept = [i for i in form.inputs if isinstance(i, c.RatingInput | c.SelectInput)]
    dropped = [i for i in form.inputs if i not in kept]
    if (
        not kept
        or len(kept) > render.MAX_SELECTS
        or not dropped
        or any(i.required for i in dropped)
    ):
        return None
    return c.Form(
        form_id=form.form_id, title=form.title, submit_label=form.submit_label, inputs=kept,
        private_metadata=form.private_metadata, blocks_before=form.blocks_before,
    )  # fmt: skip


def new_task_id(key: str | None) -> str:
    """Deterministic from the outbox key (a retried send cannot duplicate), else random."""
    return render.task_id(key if key else f"perfbot-{uuid.uuid4().hex}")


class WeComSender:
    """The outbox's sender for WeCom (`bot.delivery.Sender`): `await send(target, card, key=…)`."""

    platform = "wecom"
    per_member_per_minute = PER_MEMBER_PER_MINUTE
    per_member_per_hour = PER_MEMBER_PER_HOUR
    appchat_per_member_per_minute = APPCHAT_PER_MEMBER_PER_MINUTE
    robot_per_minute = ROBOT_PER_MINUTE

    def __init__(self, client: WeComClient, *, form_link: FormLinker | None = None) -> None:
        self.client = client
        self.form_link = form_link

    async def send(self, target: str, card: c.Card | c.Form, *, key: str | None = None) -> str:
        """Send one outbox row; raises `WeComAPIError` (or httpx errors) when not accepted.

        Returns WeCom's msgid for member messages, else the target (chats and robots
        answer without an id).
        """
        kind, _, ref = target.partition(":")
        if not ref:
            raise ValueError(f"WeCom target needs a kind and an id: {target!r}")
        if kind == "user":
            if isinstance(card, c.Form):
                return await self.send_form(ref, card, key=key) or target
            return await self.send_card(ref, card, key=key) or target
        if isinstance(card, c.Form):
            raise ValueError("forms go to members, not to group chats")
        if kind == "channel":
            for message in render.render_markdown(card):
                await self.client.appchat_send(ref, message)
            return target
        if kind == "webhook":
            for message in render.render_markdown(card):
                await self.client.webhook(ref, message)
            return target
        raise ValueError(f"unknown WeCom target kind {kind!r}")

    async def send_card(self, userid: str, card: c.Card, *, key: str | None = None) -> str | None:
        if has_callbacks(card):
            template = render.render_card(card, task_id=new_task_id(key))
            return await self._template(userid, template, key)
        first: str | None = None
        for message in render.render_markdown(card):
            data = await self.client.send_message(userid, message)
            first = first or _msgid(data)
        return first

    async def send_form(self, userid: str, form: c.Form, *, key: str | None = None) -> str | None:
        """A choice card when the form's required inputs are all choices, else a link card.

        Optional free-text inputs (a review's comment) do not force the web page: the card
        asks the choices and links to the full form for whoever wants to write more.
        """
        url = self.form_link(userid, form) if self.form_link else None
        tid = new_task_id(key)
        choices = choice_part(form)
        if choices is not None and url is not None:
            template = render.render_form(choices, task_id=tid, form_url=url)
            if template["card_type"] != "text_notice":
                jump = {"type": 1, "title": form.title[:13] or form.submit_label, "url": url}
                template["jump_list"] = [*template.get("jump_list", []), jump][-render.MAX_JUMPS :]
                return await self._template(userid, template, key)
        template = render.render_form(form, task_id=tid, form_url=url)
        return await self._template(userid, template, key)

    async def send_text(self, userid: str, text: str) -> str | None:
        """A short markdown note (errors, confirmations) to one member."""
        data = await self.client.send_message(
            userid, {"msgtype": "markdown", "markdown": {"content": text}}
        )
        return _msgid(data)

    async def _template(self, userid: str, template: Json, key: str | None) -> str | None:
        try:
            data = await self.client.send_message(
                userid, {"msgtype": "template_card", "template_card": template}
            )
        except WeComAPIError as exc:
            # The task id comes from the outbox key: "already used" means an earlier attempt
            # of this very row got through (the answer was lost), so it is delivered.
            if key and exc.errcode == E_TASK_ID_USED:
                return None
            raise
        return _msgid(data)


def _msgid(data: Json) -> str | None:
    value = data.get("msgid")
    return str(value) if value else None
