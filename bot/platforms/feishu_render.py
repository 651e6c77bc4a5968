"""Neutral cards and forms → Feishu card JSON 2.0, and `card.action.trigger` → submissions.

Pure functions, no I/O. Card JSON 2.0 (`"schema": "2.0"`) puts components straight into
`body.elements` (no `action` module); a callback button carries
`behaviors: [{"type": "callback", "value": {...}}]` and that `value` object comes back as
`event.action.value`. Forms are a `form` container whose submit button has
`form_action_type: "submit"`; the inputs' `name`s key `event.action.form_value`.

Feishu specifics worth knowing:
- The `input` component has no numeric type (`input_type` is text, multiline_text or
  password), so a `NumberInput` is a text input whose value the handler validates.
- `img` needs an uploaded `img_key`, not a URL, so an `Image` renders as a link.
- There are no inline field errors: `FormErrors` becomes an error toast.
- A JSON 2.0 card cannot be updated into a 1.0 card, so every card here is 2.0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from handlers import cards as c
from handlers.textsplit import clip

MAX_BUTTON = 100
MAX_INPUT_LENGTH = 1000
MAX_FIELDS_PER_ROW = 2

_STYLE = {"primary": "primary_filled", "danger": "danger", "default": "default"}
_TOAST = {"info": "info", "success": "success", "warning": "warning", "error": "error"}
_DATE_WITH_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2}) [+-]\d{4}$")

Json = dict[str, Any]


def _plain(text: str) -> Json:
    return {"tag": "plain_text", "content": text}


def _markdown(text: str, size: str | None = None) -> Json:
    element: Json = {"tag": "markdown", "content": text}
    if size:
        element["text_size"] = size
    return element


def _callback(value: Mapping[str, str]) -> list[Json]:
    return [{"type": "callback", "value": dict(value)}]


def button(b: c.Button) -> Json:
    """A button; link buttons open the URL, others call back with action id and value."""
    behaviors = (
        [{"type": "open_url", "default_url": b.url}]
        if b.url
        else _callback({"action_id": b.action_id, "value": b.value})
    )
    return {
        "tag": "button",
        "text": _plain(clip(b.label, MAX_BUTTON)),
        "type": _STYLE[b.style],
        "behaviors": behaviors,
    }


def _options(options: Any) -> list[Json]:
    return [{"text": _plain(label), "value": value} for label, value in options]


def select(s: c.Select) -> Json:
    element: Json = {
        "tag": "select_static",
        "placeholder": _plain(s.placeholder),
        "options": _options(s.options),
        "behaviors": _callback({"action_id": s.action_id}),
    }
    if s.initial is not None:
        element["initial_option"] = s.initial
    return element


def _columns(elements: list[Json]) -> Json:
    """Side-by-side layout; `flow` wraps on narrow (mobile) screens."""
    return {
        "tag": "column_set",
        "flex_mode": "flow",
        "columns": [
            {"tag": "column", "width": "auto", "elements": [element]} for element in elements
        ],
    }


def _fields(block: c.Fields) -> list[Json]:
    items = [_markdown(f"**{label}**\n{value}") for label, value in block.items]
    rows = [items[i : i + MAX_FIELDS_PER_ROW] for i in range(0, len(items), MAX_FIELDS_PER_ROW)]
    return [
        {
            "tag": "column_set",
            "columns": [
                {"tag": "column", "width": "weighted", "weight": 1, "elements": [item]}
                for item in row
            ],
        }
        for row in rows
    ]


def elements(b: c.Block) -> list[Json]:
    """One neutral block → the card components that show it."""
    if isinstance(b, c.Header):
        return [_markdown(f"**{b.text}**", "heading")]
    if isinstance(b, c.Text):
        return [_markdown(b.text)]
    if isinstance(b, c.Fields):
        return _fields(b)
    if isinstance(b, c.Image):
        return [_markdown(f"[{b.alt}]({b.url})")]
    if isinstance(b, c.ChartLink):
        return [button(c.Button(label=b.label, action_id="link", url=b.url))]
    if isinstance(b, c.Divider):
        return [{"tag": "hr"}]
    if isinstance(b, c.Actions):
        parts = [button(e) if isinstance(e, c.Button) else select(e) for e in b.elements]
        return parts if len(parts) == 1 else [_columns(parts)]
    return [_markdown(b.text, "notation")]


def _card(title: str | None, body: list[Json]) -> Json:
    card: Json = {"schema": "2.0", "config": {"update_multi": True}, "body": {"elements": body}}
    if title:
        card["header"] = {"title": _plain(title), "template": "blue"}
    return card


def render_card(card: c.Card) -> Json:
    """A card → card JSON 2.0 (send as `msg_type: interactive`, content = json.dumps)."""
    return _card(card.title, [e for b in card.blocks for e in elements(b)])


# --- forms ----------------------------------------------------------------------------


def _label(inp: c.FormInput) -> list[Json]:
    unit = inp.unit if isinstance(inp, c.NumberInput) else None
    out = [_markdown(f"**{inp.label}**" + (f" ({unit})" if unit else ""))]
    if inp.hint:
        out.append(_markdown(inp.hint, "notation"))
    return out


def _number_placeholder(inp: c.NumberInput) -> str:
    low = "" if inp.min is None else f"{inp.min:g}"
    high = "" if inp.max is None else f"{inp.max:g}"
    return f"{low} – {high}" if low or high else "0"


def form_input(inp: c.FormInput) -> Json:
    """One form input → a named, form-bound component."""
    base: Json = {"name": inp.input_id, "required": inp.required}
    if isinstance(inp, c.RatingInput):
        options = [(str(n), str(n)) for n in range(1, inp.scale + 1)]
        chosen = None if inp.initial is None else str(inp.initial)
        return base | _select_input(options, chosen, f"1–{inp.scale}")
    if isinstance(inp, c.SelectInput):
        return base | _select_input(inp.options, inp.initial, inp.label)
    if isinstance(inp, c.DateInput):
        extra: Json = {"initial_date": inp.initial} if inp.initial else {}
        return base | {"tag": "date_picker", "placeholder": _plain(inp.label)} | extra
    if isinstance(inp, c.NumberInput):
        initial = None if inp.initial is None else f"{inp.initial:g}"
        return base | _text_input("text", initial, _number_placeholder(inp), 64)
    kind = "multiline_text" if inp.multiline else "text"
    return base | _text_input(kind, inp.initial, inp.label, inp.max_length)


def _select_input(options: Any, initial: str | None, placeholder: str) -> Json:
    element: Json = {
        "tag": "select_static",
        "placeholder": _plain(placeholder),
        "options": _options(options),
    }
    return element | ({"initial_option": initial} if initial is not None else {})


def _text_input(kind: str, initial: str | None, placeholder: str, max_length: int) -> Json:
    element: Json = {
        "tag": "input",
        "input_type": kind,
        "placeholder": _plain(placeholder),
        "max_length": min(max_length, MAX_INPUT_LENGTH),
    }
    return element | ({"default_value": initial} if initial else {})


def render_form(form: c.Form) -> Json:
    """A form → a card with one `form` container and a submit button.

    The submit button's callback value carries the form id and private metadata, so a
    submission is self-describing, like a Slack `view_submission`.
    """
    inputs = [part for inp in form.inputs for part in (*_label(inp), form_input(inp))]
    submit = {
        "tag": "button",
        "name": "submit",
        "text": _plain(clip(form.submit_label, MAX_BUTTON)),
        "type": "primary_filled",
        "form_action_type": "submit",
        "behaviors": _callback(
            {"action_id": form.form_id, "form_id": form.form_id, "meta": form.private_metadata}
        ),
    }
    container = {"tag": "form", "name": form.form_id, "elements": [*inputs, submit]}
    before = [e for b in form.blocks_before for e in elements(b)]
    return _card(form.title, [*before, container])


# --- responses and inbound ------------------------------------------------------------


def render_toast(toast: c.Toast) -> Json:
    """A toast as the callback response body."""
    return {"toast": {"type": _TOAST[toast.kind], "content": toast.text}}


def render_form_errors(errors: c.FormErrors) -> Json:
    """Feishu has no per-field errors: one error toast listing the messages."""
    text = "\n".join(f"{key}: {msg}" for key, msg in errors.errors.items())
    return render_toast(c.Toast(text=text, kind="error"))


def render_update(card: c.Card, toast: c.Toast | None = None) -> Json:
    """Replace the clicked card (callback response `card.type = raw`)."""
    body: Json = {"card": {"type": "raw", "data": render_card(card)}}
    return body | (render_toast(toast) if toast else {})


def _form_value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    text = "" if value is None else str(value)
    match = _DATE_WITH_ZONE.match(text)
    return match.group(1) if match else text


def parse_action(event: Mapping[str, Any]) -> c.Submission:
    """The `event` of a `card.action.trigger` callback → a neutral submission.

    A form submit yields `{name: value}` from `form_value` (date pickers' `"YYYY-MM-DD
    +0800"` reduced to the date; multi-selects joined with commas); a button yields
    `{"value": value}`; a select outside a form yields the chosen `option`.
    """
    action = event.get("action") or {}
    value = action.get("value") or {}
    if not isinstance(value, Mapping):
        value = {"value": str(value)}
    context = event.get("context") or {}
    ref = context.get("open_message_id") or event.get("token")
    if action.get("form_value") is not None:
        return c.Submission(
            kind="form",
            name=str(value.get("form_id") or action.get("name") or ""),
            values={k: _form_value(v) for k, v in action["form_value"].items()},
            private_metadata=str(value.get("meta", "")),
            source_ref=ref,
        )
    chosen = action.get("option")
    return c.Submission(
        kind="button",
        name=str(value.get("action_id") or action.get("name") or ""),
        values={"value": str(chosen if chosen is not None else value.get("value", ""))},
        source_ref=ref,
    )
