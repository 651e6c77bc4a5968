"""perfbot scoring: pure, exact arithmetic of docs/scoring.md (no I/O, no clock)."""

from scoring.report import report_to_json, score_report

__all__ = ["report_to_json", "score_report"]
