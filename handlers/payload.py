"""Decoding and shape-checking of JSON batches, before any org-specific validation.

Numbers are decoded as `Decimal` (never a float), every string is checked to be storable
(no NUL, valid UTF-8) and each item becomes the same `{column: text}` record a CSV row
gives, so the shared validator can take it from there.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from storage.msg import Msg

ItemErrors = list[dict[str, Any]]
"""[{"index": int | None, "field": str, "reason": str}]"""


def load_items(
    raw: bytes, list_name: str, max_items: int
) -> tuple[list[Any], tuple[int, dict[str, Any]] | None]:
    """The batch's items, or (status, error) for a body that is not such a batch."""

    def bad(reason: str, status: int = 422) -> tuple[list[Any], tuple[int, dict[str, Any]]]:
        return [], (status, {"index": None, "field": "body", "reason": reason})

    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return bad(f"not valid JSON: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get(list_name), list):
        return bad(f'expected an object {{"{list_name}": [...]}}')
    unknown = sorted(set(data) - {list_name})
    if unknown:
        return bad(f"unknown field(s): {', '.join(unknown)}")
    items: list[Any] = data[list_name]
    if len(items) > max_items:
        return bad(f"{len(items)} items, the limit is {max_items}", 413)
    return items, None


def storable(text: str) -> str | None:
    """Why a string cannot be stored, or None."""
    if "\x00" in text:
        return Msg("value.nul", "contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Msg("value.not_unicode", "not valid Unicode text")
    return None


def text_fields(
    item: Any,
    fields: tuple[str, ...],
    required: tuple[str, ...],
    *,
    numeric: tuple[str, ...] = (),
    nullable: tuple[str, ...] = (),
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """An item as a canonical text record plus (field, reason) problems."""
    if not isinstance(item, dict):
        return {}, [("item", Msg("item.not_an_object", "expected an object"))]
    problems: list[tuple[str, str]] = []
    rec: dict[str, str] = {}
    for name in sorted(set(item) - set(fields)):
        problems.append((str(name)[:100], Msg("item.unknown_field", "unknown field")))
    for name in fields:
        if name not in item or (item[name] is None and name in nullable):
            if name in required:
                problems.append((name, Msg("item.missing", "missing")))
            continue
        value = item[name]
        if name in numeric and isinstance(value, int | Decimal) and not isinstance(value, bool):
            rec[name] = str(value)
        elif isinstance(value, str):
            why = storable(value)
            if why:
                problems.append((name, why))
            else:
                rec[name] = value.strip()
        else:
            if name in numeric:
                problems.append(
                    (name, Msg("item.not_number_or_text", "must be a number or a string"))
                )
            else:
                problems.append((name, Msg("item.not_text", "must be a string")))
    return rec, problems
