"""The import commands against a real store (SQLite, and PostgreSQL when configured).

Every refused input must name what is wrong and leave every table exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner, Result

from bot.cli import app
from storage.db import session_scope
from storage.repo import table_counts
from storage.tables import AuditLog, ScoreSnapshot
from tests.paths import SHARED
from tests.storage.helpers import snapshot

EXAMPLE = (SHARED / "examples" / "org.yaml").read_text(encoding="utf-8")
WORKED = SHARED / "examples" / "worked"
Invoke = Callable[..., Result]


@pytest.fixture
def cli(db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    monkeypatch.setenv("PERFBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def load_worked(cli: Invoke) -> None:
    for cmd, name in (("org", "org.yaml"), ("metrics", "metrics.csv"), ("reviews", "reviews.csv")):
        result = cli(cmd, "import", str(WORKED / name))
        assert result.exit_code == 0, result.output


def test_store_scores_equal_file_scores(cli: Invoke) -> None:
    load_worked(cli)
    args = ["score", "--period", "2026-Q3", "--as-of", "2026-11-27", "--json"]
    from_store = cli(*args)
    assert from_store.exit_code == 0, from_store.output
    from_files = cli(
        *args,
        "--config",
        str(WORKED / "org.yaml"),
        "--metrics",
        str(WORKED / "metrics.csv"),
        "--reviews",
        str(WORKED / "reviews.csv"),
    )
    assert json.loads(from_store.stdout) == json.loads(from_files.stdout)
    assert json.loads(from_store.stdout)["members"][0]["total"] == 109.77


def test_reimport_is_a_noop(cli: Invoke, engine: Engine, tmp_path: Path) -> None:
    load_worked(cli)
    before = snapshot(engine)
    again = cli("org", "import", str(WORKED / "org.yaml"))
    assert again.exit_code == 0
    assert "unchanged" in again.stdout
    metrics = cli("metrics", "import", str(WORKED / "metrics.csv"))
    assert "0 new, 0 replaced, 13 unchanged" in metrics.stdout
    after = snapshot(engine, skip=("audit_log", "import_batch"))
    assert after == {k: v for k, v in before.items() if k != "import_batch"}


def test_changed_metric_replaces_and_keeps_history(cli: Invoke, tmp_path: Path) -> None:
    load_worked(cli)
    path = write(
        tmp_path, "fix.csv", "member,indicator,period,value\nmei,private_gmv,2026-Q3,160000\n"
    )
    result = cli("metrics", "import", path)
    assert "1 replaced" in result.stdout
    score = cli("score", "--period", "2026-Q3", "--as-of", "2026-11-27", "--json")
    inds = {
        i["key"]: i
        for d in json.loads(score.stdout)["members"][0]["dimensions"]
        for i in d["indicators"]
    }
    assert inds["private_gmv"]["score"] == 80


ORG_BREAKS = [
    pytest.param(
        (
            "weight: 20, period: month, aggregate: sum, target: 12",
            "weight: 10, period: month, aggregate: sum, target: 12",
        ),
        "bad.yaml:97 templates[0].indicators[2].weight: dimension 'process' weights sum to 90, expected 100",
        id="weights-90",
    ),
    pytest.param(
        ("    manager: wang.fang\n    channels", "    manager: nobody\n    channels"),
        "teams[0].manager: unknown member 'nobody'",
        id="unknown-manager",
    ),
    pytest.param(
        ("target: 200000, unit: CNY}", "target: -5, unit: CNY}"),
        "templates[0].indicators[1].target: target must be > 0",
        id="negative-target",
    ),
    pytest.param(
        ("{id: zhou.min,", "{id: zhao.lei,"),
        "members[5].id: duplicate member id 'zhao.lei'",
        id="duplicate-member",
    ),
    pytest.param(
        ("  bonus_cap: 10 ", "  colour: blue\n  bonus_cap: 10 "),
        "org.colour: unknown key",
        id="unknown-key",
    ),
    pytest.param(
        ("org:\n", "org: [\n"),
        "(syntax)",
        id="broken-yaml",
    ),
]


@pytest.mark.parametrize(("edit", "message"), ORG_BREAKS)
def test_broken_org_changes_nothing(
    cli: Invoke, engine: Engine, tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    first = cli("org", "import", write(tmp_path, "org.yaml", EXAMPLE))
    assert first.exit_code == 0, first.output
    before = snapshot(engine, skip=())
    old, new = edit
    assert old in EXAMPLE
    result = cli("org", "import", write(tmp_path, "bad.yaml", EXAMPLE.replace(old, new, 1)))
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith("bad.yaml:") or "bad.yaml:" in result.stderr
    assert snapshot(engine, skip=()) == before


BAD_METRICS = [
    pytest.param("mei,private_gmv,2026-Q3,abc", "metrics.csv:2 value", id="abc"),
    pytest.param("mei,private_gmv,2026-Q5,1", "metrics.csv:2 period", id="bad-period"),
    pytest.param("nobody,private_gmv,2026-Q3,1", "metrics.csv:2 member", id="unknown-member"),
    pytest.param("mei,no_such,2026-Q3,1", "metrics.csv:2 indicator", id="unknown-indicator"),
    pytest.param("mei,private_gmv,2026-Q3,-1", "metrics.csv:2 value", id="negative"),
]


@pytest.mark.parametrize(("line", "message"), BAD_METRICS)
def test_bad_metric_row_changes_nothing(
    cli: Invoke, engine: Engine, tmp_path: Path, line: str, message: str
) -> None:
    load_worked(cli)
    before = snapshot(engine, skip=())
    good = "mei,content_exposure,2026-10,5"
    path = write(tmp_path, "metrics.csv", f"member,indicator,period,value\n{line}\n{good}\n")
    result = cli("metrics", "import", path)
    assert result.exit_code == 1
    assert message in result.stderr
    assert snapshot(engine, skip=()) == before


BAD_REVIEWS = [
    pytest.param("2026-Q3,mei,mei,collaboration,4", "self", id="self-rating"),
    pytest.param("2026-Q3,r1,mei,collaboration,6", "from 1 to 5", id="out-of-scale"),
    pytest.param("2026-Q3,r1,mei,collaboration,0", "from 1 to 5", id="zero"),
    pytest.param("2026-08,r1,mei,collaboration,4", "quarter", id="cycle-not-quarter"),
    pytest.param("2026-Q3,r1,mei,charisma,4", "criterion", id="unknown-criterion"),
]


@pytest.mark.parametrize(("line", "message"), BAD_REVIEWS)
def test_bad_review_row_changes_nothing(
    cli: Invoke, engine: Engine, tmp_path: Path, line: str, message: str
) -> None:
    load_worked(cli)
    before = snapshot(engine, skip=())
    path = write(tmp_path, "reviews.csv", f"cycle,rater,ratee,criterion,value\n{line}\n")
    result = cli("reviews", "import", path)
    assert result.exit_code == 1
    assert "reviews.csv:2" in result.stderr
    assert message in result.stderr
    assert snapshot(engine, skip=()) == before


def test_dry_runs_write_nothing(cli: Invoke, engine: Engine) -> None:
    with session_scope(engine) as s:
        before = table_counts(s)
    result = cli("org", "import", str(WORKED / "org.yaml"), "--dry-run")
    assert result.exit_code == 0
    assert "dry run" in result.stdout
    with session_scope(engine) as s:
        assert table_counts(s) == before


def test_metrics_before_org_is_a_clear_error(cli: Invoke) -> None:
    result = cli("metrics", "import", str(WORKED / "metrics.csv"))
    assert result.exit_code == 1
    assert "perfbot org import" in result.stderr


def test_frozen_period_needs_reopen(cli: Invoke, engine: Engine, tmp_path: Path) -> None:
    load_worked(cli)
    with session_scope(engine) as s:
        s.add(ScoreSnapshot(period="2026-Q3", member_id="mei", as_of=_utc()))
    path = write(tmp_path, "late.csv", "member,indicator,period,value\nmei,private_gmv,2026-09,1\n")
    refused = cli("metrics", "import", path)
    assert refused.exit_code == 1
    assert "2026-Q3 is frozen" in refused.stderr
    assert "--reopen" in refused.stderr
    allowed = cli("metrics", "import", path, "--reopen")
    assert allowed.exit_code == 0, allowed.output
    with session_scope(engine) as s:
        actions = list(s.exec(select(AuditLog.action)).all())
    assert "period.reopen" in actions


def test_org_schema_is_json_schema(cli: Invoke) -> None:
    result = cli("org", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"org", "teams", "members", "templates"} <= set(schema["properties"])


def _utc():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 10, 8, tzinfo=UTC)
