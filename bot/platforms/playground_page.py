"""The playground page's data: the member picker, the DM thread, the team channel, the open
form and the clock panel — everything the template needs, nothing it has to compute."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.platforms.playground_clock import presets
from bot.platforms.playground_state import OpenModal, PlaygroundState, Talk
from bot.platforms.playground_view import card_view, member_dms, team_posts
from handlers import cards as c
from handlers.i18n import format_date, t
from handlers.webdata import team_name
from scoring.model import Org
from storage.repo.config import current_config

EXAMPLES = ("/perf help", "/myscore", "/checkin", "打卡", "/perf dashboard", "/perf settings")


def when(moment: datetime, tz: str, locale: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), locale)} {local:%H:%M}"


def member_options(org: Org, chosen: str | None, locale: str) -> list[dict[str, Any]]:
    out = []
    for mid, m in org.members.items():
        team = team_name(org, m.team, locale) if m.team in org.teams else m.team
        tags = [t(f"pg.role.{r}", locale) for r in ("admin",) if r in m.roles]
        if any(org.manager_of(o) == mid for o in org.members if o != mid):
            tags.append(t("pg.role.manager", locale))
        label = f"{m.name or mid} ({mid}) · {team}" + (f" · {', '.join(tags)}" if tags else "")
        out.append({"id": mid, "label": label, "selected": mid == chosen})
    return out


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _input(inp: c.FormInput, modal: OpenModal) -> dict[str, Any]:
    iid = inp.input_id
    view: dict[str, Any] = {
        "kind": type(inp).__name__,
        "id": iid,
        "label": inp.label,
        "hint": inp.hint,
        "required": inp.required,
        "error": modal.errors.get(iid),
    }
    if isinstance(inp, c.RatingInput):
        initial = "" if inp.initial is None else str(inp.initial)
        view["options"] = [str(n) for n in range(1, inp.scale + 1)]
    elif isinstance(inp, c.NumberInput):
        initial = _number(inp.initial)
        view["unit"] = inp.unit
    elif isinstance(inp, c.TextInput):
        initial = inp.initial or ""
        view["multiline"] = inp.multiline
        view["max_length"] = inp.max_length
    elif isinstance(inp, c.SelectInput):
        initial = inp.initial or ""
        view["options"] = list(inp.options)
    else:
        initial = inp.initial or ""
    view["value"] = modal.values.get(iid, initial)
    return view


def modal_view(modal: OpenModal | None) -> dict[str, Any] | None:
    if modal is None:
        return None
    f = modal.form
    return {
        "token": modal.token,
        "title": f.title,
        "submit": f.submit_label,
        "before": card_view(c.Card(blocks=f.blocks_before), "form")["blocks"],
        "inputs": [_input(i, modal) for i in f.inputs],
        "has_errors": bool(modal.errors),
        "form_id": f.form_id,
    }


def thread(
    session: Session,
    org: Org,
    member: str,
    talk: Talk,
    state: PlaygroundState,
    *,
    tz: str,
    locale: str,
    public_url: str,
) -> list[dict[str, Any]]:
    """DM rows and transcript entries interleaved by when they really happened."""
    items: list[tuple[datetime, dict[str, Any]]] = []
    for row in member_dms(session, org, member):
        src = f"outbox:{row.id}"
        at = state.arrived.get(row.id)
        card = talk.replaced.get(src, row.card)
        view = {
            "who": "bot",
            "card": card_view(card, src, public_url),
            "ephemeral": False,
            "at": when(at, tz, locale) if at else "",
            "id": src,
        }
        items.append((row.created, view))
    for e in talk.entries:
        src = f"entry:{e.id}"
        shown = talk.replaced.get(src, e.card)
        view = {
            "who": e.who,
            "text": e.text,
            "ephemeral": e.ephemeral,
            "card": card_view(shown, src, public_url) if shown else None,
            "at": when(e.sim, tz, locale),
            "id": src,
        }
        items.append((e.created, view))
    items.sort(key=lambda pair: pair[0])
    return [v for _, v in items]


def channel(
    session: Session,
    org: Org,
    member: str,
    look: str,
    state: PlaygroundState,
    *,
    tz: str,
    locale: str,
    public_url: str,
) -> dict[str, Any]:
    team = org.members[member].team
    posts = []
    for row in team_posts(session, org, team, look):
        at = state.arrived.get(row.id)
        posts.append(
            {
                "who": "bot",
                "card": card_view(row.card, f"outbox:{row.id}", public_url),
                "at": when(at, tz, locale) if at else "",
                "id": f"outbox:{row.id}",
            }
        )
    name = team_name(org, team, locale) if team in org.teams else team
    return {"name": name, "posts": posts}


def clock_view(session: Session, org: Org, state: PlaygroundState, locale: str) -> dict[str, Any]:
    now = state.clock()
    tz = org.timezone
    schedule = current_config(session).schedule
    local = now.astimezone(ZoneInfo(tz))
    return {
        "now": when(now, tz, locale),
        "tz": tz,
        "shifted": state.clock.shifted,
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "presets": [
            {"key": p.key, "at": when(p.at, tz, locale)} for p in presets(now, tz, schedule)
        ],
    }
