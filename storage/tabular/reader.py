"""Read a CSV or XLSX file into a header and text cells, whatever produced it.

Excel on Chinese Windows saves CSV as GB18030 (or UTF-8 with a BOM when asked), so the
encoding is detected rather than assumed. XLSX cells arrive typed; they are turned back into
the text a user would have typed, so CSV and XLSX go through exactly the same validation.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from storage.msg import Msg
from storage.tabular.errors import TableError

BOM = b"\xef\xbb\xbf"
MISSING_COLUMN = Msg("table.missing_column", "missing column")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class RawTable:
    """`rows` are (spreadsheet row number, cells); row 1 is the header."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Problems found while mapping a foreign export (its rows are already left out)."""

    def error(self, row: int, column: str, reason: str) -> str:
        return Msg(
            "table.problem",
            "{file}:{row} {column}: {reason}",
            file=self.name,
            row=row,
            column=column,
            reason=reason,
        )


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — what Excel writes on Chinese Windows."""
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_table(path: str | Path) -> RawTable:
    p = Path(path)
    try:
        if p.suffix.lower() in XLSX_SUFFIXES:
            records = _read_xlsx(p)
        else:
            records = list(csv.reader(io.StringIO(decode_csv(p.read_bytes()), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile, KeyError) as exc:
        unreadable = Msg(
            "table.unreadable", "{file}:1 file: cannot read: {detail}", file=p.name, detail=exc
        )
        raise TableError([unreadable]) from None
    if not records:
        raise TableError(
            [Msg("table.empty_file", "{file}:1 header: the file is empty", file=p.name)]
        )
    table = RawTable(p.name, [h.strip() for h in records[0]])
    for number, cells in enumerate(records[1:], start=2):
        cells = [c.strip() for c in cells]
        if any(cells):
            table.rows.append((number, cells))
    return table


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about workbook features it ignores (styles, data validation).
        warnings.simplefilter("ignore", UserWarning)
        wb = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = wb.worksheets[0]
        return [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        wb.close()


def cell_text(value: object) -> str:
    """A typed XLSX cell as the text it shows: 2026.0 → `2026`, a midnight date → the day."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def check_header(table: RawTable, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    """Exact header names, any order; a missing, unknown or repeated column refuses the file."""
    errors: list[str] = []
    seen: set[str] = set()
    for name in table.header:
        if name in seen:
            column = name or Msg("table.blank_column", "(blank)")
            errors.append(table.error(1, column, Msg("table.column_twice", "column given twice")))
        elif name not in required and name not in optional and name:
            expected = ", ".join(required + optional)
            reason = Msg(
                "table.unknown_column", "unknown column (expected {expected})", expected=expected
            )
            errors.append(table.error(1, name, reason))
        seen.add(name)
    for name in required:
        if name not in seen:
            errors.append(table.error(1, name, MISSING_COLUMN))
    if errors:
        raise TableError(errors)


def records(table: RawTable) -> list[tuple[int, dict[str, str]]]:
    """Rows as {column: text}; cells beyond the header are dropped, missing cells are ''."""
    out: list[tuple[int, dict[str, str]]] = []
    for number, cells in table.rows:
        rec = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(table.header)}
        out.append((number, rec))
    return out
