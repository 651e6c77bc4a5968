"""Neutral replies → what Slack expects for each kind of request, before the ack returns.

Slack answers differ by origin: a slash command's ack body can carry a message, a modal
submission's ack carries `response_action`, a click's ack carries nothing (its effects go
through the Web API). Everything here runs inside the 3-second window: at most a few Web
API calls (`views.open` while the `trigger_id` is fresh, `chat.update`, an ephemeral).
Messages to *other* people never come here; `dispatch` already put them in the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.platforms.slack_render import (
    MAX_VIEW_TITLE,
    plain,
    render_form,
    render_messages,
    render_pages,
)
from handlers import cards as c
from handlers.textsplit import clip

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
MAX_VIEW_BLOCKS = 100
APP_NAME = "perfbot"


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as far as answering it is concerned."""

    user_id: str
    channel_id: str | None = None
    trigger_id: str | None = None
    message_ts: str | None = None
    view_id: str | None = None
    view_type: str | None = None
    """`modal` or `home` when a click came from a view."""
    response_url: str | None = None
    ephemeral: bool = False
    """The click came from an ephemeral message: only its `response_url` can replace it."""


def as_card(reply: c.Reply) -> c.Card | None:
    """The card a message-like reply shows (a toast is a one-line card on Slack)."""
    if isinstance(reply, c.Ephemeral | c.Respond | c.UpdateSource):
        return reply.card
    if isinstance(reply, c.Toast):
        return c.Card(blocks=(c.Text(reply.text),))
    return None


def view_from_cards(cards: Sequence[c.Card], view_type: str = "modal") -> dict[str, Any]:
    """Cards → a modal or Home tab view (Slack allows 100 blocks in a view)."""
    blocks: list[dict[str, Any]] = []
    title = None
    for card in cards:
        for page in render_pages(card):
            blocks += page
        title = title or card.title
    if len(blocks) > MAX_VIEW_BLOCKS:
        log.warning("view of %d blocks shortened to %d", len(blocks), MAX_VIEW_BLOCKS)
        blocks = blocks[:MAX_VIEW_BLOCKS]
    # The dicts `View(...).to_dict()` gives, built directly: the blocks are already Block
    # Kit dicts, and re-validating them through the models cost more than the whole event.
    if view_type == "home":
        return {"type": "home", "blocks": blocks}
    # a copy: the cached title must not be shared by views someone might change
    return {"type": "modal", "title": dict(_modal_title(title or APP_NAME)), "blocks": blocks}


@lru_cache(maxsize=256)
def _modal_title(title: str) -> dict[str, Any]:
    """A modal's title object; titles repeat (most views are titled "perfbot")."""
    return {"type": "plain_text", "text": clip(plain(title), MAX_VIEW_TITLE), "emoji": True}


async def _dm_channel(client: AsyncWebClient, user_id: str) -> str:
    opened = await client.conversations_open(users=user_id)
    return str(opened["channel"]["id"])


async def post_card(
    client: AsyncWebClient, origin: Origin, card: c.Card, *, ephemeral: bool
) -> None:
    """Every page of a card to where the request came from (a DM when there is no channel)."""
    for page in render_messages(card):
        await _post_page(client, origin, page, ephemeral=ephemeral)


async def _guarded(step: Awaitable[Any], what: str) -> None:
    """A failed follow-up call is logged; the event itself is already committed."""
    try:
        await step
    except SlackApiError as exc:
        log.warning("slack %s failed: %s", what, exc.response.get("error"))


async def answer_command(
    replies: Sequence[c.Reply], ack: Ack, client: AsyncWebClient, origin: Origin
) -> None:
    """A slash command: the first message rides in the ack, forms open at once, rest follow."""
    acked = False
    for reply in replies:
        if isinstance(reply, c.OpenForm) and origin.trigger_id:
            view = render_form(reply.form)
            await _guarded(client.views_open(trigger_id=origin.trigger_id, view=view), "views.open")
            continue
        card = as_card(reply)
        if card is None:
            continue
        ephemeral = not isinstance(reply, c.Respond)
        if acked:
            await _guarded(post_card(client, origin, card, ephemeral=ephemeral), "post")
            continue
        first, *rest = render_messages(card)
        await ack(response_type="ephemeral" if ephemeral else "in_channel", **first)
        acked = True
        for page in rest:
            await _guarded(_post_page(client, origin, page, ephemeral=ephemeral), "post")
    if not acked:
        await ack()


async def _post_page(
    client: AsyncWebClient, origin: Origin, page: dict[str, Any], *, ephemeral: bool
) -> None:
    channel = origin.channel_id or await _dm_channel(client, origin.user_id)
    if ephemeral and origin.channel_id:
        await client.chat_postEphemeral(channel=channel, user=origin.user_id, **page)
    else:
        await client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **page
        )


async def _update_source(client: AsyncWebClient, origin: Origin, card: c.Card) -> None:
    """Replace the message or view the click came from."""
    if origin.view_type == "home":
        await client.views_publish(user_id=origin.user_id, view=view_from_cards([card], "home"))
    elif origin.view_id:
        await client.views_update(view_id=origin.view_id, view=view_from_cards([card]))
    elif origin.ephemeral and origin.response_url:
        first, *_ = render_messages(card)
        hook = AsyncWebhookClient(origin.response_url)
        await hook.send(replace_original=True, response_type="ephemeral", **first)
    elif origin.channel_id and origin.message_ts:
        first, *rest = render_messages(card)
        await client.chat_update(channel=origin.channel_id, ts=origin.message_ts, **first)
        for page in rest:
            await _post_page(client, origin, page, ephemeral=False)
    else:
        await post_card(client, origin, card, ephemeral=True)


async def answer_action(
    replies: Sequence[c.Reply], ack: Ack, client: AsyncWebClient, origin: Origin
) -> None:
    """A click: ack empty, then open/update/answer through the Web API."""
    await ack()
    for reply in replies:
        if isinstance(reply, c.OpenForm) and origin.trigger_id:
            view = render_form(reply.form)
            if origin.view_type == "modal":
                step = client.views_push(trigger_id=origin.trigger_id, view=view)
            else:
                step = client.views_open(trigger_id=origin.trigger_id, view=view)
            await _guarded(step, "views.open")
        elif isinstance(reply, c.UpdateSource):
            await _guarded(_update_source(client, origin, reply.card), "update")
        elif (card := as_card(reply)) is not None:
            ephemeral = not isinstance(reply, c.Respond)
            await _guarded(post_card(client, origin, card, ephemeral=ephemeral), "post")


async def answer_view(replies: Sequence[c.Reply], ack: Ack) -> None:
    """A modal submission: errors keep it open, a new form or cards replace it, else close."""
    errors: dict[str, str] = {}
    form: c.Form | None = None
    cards: list[c.Card] = []
    for r in replies:  # one pass: every review click comes here
        if isinstance(r, c.FormErrors):
            errors.update(r.errors)
        elif isinstance(r, c.OpenForm):
            form = form or r.form
        elif (card := as_card(r)) is not None:
            cards.append(card)
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    if form is not None:
        await ack(response_action="update", view=render_form(form))
        return
    if cards:
        await ack(response_action="update", view=view_from_cards(cards))
        return
    await ack(response_action="clear")


async def publish_home(replies: Sequence[c.Reply], client: AsyncWebClient, user_id: str) -> None:
    """The Home tab shows whatever cards the `home` command produced."""
    cards = [card for r in replies if (card := as_card(r)) is not None]
    if cards:
        view = view_from_cards(cards, "home")
        await _guarded(client.views_publish(user_id=user_id, view=view), "views.publish")
