"""The /myscore card, built from `member_json` — the figures `perfbot score --json` prints,
already rounded and already hidden where the anonymity rule says so. A 360 value backed by
too few raters is `None` there, so this module can only ever show its indicator score, and
rater identities never reach it at all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.cards import Actions, Block, Button, Card, Context, Fields, Header, Select, Text
from handlers.context import Ctx
from handlers.convkit import fmt_score, fmt_value, indicator_name, member_name, period_label
from handlers.i18n import format_number
from scoring.periods import Period

Json = dict[str, Any]
DIMENSIONS = ("result", "process", "capability")


def _indicators(mj: Json) -> list[Json]:
    return [i for d in mj["dimensions"] for i in d["indicators"]]


def _name(ctx: Ctx, mj: Json, key: str) -> str:
    return indicator_name(ctx.org, mj["template"], key, ctx.locale)


def _dimension(ctx: Ctx, key: str) -> str:
    return ctx.t(f"myscore.dimension.{key}") if key in DIMENSIONS else key


def indicator_line(ctx: Ctx, mj: Json, i: Json) -> str:
    """`name: value / target → score`, or only the score when value or target is not shown."""
    name, score = _name(ctx, mj, i["key"]), fmt_score(i["score"], ctx.locale)
    if i["value"] is None or i["target"] is None:
        return ctx.t("myscore.line_score_only", indicator=name, score=score)
    return ctx.t(
        "myscore.line",
        indicator=name,
        value=fmt_value(i["value"], i["unit"], ctx.locale),
        target=fmt_value(i["target"], i["unit"], ctx.locale),
        score=score,
    )


def extremes(mj: Json, n: int = 2) -> tuple[list[Json], list[Json]]:
    """The `n` strongest and `n` weakest scored indicators (never the same one twice)."""
    scored = sorted(
        (i for i in _indicators(mj) if i["score"] is not None),
        key=lambda i: i["score"],
        reverse=True,
    )
    top = scored[:n]
    rest = [i for i in scored if i not in top]
    return top, sorted(rest, key=lambda i: i["score"])[:n]


def movements(now: Json, before: Json, n: int = 2) -> tuple[list[Json], list[Json]]:
    """The biggest indicator score rises and falls between two reports of one member."""
    old = {i["key"]: i["score"] for i in _indicators(before)}
    deltas = []
    for i in _indicators(now):
        prev = old.get(i["key"])
        if i["score"] is not None and prev is not None and i["score"] != prev:
            deltas.append({"key": i["key"], "before": prev, "after": i["score"]})
    ups = sorted((d for d in deltas if d["after"] > d["before"]), key=_delta, reverse=True)
    downs = sorted((d for d in deltas if d["after"] < d["before"]), key=_delta)
    return ups[:n], downs[:n]


def _delta(d: Json) -> float:
    return float(d["after"]) - float(d["before"])


def _moved_blocks(ctx: Ctx, mj: Json, before: Json | None) -> list[Block]:
    ups, downs = movements(mj, before) if before is not None else ([], [])
    if not ups and not downs:
        return [Context(ctx.t("myscore.moved_none"))]
    lines = []
    for d in ups + downs:
        delta = _delta(d)
        sign = "+" if delta > 0 else "−"
        lines.append(
            ctx.t(
                "myscore.moved_line",
                indicator=_name(ctx, mj, d["key"]),
                before=fmt_score(d["before"], ctx.locale),
                after=fmt_score(d["after"], ctx.locale),
                delta=sign + format_number(abs(delta), ctx.locale),
            )
        )
    return [Text(f"**{ctx.t('myscore.moved_heading')}**\n" + "\n".join(lines))]


def score_card(
    ctx: Ctx,
    mj: Json,
    before: Json | None,
    period: Period,
    *,
    dashboard_url: str,
    options: Sequence[tuple[str, str]],
    current: str,
) -> Card:
    """The whole card: header figures, dimensions, extremes, movements, buttons."""
    label = period_label(period, ctx.locale)
    subject = mj["member"]
    title = (
        ctx.t("myscore.title", period=label)
        if subject == ctx.member_id
        else ctx.t("myscore.title_for", name=member_name(ctx.org, subject), period=label)
    )
    blocks: list[Block] = [
        Header(title),
        Fields(
            [
                (ctx.t("myscore.total"), fmt_score(mj["total"], ctx.locale)),
                (ctx.t("myscore.grade"), mj["grade"] or "—"),
                (ctx.t("myscore.coefficient"), fmt_score(mj["coefficient"], ctx.locale)),
                (ctx.t("myscore.bonus"), fmt_score(mj["bonus"], ctx.locale)),
            ]
        ),
    ]
    if mj["provisional"]:
        blocks.append(Context(ctx.t("myscore.provisional")))
    blocks.append(Text(f"**{ctx.t('myscore.dimensions')}**"))
    blocks.append(
        Fields(
            [
                (
                    ctx.t(
                        "myscore.dimension_weight",
                        dimension=_dimension(ctx, d["key"]),
                        weight=fmt_score(d["weight"], ctx.locale),
                    ),
                    fmt_score(d["score"], ctx.locale),
                )
                for d in mj["dimensions"]
            ]
        )
    )
    top, bottom = extremes(mj)
    if top:
        lines = "\n".join(f"- {indicator_line(ctx, mj, i)}" for i in top)
        blocks.append(Text(f"**{ctx.t('myscore.strongest_heading')}**\n{lines}"))
    if bottom:
        lines = "\n".join(f"- {indicator_line(ctx, mj, i)}" for i in bottom)
        blocks.append(Text(f"**{ctx.t('myscore.weakest_heading')}**\n{lines}"))
    blocks += _moved_blocks(ctx, mj, before)
    blocks.append(
        Actions(
            [
                Button(
                    ctx.t("common.dashboard_button"),
                    "myscore.dashboard",
                    url=dashboard_url,
                    style="primary",
                ),
                Select("myscore.period", ctx.t("myscore.period_select"), options, initial=current),
            ]
        )
    )
    return Card(blocks=blocks, card_id=f"myscore:{subject}:{period}")
