"""Commands as people type them, in both languages, mapped to neutral command names.

Slack sends slash commands; Feishu and WeCom send plain text to the bot. Both end here:
`parse_command("/perf score @li.na")` → ("myscore", "@li.na"). Adapters rewrite platform
mentions to `@<platform>:<user id>` first; `mentioned_member` resolves those, member ids
and display names.
"""

from __future__ import annotations

import re

from sqlmodel import Session

from scoring.model import Org
from storage.repo.deliveries import member_for_identity

ALIASES: dict[str, str] = {
    "myscore": "myscore",
    "score": "myscore",
    "我的绩效": "myscore",
    "绩效": "myscore",
    "checkin": "checkin",
    "打卡": "checkin",
    "填报": "checkin",
    "coach": "coach",
    "面谈": "coach",
    "award": "award",
    "颁奖": "award",
    "提名": "award",
    "calibrate": "calibrate",
    "校准": "calibrate",
    "bonus": "bonus",
    "加分": "bonus",
    "help": "help",
    "帮助": "help",
    "dashboard": "dashboard",
    "看板": "dashboard",
    "settings": "settings",
    "设置": "settings",
    "home": "home",
    "待办": "home",
}

_MENTION = re.compile(r"@(?P<platform>slack|feishu|wecom):(?P<uid>[^\s]+)")


def parse_command(text: str) -> tuple[str, str] | None:
    """(command, args) for a typed command, or None when the text is not one."""
    words = text.strip().split(maxsplit=1)
    if not words:
        return None
    head = words[0].lstrip("/／").lower()
    rest = words[1] if len(words) > 1 else ""
    if head == "perf":
        if not rest:
            return ("help", "")
        sub = rest.split(maxsplit=1)
        name = ALIASES.get(sub[0].lstrip("/").lower())
        return (name, sub[1] if len(sub) > 1 else "") if name else None
    name = ALIASES.get(head)
    return (name, rest) if name else None


def mentioned_member(session: Session, org: Org, args: str) -> str | None:
    """The member a command's argument names: `@slack:U123`, `@li.na` or `@李娜`."""
    token = args.strip().split(maxsplit=1)[0] if args.strip() else ""
    if not token:
        return None
    if m := _MENTION.fullmatch(token):
        return member_for_identity(session, platform=m["platform"], user_id=m["uid"])
    bare = token.lstrip("@")
    if bare in org.members:
        return bare
    by_name = [mid for mid, m in org.members.items() if m.name == bare]
    return by_name[0] if len(by_name) == 1 else None


def rest_after_mention(args: str) -> str:
    """The words after the first (mention) token: `/award innovation @x <reason>` helpers."""
    parts = args.strip().split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""
