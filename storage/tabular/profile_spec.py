"""The YAML format of an import profile, validated like org.yaml: unknown keys refused.

A profile says which column of a foreign export (a CRM, a short-video back end, WeCom group
statistics) holds the member, the date, the item and each value, how to convert units, and
which rows to keep. Shipped profiles live in `storage/tabular/profiles/NAME.yaml`; any other
YAML file can be named by its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from storage.msg import Msg, pydantic_reason
from storage.tabular.errors import TableError

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")

Unit = Literal["plain", "wan", "cents", "percent"]
"""plain: the number (thousands separators and a `万`/`亿` suffix allowed); wan: the column
is in 万, x10,000 (a suffix is read too); cents: /100 (fen → yuan); percent: `32.5%` or `32.5` → 0.325."""

Name = Annotated[str, Field(min_length=1)]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MemberSpec(Spec):
    """Who a row is about: a column (member id or display name, with an optional prefix such
    as `team:`) or one constant subject for the whole file."""

    column: Name | None = None
    prefix: str = ""
    constant: Name | None = None

    @model_validator(mode="after")
    def _one_source(self) -> MemberSpec:
        if (self.column is None) == (self.constant is None):
            raise ValueError(
                Msg("profile.column_or_constant", "give exactly one of column and constant")
            )
        return self


class PeriodSpec(Spec):
    column: Name
    kind: Literal["day", "month", "as_is"] = "day"
    formats: list[Name] = Field(default_factory=lambda: list(DEFAULT_DATE_FORMATS))


class ColumnSpec(Spec):
    column: Name


class TimeSpec(Spec):
    column: Name
    formats: list[Name] = Field(
        default_factory=lambda: ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
    )


class ValueSpec(Spec):
    indicator: Name
    column: Name
    unit: Unit = "plain"
    member: MemberSpec | None = None
    """Whom this value is about, when not the row's member (e.g. the team of a sale)."""
    skip_empty: bool = False
    """Leave the metric out for a blank cell (instead of refusing the row)."""


class FilterSpec(Spec):
    """Keep a row only if the cell is in `in` (and not in `not_in`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: Name
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None

    @model_validator(mode="after")
    def _some_rule(self) -> FilterSpec:
        if self.in_ is None and self.not_in is None:
            raise ValueError(Msg("profile.in_or_not_in", "give in or not_in"))
        return self

    def keeps(self, cell: str) -> bool:
        if self.in_ is not None and cell not in self.in_:
            return False
        return not (self.not_in is not None and cell in self.not_in)


class Profile(Spec):
    name: Name
    description: dict[Literal["zh-CN", "en"], str] = Field(default_factory=dict)
    member: MemberSpec
    period: PeriodSpec
    item: ColumnSpec | None = None
    recorded_at: TimeSpec | None = None
    origin: Name = "import"
    filters: list[FilterSpec] = Field(default_factory=list)
    values: list[ValueSpec] = Field(min_length=1)

    def columns(self) -> list[str]:
        """Every foreign column the profile reads (each must be in the file's header)."""
        cols = [self.member.column, self.period.column]
        cols += [s.column for s in (self.item, self.recorded_at) if s is not None]
        cols += [f.column for f in self.filters] + [v.column for v in self.values]
        cols += [v.member.column for v in self.values if v.member is not None]
        return list(dict.fromkeys(c for c in cols if c))


def profile_path(name: str) -> Path:
    """A shipped profile by name, or a YAML file by path."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name)
    return PROFILES_DIR / f"{name}.yaml"


def shipped_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def load_profile(name: str) -> Profile:
    """Parse and validate; errors name the profile file and the field (`FILE: a.b: reason`)."""
    path = profile_path(name)
    if not path.is_file():
        known = ", ".join(shipped_profiles())
        english = "{file}: unknown import profile {name!r} (shipped: {known})"
        raise TableError([Msg("profile.unknown", english, file=path.name, name=name, known=known)])
    try:
        data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8-sig"))
    except (OSError, YAMLError) as exc:
        english = "{file}: cannot read the profile: {detail}"
        raise TableError([Msg("profile.unreadable", english, file=path.name, detail=exc)]) from None
    if not isinstance(data, dict):
        raise TableError(
            [Msg("profile.not_a_mapping", "{file}: (root): expected a mapping", file=path.name)]
        )
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise TableError([_problem(path, e) for e in exc.errors(include_url=False)]) from None


def _problem(path: Path, err: Any) -> str:
    field = ".".join(str(p) for p in err["loc"]) or "(root)"
    english = "{file}: {field}: {reason}"
    return Msg("profile.problem", english, file=path.name, field=field, reason=pydantic_reason(err))
