"""Everyone's scores for one period from the store, a team at a time.

The one whole-org scoring path: the quarter close (`cycle-close`), `perfbot score` without
`--config` and `--member`, and the scoring benchmark (`bench/bench_scoring.py`) all call
`score_org`. Each team's inputs are read (`storage.repo.scoring_chunks.team_inputs`),
scored and let go before the next team's are read, so only one team's rows are in memory
at a time, never the org's; the team reports are merged in config order. The result is the
report of scoring everyone at once from `load_scoring_inputs` (tests/storage/
test_scoring_chunks.py, tests/handlers/test_orgscore.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Protocol

from sqlmodel import Session

from scoring.breakdown import Report
from scoring.model import Org
from scoring.periods import Period
from scoring.report import merge_reports, score_report
from storage.repo import current_org
from storage.repo.scoring_chunks import TeamInputs, team_inputs


class TeamLoader(Protocol):
    """`team_inputs`'s signature; the benchmark passes a wrapper that times the reads."""

    def __call__(self, session: Session, *, period: Period) -> Iterator[TeamInputs]: ...


def score_org(
    session: Session,
    *,
    period: Period,
    as_of: datetime | date,
    load: TeamLoader = team_inputs,
) -> tuple[Org, Report]:
    """The org (as `current_org` gives it) and every scored member's breakdown for `period`
    as of `as_of`, members in config order. Raises `NoOrgError` without an org."""
    org: Org | None = None
    parts: list[Report] = []
    for chunk in load(session, period=period):
        org = chunk.org
        parts.append(
            score_report(org, chunk.rows, chunk.ratings, period, as_of, members=chunk.members)
        )
        del chunk  # its rows go now, not once the next team's are loaded
    if org is None:  # nobody is scored: the empty report everyone-at-once scoring gives
        org = current_org(session)
        return org, score_report(org, [], [], period, as_of)
    return org, merge_reports(org, parts)
