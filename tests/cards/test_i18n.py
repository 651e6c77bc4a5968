"""Catalog parity and the translation / formatting helpers."""

from __future__ import annotations

import ast
import json
import pickle
import re
import string
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import typer.main
from babel.messages.pofile import read_po

from bot.cli import app
from bot.cli_locale import help_texts
from bot.score_view import COLUMNS, INCENTIVES
from handlers import i18n
from handlers.i18n import LOCALES_DIR, format_date, format_money, format_number, t
from scheduler.jobs import JOBS
from scoring.periods import Period, PeriodError
from storage.msg import PYDANTIC_KINDS, Msg, msg_of

ROOT = Path(__file__).resolve().parents[2]
CLI_MODULES = ["bot/cli.py", "bot/cli_locale.py", "bot/jobs_cli.py", "bot/delivery_cli.py"]
CLI_MODULES += ["bot/score_view.py"]
PACKAGES = ("bot", "handlers", "scheduler", "scoring", "storage")
WORDED_TOPICS = ("imports", "orgconfig")
"""Catalog files holding only the ids of `storage.msg.Msg`s (worded in code, or pydantic's)."""
PYDANTIC_IDS = {f"pydantic.{kind}" for kind in PYDANTIC_KINDS} | {"pydantic.other"}
ENGLISH_ONLY = {"expected_plural", "field_type"}
"""pydantic's placeholders a translation may leave out (an English plural `s`, `List`)."""
CLI_ID = re.compile(r"cli(\.[\w-]+)+")
CLI_DYNAMIC = {
    "cli.jobs.when.": [f"cli.jobs.when.{name}" for name in JOBS],
    "cli.score.col.": [f"cli.score.col.{col}" for col in COLUMNS],
    "cli.score.": [f"cli.score.{key}" for key in INCENTIVES],
    "cli.demo.": [f"cli.demo.{name}" for name in ("health", "docs", "playground")],
}

REQUIRED_IDS = [
    "myscore.title", "myscore.total", "myscore.grade", "myscore.provisional",
    "myscore.coefficient", "myscore.bonus", "myscore.dimension.result",
    "myscore.dimension.process", "myscore.dimension.capability", "myscore.strongest",
    "myscore.weakest", "myscore.moved", "myscore.refused_other", "common.dashboard_button",
    "checkin.title", "checkin.reflection", "checkin.submit", "checkin.closed", "checkin.saved",
    "validation.required", "validation.not_a_number", "validation.non_negative",
    "validation.too_large", "review.title", "review.criterion_prompt", "review.comment",
    "review.submitted", "review.not_assigned", "review.self_refused", "review.out_of_range",
    "review.window_closed", "coaching.prep_title", "coaching.highlights", "coaching.areas",
    "coaching.questions", "coaching.plan_skill", "coaching.plan_metric", "coaching.plan_target",
    "coaching.plan_due", "coaching.plan_notes", "coaching.confirm", "coaching.ask_change",
    "coaching.followup", "awards.nominate_title", "awards.approval_request", "awards.approved",
    "awards.rejected", "awards.announcement", "awards.star_case", "calibration.title",
    "calibration.approval_card", "calibration.all_approved", "calibration.rejected",
    "calibration.own_request", "calibration.on_behalf", "bonus.title", "help.member",
    "help.manager", "help.admin", "settings.language", "settings.timezone", "settings.nudges",
    "common.dashboard_link", "error.unknown_user", "error.generic", "error.forbidden",
]  # fmt: skip


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_catalogs_parse_cleanly() -> None:
    for po in LOCALES_DIR.glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as fh:
            read_po(fh, abort_invalid=True)


def test_catalogs_have_same_ids_nonempty_and_same_placeholders() -> None:
    cats = i18n.load_catalogs()
    assert set(cats) == {"en", "zh_CN"}
    en, zh = cats["en"], cats["zh_CN"]
    assert set(en) == set(zh)
    for msgid in en:
        assert en[msgid].strip(), msgid
        assert zh[msgid].strip(), msgid
        left_out = _placeholders(en[msgid]) - _placeholders(zh[msgid])
        assert _placeholders(zh[msgid]) <= _placeholders(en[msgid]), msgid
        assert not left_out or msgid in PYDANTIC_IDS, msgid
        assert left_out <= ENGLISH_ONLY, msgid


def test_every_conversation_string_exists() -> None:
    cats = i18n.load_catalogs()
    missing = [m for m in REQUIRED_IDS if m not in cats["en"]]
    assert not missing


def _cli_ids() -> Iterator[str]:
    """Every message id the CLI's modules name: literals, and each family they build with
    an f-string (a new family must be listed in CLI_DYNAMIC, or this fails)."""
    for name in CLI_MODULES:
        for node in ast.walk(ast.parse((ROOT / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if CLI_ID.fullmatch(node.value):
                    yield node.value
            elif isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if head.startswith("cli.") and len(node.values) > 1:
                    assert head in CLI_DYNAMIC, f"{name}: ids built from {head!r}"
                    yield from CLI_DYNAMIC[head]


def test_every_help_text_is_in_both_catalogs_word_for_word() -> None:
    cats = i18n.load_catalogs()
    found = list(help_texts(typer.main.get_command(app)))
    assert len(found) > 40
    for msgid, _owner, english in found:
        assert cats["en"].get(msgid) == english, msgid
        assert msgid in cats["zh_CN"], msgid


def test_every_cli_message_exists_in_both_catalogs_and_is_used() -> None:
    cats = i18n.load_catalogs()
    used = set(_cli_ids()) | {msgid for msgid, _, _ in help_texts(typer.main.get_command(app))}
    assert len(used) > 40
    for locale in ("en", "zh_CN"):
        assert not sorted(used - set(cats[locale])), locale
    unused = {m for m in cats["en"] if m.startswith("cli.")} - used
    assert not sorted(unused)


def _worded() -> Iterator[tuple[str, str, str]]:
    """(where, id, English) of every `Msg(id, English, …)` in our packages; the English is a
    literal, or a name bound to one on an earlier line of the module."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            bound = [
                (node.lineno, node.targets[0].id, node.value.value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ]
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id != "Msg":
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                key, english = node.args[0], node.args[1]
                assert isinstance(key, ast.Constant), where
                if isinstance(english, ast.Name):
                    earlier = [
                        (n, v) for n, name, v in bound if name == english.id and n < node.lineno
                    ]
                    assert earlier, where
                    yield where, str(key.value), max(earlier)[1]
                else:
                    assert isinstance(english, ast.Constant), where
                    yield where, str(key.value), str(english.value)


def _topic_ids(topic: str) -> set[str]:
    with (LOCALES_DIR / "en" / "LC_MESSAGES" / f"{topic}.po").open("rb") as fh:
        return {str(m.id) for m in read_po(fh) if m.id}


def test_every_worded_message_is_in_both_catalogs_in_the_same_words() -> None:
    cats = i18n.load_catalogs()
    found = list(_worded())
    assert len(found) > 60
    for where, key, english in found:
        assert cats["en"].get(key) == english, where
        assert key in cats["zh_CN"], where
    worded = {key for _, key, _ in found} | PYDANTIC_IDS
    for topic in WORDED_TOPICS:
        assert not sorted(_topic_ids(topic) - worded), topic


TEXT_CONTEXT = {"field_type", "error", "expected", "class_name", "pattern"}


def test_pydantic_errors_keep_pydantic_english_and_have_chinese() -> None:
    from pydantic_core import PydanticKnownError

    cats = i18n.load_catalogs()
    for kind in PYDANTIC_KINDS:
        english = cats["en"][f"pydantic.{kind}"]
        context = {name: name if name in TEXT_CONTEXT else 1 for name in _placeholders(english)}
        assert PydanticKnownError(kind, context).message_template == english, kind
        assert f"pydantic.{kind}" in cats["zh_CN"], kind


def test_a_msg_is_its_english_text_with_its_id() -> None:
    msg = Msg("value.not_a_number", "not a number: {text!r}", text="abc")
    assert msg == "not a number: 'abc'"
    assert json.dumps({"reason": msg}) == '{"reason": "not a number: \'abc\'"}'
    again = pickle.loads(pickle.dumps(msg))
    assert (again, again.key, dict(again.params)) == (msg, msg.key, {"text": "abc"})
    assert msg_of(ValueError(msg)) is msg
    assert msg_of(ValueError("plain")) == "plain"
    with pytest.raises(PeriodError) as caught:
        Period.parse("2026-13")
    assert msg_of(caught.value) == str(caught.value)
    assert i18n.render(msg_of(caught.value), "zh-CN") == "无效的期间 '2026-13'：月份须为 01..12"


def test_render_says_a_msg_and_its_parts_in_the_locale() -> None:
    reason = Msg("value.not_a_number", "not a number: {text!r}", text="abc")
    line = Msg(
        "table.problem",
        "{file}:{row} {column}: {reason}",
        file="m.csv",
        row=2,
        column="value",
        reason=reason,
    )
    assert i18n.render(line, "zh-CN") == "m.csv:2 value：不是数字：'abc'"
    assert i18n.render(line, ["fr", "zh_CN"]) == "m.csv:2 value：不是数字：'abc'"
    assert i18n.render(line, "en") == "m.csv:2 value: not a number: 'abc'"
    assert type(i18n.render(line, "en")) is str
    assert i18n.render(Msg("no.such.id", "as {it} is", it="worded"), "zh-CN") == "as worded is"
    assert i18n.render("plain text", "zh-CN") == "plain text"


def test_translate_with_params_and_locale_fallback() -> None:
    assert t("myscore.title", "zh-CN", period="2026-08") == "你的绩效得分 · 2026-08"
    assert t("myscore.title", "en", period="2026-08") == "Your performance score · 2026-08"
    assert t("checkin.closed", ["fr", "zh_CN"], period="2026-08") == "2026-08 的填报已截止。"
    assert (
        t("checkin.closed", [None, None], period="2026-08") == "The check-in for 2026-08 is closed."
    )
    assert t("error.forbidden", "de") == "You don't have permission to do that."


def test_unknown_id_and_missing_param_fail_loudly() -> None:
    with pytest.raises(KeyError, match="no.such"):
        t("no.such.message", "en")
    with pytest.raises(KeyError):
        t("myscore.title", "en", wrong="x")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh-CN", "zh_CN"), ("zh_cn", "zh_CN"), ("zh-Hans", "zh_CN"), ("en-US", "en"), ("ja", None)],
)
def test_normalize_locale(tag: str, expected: str | None) -> None:
    assert i18n.normalize_locale(tag) == expected


def test_resolve_locale_member_then_org_then_english() -> None:
    assert i18n.resolve_locale("en", "zh-CN") == "en"
    assert i18n.resolve_locale(None, "zh-CN") == "zh_CN"
    assert i18n.resolve_locale("ko", None) == "en"


def test_formatting_helpers() -> None:
    assert format_number(12345.678, "en") == "12,345.68"
    assert format_number(Decimal("87.5"), "zh-CN", digits=1) == "87.5"
    assert format_date(date(2026, 8, 14), "en") == "Aug 14, 2026"
    assert format_date(date(2026, 8, 14), "zh-CN") == "2026年8月14日"
    assert format_money(Decimal("12345.5"), "zh-CN") == "¥12,345.50"
    assert format_money(100, "en", currency="USD") == "$100.00"
    assert i18n.format_percent(0.873, "en") == "87.3%"
