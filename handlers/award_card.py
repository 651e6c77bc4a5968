"""The award card: one format for every award kind (innovation, content hit, new customer),
posted once to the member's team channels, in the org's language."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.calibration_form import text_in
from handlers.cards import Card, Context, Header, Text
from handlers.delivery import send_to_team
from handlers.i18n import format_date, t
from scoring.model import Org
from storage.tables import Award


def award_name(kind: str, locale: str) -> str:
    known = {"innovation", "content_hit", "new_customer", "star_case"}
    return t(f"awards.{kind}", locale) if kind in known else kind


def nominee_name(org: Org, award: Award) -> str:
    m = org.members.get(award.member_id)
    return (m.name if m else "") or award.member_id


def award_card(org: Org, award: Award, now: datetime) -> Card:
    """The one announcement format for every award kind, in the org's language."""
    loc = org.locale
    name = award_name(award.kind, loc)
    reason = text_in(award.reason, loc)
    nominee = nominee_name(org, award)
    small = format_date(now, loc)
    if award.kind == "innovation":
        star = t("awards.star_case_added", loc, title=reason or name, name=nominee)
        small = f"{star} · {small}"
    return Card(
        title=name,
        card_id=f"award:{award.key}",
        blocks=(
            Header(f"🏆 {name}"),
            Text(t("awards.announcement", loc, nominee=nominee, award=name, reason=reason)),
            Context(small),
        ),
    )


def announce_award(session: Session, org: Org, award: Award, now: datetime) -> int:
    """Post the award to the member's team channels once (keyed by the award's key)."""
    member = org.members.get(award.member_id)
    if member is None or member.team not in org.teams:
        return 0
    return send_to_team(
        session, org, member.team, award_card(org, award, now), f"award:{award.key}:announce"
    )
