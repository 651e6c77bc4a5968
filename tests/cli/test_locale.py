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
    no_org = run("zh-CN", "jobs", "run", "award-detection", "--now", "2026-09-25T10:00")
    assert (no_org.exit_code, no_org.stderr) == (
        1,
        "尚未导入组织配置：请先运行 `perfbot org import FILE.yaml`\n",
    )
    load_worked(run)
    assert run("zh-CN", "link", "mei").stderr == "未设置 PERFBOT_SECRET_KEY：看板链接已停用\n"
    assert run("en", "link", "mei").stderr == (
        "PERFBOT_SECRET_KEY is not set: dashboard links are disabled\n"
    )
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


def refused(run: Run, locale: str, *args: str) -> list[str]:
    """The stderr lines of a run that must end with status 1 (a user error)."""
    result = run(locale, *args)
    assert result.exit_code == 1, result.output
    return result.stderr.splitlines()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_org_import_results(run: Run) -> None:
    org = str(WORKED / "org.yaml")
    assert run("zh-CN", "org", "import", org, "--dry-run").stdout == (
        "org.yaml 校验通过：1 个团队、5 名成员、1 个模板（试运行，未写入任何数据）\n"
    )
    created = run("zh-CN", "org", "import", org).stdout
    assert created.startswith("org.yaml：已创建（1 个团队、5 名成员、1 个模板）；bonus_points +1")
    assert run("zh-CN", "org", "import", org).stdout == (
        "org.yaml：没有变化，无需处理（1 个团队、5 名成员、1 个模板）\n"
    )
    assert run("en", "org", "import", org).stdout == (
        "org.yaml: unchanged, nothing to do (1 teams, 5 members, 1 templates)\n"
    )


def test_metrics_import_results_errors_and_warnings(run: Run, tmp_path: Path) -> None:
    before = run("zh-CN", "metrics", "import", str(WORKED / "metrics.csv"))
    assert (before.exit_code, before.stderr) == (
        1,
        "尚未导入组织配置：请先运行 `perfbot org import FILE.yaml`\n",
    )
    load_worked(run)
    again = run("zh-CN", "metrics", "import", str(WORKED / "metrics.csv"))
    assert again.stdout.startswith("metrics.csv：13 行：新增 0，替换 0，未变 13（批次 ")
    bad = write(
        tmp_path,
        "bad.csv",
        "member,indicator,period,value\n"
        "mei,private_gmv,2026-Q5,abc\n"
        "nobody,private_gmv,2026-13,-1\n"
        "team:growth,private_gmv,2026-08,1\n",
    )
    assert refused(run, "zh-CN", "metrics", "import", bad) == [
        "bad.csv:2 period：无效的期间 '2026-Q5'：应为 YYYY-MM-DD、YYYY-MM、YYYY-Qn 或 YYYY",
        "bad.csv:2 value：不是数字：'abc'",
        "bad.csv:3 member：未知成员 'nobody'",
        "bad.csv:3 period：无效的期间 '2026-13'：月份须为 01..12",
        "bad.csv:3 value：负值 -1（该指标不允许负值）",
        "bad.csv:4 indicator：'private_gmv' 是成员指标：请填写成员，而不是团队",
    ]
    en = run("en", "metrics", "import", bad)
    assert en.stderr.splitlines()[0] == (
        "bad.csv:2 period: bad period '2026-Q5': expected YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY"
    )
    assert "bad.csv:4 indicator: 'private_gmv' is a member metric: name a member, not a team" in (
        en.stderr
    )
    header = write(tmp_path, "cols.csv", "member,indicator,period\n")
    assert run("zh-CN", "metrics", "import", header).stderr == "cols.csv:1 value：缺少此列\n"
    mixed = write(
        tmp_path,
        "mixed.csv",
        "member,indicator,period,value\n"
        "mei,content_exposure,2026-07,5\n"
        "mei,content_exposure,2026-Q3,9\n",
    )
    warned = run("zh-CN", "metrics", "import", mixed, "--dry-run")
    assert warned.exit_code == 0, warned.output
    assert warned.stderr == (
        "警告：mixed.csv:2 period：mei content_exposure 同时有 2026-07 和 2026-Q3"
        "（第 3 行）的数据；两者都会计入\n"
    )
    assert warned.stdout == "mixed.csv 校验通过：2 行（试运行，未写入任何数据）\n"
    assert run("en", "metrics", "import", mixed, "--dry-run").stderr.startswith(
        "warning: mixed.csv:2 period: mei content_exposure has rows for both 2026-07 and 2026-Q3"
    )


def test_frozen_period_in_both_languages(run: Run, tmp_path: Path, db_url: str) -> None:
    from datetime import UTC, datetime

    from storage.db import make_engine, session_scope
    from storage.tables import ScoreSnapshot

    load_worked(run)
    with session_scope(make_engine(db_url)) as s:
        s.add(
            ScoreSnapshot(
                period="2026-Q3", member_id="mei", as_of=datetime(2026, 10, 8, tzinfo=UTC)
            )
        )
    late = write(tmp_path, "late.csv", "member,indicator,period,value\nmei,private_gmv,2026-09,1\n")
    assert run("zh-CN", "metrics", "import", late).stderr == (
        "late.csv：期间 2026-Q3 已被周期结算（cycle-close）冻结；"
        "如需修改，请加 --reopen 重新运行（会记入审计）\n"
    )
    assert run("en", "metrics", "import", late).stderr == (
        "late.csv: period 2026-Q3 is frozen by cycle-close; "
        "re-run with --reopen to change it (audited)\n"
    )


def test_reviews_import(run: Run, tmp_path: Path) -> None:
    load_worked(run)
    bad = write(
        tmp_path,
        "reviews.csv",
        "cycle,rater,ratee,criterion,value\n2026-08,mei,mei,charisma,9\n",
    )
    assert refused(run, "zh-CN", "reviews", "import", bad) == [
        "reviews.csv:2 cycle：评估周期须为季度（如 2026-Q3），实际为 '2026-08'",
        "reviews.csv:2 ratee：不允许自评",
        "reviews.csv:2 criterion：未知的评价项 'charisma'",
        "reviews.csv:2 value：须为 1 到 5 的整数，实际为 '9'",
    ]
    assert run("en", "reviews", "import", bad).stderr.splitlines()[1] == (
        "reviews.csv:2 ratee: a self-rating is not allowed"
    )
    done = run("zh-CN", "reviews", "import", str(WORKED / "reviews.csv"), "--dry-run")
    assert done.stdout == "reviews.csv 校验通过：6 条评分（试运行）\n"


def test_leads_import(run: Run, tmp_path: Path) -> None:
    load_worked(run)
    good = write(
        tmp_path,
        "leads.csv",
        "lead_id,member,created_at,handed_over_at\nC1,mei,2026-08-01 09:00,2026-08-01 10:00\n",
    )
    done = run("zh-CN", "leads", "import", good)
    assert done.stdout.startswith("leads.csv：1 条线索：新增 1，变更 0，未变 0（批次 ")
    assert run("en", "leads", "import", good).stdout.startswith(
        "leads.csv: 1 leads: 0 new, 0 changed, 1 unchanged (batch "
    )
    bad = write(
        tmp_path,
        "bad.csv",
        "lead_id,member,created_at,handed_over_at\nC2,nobody,soon,2026-08-01\n"
        "C3,mei,2026-08-02,2026-08-01\n",
    )
    assert refused(run, "zh-CN", "leads", "import", bad) == [
        "bad.csv:2 member：未知成员 'nobody'",
        "bad.csv:2 created_at：不是 ISO 格式的日期或时间：'soon'",
        "bad.csv:3 handed_over_at：早于 created_at",
    ]
    assert "bad.csv:3 handed_over_at: before created_at" in run("en", "leads", "import", bad).stderr


def test_score_argument_errors(run: Run) -> None:
    load_worked(run)
    zh = run("zh-CN", "score", "--period", "2026-08-01")
    assert (zh.exit_code, zh.stderr) == (1, "--period：报告只针对月、季度或年\n")
    zh = run("zh-CN", "score", "--period", "2026-Q3", "--member", "nobody")
    assert zh.stderr == "--member：未知成员 'nobody'\n"
    assert run("en", "score", "--period", "2026-Q3", "--member", "nobody").stderr == (
        "--member: unknown member 'nobody'\n"
    )
    files = ("--config", str(WORKED / "org.yaml"), "--metrics", "nope.csv")
    missing = run("zh-CN", "score", "--period", "2026-Q3", *files)
    assert (missing.exit_code, missing.stderr.split("：")[:2]) == (
        1,
        ["nope.csv:1 file", "无法读取"],
    )


def test_demo_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "demo.db")
    zh = CliRunner().invoke(
        app, ["demo", "--db", db, "--no-serve"], env={"PERFBOT_LOCALE": "zh-CN"}
    )
    assert zh.exit_code == 0, zh.output
    lines = zh.stdout.splitlines()
    assert lines[0].startswith("已载入演示组织（")
    assert "个团队、" in lines[0]
    assert "条评分：新增" in lines[0]
    assert lines[1:] == [
        "健康检查：http://127.0.0.1:8000/healthz",
        "API 文档：http://127.0.0.1:8000/docs",
        "体验场：  http://127.0.0.1:8000/playground",
    ]
    en = CliRunner().invoke(app, ["demo", "--db", db, "--no-serve"], env={"PERFBOT_LOCALE": "en"})
    assert en.stdout.splitlines()[0].startswith("demo org loaded for ")
    assert en.stdout.splitlines()[1] == "health:     http://127.0.0.1:8000/healthz"


EXAMPLE = (SHARED / "examples" / "org.yaml").read_text(encoding="utf-8")


def broken(tmp_path: Path, name: str, *edits: tuple[str, str]) -> str:
    text = EXAMPLE
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return write(tmp_path, name, text)


def test_org_config_problems(run: Run, tmp_path: Path) -> None:
    fields = broken(
        tmp_path,
        "fields.yaml",
        ("timezone: Asia/Shanghai", "timezone: Mars/Base"),
        ("  bonus_cap: 10 ", "  colour: blue\n  bonus_cap: 10 "),
        ("period: month", "period: fortnight"),
    )
    assert refused(run, "zh-CN", "org", "import", fields, "--dry-run") == [
        "fields.yaml:7 org.timezone：未知时区 'Mars/Base'",
        "fields.yaml:10 org.colour：未知的键",
        "fields.yaml:98 templates[0].indicators[2].period：应为以下之一：'month', 'quarter', 'year'",
    ]
    assert refused(run, "en", "org", "import", fields, "--dry-run") == [
        "fields.yaml:7 org.timezone: unknown timezone 'Mars/Base'",
        "fields.yaml:10 org.colour: unknown key",
        "fields.yaml:98 templates[0].indicators[2].period: Input should be 'month', 'quarter' or 'year'",
    ]
    sums = broken(
        tmp_path,
        "sums.yaml",
        (
            "weight: 20, period: month, aggregate: sum, target: 12",
            "weight: 10, period: month, aggregate: sum, target: 12",
        ),
        ("    manager: wang.fang\n    channels", "    manager: nobody\n    channels"),
        ("target: 200000, unit: CNY}", "target: -5, unit: CNY}"),
        ("{id: zhou.min,", "{id: zhao.lei,"),
    )
    assert refused(run, "zh-CN", "org", "import", sums) == [
        "sums.yaml:77 members[5].id：重复的成员 id 'zhao.lei'",
        "sums.yaml:14 org.approvers.marketing[1]：未知成员 'zhou.min'",
        "sums.yaml:25 teams[0].manager：未知成员 'nobody'",
        "sums.yaml:96 templates[0].indicators[1].target：规则 'linear' 的 target 须大于 0，实际为 -5",
        "sums.yaml:97 templates[0].indicators[2].weight：维度 'process' 的权重之和为 90，应为 100",
    ]
    assert refused(run, "en", "org", "import", sums)[4] == (
        "sums.yaml:97 templates[0].indicators[2].weight: dimension 'process' weights sum to 90, expected 100"
    )
    syntax = broken(tmp_path, "syntax.yaml", ("org:\n", "org: [\n"))
    [line] = refused(run, "zh-CN", "org", "import", syntax)
    assert line.startswith("syntax.yaml:7 (syntax)：YAML 语法错误：")


def test_profile_problems(run: Run, tmp_path: Path) -> None:
    load_worked(run)
    profile = write(
        tmp_path,
        "mine.yaml",
        "name: x\nmember: {colour: 1}\nperiod: {column: d, kind: week}\nvalues: []\n",
    )
    metrics = str(WORKED / "metrics.csv")
    assert refused(run, "zh-CN", "metrics", "import", metrics, "--profile", profile) == [
        "mine.yaml：member.colour：不允许额外的字段",
        "mine.yaml：period.kind：应为以下之一：'day', 'month', 'as_is'",
        "mine.yaml：values：至少需要 1 项，实际为 0 项",
    ]
    assert refused(run, "en", "metrics", "import", metrics, "--profile", profile)[0] == (
        "mine.yaml: member.colour: Extra inputs are not permitted"
    )
    assert refused(run, "zh-CN", "metrics", "import", metrics, "--profile", "nope") == [
        "nope.yaml：未知的导入配置 'nope'（内置：crm_opportunity, douyin_content, wecom_group_stats）"
    ]


def test_help_in_both_languages(run: Run) -> None:
    root = run("zh-CN", "--help", LANG="en_US.UTF-8").stdout
    assert "perfbot：营销团队的绩效管理" in root
    assert "发件箱：等待中、已发送或已放弃的消息。" in root
    command = run(None, "metrics", "import", "--help", LANG="zh_CN.UTF-8").stdout
    assert "载入指标数据；逐行报告所有错误" in command
    assert "只校验，不写入。" in command
    assert "允许修改已冻结的期间。" in command
    english = run("en", "metrics", "import", "--help").stdout
    assert "Load metric values; every bad row is reported" in english
    assert "Validate only; write nothing." in english
    assert "只校验" not in english


def test_one_command_tree_run_twice_speaks_each_runs_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer.main

    tree = typer.main.get_command(app)
    for locale, words in (("zh-CN", "只校验，不写入。"), ("en", "Validate only; write nothing.")):
        monkeypatch.setenv("PERFBOT_LOCALE", locale)
        with pytest.raises(SystemExit):
            tree.main(["org", "import", "--help"], prog_name="perfbot")
        assert words in capsys.readouterr().out
