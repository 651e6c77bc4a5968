"""The language of the command line: every line `perfbot` prints goes through the catalogs.

The CLI locale is, first that applies:

1. `PERFBOT_LOCALE` (`zh-CN` or `en`; any other value is refused, exit 1);
2. the shell's locale: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set — `zh_*`
   is zh-CN, `en_*` English and anything else (`C`, `POSIX`, `fr_FR.UTF-8`) English, as
   gettext does;
3. when none of them is set (cron, systemd units, bare containers): the org's default
   locale (`org.locale`), read — one column — by the commands that open the store anyway;
4. English.

The org's default comes after the shell's because it is the members' chat language and is
zh-CN whenever the config does not name one: an operator's terminal says more about them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError

from bot.console import err, out
from handlers.i18n import catalogs, normalize_locale, render, resolve_locale, t

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.settings import Settings

SHELL_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
TYPER_OPTIONS = ("install_completion", "show_completion")
"""Options typer adds by itself: their help, like `--help`'s and the panel titles, is
typer's and click's own English."""


def shell_locale(environ: Mapping[str, str]) -> str | None:
    """The locale the shell asks for, or None when it names none (POSIX: the first of
    `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty decides)."""
    for name in SHELL_VARIABLES:
        value = environ.get(name)
        if value:
            return normalize_locale(value.split(".")[0]) or "en"
    return None


@dataclass
class Voice:
    """Says catalog messages in the CLI locale, on stdout (results) or stderr (problems)."""

    chosen: str | None
    """`PERFBOT_LOCALE`, else the shell's; None lets the org's default decide."""
    org: str | None = None

    @property
    def locale(self) -> str:
        return resolve_locale(self.chosen, self.org)

    def say(self, msgid: str, **params: object) -> str:
        return t(msgid, self.locale, **params)

    def text(self, text: str) -> str:
        """A line worded elsewhere: a `storage.msg.Msg` is translated, other text kept."""
        return render(text, self.locale)

    def out(self, msgid: str, **params: object) -> None:
        out.print(self.say(msgid, **params), markup=False, highlight=False, soft_wrap=True)

    def err(self, msgid: str, **params: object) -> None:
        err.print(self.say(msgid, **params), markup=False, highlight=False, soft_wrap=True)

    def fail(self, errors: Iterable[str]) -> typer.Exit:
        """Print every problem on stderr; the caller raises the returned exit (status 1)."""
        for line in errors:
            err.print(self.text(line), markup=False, highlight=False, soft_wrap=True)
        return typer.Exit(1)

    def hear_org(self, engine: Engine) -> None:
        """Let the org's default locale decide when nothing closer did (one SELECT)."""
        if self.chosen is not None or self.org is not None:
            return
        from storage.db import session_scope
        from storage.repo.config import org_locale

        with session_scope(engine) as session:
            self.org = org_locale(session)


def start_voice() -> Voice:
    """The voice of one run; a bad `PERFBOT_LOCALE` is reported (in the shell's locale)
    and ends the run with status 1."""
    from bot.settings import LocaleSettings

    try:
        setting = LocaleSettings().locale
    except ValidationError as exc:
        value = exc.errors()[0].get("input")
        Voice(shell_locale(os.environ)).err("cli.bad_locale_setting", value=repr(value))
        raise SystemExit(1) from None
    return Voice(setting or shell_locale(os.environ))


_VOICE: ContextVar[Voice | None] = ContextVar("perfbot_cli_voice", default=None)


def voice() -> Voice:
    """This run's voice (set up by `LocalizedGroup.main`), else a new one (a sub-app run
    on its own: it speaks `PERFBOT_LOCALE` or the shell's locale)."""
    found = _VOICE.get()
    return found if found is not None else start_voice()


def open_store(settings: Settings | None = None) -> Engine:
    """The store of `PERFBOT_DATABASE_URL`, migrated to the current schema; the org's
    default locale now may decide the CLI's language."""
    from bot.settings import Settings
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine((settings or Settings()).database_url)
    upgrade(engine)
    voice().hear_org(engine)
    return engine


def help_texts(command: Any, key: str = "cli.help") -> Iterator[tuple[str, Any, str]]:
    """(message id, object, English) of every help text we wrote in a command tree: the
    command's (`cli.help.org.import`), its options' and arguments' (`….dry_run`), then its
    sub-commands'. typer reads them at import, in English."""
    if command.help:
        yield key, command, command.help
    for param in command.params:
        if getattr(param, "help", None) and param.name not in TYPER_OPTIONS:
            yield f"{key}.{param.name}", param, param.help
    for name, sub in getattr(command, "commands", {}).items():
        yield from help_texts(sub, f"{key}.{name}")


def localize_help(command: Any, locale: str) -> None:
    """Put the catalog's `cli.help.*` texts of `locale` in place of the ones typer read (the
    English entries are those texts word for word, so a tree used twice is right both times)."""
    translated = catalogs().get(locale, {})
    for msgid, owner, _english in list(help_texts(command)):
        if msgid in translated:
            owner.help = translated[msgid]


class LocalizedGroup(typer.core.TyperGroup):
    """The root command: starts the voice of each run, which every command then uses, and
    says `--help` in its language."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        spoken = start_voice()
        localize_help(self, spoken.locale)
        token = _VOICE.set(spoken)
        try:
            return super().main(
                args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra
            )
        finally:
            _VOICE.reset(token)
