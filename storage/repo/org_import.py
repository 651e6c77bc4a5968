"""Write a validated org config into the store, idempotently.

The config's hash decides: the same config again is a no-op; a changed one is applied in
place by natural keys, so metric values, ratings and history that point at members and
teams stay valid. People who left the file become inactive, never deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session, SQLModel, select

from storage.orgconfig import OrgConfig, to_scoring_org
from storage.repo import org_rows as rows
from storage.repo.audit import audit
from storage.repo.sync import Missing, SyncCounts, load_by_key, retire, upsert
from storage.tables import (
    BonusPointsRecord,
    CalibrationRecord,
    CampaignRecord,
    IndicatorRecord,
    KeyResultRecord,
    MemberIdentity,
    MemberRecord,
    OrgRecord,
    StrategyRecord,
    TeamRecord,
    TemplateRecord,
    utcnow,
)


@dataclass(frozen=True)
class ImportOutcome:
    status: Literal["created", "updated", "unchanged"]
    sha256: str
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per table: inserted / updated / retired (deactivated or deleted) rows."""


def import_org(
    session: Session, *, cfg: OrgConfig, source_text: str, actor: str = "cli"
) -> ImportOutcome:
    """Store `cfg` (already validated). Flushes but does not commit: the caller's
    transaction makes the whole import land or nothing (see `storage.db.session_scope`)."""
    config = rows.config_json(cfg)
    sha = rows.config_sha256(config)
    org_row = session.exec(select(OrgRecord)).first()
    if org_row is not None and org_row.config_sha256 == sha:
        outcome = ImportOutcome(status="unchanged", sha256=sha)
    else:
        changes = _apply(session, cfg)
        _write_org_row(session, org_row, cfg, config, sha, source_text)
        status: Literal["created", "updated"] = "created" if org_row is None else "updated"
        outcome = ImportOutcome(status=status, sha256=sha, changes=changes)
    audit(
        session,
        actor=actor,
        action="org.import",
        subject="org",
        details={"status": outcome.status, "sha256": sha, "changes": outcome.changes},
    )
    session.flush()
    return outcome


def _write_org_row(
    session: Session,
    org_row: OrgRecord | None,
    cfg: OrgConfig,
    config: dict[str, Any],
    sha: str,
    source_text: str,
) -> None:
    fields: dict[str, Any] = {
        "name": dict(cfg.org.name),
        "timezone": cfg.org.timezone,
        "locale": cfg.org.locale,
        "config": config,
        "config_sha256": sha,
        "source_text": source_text,
        "imported_at": utcnow(),
    }
    if org_row is None:
        session.add(OrgRecord(**fields))
        return
    for name, value in fields.items():
        setattr(org_row, name, value)


def _apply(session: Session, cfg: OrgConfig) -> dict[str, dict[str, int]]:
    """Parents are upserted before children and retired after them, so foreign keys hold
    at every flush; deletions are flushed before inserts so unique keys can move."""
    org = to_scoring_org(cfg)
    strategies, campaigns = rows.strategy_rows(cfg)
    plan: list[tuple[type[SQLModel], Callable[[Any], Hashable], rows.Rows, Missing]] = [
        (TeamRecord, lambda o: o.key, rows.team_rows(cfg), "deactivate"),
        (TemplateRecord, lambda o: o.key, rows.template_rows(org), "deactivate"),
        (StrategyRecord, lambda o: o.key, strategies, "delete"),
        (CampaignRecord, lambda o: o.key, campaigns, "delete"),
        (IndicatorRecord, lambda o: (o.template_key, o.key), rows.indicator_rows(org), "delete"),
        (KeyResultRecord, lambda o: (o.team_key, o.key), rows.key_result_rows(org), "delete"),
        (MemberRecord, lambda o: o.id, rows.member_rows(org), "deactivate"),
        (
            MemberIdentity,
            lambda o: (o.member_id, o.platform, o.platform_user_id),
            rows.identity_rows(org),
            "delete",
        ),
    ]
    changes: dict[str, dict[str, int]] = {}
    loaded = []
    for model, key, desired, how in plan:
        existing = load_by_key(session, model, key)
        counts = SyncCounts()
        if model is MemberIdentity:
            retire(session, existing, desired, how, counts)
            session.flush()
        upsert(session, model, existing, desired, counts)
        session.flush()
        loaded.append((model, existing, desired, how, counts))
    for model, existing, desired, how, counts in reversed(loaded):
        if model is not MemberIdentity:
            retire(session, existing, desired, how, counts)
            session.flush()
        if counts.changed:
            changes[str(model.__tablename__)] = counts.as_dict()
    _replace_file_records(session, CalibrationRecord, rows.file_calibrations(cfg), changes)
    _replace_file_records(session, BonusPointsRecord, rows.file_bonus_points(cfg), changes)
    return changes


def _replace_file_records(
    session: Session,
    model: type[CalibrationRecord] | type[BonusPointsRecord],
    desired: list[dict[str, Any]],
    changes: dict[str, dict[str, int]],
) -> None:
    """Records that came from the file are the file's: replaced as a list when it changed.
    Records raised in chat (`source = "chat"`) are never touched by an import."""
    current = session.exec(
        select(model).where(model.source == "file").order_by(model.id)  # type: ignore[arg-type]
    ).all()
    names = list(desired[0]) if desired else []
    if [_fields(r, names) for r in current] == desired:
        return
    for r in current:
        session.delete(r)
    session.flush()
    now = utcnow()
    for fields in desired:
        session.add(model(**fields, approved_at=now))
    session.flush()
    changes[str(model.__tablename__)] = {
        "inserted": len(desired),
        "updated": 0,
        "retired": len(current),
    }


def _fields(obj: SQLModel, names: list[str]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}
