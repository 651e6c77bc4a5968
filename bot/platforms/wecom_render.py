"""Neutral cards and forms → WeCom (企业微信) messages, and card events → submissions.

Pure functions, no I/O. Which message type goes where:
- App messages to members (`message/send`): `template_card`. `text_notice` for
  information with jump links (it *requires* `card_action`, so a `link_url` is needed),
  `button_interaction` for callback buttons (≤ 6, plus one `button_selection`),
  `vote_interaction` / `multiple_interaction` for one / two-three choice questions.
  Interactive cards need a `task_id` unique per app: [0-9a-zA-Z_-@], ≤ 128 bytes.
- App group chats (`appchat/send`) take text, markdown, textcard, news… but no
  template_card; group robots (webhook) take text, markdown, news and only the
  non-interactive template cards. For both, use `render_markdown` (or `render_textcard`).
- WeCom cards have no free-text inputs: a form with number, text or date inputs becomes
  a card whose button opens a signed form page (`form_url`, supplied by the caller).

Button keys are `action_id|value` and form submit keys `form|form_id|private_metadata`
(≤ 1024 bytes); `parse_template_card_event` reverses both.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from typing import Any

from handlers import cards as c
from handlers.textsplit import clip, split_text

MAX_TASK_ID = 128
MAX_KEY_BYTES = 1024
MAX_BUTTONS = 6
MAX_HORIZONTAL = 6
MAX_JUMPS = 3
MAX_VOTE_OPTIONS = 20
MAX_SELECTS = 3
MAX_SELECT_OPTIONS = 10
MAX_MARKDOWN_BYTES = 4096
TITLE_CHARS = 36
SUBTITLE_CHARS = 112
FORM_PREFIX = "form"

_STYLE = {"primary": 1, "default": 2, "danger": 3}
_TASK_UNSAFE = re.compile(r"[^0-9A-Za-z_\-@]")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)

Json = dict[str, Any]


def task_id(idempotency_key: str, page: int = 0) -> str:
    """A deterministic, WeCom-legal task id: readable prefix plus a hash of the full key.

    The hash keeps two keys that differ only in illegal characters (or beyond the length
    limit) apart; determinism means a retried send reuses the id instead of duplicating.
    """
    digest = hashlib.sha256(f"{idempotency_key}#{page}".encode()).hexdigest()[:20]
    prefix = _TASK_UNSAFE.sub("_", idempotency_key)[: MAX_TASK_ID - len(digest) - 1]
    return f"{prefix}-{digest}"


def encode_key(*parts: str) -> str:
    key = "|".join(parts)
    if len(key.encode()) > MAX_KEY_BYTES:
        raise ValueError(f"WeCom key over {MAX_KEY_BYTES} bytes: {key[:60]}…")
    return key


def plain(text: str) -> str:
    return _BOLD.sub(r"\1", _LINK.sub(r"\1", text))


def _title(card_title: str | None, blocks: Any) -> str:
    head = card_title or next((b.text for b in blocks if isinstance(b, c.Header)), "")
    return clip(plain(head), TITLE_CHARS)


def _subtitle(blocks: Any) -> str | None:
    texts = [plain(b.text) for b in blocks if isinstance(b, c.Text | c.Context)]
    return clip("\n".join(texts), SUBTITLE_CHARS) if texts else None


def _jumps(blocks: Any) -> list[Json]:
    links = [(b.label, b.url) for b in blocks if isinstance(b, c.ChartLink)]
    links += [(b.alt, b.url) for b in blocks if isinstance(b, c.Image)]
    for b in blocks:
        if isinstance(b, c.Actions):
            links += [(e.label, e.url) for e in b.elements if isinstance(e, c.Button) and e.url]
    return [{"type": 1, "title": clip(t, 13), "url": u} for t, u in links[:MAX_JUMPS]]


def _horizontal(blocks: Any) -> list[Json]:
    items = [i for b in blocks if isinstance(b, c.Fields) for i in b.items]
    return [
        {"keyname": clip(k, 10), "value": clip(plain(v), 26)} for k, v in items[:MAX_HORIZONTAL]
    ]


def _base(kind: str, title: str, blocks: Any, tid: str, link_url: str | None) -> Json:
    card: Json = {"card_type": kind, "task_id": tid, "main_title": {"title": title}}
    if sub := _subtitle(blocks):
        card["sub_title_text"] = sub
    if horizontal := _horizontal(blocks):
        card["horizontal_content_list"] = horizontal
    jumps = _jumps(blocks)
    if jumps:
        card["jump_list"] = jumps
    url = link_url or (jumps[0]["url"] if jumps else None)
    if url:
        card["card_action"] = {"type": 1, "url": url}
    elif kind == "text_notice":
        raise ValueError("a WeCom text_notice needs a link: pass link_url or add a ChartLink")
    return card


def render_card(card: c.Card, *, task_id: str, link_url: str | None = None) -> Json:
    """A card → a `template_card` object (button_interaction if it has callback buttons)."""
    elements = [e for b in card.blocks if isinstance(b, c.Actions) for e in b.elements]
    buttons = [e for e in elements if isinstance(e, c.Button) and not e.url]
    selects = [e for e in elements if isinstance(e, c.Select)]
    kind = "button_interaction" if buttons or selects else "text_notice"
    out = _base(kind, _title(card.title, card.blocks), card.blocks, task_id, link_url)
    if buttons:
        out["button_list"] = [
            {
                "text": clip(b.label, 10),
                "style": _STYLE[b.style],
                "key": encode_key(b.action_id, b.value),
            }
            for b in buttons[:MAX_BUTTONS]
        ]
    if selects:
        s = selects[0]
        out["button_selection"] = {
            "question_key": s.action_id,
            "title": clip(s.placeholder, 10),
            "option_list": [
                {"id": v, "text": clip(t, 10)} for t, v in s.options[:MAX_SELECT_OPTIONS]
            ],
        } | ({"selected_id": s.initial} if s.initial else {})
    return out


def _choices(inp: c.FormInput) -> list[tuple[str, str]] | None:
    if isinstance(inp, c.RatingInput):
        return [(str(n), str(n)) for n in range(1, inp.scale + 1)]
    if isinstance(inp, c.SelectInput):
        return list(inp.options)
    return None


def _initial(inp: c.FormInput) -> str | None:
    if isinstance(inp, c.RatingInput):
        return None if inp.initial is None else str(inp.initial)
    return inp.initial if isinstance(inp, c.SelectInput) else None


def _choice_form(form: c.Form, tid: str) -> Json | None:
    """Forms made only of 1-3 choice questions fit vote/multiple interaction cards."""
    choices = [_choices(i) for i in form.inputs]
    if not form.inputs or any(ch is None for ch in choices) or len(form.inputs) > MAX_SELECTS:
        return None
    submit = {
        "text": clip(form.submit_label, 10),
        "key": encode_key(FORM_PREFIX, form.form_id, form.private_metadata),
    }
    title = _title(form.title, form.blocks_before)
    if len(form.inputs) == 1 and len(choices[0] or []) <= MAX_VOTE_OPTIONS:
        inp, initial = form.inputs[0], _initial(form.inputs[0])
        card = _base("vote_interaction", title, form.blocks_before, tid, None)
        options = [{"id": v, "text": t, "is_checked": v == initial} for t, v in choices[0] or []]
        card["checkbox"] = {"question_key": inp.input_id, "option_list": options, "mode": 0}
        return card | {"submit_button": submit}
    if any(len(ch or []) > MAX_SELECT_OPTIONS for ch in choices):
        return None
    card = _base("multiple_interaction", title, form.blocks_before, tid, None)
    card["select_list"] = [
        {
            "question_key": inp.input_id,
            "title": clip(inp.label, 10),
            "option_list": [{"id": v, "text": clip(t, 10)} for t, v in ch or []],
        }
        | ({"selected_id": init} if (init := _initial(inp)) else {})
        for inp, ch in zip(form.inputs, choices, strict=True)
    ]
    return card | {"submit_button": submit}


def render_form(
    form: c.Form, *, task_id: str, form_url: str | None = None, link_label: str | None = None
) -> Json:
    """A form → a choice card when it can be one, else a card linking to `form_url`."""
    card = _choice_form(form, task_id)
    if card is not None:
        return card
    if form_url is None:
        raise ValueError(f"form {form.form_id!r} has free-text inputs: WeCom needs a form_url")
    label = link_label or form.submit_label
    blocks = [*form.blocks_before, c.ChartLink(url=form_url, label=label)]
    return _base("text_notice", _title(form.title, blocks), blocks, task_id, form_url)


# --- group chats and robots -----------------------------------------------------------


def _markdown_lines(b: c.Block) -> list[str]:
    if isinstance(b, c.Header):
        return [f"### {b.text}"]
    if isinstance(b, c.Text):
        return [b.text]
    if isinstance(b, c.Fields):
        return [f"**{label}**: {value}" for label, value in b.items]
    if isinstance(b, c.Image):
        return [f"[{b.alt}]({b.url})"]
    if isinstance(b, c.ChartLink):
        return [f"[{b.label}]({b.url})"]
    if isinstance(b, c.Actions):
        return [f"[{e.label}]({e.url})" for e in b.elements if isinstance(e, c.Button) and e.url]
    if isinstance(b, c.Context):
        return [f'<font color="comment">{b.text}</font>']
    return [""]


def render_markdown(card: c.Card) -> list[Json]:
    """A card → one or more `markdown` messages (≤ 4096 bytes each), for group chats.

    Callback buttons and selects are dropped (markdown is not interactive); link buttons
    stay as links. Works for both `appchat/send` and group-robot webhooks.
    """
    blocks = list(card.blocks)
    if card.title and blocks and isinstance(blocks[0], c.Header) and blocks[0].text == card.title:
        blocks = blocks[1:]  # the title already heads the message; don't say it twice
    lines = [f"## {card.title}"] if card.title else []
    lines += [line for b in blocks for line in _markdown_lines(b)]
    chunks: list[str] = []
    current = ""
    for line in (piece for ln in lines for piece in _fit_bytes(ln)):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) > MAX_MARKDOWN_BYTES:
            chunks.append(current)
            candidate = line
        current = candidate
    chunks.append(current)
    return [{"msgtype": "markdown", "markdown": {"content": chunk}} for chunk in chunks]


def _fit_bytes(text: str, limit: int = MAX_MARKDOWN_BYTES) -> list[str]:
    """Split one line so each piece is within `limit` UTF-8 bytes (CJK is 3 bytes a char)."""
    if len(text.encode()) <= limit:
        return [text]
    return split_text(text, limit // 3)


def _clip_bytes(text: str, limit: int) -> str:
    chars = limit
    clipped = clip(text, chars)
    while len(clipped.encode()) > limit:
        chars -= max(1, (len(clipped.encode()) - limit) // 3)
        clipped = clip(text, chars)
    return clipped


def render_textcard(card: c.Card, *, url: str, button_text: str) -> Json:
    """A card → a `textcard` message (title ≤ 128 bytes, description ≤ 512, button ≤ 4 chars)."""
    body = "\n".join(plain(b.text) for b in card.blocks if isinstance(b, c.Text | c.Context))
    return {
        "msgtype": "textcard",
        "textcard": {
            "title": _clip_bytes(_title(card.title, card.blocks), 128),
            "description": _clip_bytes(body, 512),
            "url": url,
            "btntxt": button_text[:4],
        },
    }


def app_message(*, touser: str, agentid: int, template_card: Json) -> Json:
    """The `message/send` body for a template card to one or more members (`a|b`)."""
    return {
        "touser": touser,
        "msgtype": "template_card",
        "agentid": agentid,
        "template_card": template_card,
    }


def update_card_body(
    *, response_code: str, agentid: int, userids: list[str], template_card: Json
) -> Json:
    """The `message/update_template_card` body (the response code is single use, 72 h)."""
    return {
        "userids": userids,
        "agentid": agentid,
        "response_code": response_code,
        "template_card": template_card,
    }


# --- inbound --------------------------------------------------------------------------


def _text(root: ET.Element, tag: str) -> str:
    return (root.findtext(tag) or "").strip()


def parse_template_card_event(decrypted_xml: str) -> c.Submission:
    """A decrypted `template_card_event` → a neutral submission.

    Parse only after msg_signature verification and decryption. Selections become
    `{question_key: "id1,id2"}`; a plain button adds `{"value": value}` from its key.
    `source_ref` is the single-use ResponseCode needed by `update_template_card`.
    """
    root = ET.fromstring(decrypted_xml)
    selections = {
        _text(item, "QuestionKey"): ",".join(
            (o.text or "").strip() for o in item.iterfind("OptionIds/OptionId")
        )
        for item in root.iterfind("SelectedItems/SelectedItem")
    }
    key = _text(root, "EventKey")
    ref = _text(root, "ResponseCode") or None
    parts = key.split("|", 2)
    if parts[0] == FORM_PREFIX and len(parts) >= 2:
        meta = parts[2] if len(parts) > 2 else ""
        return c.Submission("form", parts[1], selections, private_metadata=meta, source_ref=ref)
    action_id, _, value = key.partition("|")
    return c.Submission("button", action_id, {"value": value, **selections}, source_ref=ref)
