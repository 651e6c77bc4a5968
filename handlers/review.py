"""360 review conversation: the rater opens the form from their DM card and submits.

Every check runs on the server against the stored assignment (meta carries only its id),
so a forged payload cannot rate someone unassigned, oneself, outside the window, or with a
value or criterion the form did not offer. Replies name the ratee to the rater only; the
audit line says that *a* review was submitted in the cycle, never by whom for whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache

from handlers.cards import (
    Card,
    Ephemeral,
    Event,
    Form,
    FormErrors,
    OpenForm,
    RatingInput,
    Reply,
    Text,
    TextInput,
    UpdateSource,
)
from handlers.context import Ctx
from handlers.i18n import format_date
from handlers.review_cycle import Window, is_open, last_edit_day
from handlers.routes import Routes
from handlers.writes import Audit, SaveRatings
from scoring.model import Org
from storage.repo.reviews import get_assignment, get_cycle, ratings_given
from storage.repo.snapshot import AssignmentRef, CycleWindow

ROUTES = Routes()

COMMENT = "comment"
MAX_COMMENT = 3000


def criteria_for(org: Org, ratee_id: str, kind: str) -> dict[str, int]:
    """{criterion: scale} of the ratee's `peer` (or `manager`) indicators, template order."""
    member = org.members[ratee_id]
    template = org.templates.get(member.template or "")
    out: dict[str, int] = {}
    if template is None:
        return out
    source = "manager" if kind == "manager" else "peer"
    for ind in template.indicators:
        if ind.source == source:
            for c in ind.criteria:
                out.setdefault(c, ind.scale or org.review_scale)
    return out


def _criteria(ctx: Ctx, ratee_id: str, kind: str) -> Mapping[str, int]:
    """`criteria_for` of the event's org, memoised on its snapshot (read-only)."""
    if ctx.snapshot is None or ctx.snapshot.org is not ctx.org:
        return criteria_for(ctx.org, ratee_id, kind)
    org = ctx.org
    return ctx.snapshot.memo(
        ("criteria", ratee_id, kind), lambda: criteria_for(org, ratee_id, kind)
    )


def _criterion_name(org: Org, criterion: str, locale: str) -> str:
    names = org.criteria.get(criterion, {})
    tag = "zh-CN" if locale.startswith("zh") else "en"
    return names.get(tag) or names.get("en") or names.get("zh-CN") or criterion


def _refuse(ctx: Ctx, msgid: str, **params: object) -> list[Reply]:
    return [Ephemeral(Card(blocks=(Text(ctx.t(msgid, **params)),)))]


def _assignment(ctx: Ctx, raw_id: str) -> AssignmentRef | None:
    """From the snapshot (open cycles), else the store (on the fast path: `NeedsStore`)."""
    if not raw_id.isdigit():
        return None
    found = ctx.snapshot.assignments.get(int(raw_id)) if ctx.snapshot is not None else None
    if found is not None:
        return found
    a = get_assignment(ctx.session, assignment_id=int(raw_id))
    if a is None or a.id is None:
        return None
    return AssignmentRef(a.id, a.cycle, a.rater_id, a.ratee_id, a.kind)


def _cycle(ctx: Ctx, quarter: str) -> Window | None:
    if ctx.snapshot is not None:
        return ctx.snapshot.cycles.get(quarter)
    return get_cycle(ctx.session, quarter=quarter)


def _checked(ctx: Ctx, raw_id: str) -> tuple[AssignmentRef, Window] | list[Reply]:
    """The assignment and cycle behind a click or submission, or the refusal to send."""
    a = _assignment(ctx, raw_id)
    if a is not None and a.ratee_id == ctx.member_id:
        return _refuse(ctx, "review.self_refused")
    if a is None or a.rater_id != ctx.member_id or a.ratee_id not in ctx.org.members:
        return _refuse(ctx, "review.not_assigned")
    cycle = _cycle(ctx, a.cycle)
    if cycle is None or not is_open(cycle, ctx.now):
        return _refuse(ctx, "review.window_closed", period=a.cycle)
    return a, cycle


@lru_cache(maxsize=1024)
def _deadline(closes_at: datetime, timezone: str, locale: str) -> str:
    """The last edit day as the rater reads it (Babel formatting is slow; inputs repeat)."""
    window = CycleWindow("", closes_at, closes_at, "")
    return format_date(last_edit_day(window, timezone), locale)


@ROUTES.action("review.open")
def open_form(event: Event, ctx: Ctx) -> list[Reply]:
    """The button on the DM card: the rating form, prefilled with earlier answers."""
    checked = _checked(ctx, event.values.get("value", ""))
    if isinstance(checked, list):
        return checked
    a, cycle = checked
    given = ratings_given(ctx.session, cycle=a.cycle, rater_id=a.rater_id, ratee_id=a.ratee_id)
    inputs: list[RatingInput | TextInput] = [
        RatingInput(
            input_id=c,
            label=_criterion_name(ctx.org, c, ctx.locale),
            scale=scale,
            initial=given[c].value if c in given else None,
            hint=ctx.t(
                "review.criterion_prompt",
                criterion=_criterion_name(ctx.org, c, ctx.locale),
                scale=scale,
            ),
        )
        for c, scale in criteria_for(ctx.org, a.ratee_id, a.kind).items()
    ]
    old_comment = next((r.comment for r in given.values() if r.comment), None)
    inputs.append(
        TextInput(
            COMMENT,
            ctx.t("review.comment"),
            multiline=True,
            required=False,
            initial=old_comment,
            max_length=MAX_COMMENT,
        )
    )
    name = ctx.org.members[a.ratee_id].name or a.ratee_id
    form = Form(
        form_id="review.submit",
        title=ctx.t("review.form_title"),
        submit_label=ctx.t("common.submit"),
        inputs=inputs,
        private_metadata=str(a.id),
        blocks_before=(Text(ctx.t("review.intro", name=name, period=a.cycle)),),
    )
    return [OpenForm(form)]


def rating_value(raw: str, scale: int) -> int | None:
    """`raw` as a rating on 1..scale: one to three decimal digits (a form sends "1".."10";
    anything longer is not a choice it offered), else None."""
    if len(raw) > 3 or not raw.isdecimal():
        return None
    value = int(raw)
    return value if 1 <= value <= scale else None


def _validate(
    ctx: Ctx, values: Mapping[str, str], criteria: Mapping[str, int]
) -> tuple[dict[str, int], str | None] | dict[str, str]:
    """Ratings and comment from the submitted values, or per-field errors."""
    errors: dict[str, str] = {}
    for key in values:
        if key not in criteria and key != COMMENT:
            errors[key] = ctx.t("review.unknown_field")
    ratings: dict[str, int] = {}
    for c, scale in criteria.items():
        raw = values.get(c, "").strip()
        if not raw:
            errors[c] = ctx.t("review.required")
        elif (value := rating_value(raw, scale)) is None:
            errors[c] = ctx.t("review.out_of_range", scale=scale)
        else:
            ratings[c] = value
    comment = values.get(COMMENT, "").strip() or None
    if comment is not None and len(comment) > MAX_COMMENT:
        errors[COMMENT] = ctx.t("review.comment_too_long", max=MAX_COMMENT)
    return errors if errors else (ratings, comment)


@ROUTES.form("review.submit", fast=True)
def submit(event: Event, ctx: Ctx) -> list[Reply]:
    """Validate everything, then upsert; a resubmission while open replaces the last one.

    Runs on the snapshot alone when the assignment is in an open cycle (the fast path), so
    it writes only through `ctx.defer`."""
    checked = _checked(ctx, event.meta)
    if isinstance(checked, list):
        return checked
    a, cycle = checked
    result = _validate(ctx, event.values, _criteria(ctx, a.ratee_id, a.kind))
    if isinstance(result, dict):
        return [FormErrors(result)]
    ratings, comment = result
    ctx.defer(SaveRatings(a.cycle, a.rater_id, a.ratee_id, ratings, comment, ctx.now))
    # Counts only: no rater, no ratee, no value (scoring.md §4 anonymity).
    ctx.defer(Audit("reviewer", "review.submit", a.cycle, {"ratings": len(ratings)}))
    name = ctx.org.members[a.ratee_id].name or a.ratee_id
    deadline = _deadline(cycle.closes_at, ctx.timezone, ctx.locale)
    text = ctx.t("review.submitted", name=name, deadline=deadline)
    return [UpdateSource(Card(blocks=(Text(text),), card_id=f"review:{a.cycle}:a{a.id}"))]
