"""Cards and forms to JSON and back, so the outbox can store a neutral card and any replica
can render it for its platform at send time."""

from __future__ import annotations

import dataclasses
from typing import Any

from handlers import cards as c

_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        c.Header,
        c.Text,
        c.Fields,
        c.Image,
        c.ChartLink,
        c.Divider,
        c.Button,
        c.Select,
        c.Actions,
        c.Context,
        c.Card,
        c.RatingInput,
        c.NumberInput,
        c.TextInput,
        c.DateInput,
        c.SelectInput,
        c.Form,
    )
}


def to_json(obj: Any) -> Any:
    """A JSON-ready value; dataclasses carry their type name under `"type"`."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {"type": type(obj).__name__}
        for f in dataclasses.fields(obj):
            out[f.name] = to_json(getattr(obj, f.name))
        return out
    if isinstance(obj, tuple | list):
        return [to_json(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    return obj


def _from(value: Any) -> Any:
    if isinstance(value, dict) and "type" in value:
        cls = _TYPES.get(value["type"])
        if cls is None:
            raise ValueError(f"unknown card element type {value['type']!r}")
        kwargs = {k: _from(v) for k, v in value.items() if k != "type"}
        return cls(**kwargs)
    if isinstance(value, list):
        return tuple(_from(x) for x in value)
    return value


def card_from_json(data: dict[str, Any]) -> c.Card:
    card = _from(data)
    if not isinstance(card, c.Card):
        raise ValueError("not a card")
    return card


def form_from_json(data: dict[str, Any]) -> c.Form:
    form = _from(data)
    if not isinstance(form, c.Form):
        raise ValueError("not a form")
    return form
