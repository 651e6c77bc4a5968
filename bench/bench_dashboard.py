"""Server-side render time of the dashboard: a team view of `members` people and one
member page, through the real app (routing, scoring, templates), on a temp SQLite store.

The org is the demo org with the growth team's scored members cloned (ids `c0001.li.na`…)
until the team holds `members` people, their metric rows and 360 ratings cloned with them.
Run: `python -m bench.bench_dashboard` (prints JSON). No assertion: numbers are reported.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr
from ruamel.yaml import YAML

from bot.app import create_app
from bot.demo import DEMO_ADMIN, DEMO_MEMBER, write_demo_files
from bot.settings import Settings
from bot.web.auth import SESSION_COOKIE
from handlers.admin import import_metrics_file, import_org_file, import_reviews_file
from handlers.links import make_session_token
from storage.db import dispose_engine, make_engine
from storage.migrate import upgrade

TEAM = "growth"


def _clone_org(paths: Any, members: int) -> list[str]:
    """Grow the team to `members` people; returns the ids of the clones."""
    yaml = YAML(typ="rt")
    org = yaml.load(paths.org_yaml.read_text(encoding="utf-8"))
    base = [
        m
        for m in org["members"]
        if m["team"] == TEAM and m.get("template") and not m.get("manager")
    ]
    present = sum(1 for m in org["members"] if m["team"] == TEAM and m.get("template"))
    clones: dict[str, str] = {}
    k = 0
    while present < members:
        src = base[k % len(base)]
        new_id = f"c{k // len(base):04d}.{src['id']}"
        copy = {key: value for key, value in src.items() if key not in ("identities", "name")}
        copy["id"] = new_id
        copy["name"] = f"{src.get('name', src['id'])}{k // len(base)}"
        org["members"].append(copy)
        clones[new_id] = src["id"]
        present += 1
        k += 1
    buf = io.StringIO()
    yaml.dump(org, buf)
    paths.org_yaml.write_text(buf.getvalue(), encoding="utf-8")
    _clone_rows(paths.metrics_csv, clones, ("member",))
    _clone_rows(paths.reviews_csv, clones, ("rater", "ratee"))
    return list(clones)


def _clone_rows(path: Path, clones: dict[str, str], columns: tuple[str, ...]) -> None:
    """Copy each clone source's rows; in ratings both sides move to the same clone batch."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields = list(rows[0].keys())
    sources = set(clones.values())
    extra = []
    for new_id, src in clones.items():
        prefix = new_id.split(".", 1)[0] + "."
        for row in rows:
            if row[columns[-1]] != src:
                continue
            copy = dict(row)
            copy[columns[-1]] = new_id
            if len(columns) == 2:
                rater = row[columns[0]]
                copy[columns[0]] = prefix + rater if rater in sources else rater
            extra.append(copy)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + extra)
    path.write_text(out.getvalue(), encoding="utf-8")


def _build(directory: Path, members: int, today: date) -> Settings:
    paths = write_demo_files(directory / "files", today)
    _clone_org(paths, members)
    url = f"sqlite:///{directory / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    steps = [
        import_org_file(engine, paths.org_yaml, dry_run=False, actor="bench"),
        import_metrics_file(engine, paths.metrics_csv, actor="bench"),
        import_reviews_file(engine, paths.reviews_csv, actor="bench"),
    ]
    errors = [e for s in steps for e in s.errors]
    if errors:
        raise RuntimeError("\n".join(errors[:20]))
    return Settings(
        database_url=url, secret_key=SecretStr("bench-secret"), public_url="http://127.0.0.1"
    )


def _time(client: TestClient, url: str, repeats: int) -> dict[str, Any]:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return {
        "median_s": round(statistics.median(samples), 4),
        "min_s": round(min(samples), 4),
        "max_s": round(max(samples), 4),
        "repeats": repeats,
        "bytes": len(response.content),
    }


def run(members: int = 300, repeats: int = 5) -> dict[str, Any]:
    """Median and spread of rendering the team view and a member page."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        settings = _build(Path(tmp), members, now.date())
        try:
            app = create_app(settings)
            with TestClient(app, base_url="http://127.0.0.1") as client:
                client.cookies.set(SESSION_COOKIE, make_session_token(settings, DEMO_ADMIN, now))
                client.get(f"/dashboard/team/{TEAM}")  # warm the org cache
                team = _time(client, f"/dashboard/team/{TEAM}", repeats)
                rows = client.get(f"/dashboard/team/{TEAM}/export.csv").text.count("\n") - 1
                member = _time(client, f"/dashboard/m/{DEMO_MEMBER}", repeats)
        finally:
            dispose_engine(settings.database_url)
    return {"members": members, "team_rows": rows, "team_view": team, "member_page": member}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
