"""Verification is bolt's, never switched off: only correctly signed, fresh requests pass."""

from __future__ import annotations

import json
import time

import pytest

from tests.slack.conftest import SlackWorld
from tests.slack.slackreq import SECRET, sign, slash, vector


def test_signer_reproduces_slacks_published_vector() -> None:
    v = vector("slack_signature.json")
    headers = sign(
        v["raw_body"], v["signing_secret"], int(v["headers"]["X-Slack-Request-Timestamp"])
    )
    assert headers["X-Slack-Signature"] == v["expected_signature"]


def _bad_headers(body: str) -> dict[str, dict[str, str]]:
    stale = int(time.time()) - 360
    return {
        "forged": sign(body, secret="not-the-" + SECRET),
        "tampered": sign(body + "&text=more"),
        "stale": sign(body, ts=stale),
        "future": sign(body, ts=int(time.time()) + 360),
        "empty": {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
        "garbage": {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"},
        "no-signature": {"X-Slack-Signature": ""},
    }


@pytest.mark.parametrize(
    "case", ["forged", "tampered", "stale", "future", "empty", "garbage", "no-signature"]
)
def test_bad_signature_is_401_and_stores_nothing(slack: SlackWorld, case: str) -> None:
    body = slash(slack.uid("li.na"), "/myscore")
    before = slack.counts()
    response = slack.post(body, **_bad_headers(body)[case])
    assert response.status_code == 401
    assert slack.counts() == before
    assert slack.fake.calls == []


def test_fresh_signature_within_window_is_accepted(slack: SlackWorld) -> None:
    body = slash(slack.uid("li.na"), "/myscore")
    response = slack.post(body, **sign(body, ts=int(time.time()) - 290))
    assert response.status_code == 200


def test_url_verification_echoes_the_challenge(slack: SlackWorld) -> None:
    v = vector("slack_url_verification.json")
    body = json.dumps(v["request_json"])
    response = slack.post(body, json_body=True)
    assert response.status_code == 200
    assert response.json() == {"challenge": v["request_json"]["challenge"]}
    bad = slack.post(body, json_body=True, **sign(body, secret="wrong"))
    assert bad.status_code == 401


def test_request_without_signature_headers_is_401(slack: SlackWorld) -> None:
    body = slash(slack.uid("li.na"), "/myscore")
    before = slack.counts()
    response = slack.http.post(
        "/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 401
    assert slack.counts() == before
