"""Metrics and reviews files (CSV, XLSX) → validated scoring rows, with row-numbered errors."""

from storage.tabular.errors import TableError
from storage.tabular.metrics import ParsedMetrics, parse_metrics_file
from storage.tabular.reviews import parse_reviews_file

__all__ = ["ParsedMetrics", "TableError", "parse_metrics_file", "parse_reviews_file"]
