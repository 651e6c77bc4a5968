"""Repository functions: keyword-only, each takes the caller's Session and never commits
(the caller's `session_scope` decides), so a failed operation leaves nothing behind."""

from storage.repo.audit import audit, table_counts
from storage.repo.metrics import MetricsOutcome, import_metrics
from storage.repo.org_import import ImportOutcome, import_org
from storage.repo.ratings import RatingsOutcome, import_ratings
from storage.repo.scoring_inputs import NoOrgError, current_org, load_scoring_inputs

__all__ = [
    "ImportOutcome",
    "MetricsOutcome",
    "NoOrgError",
    "RatingsOutcome",
    "audit",
    "current_org",
    "import_metrics",
    "import_org",
    "import_ratings",
    "load_scoring_inputs",
    "table_counts",
]
