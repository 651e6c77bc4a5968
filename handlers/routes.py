"""How events find their handler: each conversation module declares its `ROUTES`.

A handler is a plain function `(event, ctx) -> list[Reply]`; `handlers/__init__.py` lists
the modules, so every route can be followed by reading code (no discovery magic).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from handlers.cards import Event, Reply
from handlers.context import Ctx

Handler = Callable[[Event, Ctx], list[Reply]]


@dataclass
class Routes:
    commands: dict[str, Handler] = field(default_factory=dict)
    """Neutral command names (`myscore`, `checkin`, `perf`…), not platform spellings."""
    actions: dict[str, Handler] = field(default_factory=dict)
    """Button/select `action_id`s."""
    forms: dict[str, Handler] = field(default_factory=dict)
    """`Form.form_id`s."""
    fast: set[tuple[str, str]] = field(default_factory=set)
    """(kind, name) of handlers that may run on the snapshot alone, off the store
    (`handlers.fastpath`): they read `ctx.snapshot` and write only through `ctx.defer`."""

    def command(self, *names: str) -> Callable[[Handler], Handler]:
        def add(fn: Handler) -> Handler:
            for n in names:
                self.commands[n] = fn
            return fn

        return add

    def action(self, *action_ids: str) -> Callable[[Handler], Handler]:
        def add(fn: Handler) -> Handler:
            for a in action_ids:
                self.actions[a] = fn
            return fn

        return add

    def form(self, *form_ids: str, fast: bool = False) -> Callable[[Handler], Handler]:
        def add(fn: Handler) -> Handler:
            for f in form_ids:
                self.forms[f] = fn
                if fast:
                    self.fast.add(("form", f))
            return fn

        return add


def merge(parts: Iterable[Routes]) -> Routes:
    """One table from every module's; a name claimed twice is a bug caught at start-up."""
    out = Routes()
    for part in parts:
        for table, theirs in (
            (out.commands, part.commands),
            (out.actions, part.actions),
            (out.forms, part.forms),
        ):
            clash = set(table) & set(theirs)
            if clash:
                raise ValueError(f"route registered twice: {sorted(clash)}")
            table.update(theirs)
        out.fast |= part.fast
    return out
