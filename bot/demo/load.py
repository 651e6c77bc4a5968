"""Load the demo org into a fresh SQLite store, through the same import paths users take."""

from __future__ import annotations

import secrets
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr

from bot.demo.generate import generate_demo, write_demo_files
from bot.settings import Settings
from handlers.admin import import_metrics_file, import_org_file, import_reviews_file
from storage.db import dispose_engine, make_engine, session_scope
from storage.migrate import upgrade
from storage.msg import Msg
from storage.repo.awards import grant_award
from storage.repo.checkins import save_checkin


class DemoLoadError(RuntimeError):
    """The built-in demo data failed its own validation: a bug, reported with the errors."""


def demo_settings(db: Path, port: int) -> Settings:
    return Settings(
        database_url=f"sqlite:///{db}",
        secret_key=SecretStr(secrets.token_urlsafe(32)),
        public_url=f"http://127.0.0.1:{port}",
        playground="on",
    )


def load_demo(settings: Settings, *, today: date) -> str:
    """Recreate the demo store for `today` (the demo's months are relative to it)."""
    url = settings.database_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        dispose_engine(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(url)
    upgrade(engine)
    data = generate_demo(today)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_demo_files(Path(tmp), today)
        steps = [
            import_org_file(engine, paths.org_yaml, dry_run=False, actor="demo"),
            import_metrics_file(engine, paths.metrics_csv, actor="demo"),
            import_reviews_file(engine, paths.reviews_csv, actor="demo"),
        ]
    errors = [e for s in steps for e in s.errors]
    if errors:
        raise DemoLoadError("\n".join(errors))
    with session_scope(engine) as session:
        for a in data.awards:
            grant_award(
                session,
                key=f"{a.kind}:{a.member}:{a.period}",
                kind=a.kind,
                member_id=a.member,
                period=a.period,
                reason=a.title,
                points=Decimal(a.points),
                nominated_by=a.nominated_by,
                approved_by=a.approved_by,
                star_case=a.kind == "star_case",
                actor="demo",
            )
        for c in data.checkins:
            if c.status == "submitted" and c.submitted_at is not None:
                save_checkin(
                    session,
                    member_id=c.member,
                    month=c.period,
                    values=c.values,
                    reflection=None,
                    submitted_at=c.submitted_at,
                )
    org, metrics, reviews = (s.message for s in steps)
    english = "demo org loaded for {day}: {org}; {metrics}; {reviews}"
    return Msg("demo.loaded", english, day=today, org=org, metrics=metrics, reviews=reviews)
