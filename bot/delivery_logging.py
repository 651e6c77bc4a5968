"""Structured logs: with `PERFBOT_LOG_FORMAT=json`, one JSON object per line and event.

Stdlib logging with a JSON formatter (no second logging system to configure): the fields
are the time, level, logger, event text and any ids passed as `extra=` (outbox id,
idempotency key, platform, member). Nobody logs message bodies; as a second line of
defence every line goes through a redactor that masks the configured secrets and
anything shaped like a platform token.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings

REDACTED = "<redacted>"
TOKEN_RE = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|Bearer\s+\S+|t-g[0-9a-f]{20,})"
)
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_MARK = "_perfbot_json"
CHATTY = ("slack_sdk", "slack_bolt", "httpx", "httpcore", "aiohttp", "lark_oapi", "Lark", "urllib3")
"""Client libraries that log request bodies (DEBUG) or URLs with tokens in the query
(httpx at INFO: WeCom's `access_token`): held at WARNING."""


def quiet_client_loggers() -> None:
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)


def settings_secrets(settings: Settings) -> list[str]:
    """Every configured secret value (tokens, signing secrets, keys)."""
    values: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if hasattr(value, "get_secret_value"):
            raw = value.get_secret_value()
            values.extend(part for part in re.split(r"[,:]", raw) if len(part) >= 6)
            values.append(raw)
    return sorted({v for v in values if v}, key=len, reverse=True)


class Redactor:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = [s for s in secrets if s]

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_RE.sub(REDACTED, text)


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "event", …ids}`; exceptions by type and message only."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            data["exc_type"] = type(exc).__name__
            data["exc"] = str(exc)[:500]
        return self.redact(json.dumps(data, ensure_ascii=False, default=str))


def configure_logging(settings: Settings) -> None:
    """Install the JSON handler on the root logger (once) when `log_format == "json"`;
    in both formats, keep body-logging client libraries quiet."""
    quiet_client_loggers()
    if settings.log_format != "json":
        return
    root = logging.getLogger()
    formatter = JsonFormatter(Redactor(settings_secrets(settings)))
    for handler in root.handlers:
        if getattr(handler, _MARK, False):
            handler.setFormatter(formatter)
            return
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _MARK, True)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def route_server_logs() -> None:
    """Send uvicorn's own loggers (configured after the app is built) through the JSON
    handler too, so every line of a replica is one JSON object."""
    ours = [h for h in logging.getLogger().handlers if getattr(h, _MARK, False)]
    if not ours:
        return
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = list(ours)
        logger.propagate = False
