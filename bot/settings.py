"""Process settings from `PERFBOT_*` environment variables (and a `.env` file).

pydantic-settings does the parsing and validation, so a bad value fails at start-up with the
variable's name rather than deep inside a request.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.i18n import SUPPORTED, normalize_locale


def _locale(value: object) -> object:
    """`zh-CN`, `zh_cn`, `en-US`… → the catalog's name; unset or blank → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    locale = normalize_locale(str(value))
    if locale not in SUPPORTED:
        raise ValueError(f"expected zh-CN or en, got {value!r}")
    return locale


class LocaleSettings(BaseSettings):
    """The settings the command line reads before any command runs (a bad value among the
    others must not keep `--help` or an error message from being translated)."""

    model_config = SettingsConfigDict(env_prefix="PERFBOT_", env_file=".env", extra="ignore")

    locale: Annotated[str | None, BeforeValidator(_locale)] = None
    """The language of the `perfbot` command line: `zh-CN` or `en`. Unset: the shell's
    locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else the org's default locale, else English
    (`bot.cli_locale`). Chat replies and web pages do not read it: they follow the member."""


class Settings(LocaleSettings):
    database_url: str = "sqlite:///./perfbot.db"
    secret_key: SecretStr | None = None
    public_url: str = "http://localhost:8000"

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    feishu_app_id: str | None = None
    feishu_app_secret: SecretStr | None = None
    feishu_verification_token: SecretStr | None = None
    feishu_encrypt_key: SecretStr | None = None
    feishu_api_url: str = "https://open.feishu.cn"

    wecom_corp_id: str | None = None
    wecom_agent_id: str | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    wecom_api_url: str = "https://qyapi.weixin.qq.com"

    ingest_token: SecretStr | None = None
    ingest_tokens: SecretStr | None = None
    """Named ingestion tokens, each bound to an origin: `crm:secret1,douyin:secret2`."""
    ingest_max_items: int = 10_000
    ingest_max_bytes: int = 5 * 1024 * 1024
    scheduler: Literal["on", "off"] = "on"
    playground: Literal["on", "off"] = "off"
    log_format: Literal["text", "json"] = "text"

    slack_max_per_minute: int = 300
    feishu_max_per_minute: int = 1000
    wecom_max_per_minute: int = 1000
    outbox_concurrency: int = 16
    """Sends in flight per replica (also the most a killed replica can duplicate)."""
    outbox_lease_seconds: float = 30.0
    outbox_poll_seconds: float = 1.0
    gc_young_threshold: int = 10_000
    """Objects the young generation may hold before Python collects it in `serve`
    (start-up objects are frozen first: `bot.serving`); 0 keeps Python's defaults."""

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def feishu_enabled(self) -> bool:
        return bool(self.feishu_app_id and self.feishu_app_secret)

    @property
    def wecom_enabled(self) -> bool:
        return bool(self.wecom_corp_id and self.wecom_secret and self.wecom_aes_key)
