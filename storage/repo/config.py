"""The stored org config as the validated `OrgConfig`: for what scoring's `Org` leaves out
(schedules, approvers). Validation is not free, so results are cached by the config hash."""

from __future__ import annotations

import threading

from sqlmodel import Session, select

from storage.orgconfig import OrgConfig
from storage.repo.scoring_inputs import NO_ORG, NoOrgError
from storage.tables import OrgRecord

_cache: dict[str, OrgConfig] = {}
_lock = threading.Lock()


def current_config(session: Session) -> OrgConfig:
    """The imported config (raises NoOrgError when none was imported)."""
    sha = session.exec(select(OrgRecord.config_sha256)).first()
    if sha is None:
        raise NoOrgError(NO_ORG)
    with _lock:
        cached = _cache.get(sha)
    if cached is not None:
        return cached
    cfg = OrgConfig.model_validate(session.exec(select(OrgRecord.config)).one())
    with _lock:
        if len(_cache) >= 4:
            _cache.clear()
        _cache[sha] = cfg
    return cfg


def org_locale(session: Session) -> str | None:
    """The org's default locale (`org.locale` of the config), or None before any import:
    one column of one row, for callers that must not pay for the whole config."""
    return session.exec(select(OrgRecord.locale)).first()
