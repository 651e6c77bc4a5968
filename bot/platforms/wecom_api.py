"""A small async client for the WeCom (企业微信) server API: one app, one cached token.

WeCom answers every call with HTTP 200 and `{"errcode", "errmsg"}`; the token from
`gettoken` lives `expires_in` seconds (7200) but may be revoked early, so the cache is
dropped and the call repeated once when a call answers 40014 (invalid) or 42001 (expired).
The docs ask callers not to hammer `gettoken`, hence the lock: concurrent senders share one
refresh. The `httpx.AsyncClient` is the process's shared one (passed in, never created here).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

TOKEN_ERRORS = frozenset({40014, 42001})
"""invalid access_token, access_token expired: refresh and retry once."""
REFRESH_MARGIN = 300.0
"""Seconds before the documented expiry at which a cached token is no longer used."""

Json = dict[str, Any]


class WeComAPIError(Exception):
    """WeCom refused a call; `errcode` is WeCom's code (0 with a message for soft failures)."""

    def __init__(self, path: str, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeCom {path}: errcode {errcode} ({errmsg})")
        self.path = path
        self.errcode = errcode
        self.errmsg = errmsg


class WeComClient:
    """Calls `cgi-bin/*` of one self-built app with a cached `access_token`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        corp_id: str,
        secret: str,
        agent_id: int,
        base_url: str = "https://qyapi.weixin.qq.com",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.base_url = base_url.rstrip("/")
        self._secret = secret
        self._clock = clock
        self._token: str | None = None
        self._token_expiry = 0.0
        self._lock = asyncio.Lock()

    # -- token -------------------------------------------------------------------------------
    async def token(self) -> str:
        """The cached token, fetched again when missing or close to its expiry."""
        if self._token and self._clock() < self._token_expiry:
            return self._token
        async with self._lock:
            if self._token and self._clock() < self._token_expiry:
                return self._token
            data = await self._get(
                "/cgi-bin/gettoken", {"corpid": self.corp_id, "corpsecret": self._secret}
            )
            self._token = str(data["access_token"])
            lifetime = float(data.get("expires_in") or 7200)
            self._token_expiry = self._clock() + max(lifetime - REFRESH_MARGIN, lifetime / 2)
            return self._token

    def invalidate(self, stale: str) -> None:
        """Forget `stale` (unless another task already replaced it)."""
        if self._token == stale:
            self._token = None

    # -- calls -------------------------------------------------------------------------------
    async def post(self, path: str, body: Json) -> Json:
        """POST `body` to an `access_token` API; one retry with a fresh token on 40014/42001."""
        for attempt in (1, 2):
            token = await self.token()
            response = await self.http.post(
                self.base_url + path, params={"access_token": token}, json=body
            )
            data = _json(path, response)
            code = int(data.get("errcode") or 0)
            if code in TOKEN_ERRORS and attempt == 1:
                self.invalidate(token)
                continue
            if code:
                raise WeComAPIError(path, code, str(data.get("errmsg", "")))
            return data
        raise AssertionError("unreachable")  # pragma: no cover

    async def webhook(self, key: str, body: Json) -> Json:
        """A group robot message: its key is the credential, no access_token involved."""
        response = await self.http.post(
            self.base_url + "/cgi-bin/webhook/send", params={"key": key}, json=body
        )
        data = _json("/cgi-bin/webhook/send", response)
        if code := int(data.get("errcode") or 0):
            raise WeComAPIError("/cgi-bin/webhook/send", code, str(data.get("errmsg", "")))
        return data

    async def _get(self, path: str, params: dict[str, str]) -> Json:
        data = _json(path, await self.http.get(self.base_url + path, params=params))
        if code := int(data.get("errcode") or 0):
            raise WeComAPIError(path, code, str(data.get("errmsg", "")))
        return data

    # -- the calls perfbot makes -------------------------------------------------------------
    async def send_message(self, touser: str, message: Json) -> Json:
        """`message/send` to members (`a|b`); `message` holds `msgtype` and its payload.

        WeCom answers errcode 0 but lists unknown receivers in `invaliduser`: that is a
        failure for us (nobody got the message), so it raises.
        """
        body = {"touser": touser, "agentid": self.agent_id, **message}
        data = await self.post("/cgi-bin/message/send", body)
        if data.get("invaliduser") and set(str(data["invaliduser"]).split("|")) >= set(
            touser.split("|")
        ):
            raise WeComAPIError("/cgi-bin/message/send", 0, "receiver unknown: invaliduser")
        return data

    async def update_template_card(
        self, response_code: str, userids: list[str], **what: Any
    ) -> Json:
        """`message/update_template_card`: `button={"replace_name"}` or `template_card=...`."""
        body = {
            "userids": userids,
            "agentid": self.agent_id,
            "response_code": response_code,
            **what,
        }
        return await self.post("/cgi-bin/message/update_template_card", body)

    async def appchat_send(self, chatid: str, message: Json) -> Json:
        return await self.post("/cgi-bin/appchat/send", {"chatid": chatid, **message})


def _json(path: str, response: httpx.Response) -> Json:
    """The JSON body; HTTP-level failures (5xx, proxies) raise for the outbox to retry."""
    response.raise_for_status()
    try:
        data = response.json()
    except ValueError as exc:
        raise WeComAPIError(path, -1, "response is not JSON") from exc
    if not isinstance(data, dict):
        raise WeComAPIError(path, -1, "response is not a JSON object")
    return data
