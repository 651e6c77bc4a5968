"""Team metrics of the demo (`member` = `team:KEY`): OKR key results and pool metrics.

They are built from the members' own rows, so a team's new-customer sales really are its
people's sales plus the deals the lead closes, and the brand team's exposure really
contains its creators' videos.
"""

from __future__ import annotations

import random
from collections import defaultdict

from bot.demo.metrics import Row, money
from bot.demo.records import Checkin
from bot.demo.roster import BY_ID
from bot.demo.window import Window

PRIVATE_GMV_BASE = {"growth": 380000, "brand": 150000}
"""Team private-domain GMV beyond the creators' own (community ops, the WeCom mall)."""


def _sums(rows: list[Row], indicator: str) -> dict[tuple[str, str], float]:
    """Sum of one indicator by (team, period) over the member rows."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        if r.indicator == indicator and r.member in BY_ID:
            out[BY_ID[r.member].team, r.period] += float(r.value)
    return out


def team_rows(
    win: Window, members: list[Row], checkins: list[Checkin], rng: random.Random
) -> list[Row]:
    """Key results, pool metrics and `subject: team` indicators for both teams."""
    sales, exposure = _sums(members, "new_customer_sales"), _sums(members, "content_exposure")
    gmv = _sums(members, "private_gmv")
    out: list[Row] = []
    for month in win.months:
        m, share = str(month), win.fraction(month)
        for team in ("growth", "brand"):
            total = sales[team, m] * rng.uniform(1.05, 1.15)
            out.append(
                Row(f"team:{team}", "new_customer_sales_team", m, money(total), origin="crm")
            )
        growth_sales = float(out[-2].value)
        customers = round(growth_sales / rng.uniform(600, 720))
        out.append(Row("team:growth", "young_new_customers", m, str(customers), origin="crm"))
        official = rng.uniform(600_000, 1_000_000) * share
        reach = round(exposure["brand", m] + official)
        out.append(Row("team:brand", "brand_exposure_team", m, str(reach), origin="douyin"))
        rate = f"{0.32 * rng.uniform(0.86, 1.12):.2f}"
        out.append(Row("team:brand", "community_repurchase_rate", m, rate, origin="wecom"))
    for q in win.quarters:
        for team, base in PRIVATE_GMV_BASE.items():
            value = gmv[team, str(q)] + base * win.fraction(q) * rng.uniform(0.9, 1.1)
            out.append(
                Row(f"team:{team}", "private_gmv_team", str(q), money(value), origin="wecom")
            )
    return out + _checkin_rates(checkins)


def _checkin_rates(checkins: list[Checkin]) -> list[Row]:
    """Share of the month's check-in cards that were answered, per team."""
    sent: dict[tuple[str, str], int] = defaultdict(int)
    done: dict[tuple[str, str], int] = defaultdict(int)
    for c in checkins:
        key = (BY_ID[c.member].team, c.period)
        sent[key] += 1
        done[key] += c.status == "submitted"
    return [
        Row(f"team:{team}", "team_checkin_rate", period, f"{done[team, period] / n:.2f}")
        for (team, period), n in sorted(sent.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
