"""`/perf help`, `/perf dashboard` and `/perf settings`: what the asker may do (by role),
a short-lived dashboard link by DM, and their language, time zone and nudges.

Only nudges (the follow-ups after a reminder) can be switched off: the reminders
themselves are part of the cycle and always arrive.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from handlers.access import is_admin, is_manager
from handlers.cards import (
    Actions,
    Button,
    Card,
    Context,
    Ephemeral,
    Event,
    Fields,
    Form,
    FormErrors,
    Header,
    OpenForm,
    Reply,
    SelectInput,
    Send,
    Text,
    TextInput,
)
from handlers.context import Ctx
from handlers.convkit import notice
from handlers.i18n import resolve_locale, t
from handlers.links import LINK_MINUTES, make_dashboard_link
from handlers.routes import Routes
from storage.repo.config import current_config
from storage.repo.preferences import save_preference

ROUTES = Routes()

SETTINGS_FORM = "settings.submit"
LANGUAGES = ("zh-CN", "en")
COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def approver_roles(ctx: Ctx) -> list[str]:
    approvers = current_config(ctx.session).org.approvers
    return [
        role
        for role in ("strategy", "marketing", "hr")
        if ctx.member_id in getattr(approvers, role)
    ]


@ROUTES.command("help")
def help_card(event: Event, ctx: Ctx) -> list[Reply]:
    """What this member may do; also the answer to a command nobody knows."""
    blocks: list[Header | Text | Context] = []
    if event.name != "help":
        blocks.append(Context(ctx.t("error.unknown_command", command=event.name)))
    blocks += [Header(ctx.t("help.title")), Text(ctx.t("help.member"))]
    if is_manager(ctx.org, ctx.member_id):
        blocks.append(Text(ctx.t("help.manager")))
    roles = approver_roles(ctx)
    if roles:
        names = ", ".join(ctx.t(f"perf.role.{r}") for r in roles)
        blocks.append(Text(ctx.t("help.approver", roles=names)))
    if is_admin(ctx.org, ctx.member_id):
        blocks.append(Text(ctx.t("help.admin")))
    return [Ephemeral(Card(blocks=blocks, card_id="help"))]


@ROUTES.command("dashboard")
def dashboard(event: Event, ctx: Ctx) -> list[Reply]:
    """A DM with a signed link (the adapter posts `dashboard-link` cards without unfurling,
    so no previewer fetches it), and a private note saying where to look."""
    url = make_dashboard_link(ctx.deps.secret_key, ctx.deps.public_url, ctx.member_id, ctx.now)
    card = Card(
        blocks=(
            Text(ctx.t("common.dashboard_link", minutes=LINK_MINUTES, url=url)),
            Actions((Button(ctx.t("common.dashboard_button"), "perf.dashboard_open", url=url),)),
        ),
        card_id="dashboard-link",
    )
    key = f"dashboard:{ctx.member_id}:{event.delivery_id or ctx.now.isoformat()}"
    return [
        Send(target=ctx.member_id, card=card, idempotency_key=key),
        Ephemeral(notice(ctx.t("perf.dashboard_sent", minutes=LINK_MINUTES))),
    ]


@ROUTES.action("perf.dashboard_open", "myscore.dashboard")
def link_clicked(_event: Event, _ctx: Ctx) -> list[Reply]:
    """A link button opens its URL in the browser; the click event itself needs no answer."""
    return []


@ROUTES.command("settings")
def settings_form(_event: Event, ctx: Ctx) -> list[Reply]:
    language = "zh-CN" if ctx.locale == "zh_CN" else "en"
    zones = list(COMMON_ZONES)
    if ctx.timezone not in zones:
        zones.insert(0, ctx.timezone)
    form = Form(
        form_id=SETTINGS_FORM,
        title=ctx.t("settings.title"),
        submit_label=ctx.t("common.submit"),
        inputs=(
            SelectInput(
                "language",
                ctx.t("settings.language"),
                options=((ctx.t("settings.lang_zh"), "zh-CN"), (ctx.t("settings.lang_en"), "en")),
                initial=language,
            ),
            SelectInput(
                "timezone",
                ctx.t("settings.timezone"),
                options=tuple((z, z) for z in zones),
                initial=ctx.timezone,
            ),
            TextInput(
                "timezone_other",
                ctx.t("settings.timezone_other"),
                required=False,
                max_length=64,
                hint=ctx.t("settings.timezone_other_hint"),
            ),
            SelectInput(
                "nudges",
                ctx.t("settings.nudges_label"),
                options=(
                    (ctx.t("settings.nudges_on"), "on"),
                    (ctx.t("settings.nudges_off"), "off"),
                ),
                initial="on" if ctx.nudges else "off",
            ),
        ),
        blocks_before=(Context(ctx.t("settings.reminders_stay")),),
    )
    return [OpenForm(form)]


@ROUTES.form(SETTINGS_FORM)
def save_settings(event: Event, ctx: Ctx) -> list[Reply]:
    """Validate, save, and confirm in the language just chosen."""
    language = event.values.get("language", "").strip()
    zone = event.values.get("timezone_other", "").strip() or event.values.get("timezone", "")
    nudges = event.values.get("nudges", "").strip()
    errors: dict[str, str] = {}
    if language not in LANGUAGES:
        errors["language"] = ctx.t("validation.required")
    if zone.strip() not in known_zones():
        field = "timezone_other" if event.values.get("timezone_other", "").strip() else "timezone"
        errors[field] = ctx.t("settings.bad_timezone", zone=zone)
    if nudges not in ("on", "off"):
        errors["nudges"] = ctx.t("validation.required")
    if errors:
        return [FormErrors(errors)]
    zone = zone.strip()
    save_preference(
        ctx.session,
        member_id=ctx.member_id,
        locale=language,
        timezone=zone,
        nudges=nudges == "on",
        now=ctx.now,
    )
    new = resolve_locale(language)
    card = Card(
        blocks=(
            Text(t("settings.saved", new)),
            Fields(
                (
                    (
                        t("settings.language", new),
                        t("settings.lang_zh" if new == "zh_CN" else "settings.lang_en", new),
                    ),
                    (t("settings.timezone", new), zone),
                    (
                        t("settings.nudges_label", new),
                        t("settings.nudges_on" if nudges == "on" else "settings.nudges_off", new),
                    ),
                )
            ),
            Context(t("settings.reminders_stay", new)),
        ),
        card_id="settings",
    )
    return [Ephemeral(card)]
