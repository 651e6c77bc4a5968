"""/perf help (by role, in the asker's language), /perf dashboard (a DM with a signed
link) and /perf settings (language, time zone, nudges)."""

from __future__ import annotations

from sqlmodel import col, select

from handlers.cardjson import card_from_json
from handlers.cards import Card, Ephemeral, FormErrors
from handlers.links import check_link
from storage.tables import MemberPreference, OutboxMessage
from tests.handlers.conftest import World
from tests.handlers.convtext import buttons, card_text, form, text

MEMBER_LINE = "/perf dashboard"
MANAGER_LINE = "/perf coach"


def test_help_by_role_in_the_askers_language(world: World) -> None:
    shown = text(world.act("li.na", "command", "help"))
    assert "我能做什么" in shown
    assert MEMBER_LINE in shown
    assert MANAGER_LINE not in shown
    assert "审批人" not in shown
    assert "管理员" not in shown
    manager = text(world.act("wang.fang", "command", "help"))
    assert MANAGER_LINE in manager
    assert "作为审批人（营销）" in manager
    admin = text(world.act("chen.jing", "command", "help"))
    assert "管理员还负责" in admin
    assert "作为审批人（人力资源）" in admin
    english = text(world.act("zhang.wei", "command", "help"))
    assert "What I can do" in english
    assert MANAGER_LINE not in english

    shown = text(world.act("zhang.wei", "command", "frobnicate"))
    assert 'I don\'t know the command "frobnicate"' in shown
    assert "What I can do" in shown


def test_dashboard_link_is_a_dm_with_a_valid_signed_link(world: World) -> None:
    replies = world.act("zhang.wei", "command", "dashboard", delivery_id="dash-1")
    assert [type(r) for r in replies] == [Ephemeral]
    assert "private message" in text(replies)
    with world.session() as s:
        (msg,) = s.exec(
            select(OutboxMessage).where(col(OutboxMessage.idempotency_key).startswith("dashboard:"))
        ).all()
    assert msg.target == "user:" + world.org.members["zhang.wei"].identities["slack"]
    card = card_from_json(msg.card)
    assert isinstance(card, Card)
    assert card.card_id == "dashboard-link"
    assert "valid for 15 minutes" in card_text(card)
    (button,) = buttons([Ephemeral(card)])
    assert button.url is not None
    check = check_link("test-secret", button.url.rsplit("/", 1)[1], world.clock.now)
    assert (check.state, check.member) == ("ok", "zhang.wei")
    assert world.act("zhang.wei", "command", "dashboard", delivery_id="dash-1") == []


def test_settings_change_the_language_of_the_next_reply(world: World) -> None:
    f = form(world.act("li.na", "command", "settings"))
    assert f.form_id == "settings.submit"
    assert {i.input_id for i in f.inputs} == {"language", "timezone", "timezone_other", "nudges"}
    values = {"language": "en", "timezone": "Asia/Shanghai", "timezone_other": "",
              "nudges": "off"}  # fmt: skip
    replies = world.act("li.na", "form", "settings.submit", values)
    shown = text(replies)
    assert "Settings saved." in shown  # confirmed in the NEW language
    assert "English" in shown
    assert "Reminders for check-ins and reviews always arrive" in shown
    assert "What I can do" in text(world.act("li.na", "command", "help"))
    with world.session() as s:
        pref = s.get(MemberPreference, "li.na")
    assert pref is not None
    assert (pref.locale, pref.timezone, pref.nudges) == ("en", "Asia/Shanghai", False)


def test_settings_free_text_time_zone_and_english_to_chinese(world: World) -> None:
    values = {"language": "zh-CN", "timezone": "Europe/Berlin", "timezone_other": "Europe/Paris",
              "nudges": "on"}  # fmt: skip
    shown = text(world.act("zhang.wei", "form", "settings.submit", values))
    assert "设置已保存。" in shown
    assert "Europe/Paris" in shown
    assert "我能做什么" in text(world.act("zhang.wei", "command", "help"))


def test_settings_validation_refuses_unknown_zone_and_language(world: World) -> None:
    values = {"language": "fr", "timezone": "Asia/Shanghai", "timezone_other": "Mars/Olympus",
              "nudges": "maybe"}  # fmt: skip
    (errors,) = world.act("zhang.wei", "form", "settings.submit", values)
    assert isinstance(errors, FormErrors)
    assert set(errors.errors) == {"language", "timezone_other", "nudges"}
    assert '"Mars/Olympus" is not a time zone I know' in errors.errors["timezone_other"]
    (zh,) = world.act("li.na", "form", "settings.submit", values)
    assert isinstance(zh, FormErrors)
    assert "不是可识别的时区" in zh.errors["timezone_other"]
    with world.session() as s:
        assert s.exec(select(MemberPreference)).all() == []
