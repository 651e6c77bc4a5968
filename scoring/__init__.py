"""perfbot scoring: pure, exact arithmetic of docs/scoring.md (no I/O, no clock)."""

from scoring.report import Scorer, report_to_json, score_report

__all__ = ["Scorer", "report_to_json", "score_report"]
