"""The rows an org config asks for, keyed by natural key (pure: no session)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Hashable
from datetime import date
from decimal import Decimal
from typing import Any

from scoring import model as sm
from scoring.periods import Period
from storage.orgconfig import OrgConfig

Rows = dict[Hashable, dict[str, Any]]


def config_json(cfg: OrgConfig) -> dict[str, Any]:
    """The validated config as JSON (decimals as exact strings); it validates back unchanged."""
    return cfg.model_dump(mode="json", by_alias=True)


def config_sha256(config: dict[str, Any]) -> str:
    """Hash of the config's meaning, not its text: comments and key order do not count."""
    canonical = json.dumps(config, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def jsonable(value: Any) -> Any:
    """Scoring dataclasses to JSON: Decimal and Period as their exact strings."""
    if isinstance(value, Decimal | Period):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def team_rows(cfg: OrgConfig) -> Rows:
    rows: Rows = {}
    for t in cfg.teams:
        rows[t.key] = {
            "key": t.key,
            "name": dict(t.name),
            "manager": t.manager,
            "channels": t.channels.model_dump(mode="json", exclude_none=True),
            "objective": dict(t.okr.objective) if t.okr else {},
            "campaign": t.okr.campaign if t.okr else None,
            "kr_cap": t.okr.kr_cap if t.okr else Decimal("1.2"),
            "active": True,
        }
    return rows


def key_result_rows(org: sm.Org) -> Rows:
    return {
        (team.key, kr.key): {
            "team_key": team.key,
            "key": kr.key,
            "target": kr.target,
            "weight": kr.weight,
            "period": kr.period,
            "aggregate": kr.aggregate,
        }
        for team in org.teams.values()
        for kr in team.key_results
    }


def template_rows(org: sm.Org) -> Rows:
    return {
        t.key: {
            "key": t.key,
            "name": dict(t.name),
            "dimensions": {k: str(v) for k, v in t.dimensions.items()},
            "active": True,
        }
        for t in org.templates.values()
    }


_INDICATOR_COLUMNS = (
    "key dimension weight period aggregate target rule direction source subject unit".split()
)


def indicator_rows(org: sm.Org) -> Rows:
    rows: Rows = {}
    for t in org.templates.values():
        for ind in t.indicators:
            fields = {c: getattr(ind, c) for c in _INDICATOR_COLUMNS}
            spec = {
                f.name: jsonable(getattr(ind, f.name))
                for f in dataclasses.fields(ind)
                if f.name not in _INDICATOR_COLUMNS
            }
            rows[(t.key, ind.key)] = {"template_key": t.key, **fields, "spec": spec}
    return rows


def member_rows(org: sm.Org) -> Rows:
    return {
        m.id: {
            "id": m.id,
            "name": m.name,
            "team_key": m.team,
            "function": m.function,
            "manager": m.manager,
            "template_key": m.template,
            "locale": m.locale,
            "timezone": m.timezone,
            "roles": list(m.roles),
            "joined": m.joined,
            "active": True,
        }
        for m in org.members.values()
    }


def identity_rows(org: sm.Org) -> Rows:
    return {
        (m.id, platform, uid): {"member_id": m.id, "platform": platform, "platform_user_id": uid}
        for m in org.members.values()
        for platform, uid in m.identities.items()
        if uid
    }


def strategy_rows(cfg: OrgConfig) -> tuple[Rows, Rows]:
    strategies: Rows = {s.key: {"key": s.key, "name": dict(s.name)} for s in cfg.strategy}
    campaigns: Rows = {
        c: {"key": c, "strategy_key": s.key} for s in cfg.strategy for c in s.campaigns
    }
    return strategies, campaigns


def file_calibrations(cfg: OrgConfig) -> list[dict[str, Any]]:
    """org.yaml's calibrations as approved records, in file order."""
    out = []
    for c in cfg.calibrations:
        out.append(
            {
                "source": "file",
                "state": "approved",
                "member_id": c.member,
                "team_key": c.team,
                "period": c.period,
                "type": c.type,
                "indicator": c.indicator,
                "coefficient": c.coefficient,
                "new_target": c.new_target,
                "swap_from": c.swap_from,
                "swap_to": c.swap_to.model_dump(mode="json") if c.swap_to else None,
                "reason": dict(c.reason or {}),
            }
        )
    return out


def file_bonus_points(cfg: OrgConfig) -> list[dict[str, Any]]:
    return [
        {
            "source": "file",
            "state": "approved",
            "member_id": b.member,
            "period": b.period,
            "points": b.points,
            "reason": dict(b.reason or {}),
        }
        for b in cfg.bonus_points
    ]
