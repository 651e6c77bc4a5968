"""The command line speaks zh-CN and en: which language it picks, and what it says in each.

The CLI locale is `PERFBOT_LOCALE`, else the shell's (`LC_ALL`, `LC_MESSAGES`, `LANG`),
else — when none of those is set — the org's default locale from the store, else English.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.cli_locale import shell_locale
from tests.paths import SHARED

WORKED = SHARED / "examples" / "worked"
SHELL = ("LC_ALL", "LC_MESSAGES", "LANG")
Run = Callable[..., Result]


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """`run(locale, *args, **env)`: the CLI with PERFBOT_LOCALE=locale (None: unset), no
    shell locale unless given, on a fresh store."""
    monkeypatch.setenv("PERFBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    for name in (*SHELL, "PERFBOT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(locale: str | None, *args: str, **env: str) -> Result:
        environ = {"PERFBOT_LOCALE": locale, **env} if locale else env
        return runner.invoke(app, list(args), env=dict(environ))

    return invoke


def load_worked(run: Run) -> None:
    for cmd, name in (("org", "org.yaml"), ("metrics", "metrics.csv"), ("reviews", "reviews.csv")):
        result = run("en", cmd, "import", str(WORKED / name))
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.GB18030", "LC_MESSAGES": "en_US.UTF-8"}, "zh_CN"),
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "POSIX", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, None),
    ],
)
def test_shell_locale_first_set_variable_decides(
    environ: dict[str, str], expected: str | None
) -> None:
    assert shell_locale(environ) == expected


def test_setting_beats_the_shell(run: Run) -> None:
    assert run("en", "migrate", LANG="zh_CN.UTF-8").stdout == "database schema is up to date\n"
    assert run("zh-CN", "migrate", LANG="en_US.UTF-8").stdout == "数据库结构已是最新\n"
    assert run("zh_cn", "migrate").stdout == "数据库结构已是最新\n"


def test_shell_locale_when_no_setting(run: Run) -> None:
    assert run(None, "migrate", LANG="zh_CN.UTF-8").stdout == "数据库结构已是最新\n"
    assert run(None, "migrate", LC_ALL="C.UTF-8", LANG="zh_CN.UTF-8").stdout == (
        "database schema is up to date\n"
    )


def test_org_default_only_when_no_shell_locale(run: Run) -> None:
    assert run(None, "migrate").stdout == "database schema is up to date\n"  # no org yet
    load_worked(run)  # org.locale not given: zh-CN
    assert run(None, "outbox", "list").stderr == "共 0 行\n"
    assert run(None, "outbox", "list", LANG="C.UTF-8").stderr == "0 row(s)\n"
    assert run("en", "outbox", "list").stderr == "0 row(s)\n"


def test_a_bad_locale_setting_is_a_user_error(run: Run) -> None:
    result = run("fr", "migrate")
    assert result.exit_code == 1
    assert result.stderr == "PERFBOT_LOCALE: expected zh-CN or en, got 'fr'\n"
    zh = run("fr", "org", "schema", LANG="zh_CN.UTF-8")
    assert zh.exit_code == 1
    assert zh.stderr == "PERFBOT_LOCALE：只支持 zh-CN 或 en，实际为 'fr'\n"


def test_outbox(run: Run) -> None:
    zh = run("zh-CN", "outbox", "list", "--state", "lost")
    assert zh.exit_code == 1
    assert zh.stderr == "未知状态 'lost'；可用：pending, sending, sent, dead\n"
    en = run("en", "outbox", "list", "--state", "lost")
    assert en.stderr == "unknown state 'lost'; use one of pending, sending, sent, dead\n"
    assert run("zh-CN", "outbox", "retry", "7").stderr == "未知的 outbox 编号：7\n"
    assert run("en", "outbox", "retry", "7").stderr == "unknown outbox id(s): 7\n"


def test_jobs(run: Run) -> None:
    load_worked(run)
    unknown = run("zh-CN", "jobs", "run", "nope")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("未知任务 'nope'；可用任务：checkin-reminders, ")
    assert run("en", "jobs", "run", "nope").stderr.startswith("unknown job 'nope'; jobs: ")
    bad_now = run("zh-CN", "jobs", "run", "cycle-close", "--now", "soon")
    assert bad_now.exit_code == 2
    assert "不是 ISO 格式的时间：'soon'" in bad_now.stderr
    ran = run("zh-CN", "jobs", "run", "award-detection", "--now", "2026-09-25T10:00")
    assert ran.stdout == "award-detection（2026-09-25T10:00:00+08:00）：没有到期的事项\n"
    ran = run("en", "jobs", "run", "award-detection", "--now", "2026-09-25T10:00")
    assert ran.stdout == "award-detection at 2026-09-25T10:00:00+08:00: nothing due\n"
    listed = run("zh-CN", "jobs", "list").stdout.splitlines()
    assert listed[0].split()[:1] == ["checkin-reminders"]
    assert listed[0].endswith(" 打卡日 schedule.checkin.at 提醒，随后催办与升级（成员时区）")
    award = run("en", "jobs", "list").stdout.splitlines()[6]
    assert award.endswith(" hourly: content hits, new-customer award, team pool")


def test_score_table_and_usage_errors(run: Run) -> None:
    load_worked(run)
    args = ("score", "--period", "2026-Q3", "--as-of", "2026-11-27")
    zh = run("zh-CN", *args).stdout
    assert zh.startswith("2026-Q3 得分，截至 2026-11-27T00:00:00+08:00（暂定）\n")
    assert "mei（growth）：总分 109.77  等级 A" in zh
    assert "× 绩效系数 1.1（团队OKR达成率 1.05）+ 特殊贡献加分 3.0  [暂定]" in zh
    for word in ("指标", "权重", "实际值", "目标", "达成率", "得分", "result（权重 40.0%）"):
        assert word in zh
    assert "激励：阶梯提成 —, 超额奖金 —, 团队奖金池分配 —" in zh
    en = run("en", *args).stdout
    assert "mei (growth): total 109.77  grade A" in en
    assert "incentives: commission —, over_target_bonus —, pool_share —" in en
    usage = run("zh-CN", "score", "--period", "2026-Q3", "--config", "x.yaml")
    assert (usage.exit_code, usage.stderr) == (2, "--config 和 --metrics 须同时给出\n")
    usage = run("zh-CN", "score", "--period", "2026-Q3", "--reviews", "r.csv")
    assert (usage.exit_code, usage.stderr) == (2, "--reviews 需要同时给出 --config 和 --metrics\n")
    usage = run("en", "score", "--period", "2026-Q3", "--reviews", "r.csv")
    assert usage.stderr == "--reviews needs --config and --metrics\n"


def test_json_output_is_the_same_in_both_languages(run: Run) -> None:
    load_worked(run)
    args = ("score", "--period", "2026-Q3", "--as-of", "2026-11-27", "--json")
    assert run("zh-CN", *args).stdout == run("en", *args).stdout
    assert run("zh-CN", "org", "schema").stdout == run("en", "org", "schema").stdout


def test_link_and_serve(run: Run) -> None:
    load_worked(run)
    keyed = {"PERFBOT_SECRET_KEY": "s3cret"}
    unknown = run("zh-CN", "link", "nobody", **keyed)
    assert (unknown.exit_code, unknown.stderr) == (1, "未知成员 'nobody'\n")
    assert run("en", "link", "nobody", **keyed).stderr == "unknown member 'nobody'\n"
    made = run("zh-CN", "link", "mei", **keyed)
    assert made.exit_code == 0, made.output
    assert made.stderr.endswith("分钟内有效，仅可使用一次\n")
    assert run("en", "link", "mei", **keyed).stderr.endswith(" minutes, once\n")
    serve = run("zh-CN", "serve")
    assert (serve.exit_code, serve.stderr) == (1, "serve 需要设置 PERFBOT_SECRET_KEY\n")
    assert run("en", "serve").stderr == "PERFBOT_SECRET_KEY is required by serve\n"
