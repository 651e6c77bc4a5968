"""The team view: a manager's reports (an admin: anyone) side by side, plus the team's
check-in and review completion, at-risk indicators and approval trails.

Every figure is computed over the members the viewer may see, never the whole team, so
the page and its CSV export show exactly the same people.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine

from handlers.access import is_admin, manages
from handlers.i18n import t
from handlers.teamrecords import load_team_records
from handlers.webdata import Inputs, dimension_name, fmt_num, fmt_pct, indicator_names, team_name
from scoring.breakdown import MemberScore
from scoring.jsonout import num
from scoring.model import Org
from scoring.periods import Period
from scoring.projection import projected_achievement
from scoring.report import Scorer
from scoring.rules import ScoringError
from scoring.values import RowIndex
from storage.gcpause import paused_gc

AT_RISK = Decimal("0.8")
DIMENSIONS = ("result", "process", "capability")
Json = dict[str, Any]


def visible_teams(org: Org, viewer: str) -> list[str]:
    """Teams with at least one member the viewer may see (an admin: every team)."""
    if is_admin(org, viewer):
        return list(org.teams)
    keys = {m.team for m in org.members.values() if manages(org, viewer, m.id)}
    return [k for k in org.teams if k in keys]


def team_members(org: Org, viewer: str, team: str) -> list[str] | None:
    """The team's members the viewer may see; None when the viewer may see none (403)."""
    admin = is_admin(org, viewer)
    ids = [
        m.id
        for m in org.members.values()
        if m.team == team and (admin or manages(org, viewer, m.id))
    ]
    return ids if ids or (admin and team in org.teams) else None


def team_page(
    engine: Engine, team: str, members: list[str], period: Period, ins: Inputs, locale: str
) -> Json:
    """The team view's data. Scoring a large team builds many acyclic objects over the
    org's rows; the cyclic collector would re-scan them all (100 ms stalls), so it waits."""
    with paused_gc():
        return _team_page(engine, team, members, period, ins, locale)


def _team_page(
    engine: Engine, team: str, members: list[str], period: Period, ins: Inputs, locale: str
) -> Json:
    org = ins.org
    scorer = Scorer(org, ins.rows, ins.ratings, ins.now)
    scored, provisional, rows = team_rows(members, period, ins, locale, scorer)
    records = load_team_records(engine, team, scored, period, ins.today, org)
    names = indicator_names(org, locale)
    return {
        "team": team,
        "team_name": team_name(org, team, locale),
        "period": str(period),
        "provisional": provisional,
        "dimensions": [{"key": k, "name": dimension_name(k, locale)} for k in DIMENSIONS],
        "members": rows,
        "grades": _grades(org, rows),
        "checkins": records.checkins,
        "reviews": records.reviews,
        "at_risk": _at_risk(ins, scored, names, locale, scorer.rows),
        "calibrations": records.calibrations,
        "bonus_points": records.bonus_points,
    }


def team_rows(
    members: list[str], period: Period, ins: Inputs, locale: str, scorer: Scorer | None = None
) -> tuple[list[str], bool, list[Json]]:
    """(scored members, report provisional, table rows): what the table and CSV show.

    Only the few figures of the table are rounded (`num`), not the whole breakdown, which
    keeps a 300-member team view fast."""
    org = ins.org
    scored = [m for m in members if org.members[m].template is not None]
    scorer = scorer or Scorer(org, ins.rows, ins.ratings, ins.now)
    report = scorer.report(period, members=scored)
    return scored, report.provisional, [_member_row(org, ms, locale) for ms in report.members]


def _member_row(org: Org, ms: MemberScore, locale: str) -> Json:
    dims = {d.key: num(d.score) for d in ms.dimensions}
    total = num(ms.total)
    return {
        "member": ms.member,
        "name": org.members[ms.member].name or ms.member,
        "total": total,
        "total_text": fmt_num(total, locale),
        "grade": ms.grade,
        "grade_rank": _grade_rank(org, ms.grade),
        "dims": [{"value": dims.get(k), "text": fmt_num(dims.get(k), locale)} for k in DIMENSIONS],
        "coefficient": num(ms.coefficient),
        "bonus": num(ms.bonus),
        "provisional": ms.provisional,
    }


def _grade_rank(org: Org, grade: str | None) -> int:
    """Sort key of a grade: the best grade ranks highest, no grade lowest."""
    keys = [g for g, _ in org.grades]
    return len(keys) - keys.index(grade) if grade in keys else 0


def _grades(org: Org, rows: list[Json]) -> list[Json]:
    counts = Counter(r["grade"] for r in rows)
    out = [{"grade": g, "count": counts.get(g, 0)} for g, _ in org.grades]
    if counts.get(None):
        out.append({"grade": "—", "count": counts[None]})
    return out


def _at_risk(
    ins: Inputs, members: list[str], names: dict[str, str], locale: str, index: RowIndex
) -> list[Json]:
    """Indicators projected below 80 % for the current quarter (scoring's projection)."""
    org = ins.org
    quarter = Period.containing(ins.today, "quarter")
    out = []
    for mid in members:
        tpl = org.templates[org.members[mid].template or ""]
        for ind in tpl.indicators:
            if ind.source in ("peer", "manager"):
                continue
            try:
                a = projected_achievement(org, index, mid, ind.key, quarter, ins.now)
            except ScoringError:
                continue
            if a is not None and a < AT_RISK:
                out.append(
                    {
                        "member": mid,
                        "name": org.members[mid].name or mid,
                        "indicator": names.get(ind.key, ind.key),
                        "projected": fmt_pct(num(a), locale),
                        "quarter": str(quarter),
                    }
                )
    return out


CSV_COLUMNS = (
    "member",
    "name",
    "total",
    "grade",
    "result",
    "process",
    "capability",
    "coefficient",
    "bonus",
    "provisional",
)


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with `'`."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def team_csv(rows: list[Json]) -> str:
    """The members table as CSV: the same rows (from `team_rows`) the viewer sees on screen."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        dims = [d["value"] for d in r["dims"]]
        values = [r["member"], r["name"], r["total"], r["grade"], *dims]
        values += [r["coefficient"], r["bonus"], str(r["provisional"]).lower()]
        writer.writerow([_cell(v) for v in values])
    return buf.getvalue()


def completion_text(done: int, total: int, locale: str) -> str:
    if total == 0:
        return "—"
    return t(
        "web.team.completion", locale, done=done, total=total, pct=fmt_pct(done / total, locale)
    )
