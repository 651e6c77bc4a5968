"""`generate_demo(today)`: the whole demo org — config, metrics, reviews, records — as text.

Deterministic by design: one `random.Random(seed)` drives every number and `today` is a
parameter, so the same inputs give byte-identical files (tests, docs screenshots and the
playground all see the same org). Nothing here reads the clock or touches a database.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import astuple, dataclass, field, fields
from datetime import date
from importlib import resources
from pathlib import Path
from string import Template

from bot.demo.metrics import MemberMetrics, Row, checkin_rows, person_factors
from bot.demo.records import AwardRecord, Checkin, make_awards, make_checkins
from bot.demo.reviews import ReviewRow, make_reviews
from bot.demo.roster import PEOPLE, member_yaml
from bot.demo.team import team_rows
from bot.demo.window import Window

DEMO_ADMIN = "chen.jing"
"""HR admin: sees and manages everything, approves as `hr`."""
DEMO_MANAGER = "wang.fang"
"""Lead of the growth team (增长营销部), a `marketing` approver."""
DEMO_MEMBER = "li.na"
"""The growth team's star copywriter, on Slack, Feishu and WeCom."""
DEFAULT_SEED = 7


@dataclass(frozen=True)
class DemoData:
    """The demo org as file texts plus the chat history the files cannot hold."""

    today: date
    org_yaml: str
    metrics_csv: str
    reviews_csv: str
    checkins: list[Checkin] = field(default_factory=list)
    awards: list[AwardRecord] = field(default_factory=list)


@dataclass(frozen=True)
class DemoPaths:
    org_yaml: Path
    metrics_csv: Path
    reviews_csv: Path


def _org_yaml(win: Window) -> str:
    template = Template(
        resources.files("bot.demo").joinpath("org_template.yaml").read_text("utf-8")
    )
    members = []
    for p in PEOPLE:
        joined = win.joined.isoformat() if p.profile == "newcomer" else None
        leave = (
            (win.leave.start.isoformat(), win.leave.end.isoformat())
            if p.profile == "leave"
            else None
        )
        members.append(member_yaml(p, joined, leave))
    return template.substitute(
        today=win.today.isoformat(),
        members="\n".join(members),
        last_quarter=str(win.last_quarter),
        this_quarter=str(win.this_quarter),
    )


def _csv(header: list[str], rows: list[tuple[object, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def generate_demo(today: date, seed: int = DEFAULT_SEED) -> DemoData:
    """The demo org as of `today`: two closed quarters plus the open one to date."""
    rng = random.Random(seed)
    win = Window.for_today(today)
    factors = person_factors(rng)
    checkins = make_checkins(win, factors, rng)
    builder = MemberMetrics(win, factors, rng)
    member_rows = [row for p in PEOPLE if p.scored for row in builder.rows(p)]
    rows = member_rows + checkin_rows(checkins) + team_rows(win, member_rows, checkins, rng)
    reviews = make_reviews(win, rng)
    return DemoData(
        today=today,
        org_yaml=_org_yaml(win),
        metrics_csv=_csv([f.name for f in fields(Row)], [astuple(r) for r in rows]),
        reviews_csv=_csv([f.name for f in fields(ReviewRow)], [astuple(r) for r in reviews]),
        checkins=checkins,
        awards=make_awards(win),
    )


def write_demo_files(directory: Path | str, today: date, seed: int = DEFAULT_SEED) -> DemoPaths:
    """Writes org.yaml, metrics.csv and reviews.csv into `directory` (created if missing)."""
    data = generate_demo(today, seed)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = DemoPaths(out / "org.yaml", out / "metrics.csv", out / "reviews.csv")
    paths.org_yaml.write_text(data.org_yaml, encoding="utf-8")
    paths.metrics_csv.write_text(data.metrics_csv, encoding="utf-8")
    paths.reviews_csv.write_text(data.reviews_csv, encoding="utf-8")
    return paths
