"""Dashboard links and sessions without a browser: expiry, single use, tampering, cookies."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.app import create_app
from bot.demo import DEMO_MANAGER, DEMO_MEMBER
from bot.demo.load import demo_settings, load_demo
from bot.settings import Settings
from handlers.links import check_link, consume_link, csrf_ok, make_dashboard_link
from handlers.teamview import visible_teams
from storage.db import make_engine, session_scope
from storage.repo.scoring_inputs import current_org

NOW = datetime(2026, 8, 14, 9, 0, tzinfo=UTC)
SECRET = SecretStr("test-secret")


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_link_shape_and_expiry_after_15_minutes() -> None:
    url = make_dashboard_link(SECRET, "https://perf.example.com/", "li.na", NOW)
    assert url.startswith("https://perf.example.com/dashboard/l/")
    token = _token(url)
    assert check_link(SECRET, token, NOW + timedelta(minutes=14)).member == "li.na"
    assert check_link(SECRET, token, NOW + timedelta(minutes=16)).state == "expired"


def test_tampered_or_foreign_token_is_invalid() -> None:
    token = _token(make_dashboard_link(SECRET, "http://x", "li.na", NOW))
    forged = token.replace(token[5], "A" if token[5] != "A" else "B", 1)
    assert check_link(SECRET, forged, NOW).state == "invalid"
    assert check_link(SecretStr("other-secret"), token, NOW).state == "invalid"
    assert check_link(SECRET, "not-a-token", NOW).state == "invalid"


def test_csrf_needs_the_signed_cookie_value() -> None:
    from handlers.links import csrf_form_token

    field = csrf_form_token(SECRET, "cookie-value", NOW)
    assert csrf_ok(SECRET, "cookie-value", field, NOW)
    assert not csrf_ok(SECRET, "other-value", field, NOW)
    assert not csrf_ok(SECRET, "cookie-value", "cookie-value", NOW)
    assert not csrf_ok(SECRET, None, field, NOW)


def test_single_use_is_decided_by_the_unique_key(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert consume_link(session, "nonce-1")
        assert not consume_link(session, "nonce-1")
        assert consume_link(session, "nonce-2")


@pytest.fixture(scope="module")
def demo_settings_https(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = demo_settings(tmp_path_factory.mktemp("links") / "demo.db", 8000)
    load_demo(settings, today=datetime.now(UTC).date())
    return settings.model_copy(update={"public_url": "https://perf.example.com"})


def _landing(client: TestClient, url: str) -> tuple[str, str]:
    path = url.split(".com", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match is not None
    return path, match.group(1)


def test_session_cookie_is_secure_httponly_lax_on_https(demo_settings_https: Settings) -> None:
    s = demo_settings_https
    with TestClient(create_app(s), base_url="https://perf.example.com") as client:
        url = make_dashboard_link(s, s.public_url, DEMO_MEMBER)
        path, csrf = _landing(client, url)
        assert client.get(path).status_code == 200  # a previewer's GET does not use it up
        done = client.post(path, data={"csrf": csrf}, follow_redirects=False)
        assert done.status_code == 303
        assert done.headers["location"] == f"/dashboard/m/{DEMO_MEMBER}"
        cookie = next(
            c for c in done.headers.get_list("set-cookie") if c.startswith("perfbot_session=")
        )
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        again = client.post(path, data={"csrf": csrf}, follow_redirects=False)
        assert again.status_code == 410
        assert client.get(path).status_code == 410


def test_forged_post_changes_nothing(demo_settings_https: Settings) -> None:
    s = demo_settings_https
    with TestClient(create_app(s), base_url="https://perf.example.com") as client:
        url = make_dashboard_link(s, s.public_url, DEMO_MEMBER)
        path, csrf = _landing(client, url)
        assert client.post(path, data={"csrf": "forged"}).status_code == 403
        assert client.post(path, data={}).status_code == 403
        assert client.post(path, data={"csrf": csrf}, follow_redirects=False).status_code == 303


def test_manager_sees_only_teams_of_reports(demo_settings_https: Settings) -> None:
    """The demo's top lead has no manager line; the team-manager default must not put the
    growth lead above him (and so above the whole brand team)."""
    with session_scope(make_engine(demo_settings_https.database_url)) as session:
        org = current_org(session)
    assert visible_teams(org, DEMO_MANAGER) == ["growth"]


def test_no_secret_means_no_links(tmp_path: Path) -> None:
    from handlers.links import LinkConfigError

    with pytest.raises(LinkConfigError):
        make_dashboard_link(Settings(database_url=f"sqlite:///{tmp_path}/x.db"), "http://x", "a")
