"""The platform-neutral UI vocabulary that handlers speak.

Handlers build `Card`s and `Form`s out of these frozen dataclasses and return `Reply`
values; the renderers in `bot/platforms/*_render.py` turn them into Block Kit, Feishu card
JSON 2.0 or WeCom `template_card`. Nothing here knows a platform, so a new chat platform
is one new renderer and the handlers stay untouched.

Text in `Text`, `Fields` values and `Context` is "markdown-lite": `**bold**`, `_italic_`,
`[label](https://url)`, `- ` bullets and newlines. Every platform can express that subset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Literal, TypeAlias

from handlers.textsplit import split_text
from scoring.readonly import readonly

ButtonStyle: TypeAlias = Literal["primary", "danger", "default"]
Option: TypeAlias = tuple[str, str]  # (label, value)


def _freeze(obj: object, name: str) -> None:
    """Store a sequence field as a tuple so frozen cards are truly immutable and hashable."""
    value = getattr(obj, name)
    if type(value) is not tuple:
        object.__setattr__(obj, name, tuple(value))


# --- content blocks -------------------------------------------------------------------


@readonly
class Header:
    text: str


@readonly
class Text:
    text: str


@readonly
class Fields:
    """Label/value pairs shown as a compact grid (scores, dimensions, dates)."""

    items: Sequence[tuple[str, str]]

    def __post_init__(self) -> None:
        _freeze(self, "items")


@readonly
class Image:
    url: str
    alt: str


@readonly
class ChartLink:
    """A link to a chart or dashboard page; platforms render it as a link button."""

    url: str
    label: str


@readonly
class Divider:
    pass


@readonly
class Button:
    """A callback button (`url` None) or a link button (`url` set, `action_id` still logged)."""

    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = "default"
    url: str | None = None


@readonly
class Select:
    action_id: str
    placeholder: str
    options: Sequence[Option]
    initial: str | None = None

    def __post_init__(self) -> None:
        _freeze(self, "options")


@readonly
class Actions:
    elements: Sequence[Button | Select]

    def __post_init__(self) -> None:
        _freeze(self, "elements")


@readonly
class Context:
    """Small print under a card: provenance, deadlines, 'provisional' notes."""

    text: str


Block: TypeAlias = Header | Text | Fields | Image | ChartLink | Divider | Actions | Context


@readonly
class Card:
    blocks: Sequence[Block]
    title: str | None = None
    card_id: str | None = None

    def __post_init__(self) -> None:
        _freeze(self, "blocks")


# --- forms ----------------------------------------------------------------------------


@readonly
class RatingInput:
    """A 1..scale rating; submitted as the chosen integer in decimal."""

    input_id: str
    label: str
    scale: int = 5
    initial: int | None = None
    hint: str | None = None
    required: bool = True


@readonly
class NumberInput:
    input_id: str
    label: str
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    initial: float | None = None
    hint: str | None = None
    required: bool = True
    decimal: bool = True


@readonly
class TextInput:
    input_id: str
    label: str
    multiline: bool = False
    required: bool = True
    initial: str | None = None
    max_length: int = 3000
    hint: str | None = None


@readonly
class DateInput:
    """A calendar date; submitted as ISO `YYYY-MM-DD`."""

    input_id: str
    label: str
    initial: str | None = None
    required: bool = True
    hint: str | None = None


@readonly
class SelectInput:
    input_id: str
    label: str
    options: Sequence[Option]
    initial: str | None = None
    required: bool = True
    hint: str | None = None

    def __post_init__(self) -> None:
        _freeze(self, "options")


FormInput: TypeAlias = RatingInput | NumberInput | TextInput | DateInput | SelectInput


@readonly
class Form:
    """A modal/form. `private_metadata` travels with the submission (≤ 3000 chars on Slack)."""

    form_id: str
    title: str
    submit_label: str
    inputs: Sequence[FormInput]
    private_metadata: str = ""
    blocks_before: Sequence[Block] = ()

    def __post_init__(self) -> None:
        _freeze(self, "inputs")
        _freeze(self, "blocks_before")
        ids = [i.input_id for i in self.inputs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"form {self.form_id!r}: duplicate input ids in {ids}")


# --- replies --------------------------------------------------------------------------


@readonly
class Ephemeral:
    """Visible only to the member who acted (Slack ephemeral; a DM elsewhere)."""

    card: Card


@readonly
class Respond:
    """A normal reply in the conversation the command came from."""

    card: Card


@readonly
class OpenForm:
    form: Form


@readonly
class FormErrors:
    """Per-input validation messages; the form stays open (Slack) or a toast explains."""

    errors: Mapping[str, str]


ToastKind: TypeAlias = Literal["info", "success", "warning", "error"]


@readonly
class Toast:
    text: str
    kind: ToastKind = "info"


@readonly
class UpdateSource:
    """Replace the card the click came from (e.g. 'Saved ✓' instead of the buttons)."""

    card: Card


@readonly
class Send:
    """An outbox message: `target` is a member id or channel ref, key makes it idempotent."""

    target: str
    card: Card
    idempotency_key: str


Reply: TypeAlias = Ephemeral | Respond | OpenForm | FormErrors | Toast | UpdateSource | Send


# --- inbound --------------------------------------------------------------------------

EventKind: TypeAlias = Literal["command", "button", "form"]


@readonly
class Event:
    """What a member did, stripped of the platform: the only input handlers see."""

    member_id: str
    platform: str
    kind: EventKind
    name: str
    values: Mapping[str, str] = field(default_factory=dict)
    locale: str | None = None
    delivery_id: str = ""
    source_ref: str | None = None
    args: str = ""
    meta: str = ""
    """A form's private metadata (what the handler put in `Form.private_metadata`)."""


@readonly
class Submission:
    """What a renderer's parser recovers from a click or form payload.

    Adapters add identity, locale and delivery id to turn it into an `Event`.
    """

    kind: Literal["button", "form"]
    name: str
    values: Mapping[str, str] = field(default_factory=dict)
    private_metadata: str = ""
    source_ref: str | None = None


# --- pagination -----------------------------------------------------------------------


def _fits(block: Block, max_text: int, max_fields: int) -> bool:
    """True when `_split_block` would return the block as it is."""
    if isinstance(block, Text | Context):
        return len(block.text) <= max_text
    if isinstance(block, Fields):
        return len(block.items) <= max_fields
    return True


def _split_block(block: Block, max_text: int, max_fields: int) -> list[Block]:
    """Break one over-long block into several of the same kind."""
    if isinstance(block, Text):
        return [Text(chunk) for chunk in split_text(block.text, max_text)]
    if isinstance(block, Context):
        return [Context(chunk) for chunk in split_text(block.text, max_text)]
    if isinstance(block, Fields) and len(block.items) > max_fields:
        items = list(block.items)
        return [Fields(items[i : i + max_fields]) for i in range(0, len(items), max_fields)]
    return [block]


def paginate(
    content: Card | Sequence[Block],
    max_blocks: int = 50,
    max_text: int = 3000,
    *,
    max_fields: int = 10,
) -> list[Card]:
    """Split long content into cards that each respect the block and text limits.

    Defaults are Slack's (50 blocks a message or modal, 3000 characters a section, 10
    fields a section), the strictest of our platforms. Text is cut only between words, and
    a page never ends on a dangling header. Later pages get `card_id` suffixed `:pN`.
    """
    if max_blocks < 2:
        raise ValueError(f"max_blocks must be at least 2, got {max_blocks}")
    card = content if isinstance(content, Card) else Card(blocks=content)
    if len(card.blocks) <= max_blocks and all(_fits(b, max_text, max_fields) for b in card.blocks):
        return [card]  # the common short card: nothing to split, no copies
    pieces = [p for b in card.blocks for p in _split_block(b, max_text, max_fields)]
    pages: list[list[Block]] = [[]]
    for piece in pieces:
        page = pages[-1]
        if len(page) >= max_blocks:
            carry = [page.pop()] if isinstance(page[-1], Header) else []
            pages.append(carry)
        pages[-1].append(piece)
    return [
        Card(
            blocks=page,
            title=card.title,
            card_id=card.card_id if n == 0 or card.card_id is None else f"{card.card_id}:p{n + 1}",
        )
        for n, page in enumerate(pages)
    ]
