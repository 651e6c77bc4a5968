"""The readable (rich) rendering of `perfbot score`, from the same dict `--json` prints."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def _num(x: Any) -> str:
    return "—" if x is None else f"{x}"


def render_report(report: dict[str, Any], console: Console) -> None:
    """One block per member: the headline figures, then every indicator with its arithmetic."""
    state = "provisional" if report["provisional"] else "final"
    console.print(
        f"Scores for {report['period']} as of {report['as_of']} ({state})",
        markup=False,
        style="bold",
    )
    if not report["members"]:
        console.print("no scored members", markup=False)
    for m in report["members"]:
        head = (
            f"{m['member']} ({m['team']}): total {_num(m['total'])}  grade {m['grade']}  "
            f"base {_num(m['base'])} × coefficient {_num(m['coefficient'])} "
            f"(OKR rate {_num(m['okr_rate'])}) + bonus {_num(m['bonus'])}"
        )
        if m.get("provisional", report["provisional"]):
            head += "  [provisional]"
        console.print()
        console.print(head, markup=False, style="bold")
        table = Table(show_lines=False, pad_edge=False)
        for col in ("indicator", "weight", "value", "target", "achievement", "score"):
            table.add_column(col, justify="left" if col == "indicator" else "right", no_wrap=True)
        for dim in m["dimensions"]:
            table.add_row(
                f"{dim['key']} (weight {dim['weight']}%)",
                "",
                "",
                "",
                "",
                _num(dim["score"]),
                style="bold",
            )
            for ind in dim["indicators"]:
                label = ind["key"]
                if ind.get("replaces"):
                    label += f" (replaces {ind['replaces']})"
                if ind.get("missing"):
                    label += " (missing)"
                target = _num(ind["target"])
                if ind.get("original_target") not in (None, ind["target"]):
                    target = f"{target} (was {ind['original_target']})"
                table.add_row(
                    Text("  " + label),
                    _num(ind["weight"]),
                    _num(ind["value"]),
                    target,
                    _num(ind["achievement"]),
                    _num(ind["score"]),
                )
        console.print(table)
        inc = m.get("incentives") or {}
        parts = [
            f"{k} {_num(inc.get(k))}" for k in ("commission", "over_target_bonus", "pool_share")
        ]
        if inc.get("awards"):
            parts.append(f"awards {len(inc['awards'])}")
        console.print("incentives: " + ", ".join(parts), markup=False)
