"""Neutral cards and forms → Slack Block Kit, and Slack payloads → neutral submissions.

Pure functions, no I/O. Blocks are built with `slack_sdk.models` so the SDK's own
validation catches anything beyond Block Kit's limits; before that we stay inside them by
construction: `paginate` splits long cards into several messages (50 blocks, 3000-char
sections), and headers, buttons and labels are clipped on a word boundary.

Conventions shared with the other renderers: a form input's `input_id` is both the Slack
`block_id` and `action_id`; a button click yields `Submission(kind="button",
name=action_id, values={"value": value})`. Slack wants action ids unique within a block,
so repeats get a `#n` suffix that the parser strips; handler action ids must not use `#`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers import cards as c
from handlers.textsplit import clip

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADER = 150
MAX_BUTTON = 75
MAX_FIELD = 2000
MAX_OPTION = 75
MAX_OPTIONS = 100
MAX_VIEW_TITLE = 24
MAX_LABEL = 2000
MAX_METADATA = 3000
MAX_PLAIN_INPUT = 3000
_ESCAPE_MARGIN = 100  # room for `&amp;` etc. added after the neutral text was split

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKUP = frozenset("[*&<>")
"""Characters any of the conversions below act on; text without them passes unchanged."""


def to_mrkdwn(text: str) -> str:
    """Markdown-lite → Slack mrkdwn: `**b**` → `*b*`, `[l](u)` → `<u|l>`, escape `&<>`."""
    if _MARKUP.isdisjoint(text):
        return clip(text, MAX_TEXT)
    parts: list[str] = []
    pos = 0
    for m in _LINK.finditer(text):
        parts.append(_escape(text[pos : m.start()]))
        parts.append(f"<{m.group(2)}|{_escape(m.group(1))}>")
        pos = m.end()
    parts.append(_escape(text[pos:]))
    return clip(_BOLD.sub(r"*\1*", "".join(parts)), MAX_TEXT)


def plain(text: str) -> str:
    """Markdown-lite → plain text, for places that only take plain_text."""
    if _MARKUP.isdisjoint(text):
        return text
    return _BOLD.sub(r"\1", _LINK.sub(r"\1", text))


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def _options(options: Iterable[tuple[str, str]]) -> list[Option]:
    return [Option(text=clip(label, MAX_OPTION), value=value) for label, value in options]


def _initial(options: Sequence[Option], value: str | None) -> Option | None:
    return next((o for o in options if o.value == value), None) if value is not None else None


def _dedupe(action_id: str, seen: set[str]) -> str:
    candidate, n = action_id, 1
    while candidate in seen:
        n += 1
        candidate = f"{action_id}#{n}"
    seen.add(candidate)
    return candidate


def _button(b: c.Button, action_id: str) -> ButtonElement:
    return ButtonElement(
        text=clip(b.label, MAX_BUTTON),
        action_id=action_id,
        value=b.value or None,
        url=b.url,
        style=None if b.style == "default" else b.style,
    )


def _select(s: c.Select, action_id: str) -> StaticSelectElement:
    options = _options(s.options[:MAX_OPTIONS])
    return StaticSelectElement(
        placeholder=clip(s.placeholder, MAX_OPTION),
        action_id=action_id,
        options=options,
        initial_option=_initial(options, s.initial),
    )


def _actions(block: c.Actions) -> ActionsBlock:
    seen: set[str] = set()
    elements = [
        _button(e, _dedupe(e.action_id, seen))
        if isinstance(e, c.Button)
        else _select(e, _dedupe(e.action_id, seen))
        for e in block.elements
    ]
    return ActionsBlock(elements=elements)


def _field(label: str, value: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(f"*{_escape(label)}*\n{to_mrkdwn(value)}", MAX_FIELD))


def block(b: c.Block) -> Block:
    """One neutral block → one Block Kit block (so block counts carry over 1:1)."""
    if isinstance(b, c.Header):
        return HeaderBlock(text=clip(plain(b.text), MAX_HEADER))
    if isinstance(b, c.Text):
        return SectionBlock(text=MarkdownTextObject(text=to_mrkdwn(b.text)))
    if isinstance(b, c.Fields):
        return SectionBlock(fields=[_field(label, value) for label, value in b.items])
    if isinstance(b, c.Image):
        return ImageBlock(image_url=b.url, alt_text=clip(b.alt, MAX_LABEL))
    if isinstance(b, c.ChartLink):
        link = f":bar_chart: <{b.url}|{_escape(b.label)}>"
        return SectionBlock(text=MarkdownTextObject(text=link))
    if isinstance(b, c.Divider):
        return DividerBlock()
    if isinstance(b, c.Actions):
        return _actions(b)
    return ContextBlock(elements=[MarkdownTextObject(text=to_mrkdwn(b.text))])


def fallback_text(card: c.Card) -> str:
    """The notification / screen-reader text Slack wants next to `blocks`."""
    for b in card.blocks:
        if isinstance(b, c.Header | c.Text):
            head = plain(b.text)
            return clip(f"{card.title}: {head}" if card.title else head, MAX_TEXT)
    return clip(card.title or "", MAX_TEXT)


def render_blocks(card: c.Card) -> list[dict[str, Any]]:
    """A card that fits one message → its blocks; the title becomes a header block."""
    count = len(card.blocks) + (1 if card.title else 0)
    if count > MAX_BLOCKS:
        raise ValueError(f"{count} blocks exceed Slack's {MAX_BLOCKS}; use render_messages")
    out = [_header_dict(card.title)] if card.title else []
    for b in card.blocks:
        direct = _direct(b)
        out.append(direct if direct is not None else block(b).to_dict())
    return out


def _header_dict(title: str) -> dict[str, Any]:
    text = clip(plain(title), MAX_HEADER)
    if not text:
        return HeaderBlock(text=text).to_dict()
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _direct(b: c.Block) -> dict[str, Any] | None:
    """`block(b).to_dict()` of the commonest blocks, built without the SDK's models (their
    validating constructors and `to_dict` were most of a reply's rendering time); None for
    every other block, and for empty text (left to the models' own handling). The same
    dicts either way: tests/cards/test_slack_render.py compares them."""
    if isinstance(b, c.Text):
        text = to_mrkdwn(b.text)
        return {"type": "section", "text": {"type": "mrkdwn", "text": text}} if text else None
    if isinstance(b, c.Divider):
        return {"type": "divider"}
    if isinstance(b, c.Context):
        text = to_mrkdwn(b.text)
        return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]} if text else None
    if isinstance(b, c.ChartLink):
        link = f":bar_chart: <{b.url}|{_escape(b.label)}>"
        return {"type": "section", "text": {"type": "mrkdwn", "text": link}}
    return None


def _pages(card: c.Card) -> list[c.Card]:
    room = MAX_BLOCKS - (1 if card.title else 0)
    return c.paginate(card, max_blocks=room, max_text=MAX_TEXT - _ESCAPE_MARGIN)


def render_pages(card: c.Card) -> list[list[dict[str, Any]]]:
    """A card of any length → the blocks of each message it takes (views need no text)."""
    return [render_blocks(page) for page in _pages(card)]


def render_messages(card: c.Card) -> list[dict[str, Any]]:
    """A card of any length → one or more `chat.postMessage` bodies (text + blocks)."""
    return [{"text": fallback_text(p), "blocks": render_blocks(p)} for p in _pages(card)]


# --- forms ----------------------------------------------------------------------------


def _labelled(inp: c.FormInput) -> str:
    unit = inp.unit if isinstance(inp, c.NumberInput) else None
    return clip(f"{inp.label} ({unit})" if unit else inp.label, MAX_LABEL)


def _element(inp: c.FormInput) -> InputInteractiveElement:
    if isinstance(inp, c.RatingInput):
        options = _options((str(n), str(n)) for n in range(1, inp.scale + 1))
        initial = None if inp.initial is None else str(inp.initial)
        return StaticSelectElement(
            action_id=inp.input_id,
            placeholder=f"1–{inp.scale}",
            options=options,
            initial_option=_initial(options, initial),
        )
    if isinstance(inp, c.NumberInput):
        return NumberInputElement(
            action_id=inp.input_id,
            is_decimal_allowed=inp.decimal,
            min_value=_number(inp.min),
            max_value=_number(inp.max),
            initial_value=_number(inp.initial),
        )
    if isinstance(inp, c.TextInput):
        return PlainTextInputElement(
            action_id=inp.input_id,
            multiline=inp.multiline,
            max_length=min(inp.max_length, MAX_PLAIN_INPUT),
            initial_value=inp.initial,
        )
    if isinstance(inp, c.DateInput):
        return DatePickerElement(action_id=inp.input_id, initial_date=inp.initial)
    options = _options(inp.options[:MAX_OPTIONS])
    return StaticSelectElement(
        action_id=inp.input_id, options=options, initial_option=_initial(options, inp.initial)
    )


def _input_block(inp: c.FormInput) -> InputBlock:
    return InputBlock(
        block_id=inp.input_id,
        label=_labelled(inp),
        element=_element(inp),
        hint=clip(inp.hint, MAX_LABEL) if inp.hint else None,
        optional=not inp.required,
    )


def render_form(form: c.Form) -> dict[str, Any]:
    """A form → a modal `view` for `views.open` (callback_id = form_id)."""
    if len(form.private_metadata) > MAX_METADATA:
        raise ValueError(f"form {form.form_id!r}: private_metadata over {MAX_METADATA} chars")
    blocks: list[Block] = [block(b) for b in form.blocks_before]
    blocks += [_input_block(i) for i in form.inputs]
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"form {form.form_id!r}: {len(blocks)} blocks exceed {MAX_BLOCKS}")
    view = View(
        type="modal",
        callback_id=form.form_id,
        title=clip(plain(form.title), MAX_VIEW_TITLE),
        submit=clip(form.submit_label, MAX_VIEW_TITLE),
        private_metadata=form.private_metadata or None,
        blocks=blocks,
    )
    return view.to_dict()


def render_form_errors(errors: c.FormErrors) -> dict[str, Any]:
    """Validation messages → the `response_action: errors` ack body (block_id = input_id)."""
    return {
        "response_action": "errors",
        "errors": {key: clip(msg, MAX_LABEL) for key, msg in errors.errors.items()},
    }


# --- inbound --------------------------------------------------------------------------


def _state_value(state: Mapping[str, Any]) -> str:
    """The submitted value of one element, whatever its type, as a string ('' if empty)."""
    if "selected_option" in state:
        option = state["selected_option"] or {}
        return str(option.get("value", ""))
    for key in ("selected_date", "value", "selected_time", "selected_user"):
        if key in state:
            return "" if state[key] is None else str(state[key])
    if "selected_options" in state:
        return ",".join(str(o.get("value", "")) for o in state["selected_options"] or [])
    return ""


def view_values(view: Mapping[str, Any]) -> dict[str, str]:
    """`{input_id: value}` of a view's (or message's) input state."""
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for state in actions.values():
            values[block_id] = _state_value(state)
    return values


def parse_view_submission(payload: Mapping[str, Any]) -> c.Submission:
    """A `view_submission` payload → form id, `{input_id: value}` and private metadata."""
    view = payload["view"]
    return c.Submission(
        kind="form",
        name=str(view.get("callback_id", "")),
        values=view_values(view),
        private_metadata=str(view.get("private_metadata") or ""),
        source_ref=view.get("id"),
    )


def parse_block_actions(payload: Mapping[str, Any]) -> c.Submission:
    """A `block_actions` payload → the clicked action id (suffix stripped) and its value."""
    action = payload["actions"][0]
    return c.Submission(
        kind="button",
        name=str(action["action_id"]).split("#", 1)[0],
        values={"value": _state_value(action)},
        source_ref=payload.get("response_url"),
    )
