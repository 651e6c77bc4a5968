"""`perfbot score --config/--metrics/--reviews`: the worked example of scoring.md §6, in memory."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bot.cli import _print_json, app
from tests.paths import SHARED

WORKED = SHARED / "examples" / "worked"
ARGS = [
    "score",
    "--config",
    str(WORKED / "org.yaml"),
    "--metrics",
    str(WORKED / "metrics.csv"),
    "--reviews",
    str(WORKED / "reviews.csv"),
    "--period",
    "2026-Q3",
    "--as-of",
    "2026-11-27",
]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERFBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'untouched.db'}")
    return CliRunner()


def _indicators(member: dict[str, object]) -> dict[str, dict[str, object]]:
    dims = member["dimensions"]
    assert isinstance(dims, list)
    return {i["key"]: i for d in dims for i in d["indicators"]}


def test_worked_example_json_to_the_cent(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, [*ARGS, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["period"] == "2026-Q3"
    assert report["provisional"] is True
    (mei,) = report["members"]
    assert mei["member"] == "mei"
    assert mei["team"] == "growth"
    assert (mei["total"], mei["grade"]) == (109.77, "A")
    assert (mei["base"], mei["okr_rate"], mei["coefficient"], mei["bonus"]) == (
        97.07,
        1.05,
        1.1,
        3,
    )
    dims = {d["key"]: (d["weight"], d["score"]) for d in mei["dimensions"]}
    assert dims == {"result": (40, 96), "process": (40, 101.67), "capability": (20, 90)}
    got = {k: (i["value"], i["target"], i["score"]) for k, i in _indicators(mei).items()}
    assert got == {
        "new_customer_sales": (330000, 300000, 110),
        "private_gmv": (150000, 200000, 75),
        "content_exposure": (103333.33, 100000, 103.33),
        "community_weekly_active": (0.3, 0.3, 100),
        "digital_tools": (1, 1, 100),
        "collaboration": (4, None, 80),
    }
    for ind in _indicators(mei).values():
        assert set(ind) >= {
            "key",
            "weight",
            "value",
            "target",
            "original_target",
            "achievement",
            "score",
            "missing",
            "replaces",
            "calibration",
        }
        assert ind["missing"] is False
    assert set(mei["incentives"]) >= {"commission", "over_target_bonus", "pool_share", "awards"}
    assert not (tmp_path / "untouched.db").exists(), "file scoring must not open a database"


def test_table_output_says_provisional(runner: CliRunner) -> None:
    result = runner.invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    assert "109.77" in result.stdout
    assert "provisional" in result.stdout
    assert "collaboration" in result.stdout


def test_closed_year_is_final(runner: CliRunner) -> None:
    result = runner.invoke(app, [*ARGS[:-1], "2027-02-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["provisional"] is False


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--period", "2026-Q5"], "bad period"),
        (["--as-of", "yesterday"], "not an ISO date"),
        (["--member", "nobody"], "unknown member 'nobody'"),
    ],
)
def test_bad_arguments_exit_1(runner: CliRunner, extra: list[str], message: str) -> None:
    result = runner.invoke(app, [*ARGS, *extra])
    assert result.exit_code == 1
    assert message in result.stderr


def test_config_without_metrics_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", "--period", "2026-Q3", "--config", "x.yaml"])
    assert result.exit_code == 2


def test_missing_reviews_flag_the_indicator(runner: CliRunner) -> None:
    result = runner.invoke(app, [*ARGS[:5], *ARGS[7:], "--json"])
    assert result.exit_code == 0, result.output
    inds = _indicators(json.loads(result.stdout)["members"][0])
    assert (inds["collaboration"]["missing"], inds["collaboration"]["score"]) == (True, 0)
    table = runner.invoke(app, [*ARGS[:5], *ARGS[7:]])
    assert "collaboration (missing)" in table.stdout


def rich_json(data: object) -> str:
    """What `Console.print_json` prints off a terminal (the CLI's output before streaming)."""
    buf = io.StringIO()
    Console(file=buf, soft_wrap=True, width=160).print_json(json.dumps(data, ensure_ascii=False))
    return buf.getvalue()


def test_piped_json_is_what_rich_printed_byte_for_byte(
    runner: CliRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    """Off a terminal `--json` is streamed as it is encoded (a whole org's report is too big
    for rich's highlighter), in exactly the layout `Console.print_json` gave it."""
    result = runner.invoke(app, [*ARGS, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert result.stdout == rich_json(report)
    report["members"][0]["note"] = '李娜 said "ok"\t½ \\ done\n'  # non-ASCII and escapes
    _print_json(report)
    assert capsys.readouterr().out == rich_json(report)
