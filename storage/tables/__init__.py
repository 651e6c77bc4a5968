"""All SQLModel tables; importing this module fills `SQLModel.metadata` (Alembic's target)."""

from storage.tables._base import ExactDecimal, UTCDateTime, utcnow
from storage.tables.approvals import (
    Award,
    BonusApproval,
    BonusPointsRecord,
    CalibrationApproval,
    CalibrationRecord,
    KeyActionPointsRecord,
    StarCase,
)
from storage.tables.coaching import CoachingSession, ImprovementPlan
from storage.tables.ingest import AtRiskFlag, IngestIdempotency, LeadEvent, ProvisionalScore
from storage.tables.metrics import ImportBatch, MetricValue, MetricValueHistory, ScoreSnapshot
from storage.tables.ops import AuditLog, OutboxMessage, ProcessedDelivery, RateBucket
from storage.tables.org import (
    CampaignRecord,
    IndicatorRecord,
    KeyResultRecord,
    MemberIdentity,
    MemberPreference,
    MemberRecord,
    OrgRecord,
    StrategyRecord,
    TeamRecord,
    TemplateRecord,
)
from storage.tables.review import CheckIn, RatingRecord, ReviewAssignment, ReviewCycle
from storage.tables.snapshot import SnapshotGeneration

__all__ = [
    "AtRiskFlag",
    "AuditLog",
    "Award",
    "BonusApproval",
    "BonusPointsRecord",
    "CalibrationApproval",
    "CalibrationRecord",
    "CampaignRecord",
    "CheckIn",
    "CoachingSession",
    "ExactDecimal",
    "ImportBatch",
    "ImprovementPlan",
    "IndicatorRecord",
    "IngestIdempotency",
    "KeyActionPointsRecord",
    "KeyResultRecord",
    "LeadEvent",
    "MemberIdentity",
    "MemberPreference",
    "MemberRecord",
    "MetricValue",
    "MetricValueHistory",
    "OrgRecord",
    "OutboxMessage",
    "ProcessedDelivery",
    "ProvisionalScore",
    "RateBucket",
    "RatingRecord",
    "ReviewAssignment",
    "ReviewCycle",
    "ScoreSnapshot",
    "SnapshotGeneration",
    "StarCase",
    "StrategyRecord",
    "TeamRecord",
    "TemplateRecord",
    "UTCDateTime",
    "utcnow",
]
