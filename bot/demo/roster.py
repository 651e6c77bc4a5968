"""The demo org's people, kept as data so the YAML, the metrics and the reviews agree.

The cast follows the seed's FMCG case (section 四): a growth team that turns campaigns into
new customers and a brand-content team that builds young-audience reach. Each member has a
`profile` that steers the generated numbers, so the demo shows a star, a struggling member,
someone on leave and a newcomer side by side.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Profile = Literal["star", "steady", "struggling", "leave", "newcomer", "lead", "unscored"]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    team: str
    function: str
    template: str | None
    profile: Profile = "steady"
    locale: str | None = None
    timezone: str | None = None
    platforms: tuple[str, ...] = ("feishu",)
    manager: str | None = None
    roles: tuple[str, ...] = ()
    targets: dict[str, int] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        return self.template is not None

    @property
    def english(self) -> bool:
        return self.locale == "en"


BERLIN = "Europe/Berlin"

PEOPLE: tuple[Person, ...] = (
    Person(
        "zhao.lei", "赵磊", "growth", "planning", None, "unscored", platforms=("feishu", "wecom")
    ),
    Person(
        "chen.jing",
        "陈静",
        "growth",
        "hr",
        None,
        "unscored",
        platforms=("wecom", "slack"),
        roles=("admin",),
    ),
    Person(
        "wang.fang",
        "王芳",
        "growth",
        "planning",
        "team_lead",
        "lead",
        platforms=("slack", "feishu", "wecom"),
        manager="zhao.lei",
    ),
    Person(
        "li.na",
        "李娜",
        "growth",
        "copy",
        "content_creator",
        "star",
        platforms=("slack", "feishu", "wecom"),
        targets={"new_customer_sales": 320000},
    ),
    Person(
        "zhang.wei",
        "张伟",
        "growth",
        "media",
        "media_buyer",
        "steady",
        locale="en",
        timezone=BERLIN,
        platforms=("slack",),
    ),
    Person("sun.hao", "孙浩", "growth", "sales", "sales", "steady", platforms=("wecom",)),
    Person(
        "he.xin", "何欣", "growth", "sales", "sales", "struggling", platforms=("wecom", "feishu")
    ),
    Person(
        "emma.schulz",
        "Emma Schulz",
        "growth",
        "media",
        "media_buyer",
        "newcomer",
        locale="en",
        timezone=BERLIN,
        platforms=("slack",),
    ),
    Person(
        "liu.yang",
        "刘洋",
        "brand",
        "planning",
        "team_lead",
        "lead",
        platforms=("feishu", "wecom"),
        manager="zhao.lei",
        targets={"new_customer_sales_team": 900000, "private_gmv_team": 500000},
    ),
    Person("zhou.min", "周敏", "brand", "copy", "content_creator", "steady", platforms=("feishu",)),
    Person(
        "gao.yu",
        "高宇",
        "brand",
        "copy",
        "content_creator",
        "steady",
        platforms=("feishu", "slack"),
    ),
    Person("xu.jia", "徐佳", "brand", "design", "designer", "leave", platforms=("feishu", "wecom")),
    Person(
        "olivia.chen",
        "Olivia Chen",
        "brand",
        "design",
        "designer",
        "steady",
        locale="en",
        platforms=("slack", "feishu"),
    ),
    Person("ma.li", "马丽", "brand", "media", "media_buyer", "steady", platforms=("wecom",)),
)

BY_ID: dict[str, Person] = {p.id: p for p in PEOPLE}
TEAM_MANAGERS: dict[str, str] = {"growth": "wang.fang", "brand": "liu.yang"}


def manager_of(person: Person) -> str:
    """The direct manager: explicit, else the team's manager (as scoring resolves it)."""
    return person.manager or TEAM_MANAGERS[person.team]


def _digest(person_id: str) -> str:
    return hashlib.sha256(person_id.encode()).hexdigest()


def identity(person: Person, platform: str) -> str:
    """A stable, realistic-looking platform user id derived from the member id."""
    if platform == "slack":
        return "U0" + _digest(person.id)[:8].upper()
    if platform == "feishu":
        return "ou_" + _digest(person.id)[:32]
    return "".join(part.capitalize() for part in person.id.split("."))


def _flow(items: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}"


def member_yaml(person: Person, joined: str | None, leave: tuple[str, str] | None) -> str:
    """One `members:` entry as YAML text (block style, two-space indent)."""
    lines = [
        f"  - id: {person.id}",
        f"    name: {person.name}",
        f"    team: {person.team}",
        f"    function: {person.function}",
        f"    template: {person.template or 'null'}",
    ]
    if person.manager:
        lines.append(f"    manager: {person.manager}")
    if person.roles:
        lines.append(f"    roles: [{', '.join(person.roles)}]")
    if person.locale:
        lines.append(f"    locale: {person.locale}")
    if person.timezone:
        lines.append(f"    timezone: {person.timezone}")
    ids = {p: identity(person, p) for p in person.platforms}
    lines.append(f"    identities: {_flow(ids)}")
    if person.targets:
        lines.append(f"    targets: {_flow({k: str(v) for k, v in person.targets.items()})}")
    if joined:
        lines.append(f"    joined: {joined}")
    if leave:
        lines.append(f"    leave: [{{from: {leave[0]}, to: {leave[1]}}}]")
    return "\n".join(lines)
