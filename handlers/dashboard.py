"""The personal dashboard (个人绩效看板): one member's page as plain data for a template.

Access is decided before this runs (`handlers.access`). Figures come from
`report_to_json`, which already applies the anonymity rule, so the 360 section can only
show what a rater-safe figure allows; this module just picks, names and formats.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from handlers.dashboard_records import MemberRecords, load_member_records
from handlers.i18n import format_date, t
from handlers.webdata import (
    Inputs,
    dimension_name,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_value,
    indicator_names,
    team_name,
    text_of,
)
from scoring.jsonout import num
from scoring.model import Org
from scoring.periods import Period
from scoring.report import Scorer, report_to_json

FUNNEL = ("acquisition", "conversion", "retention", "repurchase")
Json = dict[str, Any]


def member_page(engine: Engine, member_id: str, period: Period, ins: Inputs, locale: str) -> Json:
    """Everything the member template shows, or `{"unscored": True}` for a member without
    a template (an admin, an unscored lead). `ins` comes from `load_inputs`."""
    org = ins.org
    member = org.members[member_id]
    base: Json = {
        "member": member_id,
        "name": member.name or member_id,
        "team": member.team,
        "team_name": team_name(org, member.team, locale),
        "period": str(period),
    }
    if member.template is None:
        return base | {"unscored": True}
    scorer = Scorer(org, ins.rows, ins.ratings, ins.now)
    report = scorer.report(period, members=[member_id])
    mj = report_to_json(report)["members"][0]
    records = load_member_records(engine, member_id, member.team, period)
    names = indicator_names(org, locale)
    indicators = [i for d in mj["dimensions"] for i in d["indicators"]]
    return base | {
        "unscored": False,
        "header": _header(mj, locale),
        "dimensions": [
            {
                "key": d["key"],
                "name": dimension_name(d["key"], locale),
                "weight": d["weight"],
                "score": d["score"],
                "score_text": fmt_num(d["score"], locale),
            }
            for d in mj["dimensions"]
        ],
        "indicators": [_indicator_row(i, names, records, locale) for i in indicators],
        "funnel": _funnel(org, member.template, indicators, names, locale),
        "reviews": _reviews(org, indicators, names, locale),
        "threshold": org.anonymity_threshold,
        "trend": _trend(ins, scorer, member_id, period, locale),
        "incentives": _incentives(mj["incentives"], locale),
        "records": _records(records, locale),
    }


def _header(mj: Json, locale: str) -> Json:
    return {
        "total": fmt_num(mj["total"], locale),
        "grade": mj["grade"] or "—",
        "coefficient": fmt_num(mj["coefficient"], locale),
        "okr_rate": fmt_pct(mj["okr_rate"], locale),
        "bonus": fmt_num(mj["bonus"], locale),
        "provisional": mj["provisional"],
    }


def _indicator_row(i: Json, names: dict[str, str], rec: MemberRecords, locale: str) -> Json:
    cal = i["calibration"]
    prov = rec.provenance.get(i["key"])
    origin = ", ".join(prov.origins) if prov else i["source"]
    if i["source"] in ("peer", "manager"):
        origin = t("web.origin.review", locale)
    hidden = not i["value_visible"]
    return {
        "key": i["key"],
        "name": names.get(i["key"], i["key"]),
        "replaces": names.get(i["replaces"], i["replaces"]) if i["replaces"] else None,
        "dimension": dimension_name(i["dimension"], locale),
        "weight": fmt_num(i["weight"], locale),
        "value": t("web.hidden_value", locale)
        if hidden
        else fmt_value(i["value"], i["unit"], locale),
        "target": fmt_value(i["original_target"], i["unit"], locale),
        "calibrated": (
            fmt_value(i["target"], i["unit"], locale)
            if cal is not None or i["target"] != i["original_target"]
            else None
        ),
        "reason": text_of(cal["reason"], locale, "") if cal else "",
        "achievement": fmt_pct(i["achievement"], locale),
        "score": fmt_num(i["score"], locale),
        "missing": i["missing"],
        "provisional": i["provisional"],
        "origin": origin,
        "updated": format_date(prov.last_update, locale) if prov and prov.last_update else "—",
    }


def _funnel(
    org: Org, template: str, indicators: list[Json], names: dict[str, str], locale: str
) -> list[Json]:
    """The four stages with the template's indicators mapped to each (swaps followed)."""
    tpl = org.templates[template]
    by_key = {i["key"]: i for i in indicators} | {
        i["replaces"]: i for i in indicators if i["replaces"]
    }
    stages = []
    for stage in FUNNEL:
        items = []
        for ind in tpl.indicators:
            row = by_key.get(ind.key)
            if ind.funnel != stage or row is None:
                continue
            items.append(
                {
                    "name": names.get(row["key"], row["key"]),
                    "value": fmt_value(row["value"], row["unit"], locale),
                    "achievement": fmt_pct(row["achievement"], locale),
                }
            )
        stages.append({"key": stage, "name": t(f"web.funnel.{stage}", locale), "items": items})
    return stages


def _reviews(org: Org, indicators: list[Json], names: dict[str, str], locale: str) -> list[Json]:
    """360 figures per indicator and cycle; a hidden (None) figure stays hidden."""
    out = []
    for i in indicators:
        if i["source"] not in ("peer", "manager"):
            continue
        cycles = []
        for c in i["reviews"]:
            criteria = [
                {
                    "name": text_of(org.criteria.get(k["criterion"], {}), locale, k["criterion"]),
                    "mean": fmt_num(k["mean"], locale) if k["mean"] is not None else None,
                    "comments": k["comments"] or [],
                }
                for k in c["criteria"]
            ]
            shown = c["value"] is not None
            cycles.append(
                {
                    "cycle": c["cycle"],
                    "shown": shown,
                    "raters": c["raters"] if shown else None,
                    "value": fmt_num(c["value"], locale) if shown else None,
                    "criteria": criteria,
                }
            )
        out.append(
            {
                "name": names.get(i["key"], i["key"]),
                "score": fmt_num(i["score"], locale),
                "cycles": cycles,
            }
        )
    return out


def _trend(ins: Inputs, scorer: Scorer, member_id: str, period: Period, locale: str) -> Json:
    """Monthly process scores and quarterly totals of the period's year, up to today
    (one `Scorer` for all of them: the rows are indexed once)."""
    year = period if period.kind == "year" else period.enclosing("year")
    months = [m for m in year.subperiods("month") if m.start <= ins.today]
    process: list[float | None] = []
    totals: list[float | None] = [None] * len(months)
    for m in months:
        ms = scorer.report(m, members=[member_id]).members[0]
        dim = next((d for d in ms.dimensions if d.key == "process"), None)
        process.append(num(dim.score) if dim else None)
    for q in year.subperiods("quarter"):
        inside = [k for k, m in enumerate(months) if q.contains(m)]
        if not inside:
            continue
        qs = scorer.report(q, members=[member_id]).members[0]
        totals[inside[-1]] = num(qs.total)
    return {
        "labels": [str(m) for m in months],
        "process": process,
        "totals": totals,
        "process_label": t("web.chart.process_monthly", locale),
        "total_label": t("web.chart.total_quarterly", locale),
    }


def _incentives(inc: Json, locale: str) -> Json:
    return {
        "commission": fmt_money(inc["commission"], locale),
        "over_target_bonus": fmt_money(inc["over_target_bonus"], locale),
        "pool_share": fmt_money(inc["pool_share"], locale),
        "awards": [
            {
                "type": _award_kind(a["type"], locale),
                "period": a["period"],
                "item": a["item"] or "",
                "amount": fmt_money(a["amount"], locale) if a["amount"] is not None else "",
                "points": fmt_num(a["points"], locale) if a["points"] is not None else "",
            }
            for a in inc["awards"]
        ],
    }


def _award_kind(kind: str, locale: str) -> str:
    known = ("innovation", "star_case", "content_hit", "new_customer")
    return t(f"web.award.{kind}", locale) if kind in known else kind


def _records(rec: MemberRecords, locale: str) -> Json:
    return {
        "awards": [
            {
                "kind": _award_kind(a.kind, locale),
                "period": a.period,
                "title": text_of(a.reason, locale, a.item or a.kind),
                "state": a.state,
            }
            for a in rec.awards
        ],
        "star_cases": [
            {"period": s.period, "title": text_of(s.title, locale, ""), "summary": s.summary}
            for s in rec.star_cases
        ],
        "key_action_points": [
            {
                "period": k.period,
                "points": fmt_num(float(k.points), locale),
                "reason": _award_kind(k.reason, locale),
            }
            for k in rec.key_action_points
        ],
        "plans": [
            {
                "skill": p.skill,
                "metric": p.metric or "",
                "target": fmt_num(float(p.target), locale) if p.target is not None else "—",
                "due": format_date(p.due, locale) if p.due else "—",
                "status": _plan_status(p.status, locale),
                "notes": p.notes,
            }
            for p in rec.plans
        ],
    }


def _plan_status(status: str, locale: str) -> str:
    known = ("open", "confirmed", "done", "overdue", "draft", "cancelled")
    return t(f"web.plan.{status}", locale) if status in known else status
