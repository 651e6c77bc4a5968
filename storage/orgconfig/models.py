"""The whole org.yaml as pydantic models (see examples/org.yaml for every field).

Structure is checked here; cross-references and sums are checked by `validate.py`, which
`OrgConfig` runs once every field is valid, so a model that exists is a consistent org.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from storage.orgconfig._base import Model
from storage.orgconfig.errors import SemanticError
from storage.orgconfig.people import (
    Approvers,
    Channels,
    CoefficientEntry,
    Identities,
    KeyResultConfig,
    LeaveConfig,
    MemberConfig,
    Okr,
    OrgSection,
    ReviewConfig,
    StrategyItem,
    TeamAwardConfig,
    TeamConfig,
    WecomChannel,
)
from storage.orgconfig.records import (
    BonusPointsConfig,
    CalibrationConfig,
    CoachingConfig,
    IncentivesConfig,
    LeadHandoffConfig,
    ScheduleConfig,
    SwapToConfig,
)
from storage.orgconfig.templates import IndicatorConfig, TemplateConfig
from storage.orgconfig.validate import check_org

__all__ = [
    "Approvers",
    "BonusPointsConfig",
    "CalibrationConfig",
    "Channels",
    "CoachingConfig",
    "CoefficientEntry",
    "Identities",
    "IncentivesConfig",
    "IndicatorConfig",
    "KeyResultConfig",
    "LeadHandoffConfig",
    "LeaveConfig",
    "MemberConfig",
    "Okr",
    "OrgConfig",
    "OrgSection",
    "ReviewConfig",
    "ScheduleConfig",
    "StrategyItem",
    "SwapToConfig",
    "TeamAwardConfig",
    "TeamConfig",
    "TemplateConfig",
    "WecomChannel",
]


class OrgConfig(Model):
    org: OrgSection
    strategy: list[StrategyItem] = Field(default_factory=list)
    teams: list[TeamConfig] = Field(min_length=1)
    members: list[MemberConfig] = Field(min_length=1)
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    templates: list[TemplateConfig] = Field(default_factory=list)
    incentives: IncentivesConfig = Field(default_factory=IncentivesConfig)
    lead_handoff: LeadHandoffConfig = Field(default_factory=LeadHandoffConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    calibrations: list[CalibrationConfig] = Field(default_factory=list)
    bonus_points: list[BonusPointsConfig] = Field(default_factory=list)
    coaching: CoachingConfig = Field(default_factory=CoachingConfig)

    @model_validator(mode="after")
    def _consistent(self) -> OrgConfig:
        issues = check_org(self)
        if issues:
            raise SemanticError(issues)
        return self
