"""The in-process driver behind the instruction counts serves every signed review
submission through the real app (valgrind itself is not needed here: outside it the
`callgrind_control` toggles are skipped and CPU time is reported instead)."""

from __future__ import annotations

import pytest

from bench import webhook_instructions as wi


@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", ["bolt", "slack"])
def test_drive_answers_every_request(kind: str) -> None:
    got = wi.drive(kind, 24)
    assert got["statuses"] == {"200": 24}
    assert got["cpu_us_per_request"] > 0
    if kind == "slack":  # every submission's delivery claim committed (warm-up included)
        assert got["delivery_claims_stored"] == wi.WARMUP + 24


def test_requests_are_split_into_asgi_parts() -> None:
    raw = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Slack-Signature: v0=ab\r\n\r\npayload=1"
    path, headers, body = wi._asgi_request(raw)
    assert (path, body) == ("/slack/events", b"payload=1")
    assert (b"x-slack-signature", b"v0=ab") in headers
