"""User-facing sentences as data: a message id, its parameters and its English wording.

Storage and the admin use cases word a problem (a refused org config, a bad CSV row) long
before anyone knows who will read it. A `Msg` is a `str` — its English text, so logs, the
JSON API and `str` comparisons see exactly what they saw before — that also carries its
catalog id and parameters, so a front end that knows its reader's language (the CLI) can
say it in zh-CN through `handlers.i18n.render`. Each id is in both catalogs
(`handlers/locales/*/LC_MESSAGES/imports.po`, `orgconfig.po`), the English one worded
exactly as here — or, for pydantic's own errors (`pydantic_reason`), as pydantic words them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scoring.periods import PeriodError


class Msg(str):
    """English text plus the catalog id and parameters it was made from."""

    key: str
    params: Mapping[str, object]

    def __new__(cls, key: str, english: str, /, **params: object) -> Msg:
        """`english` is the catalog's English entry for `key`; `{name}` is filled from params."""
        return cls.worded(key, english.format(**params), params)

    @classmethod
    def worded(cls, key: str, text: str, params: Mapping[str, object]) -> Msg:
        """A message whose English was already filled in (e.g. by pydantic)."""
        self = str.__new__(cls, text)
        self.key = key
        self.params = dict(params)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Msg.worded, (self.key, str(self), dict(self.params)))


def msg_of(exc: BaseException) -> str:
    """An exception's message, keeping the `Msg` it was raised with (`str(exc)` drops it);
    scoring's `PeriodError` (which imports nothing of ours) is worded here."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Msg):
        return exc.args[0]
    if isinstance(exc, PeriodError):
        return _period(exc)
    return str(exc)


def _period(exc: PeriodError) -> str:
    if exc.problem == "shape":
        return Msg(
            "period.shape",
            "bad period {text!r}: expected YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY",
            text=exc.text,
        )
    if exc.problem == "month":
        return Msg("period.month", "bad period {text!r}: month must be 01..12", text=exc.text)
    if exc.problem == "day":
        return Msg("period.day", "bad period {text!r}: {detail}", text=exc.text, detail=exc.detail)
    return str(exc)


PYDANTIC_KINDS = frozenset(
    {
        "bool_parsing",
        "bool_type",
        "date_from_datetime_inexact",
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "datetime_from_date_parsing",
        "datetime_parsing",
        "datetime_type",
        "decimal_parsing",
        "decimal_type",
        "dict_type",
        "enum",
        "extra_forbidden",
        "finite_number",
        "greater_than",
        "greater_than_equal",
        "int_from_float",
        "int_parsing",
        "int_type",
        "less_than",
        "less_than_equal",
        "list_type",
        "literal_error",
        "missing",
        "model_attributes_type",
        "model_type",
        "string_pattern_mismatch",
        "string_too_long",
        "string_too_short",
        "string_type",
        "too_long",
        "too_short",
        "tuple_type",
    }
)
"""pydantic error types with an id `pydantic.<type>` in the catalogs (the English entry is
pydantic's own template); any other type is `pydantic.other`."""

_OR = re.compile(r",\s+|\s+or\s+")


def pydantic_reason(err: Mapping[str, Any]) -> str:
    """One pydantic validation error as the English pydantic wrote, with an id: a `Msg` one
    of our validators raised is kept as it is."""
    kind = str(err["type"])
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    error = ctx.get("error")
    if kind == "value_error" and isinstance(error, BaseException):
        return msg_of(error)
    text = str(err["msg"])
    if kind not in PYDANTIC_KINDS:
        return Msg.worded("pydantic.other", text, {"detail": text})
    params = dict(ctx)
    if "expected" in params:  # "'a', 'b' or 'c'": the English "or" stays out of translations
        params["expected"] = ", ".join(_OR.split(str(params["expected"])))
    return Msg.worded(f"pydantic.{kind}", text, params)
