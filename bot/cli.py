"""`perfbot` command line (typer). Exit 0 on success, 1 on a user error, 2 on a usage error."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli_locale import LocalizedGroup, open_store, voice
from bot.console import out
from bot.delivery_cli import outbox_app
from bot.jobs_cli import jobs_app

if TYPE_CHECKING:
    from bot.settings import Settings

app = typer.Typer(
    cls=LocalizedGroup,
    help="perfbot: performance management for marketing teams on Slack, Feishu and WeCom.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
org_app = typer.Typer(
    cls=LocalizedGroup,
    help="The org config (teams, members, templates, cycles).",
    no_args_is_help=True,
)
metrics_app = typer.Typer(help="Metric values (CSV/XLSX).", no_args_is_help=True)
reviews_app = typer.Typer(help="360 ratings of past or offline cycles.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(metrics_app, name="metrics")
app.add_typer(reviews_app, name="reviews")
leads_app = typer.Typer(help="Lead events (lead handoff timeliness).", no_args_is_help=True)
app.add_typer(leads_app, name="leads")
slack_app = typer.Typer(help="Slack app setup.", no_args_is_help=True)
app.add_typer(slack_app, name="slack")
app.add_typer(outbox_app, name="outbox")
app.add_typer(jobs_app, name="jobs")

DryRun = Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")]


def _settings() -> Settings:
    from bot.settings import Settings

    return Settings()


def _fail(errors: list[str]) -> typer.Exit:
    return voice().fail(errors)


def _warn(warnings: list[str]) -> None:
    v = voice()
    for w in warnings:
        v.err("cli.warning", text=v.text(w))


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (Alembic)."""
    from storage.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    voice().out("cli.migrate.done")


@org_app.command("import")
def org_import(file: Path, dry_run: DryRun = False) -> None:
    """Validate and load the org config; on any error nothing is written."""
    from handlers.admin import import_org_file
    from storage.orgconfig import ConfigError, load_org_file

    if dry_run:
        try:
            load_org_file(file)
        except ConfigError as exc:
            raise _fail(exc.errors) from None
    result = import_org_file(open_store(_settings()), file, dry_run=dry_run)
    if result.errors:
        raise _fail(result.errors)
    _done(result.message)


def _done(message: str) -> None:
    out.print(voice().text(message), markup=False, highlight=False, soft_wrap=True)


@org_app.command("schema")
def org_schema() -> None:
    """Print the JSON Schema of the org config."""
    from storage.orgconfig import org_json_schema

    out.print_json(json.dumps(org_json_schema(), ensure_ascii=False))


@metrics_app.command("import")
def metrics_import(
    file: Path,
    profile: Annotated[str | None, typer.Option(help="Source mapping profile.")] = None,
    dry_run: DryRun = False,
    reopen: Annotated[bool, typer.Option(help="Allow changing a frozen period.")] = False,
) -> None:
    """Load metric values; every bad row is reported and then nothing is written."""
    from handlers.admin import import_metrics_file

    result = import_metrics_file(
        open_store(_settings()), file, profile=profile, dry_run=dry_run, reopen=reopen
    )
    _warn(result.warnings)
    if result.errors:
        raise _fail(result.errors)
    _done(result.message)


@reviews_app.command("import")
def reviews_import(file: Path, dry_run: DryRun = False) -> None:
    """Load 360 ratings with the same validation as in chat (except the review window)."""
    from handlers.admin import import_reviews_file

    result = import_reviews_file(open_store(_settings()), file, dry_run=dry_run)
    if result.errors:
        raise _fail(result.errors)
    _done(result.message)


@leads_app.command("import")
def leads_import(file: Path) -> None:
    """Load lead events (lead_id,member,created_at,handed_over_at); recompute handoff rates."""
    from handlers.leads_io import import_leads_file

    result = import_leads_file(open_store(_settings()), file, now=datetime.now().astimezone())
    if result.errors:
        raise _fail(result.errors)
    _done(result.message)


@app.command()
def score(
    period: Annotated[str, typer.Option(help="2026-08, 2026-Q3 or 2026.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date or ISO time (default now).")
    ] = None,
    member: Annotated[str | None, typer.Option(help="Only this member.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    config: Annotated[Path | None, typer.Option(help="Score this org file in memory.")] = None,
    metrics: Annotated[Path | None, typer.Option(help="Metrics file (with --config).")] = None,
    reviews: Annotated[Path | None, typer.Option(help="Reviews file (with --config).")] = None,
) -> None:
    """Print score breakdowns for a period as of a moment."""
    from bot.score_view import render_report
    from handlers.admin import score_files, score_store

    if (config is None) != (metrics is None):
        voice().err("cli.score.config_needs_metrics")
        raise typer.Exit(2)
    if reviews is not None and config is None:
        voice().err("cli.score.reviews_needs_config")
        raise typer.Exit(2)
    now = datetime.now().astimezone()
    if config is not None and metrics is not None:
        result = score_files(
            config, metrics, reviews, period=period, as_of=as_of, now=now, member=member
        )
    else:
        result = score_store(
            open_store(_settings()), period=period, as_of=as_of, now=now, member=member
        )
    _warn(result.warnings)
    if result.errors:
        raise _fail(result.errors)
    assert result.report is not None
    if as_json:
        _print_json(result.report)
    else:
        render_report(result.report, out, voice().say)


def _print_json(data: object) -> None:
    """`data` as rich's `print_json` lays it out (indent 2, no ASCII escapes): in colour on
    a terminal; off one (a pipe, a file) streamed as it is encoded, byte for byte the same
    text. A 10,000-member report is 190 MB of JSON, which rich would first highlight as a
    whole: 20 GB of memory and over 5 minutes."""
    if out.is_terminal:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    stream = out.file
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data):
        stream.write(chunk)
    stream.write("\n")


@slack_app.command("manifest")
def slack_manifest() -> None:
    """Print the Slack app manifest (JSON) for `PERFBOT_PUBLIC_URL`."""
    from bot.platforms.slack_manifest import manifest_json

    out.print(manifest_json(_settings().public_url), markup=False, highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Bind address.")] = "0.0.0.0",  # noqa: S104
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Run the production server; platforms are enabled by the credentials present."""
    from bot import serving
    from bot.app import create_app

    settings = _settings()
    if settings.secret_key is None:
        voice().err("cli.serve.needs_secret")
        raise typer.Exit(1)
    serving.run(create_app(settings), settings, host=host, port=port)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite file.")] = Path("perfbot-demo.db"),
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load the data and exit.")] = False,
) -> None:
    """Load the built-in demo org into SQLite and start the server."""
    from bot.demo.load import demo_settings, load_demo

    settings = demo_settings(db, port)
    summary = load_demo(settings, today=datetime.now().astimezone().date())
    _done(summary)
    base = f"http://{host}:{port}"
    for name, path in (("health", "healthz"), ("docs", "docs"), ("playground", "playground")):
        voice().out(f"cli.demo.{name}", url=f"{base}/{path}")
    if no_serve:
        return
    from bot import serving
    from bot.app import create_app

    serving.run(create_app(settings), settings, host=host, port=port)


@app.command()
def link(member: str) -> None:
    """Print a short-lived, single-use signed dashboard link for MEMBER."""
    from handlers.links import LINK_MINUTES, LinkConfigError, make_dashboard_link
    from storage.db import session_scope
    from storage.msg import msg_of
    from storage.repo.scoring_inputs import NoOrgError, current_org

    settings = _settings()
    try:
        with session_scope(open_store(settings)) as session:
            known = member in current_org(session).members
        url = make_dashboard_link(settings, settings.public_url, member)
    except (NoOrgError, LinkConfigError) as exc:
        raise _fail([msg_of(exc)]) from None
    if not known:
        raise _fail([voice().say("cli.link.unknown_member", member=member)])
    out.print(url, markup=False, highlight=False, soft_wrap=True)
    voice().err("cli.link.valid_for", minutes=LINK_MINUTES)


@app.command()
def bench(
    only: Annotated[
        list[str] | None, typer.Option(help="webhook, fanout, scoring, dashboard, import.")
    ] = None,
    smoke: Annotated[bool, typer.Option("--smoke", help="Every figure at a tiny size.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run the benchmarks of bench/README.md (from a source checkout)."""
    try:
        from bench.runner import main as bench_main
    except ModuleNotFoundError:
        raise _fail([voice().say("cli.bench.needs_checkout")]) from None
    args = [arg for name in only or [] for arg in ("--only", name)]
    args += ["--smoke"] * smoke + ["--json"] * as_json
    raise typer.Exit(bench_main(args))


def main() -> None:
    app()
