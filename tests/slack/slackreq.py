"""Signed Slack requests built from the documented payload shapes in `shared/vectors`.

Signing is Slack's v0 scheme: `v0=` + hex HMAC-SHA256(signing secret, `v0:{ts}:{body}`),
checked against the published vector in `test_signing.py` so the tests sign like Slack.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from tests.paths import VECTORS

SECRET = "test-signing-secret-0123456789ab"
_seq = itertools.count(1)


def vector(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


def sign(body: str, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    base = f"v0:{stamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def trigger() -> str:
    return f"{next(_seq)}.{int(time.time())}.trig{next(_seq):04d}"


def slash(user_id: str, command: str, text: str = "", **extra: str) -> str:
    """A slash-command form body, from the documented sample with our fields swapped in."""
    fields = dict(parse_qsl(vector("slack_slash_command.json")["raw_body"]))
    fields.update(user_id=user_id, command=command, text=text, trigger_id=trigger(), **extra)
    return urlencode(fields)


def _interactive(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(
    user_id: str,
    action_id: str,
    value: str = "",
    *,
    channel: str = "C111",
    ts: str = "111.222",
    ephemeral: bool = False,
    trigger_id: str | None = None,
) -> str:
    payload = copy.deepcopy(vector("slack_block_actions.json"))
    payload["user"]["id"] = user_id
    payload["trigger_id"] = trigger_id or trigger()
    payload["container"].update(channel_id=channel, message_ts=ts, is_ephemeral=ephemeral)
    payload["channel"]["id"] = channel
    payload["actions"][0].update(action_id=action_id, value=value)
    return _interactive(payload)


def view_submission(
    user_id: str, callback_id: str, values: dict[str, str], *, meta: str = ""
) -> str:
    """A `view_submission` with plain-text inputs whose block and action id are the key."""
    payload = copy.deepcopy(vector("slack_view_submission.json"))
    payload["user"]["id"] = user_id
    payload["trigger_id"] = trigger()
    view = payload["view"]
    view.update(callback_id=callback_id, private_metadata=meta)
    view["state"] = {
        "values": {k: {k: {"type": "plain_text_input", "value": v}} for k, v in values.items()}
    }
    return _interactive(payload)


def home_opened(user_id: str, event_id: str | None = None) -> str:
    """An `event_callback` for `app_home_opened` (Events API outer envelope)."""
    now = int(time.time())
    return json.dumps(
        {
            "token": "verification_token",
            "team_id": "T111",
            "api_app_id": "A111",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_seq):08d}",
            "event_time": now,
            "event": {
                "type": "app_home_opened",
                "user": user_id,
                "channel": "D0HOME",
                "tab": "home",
                "event_ts": f"{now}.000100",
            },
        }
    )


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
