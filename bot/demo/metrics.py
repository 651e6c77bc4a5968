"""Member metrics of the demo: CRM sales, ad results, community rates, per-item exposure.

Magnitudes follow a regional FMCG brand: new-customer sales in the hundreds of thousands of
CNY a quarter, video exposure 50k–900k an item with a few hits above the award threshold,
rates around 0.2–0.4. A per-member factor makes a star, a struggling member and a steady
middle; the open month only holds its month-to-date share.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from bot.demo.records import Checkin
from bot.demo.roster import PEOPLE, Person
from bot.demo.window import Window
from scoring.periods import Period

HIT_THRESHOLD = 1_000_000
HITS: dict[str, tuple[int, ...]] = {"li.na": (1, 4), "gao.yu": (3,), "zhou.min": (5,)}
"""Content creators with a hit video, by index of the month in the window (all closed)."""

_FACTORS = {"star": 1.22, "struggling": 0.62, "newcomer": 0.82, "lead": 1.0}


@dataclass(frozen=True)
class Row:
    """One line of the metrics CSV."""

    member: str
    indicator: str
    period: str
    value: str
    recorded_at: str = ""
    item: str = ""
    origin: str = "import"


def person_factors(rng: random.Random) -> dict[str, float]:
    """How well each member performs against target (1.0 = exactly on target)."""
    return {p.id: _FACTORS.get(p.profile, round(rng.uniform(0.9, 1.08), 3)) for p in PEOPLE}


def money(x: float) -> str:
    return str(max(0, round(x / 100) * 100))


def _rate(x: float, lo: float = 0.05, hi: float = 0.99, digits: int = 2) -> str:
    return f"{min(hi, max(lo, x)):.{digits}f}"


class MemberMetrics:
    """Builds the rows of one member, month by month, from their template's indicators."""

    def __init__(self, win: Window, factors: dict[str, float], rng: random.Random) -> None:
        self.win, self.factors, self.rng = win, factors, rng

    def _noise(self, spread: float = 0.12) -> float:
        return self.rng.uniform(1 - spread, 1 + spread)

    def rows(self, person: Person) -> list[Row]:
        out: list[Row] = []
        builders = {
            "content_creator": self._creator,
            "designer": self._designer,
            "media_buyer": self._media,
            "sales": self._sales,
            "team_lead": self._lead,
        }
        build = builders[person.template or ""]
        for index, month in enumerate(self.win.months):
            if self.win.is_member(person, month):
                out.extend(build(person, month, index))
        out.extend(self._quarterly(person))
        out.extend(self._yearly(person))
        return out

    def _month_sales(self, person: Person, month: Period, monthly_target: float) -> Row:
        f = self.factors[person.id] * self.win.fraction(month) * self._noise()
        return Row(
            person.id, "new_customer_sales", str(month), money(monthly_target * f), origin="crm"
        )

    def _creator(self, p: Person, month: Period, index: int) -> list[Row]:
        f = self.factors[p.id]
        rows = [
            self._month_sales(p, month, p.targets.get("new_customer_sales", 300000) / 3),
            Row(
                p.id,
                "community_weekly_active",
                str(month),
                _rate(0.30 * f * self._noise()),
                origin="wecom",
            ),
        ]
        return rows + self._items(p, month, index)

    def _items(self, p: Person, month: Period, index: int) -> list[Row]:
        """Per-video exposure: 4–7 items a month, a planned few of them hits."""
        count = self.rng.randint(4, 7)
        if self.win.is_current(month):
            count = max(1, round(count * self.win.fraction(month)))
        code = "".join(part[0] for part in p.id.split("."))
        hit_at = count - 1 if index in HITS.get(p.id, ()) else -1
        rows = []
        for k in range(count):
            douyin = self.rng.random() < 0.7
            if k == hit_at:
                value = self.rng.randint(105, 190) * 10_000
            else:
                median = 150_000 * self.factors[p.id] * self._reach(p, month)
                raw = self.rng.lognormvariate(math.log(median), 0.55)
                value = min(900_000, max(50_000, round(raw / 100) * 100))
            item = f"{'dy' if douyin else 'xhs'}_{month.start:%Y%m}_{code}{k + 1:02d}"
            origin = "douyin" if douyin else "xiaohongshu"
            rows.append(
                Row(p.id, "content_exposure", str(month), str(value), item=item, origin=origin)
            )
        return rows

    def _reach(self, p: Person, month: Period) -> float:
        """The brand team's organic reach fell this quarter (hence its retarget calibration)."""
        return 0.75 if p.team == "brand" and self.win.this_quarter.contains(month) else 1.0

    def _designer(self, p: Person, month: Period, _index: int) -> list[Row]:
        f = self.factors[p.id]
        return [
            self._month_sales(p, month, 200000 / 3),
            Row(
                p.id,
                "creative_ctr",
                str(month),
                _rate(0.03 * f * self._noise(), 0.01, 0.08, 3),
                origin="ads",
            ),
            Row(
                p.id,
                "on_time_delivery",
                str(month),
                _rate(0.9 * f * self._noise(0.06)),
                origin="pm",
            ),
        ]

    def _media(self, p: Person, month: Period, index: int) -> list[Row]:
        f, share = self.factors[p.id], self.win.fraction(month)
        progress = index / max(1, len(self.win.months) - 1)
        handoff = (0.62 + 0.31 * progress) * self._noise(0.04)
        return [
            Row(
                p.id,
                "leads",
                str(month),
                str(round(1000 * f * share * self._noise())),
                origin="ads",
            ),
            Row(p.id, "roi", str(month), f"{2.5 * f * self._noise(0.15):.2f}", origin="ads"),
            Row(
                p.id, "cost_per_lead", str(month), f"{35 / f * self._noise(0.1):.1f}", origin="ads"
            ),
            Row(p.id, "lead_handoff_on_time", str(month), _rate(handoff), origin="crm"),
        ]

    def _sales(self, p: Person, month: Period, _index: int) -> list[Row]:
        f = self.factors[p.id]
        rows = [
            self._month_sales(p, month, 450000 / 3),
            Row(
                p.id, "repurchase_rate", str(month), _rate(0.35 * f * self._noise()), origin="wecom"
            ),
            Row(
                p.id,
                "lead_conversion_rate",
                str(month),
                _rate(0.25 * f * self._noise()),
                origin="crm",
            ),
        ]
        if p.id == "sun.hao" and self.win.last_quarter.contains(month):
            leads = round(150 * f * self._noise(0.2))
            rows.append(Row(p.id, "live_stream_leads", str(month), str(leads), origin="wecom"))
        return rows

    def _lead(self, p: Person, month: Period, _index: int) -> list[Row]:
        csat = min(5.0, 4.3 * self._noise(0.08))
        return [Row(p.id, "customer_satisfaction", str(month), f"{csat:.1f}", origin="survey")]

    def _quarterly(self, p: Person) -> list[Row]:
        """Private-domain GMV comes from the WeCom mall as one quarter-to-date figure."""
        if p.template != "content_creator":
            return []
        return [
            Row(
                p.id,
                "private_gmv",
                str(q),
                money(200000 * self.factors[p.id] * self.win.fraction(q) * self._noise()),
                origin="wecom",
            )
            for q in self.win.quarters
        ]

    def _yearly(self, p: Person) -> list[Row]:
        """Digital-tools adoption is certified once a year; zhou.min passes only in a second year."""
        if p.template not in ("content_creator", "designer"):
            return []
        years = self.win.years
        return [
            Row(
                p.id,
                "digital_tools",
                str(y),
                "0" if p.id == "zhou.min" and (len(years) == 1 or y != years[-1]) else "1",
            )
            for y in years
        ]


def checkin_rows(checkins: list[Checkin]) -> list[Row]:
    """The submitted check-ins as metric rows, stamped with their submission time."""
    return [
        Row(
            c.member, key, c.period, value, recorded_at=c.submitted_at.isoformat(), origin="checkin"
        )
        for c in checkins
        if c.submitted_at is not None
        for key, value in c.values.items()
    ]
