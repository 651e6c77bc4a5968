"""Whole-org scoring inputs a team at a time, so the org's rows are never all in memory.

A year of metric rows of a 10,000-member org is about a million objects; scoring a closed
quarter for everyone held them all at once (≈ 750 MB on SQLite). Each team's members
depend only on what `load_scoring_inputs(members=…)` reads for them — their own rows, the
team's `team:KEY` rows, teammates' content-hit rows when a pool is split by points, the
ratings where they are ratee and, for a normalized indicator, the org-wide ratings of its
criteria — so scoring team by team with those inputs gives every member the same result
as scoring the whole org at once (`tests/storage/test_scoring_chunks.py` checks it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session

from scoring import model as sm
from scoring.periods import Period
from storage.gcpause import paused_gc
from storage.repo.scoring_inputs import _member_ratings, _member_rows, current_org


@dataclass(frozen=True)
class TeamInputs:
    """One team's scored members and everything their scores read."""

    org: sm.Org
    members: list[str]
    rows: list[sm.MetricRow]
    ratings: list[sm.Rating]


def team_inputs(session: Session, *, period: Period) -> Iterator[TeamInputs]:
    """Per team (config order), its scored members' inputs for `period`'s year; the caller
    scores each chunk (`score_report(…, members=chunk.members)`) and lets it go.

    The cyclic collector is paused until the iteration ends or the generator is closed
    (`storage.gcpause`): loading and scoring build millions of acyclic objects, and with a
    10,000-member org's reports accumulating, its repeated scans of the growing heap were
    ≈ 40 % of the whole run. Consume the generator to the end, or close it."""
    with paused_gc():
        org = current_org(session)
        year = period.enclosing("year")
        teams: dict[str, list[str]] = {}
        for m in org.members.values():
            if m.template is not None:
                teams.setdefault(m.team, []).append(m.id)
        for ids in teams.values():
            # no locals kept across the yield: the generator's frame would hold this team's
            # rows while the next team's are read
            yield TeamInputs(
                org,
                ids,
                _member_rows(session, org, year, ids),
                _member_ratings(session, org, year, ids),
            )
