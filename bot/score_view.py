"""The readable (rich) rendering of `perfbot score`, from the same dict `--json` prints;
its words come from the catalogs through `say` (the CLI's `Voice.say`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

Say = Callable[..., str]
COLUMNS = ("indicator", "weight", "value", "target", "achievement", "score")
INCENTIVES = ("commission", "over_target_bonus", "pool_share")


def _num(x: Any) -> str:
    return "—" if x is None else f"{x}"


def render_report(report: dict[str, Any], console: Console, say: Say) -> None:
    """One block per member: the headline figures, then every indicator with its arithmetic."""
    state = say("cli.score.provisional" if report["provisional"] else "cli.score.final")
    title = say("cli.score.title", period=report["period"], as_of=report["as_of"], state=state)
    console.print(title, markup=False, style="bold")
    if not report["members"]:
        console.print(say("cli.score.none"), markup=False)
    for m in report["members"]:
        console.print()
        console.print(_headline(m, report["provisional"], say), markup=False, style="bold")
        console.print(_table(m, say))
        inc = m.get("incentives") or {}
        parts = [say(f"cli.score.{k}", value=_num(inc.get(k))) for k in INCENTIVES]
        if inc.get("awards"):
            parts.append(say("cli.score.awards", count=len(inc["awards"])))
        console.print(say("cli.score.incentives", parts=", ".join(parts)), markup=False)


def _headline(m: dict[str, Any], provisional: bool, say: Say) -> str:
    head = say(
        "cli.score.member",
        member=m["member"],
        team=m["team"],
        total=_num(m["total"]),
        grade=m["grade"],
        base=_num(m["base"]),
        coefficient=_num(m["coefficient"]),
        okr_rate=_num(m["okr_rate"]),
        bonus=_num(m["bonus"]),
    )
    if m.get("provisional", provisional):
        head += "  " + say("cli.score.provisional_tag")
    return head


def _table(m: dict[str, Any], say: Say) -> Table:
    table = Table(show_lines=False, pad_edge=False)
    for col in COLUMNS:
        justify: Literal["left", "right"] = "left" if col == "indicator" else "right"
        table.add_column(say(f"cli.score.col.{col}"), justify=justify, no_wrap=True)
    for dim in m["dimensions"]:
        label = say("cli.score.dimension", key=dim["key"], weight=dim["weight"])
        table.add_row(label, "", "", "", "", _num(dim["score"]), style="bold")
        for ind in dim["indicators"]:
            table.add_row(
                Text("  " + _indicator_label(ind, say)),
                _num(ind["weight"]),
                _num(ind["value"]),
                _target(ind, say),
                _num(ind["achievement"]),
                _num(ind["score"]),
            )
    return table


def _indicator_label(ind: dict[str, Any], say: Say) -> str:
    label = str(ind["key"])
    if ind.get("replaces"):
        label += " " + say("cli.score.replaces", key=ind["replaces"])
    if ind.get("missing"):
        label += " " + say("cli.score.missing")
    return label


def _target(ind: dict[str, Any], say: Say) -> str:
    target = _num(ind["target"])
    if ind.get("original_target") not in (None, ind["target"]):
        return say("cli.score.was", target=target, original=ind["original_target"])
    return target
