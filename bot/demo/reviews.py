"""360 ratings of the demo: peers across functions, the manager on strategic contribution.

Each scored member gets 3–4 peers per cycle, cross-function first (as `review.strategy:
cross_function` would pick), and one rating from their manager. Ratings follow the member's
profile plus each rater's own leniency — one harsh and one lenient rater — so the media
buyers' `normalize: true` has something to correct.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.demo.roster import PEOPLE, Person, manager_of
from bot.demo.window import Window
from scoring.periods import Period

_QUALITY = {"star": 4.6, "struggling": 2.9, "newcomer": 3.7, "leave": 3.9, "lead": 4.2}
_BIAS = {"zhang.wei": -0.7, "gao.yu": 0.5}

_COMMENTS = {
    ("zh-CN", "high"): (
        "需求响应很快，沟通顺畅。",
        "主动补位，改稿从不拖延。",
        "跨部门对接很靠谱，点赞！",
    ),
    ("zh-CN", "mid"): ("整体配合不错，排期可以再提前同步。", "响应还行，偶尔需要催一下。"),
    ("zh-CN", "low"): ("需求反馈较慢，希望更及时。", "交接信息经常不完整。"),
    ("en", "high"): (
        "Always quick to respond and easy to work with.",
        "Great partner on the launch.",
    ),
    ("en", "mid"): ("Solid, though schedules could be shared earlier.", "Usually responsive."),
    ("en", "low"): ("Replies often come late.", "Handoffs miss key details."),
}
_MANAGER_COMMENTS = {
    "zh-CN": (
        "本季度对年轻化战役贡献突出。",
        "能把战略目标拆到日常动作里。",
        "需要更多从客户视角思考。",
    ),
    "en": ("Moved the young-customer campaign forward.", "Needs a sharper link to strategy."),
}


@dataclass(frozen=True)
class ReviewRow:
    """One line of the reviews CSV."""

    cycle: str
    rater: str
    ratee: str
    criterion: str
    value: int
    comment: str = ""


def _joined_by(person: Person, cycle: Period, win: Window) -> bool:
    return person.profile != "newcomer" or win.joined <= cycle.end


def _peers(ratee: Person, cycle: Period, win: Window, rng: random.Random) -> list[Person]:
    """3–4 scored colleagues, other functions first; never the ratee or their manager."""
    pool = [
        p
        for p in PEOPLE
        if p.scored and p.id not in (ratee.id, manager_of(ratee)) and _joined_by(p, cycle, win)
    ]
    other = [p for p in pool if p.function != ratee.function]
    same = [p for p in pool if p.function == ratee.function]
    rng.shuffle(other)
    rng.shuffle(same)
    return (other + same)[: rng.choice((3, 4))]


def _score(quality: float, bias: float, rng: random.Random) -> int:
    return min(5, max(1, round(quality + bias + rng.gauss(0, 0.45))))


def _comment(rater: Person, value: int, rng: random.Random) -> str:
    if rng.random() > 0.4:
        return ""
    band = "high" if value >= 4 else "mid" if value == 3 else "low"
    return rng.choice(_COMMENTS[rater.locale or "zh-CN", band])


def make_reviews(win: Window, rng: random.Random) -> list[ReviewRow]:
    """All ratings of the two closed quarters, oldest cycle first."""
    quality = {p.id: _QUALITY.get(p.profile, round(rng.uniform(3.6, 4.3), 2)) for p in PEOPLE}
    out: list[ReviewRow] = []
    for cycle in win.cycles:
        c = str(cycle)
        for ratee in PEOPLE:
            if not ratee.scored or not _joined_by(ratee, cycle, win):
                continue
            for rater in _peers(ratee, cycle, win, rng):
                bias = _BIAS.get(rater.id, 0.0)
                for criterion in ("collaboration", "responsiveness"):
                    v = _score(quality[ratee.id], bias, rng)
                    out.append(
                        ReviewRow(c, rater.id, ratee.id, criterion, v, _comment(rater, v, rng))
                    )
            boss = manager_of(ratee)
            v = _score(quality[ratee.id], 0.0, rng)
            locale = "en" if ratee.english and boss != "zhao.lei" else "zh-CN"
            note = rng.choice(_MANAGER_COMMENTS[locale]) if rng.random() < 0.5 else ""
            out.append(ReviewRow(c, boss, ratee.id, "strategic_contribution", v, note))
    return out
