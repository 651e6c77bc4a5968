"""Every user-facing string, in zh-CN and en, behind stable message ids.

The catalogs are gettext `.po` files under `handlers/locales/<locale>/LC_MESSAGES/`,
read with Babel's `read_po` on first use (no compile step, no import-time I/O). Message
ids are keys such as `myscore.title`; translations use `str.format` named placeholders.
A member's locale wins, then the org's default, then English. `render` says a
`storage.msg.Msg` (a problem worded by storage or the admin use cases) in a locale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from storage.msg import Msg

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "perfbot"
DEFAULT_LOCALE = "en"
SUPPORTED = ("zh_CN", "en")

Catalogs = Mapping[str, Mapping[str, str]]


def load_catalogs(directory: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """Read every `<locale>/LC_MESSAGES/*.po` into {locale: {msgid: text}}.

    A locale may be split into several files by topic (`perfbot.po`, `web.po`…); the same
    id in two files of one locale is a mistake and fails loudly.
    """
    catalogs: dict[str, dict[str, str]] = {}
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        locale = po_path.parent.parent.name
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale, domain=DOMAIN)
        merged = catalogs.setdefault(locale, {})
        for msg in catalog:
            if not (msg.id and msg.string):
                continue
            if str(msg.id) in merged:
                raise ValueError(f"{po_path}: message id {msg.id!r} is defined twice")
            merged[str(msg.id)] = str(msg.string)
    return catalogs


@lru_cache(maxsize=1)
def catalogs() -> Catalogs:
    """The bundled catalogs, read once per process."""
    return load_catalogs()


@lru_cache(maxsize=256)
def normalize_locale(tag: str | None) -> str | None:
    """Map what platforms send (`zh-CN`, `zh_cn`, `zh-Hans`, `en-US`) to a catalog name.

    Memoised: every reply resolves a locale or two, from a handful of distinct tags."""
    if not tag:
        return None
    cleaned = tag.strip().replace("-", "_").lower()
    if cleaned.startswith("zh"):
        return "zh_CN"
    if cleaned.startswith("en"):
        return "en"
    return None


def resolve_locale(*preferences: str | None) -> str:
    """The first supported locale among preferences (member's, then org's), else English."""
    for pref in preferences:
        locale = normalize_locale(pref)
        if locale in SUPPORTED:
            return locale
    return DEFAULT_LOCALE


def t(
    msgid: str,
    locale: str | Sequence[str | None] | None = None,
    /,
    **params: object,
) -> str:
    """Translate `msgid` for `locale` (or the first usable of several) and fill `{params}`.

    An id missing from the chosen catalog falls back to English; an id missing everywhere
    raises KeyError so a typo fails in tests rather than showing a key to a user.
    """
    chosen = _chosen(locale)
    cats = catalogs()
    text = cats.get(chosen, {}).get(msgid) or cats.get(DEFAULT_LOCALE, {}).get(msgid)
    if text is None:
        raise KeyError(f"unknown message id {msgid!r}")
    return text.format(**params) if params else text


def _chosen(locale: str | Sequence[str | None] | None) -> str:
    if type(locale) is str and locale in SUPPORTED:  # what handlers pass: already resolved
        return locale
    if isinstance(locale, str | None):
        return resolve_locale(locale)
    return resolve_locale(*locale)


def render(text: str, locale: str | Sequence[str | None] | None = None, /) -> str:
    """`text` for a reader of `locale`: a `storage.msg.Msg` (and every `Msg` among its
    parameters) said in that language, any other string as it is.

    English is the `Msg`'s own wording (the catalog holds the same text, tests compare
    them); an id missing from the chosen catalog falls back to it too."""
    if not isinstance(text, Msg):
        return text
    chosen = _chosen(locale)
    template = catalogs().get(chosen, {}).get(text.key)
    if chosen == DEFAULT_LOCALE or template is None:
        return str(text)
    params = {k: render(v, chosen) if isinstance(v, str) else v for k, v in text.params.items()}
    return template.format(**params)


@lru_cache(maxsize=32)
def _babel_locale(locale: str | None) -> Locale:
    """Cached: `Locale.parse` costs more than formatting one number (team view: thousands)."""
    try:
        return Locale.parse(resolve_locale(locale))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def format_number(value: float | int | Decimal, locale: str | None, digits: int = 2) -> str:
    """Grouped decimal with at most `digits` fraction digits (`12,345.67` / `12,345.67`).

    Memoised: a team view formats thousands of figures, most repeated. The key holds the
    type and text of the value, because equal values (`0.1` and `Decimal("0.1")`, `0` and
    `-0`) may print differently."""
    return _format_number(f"{type(value).__name__}:{value}", value, locale, digits)


@lru_cache(maxsize=4096)
def _format_number(
    _kind: str, value: float | int | Decimal, locale: str | None, digits: int
) -> str:
    pattern = "#,##0." + "#" * digits if digits > 0 else "#,##0"
    return format_decimal(value, format=pattern, locale=_babel_locale(locale))


def format_percent(value: float | Decimal, locale: str | None) -> str:
    """A ratio (0.873) as a percentage with one decimal (`87.3%`)."""
    return format_number(Decimal(str(value)) * 100, locale, digits=1) + "%"


def format_date(value: date | datetime, locale: str | None, fmt: str = "medium") -> str:
    """A calendar date the way the reader expects (`Aug 14, 2026` / `2026年8月14日`)."""
    day = value.date() if isinstance(value, datetime) else value
    return _babel_date(day, format=fmt, locale=_babel_locale(locale))


def format_money(amount: float | int | Decimal, locale: str | None, currency: str = "CNY") -> str:
    """An amount of money with its currency sign (`¥12,345.00` / `CN¥12,345.00`)."""
    return format_currency(amount, currency, locale=_babel_locale(locale))
