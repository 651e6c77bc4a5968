"""Read what a conversation replied: the text of its cards, and the forms it opened."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.cards import (
    Actions,
    Button,
    Card,
    Context,
    Fields,
    Form,
    Header,
    OpenForm,
    Reply,
    Select,
    Text,
)


def cards(replies: Sequence[Reply]) -> list[Card]:
    return [c for r in replies if isinstance(c := getattr(r, "card", None), Card)]


def card_text(card: Card) -> str:
    out: list[str] = []
    for b in card.blocks:
        if isinstance(b, Header | Text | Context):
            out.append(b.text)
        elif isinstance(b, Fields):
            out += [f"{k}: {v}" for k, v in b.items]
        elif isinstance(b, Actions):
            for e in b.elements:
                if isinstance(e, Button):
                    out.append(f"[{e.label}]({e.action_id}={e.value})")
                elif isinstance(e, Select):
                    out.append(f"<{e.placeholder}>")
    return "\n".join(out)


def text(replies: Sequence[Reply]) -> str:
    return "\n".join(card_text(c) for c in cards(replies))


def fields(replies: Sequence[Reply]) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in cards(replies):
        for b in c.blocks:
            if isinstance(b, Fields):
                out.update(dict(b.items))
    return out


def form(replies: Sequence[Reply]) -> Form:
    (only,) = [r.form for r in replies if isinstance(r, OpenForm)]
    return only


def buttons(replies: Sequence[Reply]) -> list[Button]:
    return [
        e
        for c in cards(replies)
        for b in c.blocks
        if isinstance(b, Actions)
        for e in b.elements
        if isinstance(e, Button)
    ]
