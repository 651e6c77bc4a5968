"""Automatic awards: grant each once (the award key decides) and announce it the one way
every award is announced (`handlers.award_card.announce_award` → the team's channels).

Used after each import (`handlers.autoscore`) and by the scheduler's `award-detection`,
which share the keys — `content_hit:<member>:<item>`,
`new_customer:<team>:<period>:<member>` — so whichever sees a hit first grants it and the
other finds it granted; the announcement's outbox key (`award:<key>:announce:<platform>`)
makes a second announcement a no-op too.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from handlers.award_card import announce_award
from handlers.i18n import SUPPORTED, format_money, format_number, t
from scoring.incentives import ContentHit
from scoring.model import Org
from storage.repo.awards import grant_award


def _texts(msgid: str, **params: object) -> dict[str, str]:
    """A reason in every language (the award row keeps it; cards pick the reader's)."""
    out: dict[str, str] = {}
    for locale in SUPPORTED:
        values = {k: v(locale) if callable(v) else v for k, v in params.items()}
        out[locale.replace("_", "-")] = t(msgid, locale, **values)
    return out


def grant_content_hit(session: Session, org: Org, hit: ContentHit, now: datetime) -> str | None:
    """Grant and announce one content hit; its key if new, None if granted before."""
    key = f"content_hit:{hit.member}:{hit.item}"
    reason = _texts(
        "sched.award.content_hit_reason",
        item=hit.item,
        value=lambda loc: format_number(hit.value, loc, 0),
        period=str(hit.period),
    )
    # Points stay 0: scoring derives content-hit points from the rows
    # (incentives.key_action_points.content_hit); a stored copy would count them twice.
    award, new = grant_award(
        session,
        key=key,
        kind="content_hit",
        member_id=hit.member,
        period=str(hit.period),
        item=hit.item,
        reason=reason,
    )
    announce_award(session, org, award, now)
    return key if new else None


def grant_new_customer(
    session: Session,
    org: Org,
    *,
    team: str,
    member_id: str,
    period: str,
    value: Decimal,
    amount: Decimal,
    now: datetime,
) -> str | None:
    """Grant and announce a member's share of the team's new-customer development award."""
    key = f"new_customer:{team}:{period}:{member_id}"
    team_names = org.teams[team].name
    reason = _texts(
        "sched.award.new_customer_reason",
        team=lambda loc: team_names.get(loc.replace("_", "-")) or team,
        value=lambda loc: format_money(value, loc),
        amount=lambda loc: format_money(amount, loc),
        period=period,
    )
    award, new = grant_award(
        session, key=key, kind="new_customer", member_id=member_id, period=period, reason=reason
    )
    announce_award(session, org, award, now)
    return key if new else None
