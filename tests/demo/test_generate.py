"""The demo generator is a pure function of (today, seed) and writes what it returns."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from bot.demo import DEMO_ADMIN, DEMO_MANAGER, DEMO_MEMBER, generate_demo, write_demo_files
from scoring.periods import Period
from tests.demo.conftest import TODAY, Loaded


def test_same_inputs_give_identical_text() -> None:
    a, b = generate_demo(TODAY), generate_demo(TODAY, seed=7)
    assert (a.org_yaml, a.metrics_csv, a.reviews_csv) == (b.org_yaml, b.metrics_csv, b.reviews_csv)
    assert a.checkins == b.checkins
    assert a.awards == b.awards


def test_other_seed_or_day_changes_the_numbers() -> None:
    base = generate_demo(TODAY)
    assert generate_demo(TODAY, seed=8).metrics_csv != base.metrics_csv
    assert generate_demo(date(2026, 8, 20)).metrics_csv != base.metrics_csv


def test_write_demo_files_writes_the_generated_text(tmp_path: Path) -> None:
    paths = write_demo_files(tmp_path / "new", TODAY)
    data = generate_demo(TODAY)
    assert paths.org_yaml.read_text("utf-8") == data.org_yaml
    assert paths.metrics_csv.read_text("utf-8") == data.metrics_csv
    assert paths.reviews_csv.read_text("utf-8") == data.reviews_csv


def test_demo_ids_name_an_admin_a_manager_and_a_scored_member(demo: Loaded) -> None:
    members = demo.org.members
    assert "admin" in members[DEMO_ADMIN].roles
    assert any(demo.org.manager_of(m) == DEMO_MANAGER for m in members if m != DEMO_MANAGER)
    assert members[DEMO_MEMBER].template is not None
    assert len({DEMO_ADMIN, DEMO_MANAGER, DEMO_MEMBER}) == 3


def test_nothing_is_dated_after_today(demo: Loaded) -> None:
    rows = list(csv.DictReader(io.StringIO(demo.data.metrics_csv)))
    assert rows
    assert all(Period.parse(r["period"]).start <= TODAY for r in rows)
    assert any(r["period"] == "2026-08" for r in rows)
    for c in demo.data.checkins:
        assert c.opened_at.date() <= TODAY
        assert c.submitted_at is None or c.submitted_at.date() < TODAY
    assert all(a.approved_at.date() < TODAY for a in demo.data.awards)


def test_submitted_checkins_are_metric_rows(demo: Loaded) -> None:
    rows = {
        (r["member"], r["indicator"], r["period"]): r["value"]
        for r in csv.DictReader(io.StringIO(demo.data.metrics_csv))
        if r["origin"] == "checkin"
    }
    submitted = [c for c in demo.data.checkins if c.status == "submitted"]
    expected = {(c.member, k, c.period): v for c in submitted for k, v in c.values.items()}
    assert rows == expected
    assert {c.status for c in demo.data.checkins} >= {"submitted", "missed"}


def test_innovation_awards_follow_the_approval_rules(demo: Loaded) -> None:
    marketing = demo.config.org.approvers.marketing
    innovation = [a for a in demo.data.awards if a.kind == "innovation"]
    assert innovation
    for award in innovation:
        assert award.approved_by in marketing
        assert award.approved_by != award.nominated_by
        assert any(demo.org.manager_of(m) == award.nominated_by for m in demo.org.members)
