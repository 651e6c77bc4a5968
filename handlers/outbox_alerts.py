"""Telling the admins, once, that messages could not be delivered.

The dispatcher gives up on a row after its last attempt (`dead`); a silent give-up would
leave a member without their reminder and nobody the wiser. Each batch of rows that died
together becomes one DM per org admin (idempotency key `outbox-dead:<first id>:<admin>`, so
a second report of the same batch is a no-op), naming the row ids and the command that
revives them. Alerts about alerts are never sent: a dead alert only shows in
`perfbot outbox list`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlmodel import Session

from handlers.access import is_admin
from handlers.cards import Card, Text
from handlers.delivery import send_to_member
from handlers.i18n import t
from storage.repo.scoring_inputs import NoOrgError, current_org

ALERT_PREFIX = "outbox-dead:"
MAX_IDS_SHOWN = 20
log = logging.getLogger(__name__)


def dead_alert_card(ids: Sequence[int], locale: str | None) -> Card:
    shown = ", ".join(str(i) for i in ids[:MAX_IDS_SHOWN])
    if len(ids) > MAX_IDS_SHOWN:
        shown += " …"
    return Card(
        title=t("outbox.dead.title", locale),
        blocks=(
            Text(t("outbox.dead.body", locale, count=len(ids), ids=shown)),
            Text(t("outbox.dead.hint", locale, command="perfbot outbox list --state dead")),
        ),
    )


def notify_dead(session: Session, rows: Sequence[tuple[int, str]]) -> int:
    """Queue one DM per admin about `rows` (id, idempotency key); returns the DMs queued."""
    ids = sorted(row_id for row_id, key in rows if not key.startswith(ALERT_PREFIX))
    if not ids:
        return 0
    try:
        org = current_org(session)
    except NoOrgError:
        log.warning("outbox rows dead, no org to find an admin in", extra={"outbox_ids": ids})
        return 0
    queued = 0
    for member_id in sorted(m for m in org.members if is_admin(org, m)):
        locale = org.members[member_id].locale or org.locale
        card = dead_alert_card(ids, locale)
        key = f"{ALERT_PREFIX}{ids[0]}:{member_id}"
        queued += send_to_member(session, org, member_id, card, key)
    return queued
