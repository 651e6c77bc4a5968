"""Load org.yaml: parse, validate, and report every problem as `file:line path: message`."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from storage.msg import Msg, pydantic_reason
from storage.orgconfig.errors import ConfigError, Issue, Path, SemanticError, problem_at
from storage.orgconfig.models import OrgConfig
from storage.orgconfig.yamltree import parse_yaml

MESSAGES = {
    "extra_forbidden": Msg("config.unknown_key", "unknown key"),
    "missing": Msg("config.required", "required"),
    "string_pattern_mismatch": Msg("config.not_a_clock_time", "expected a time as HH:MM"),
}
"""Our wording of the pydantic errors an org.yaml most often has (others: pydantic's)."""
NUMBER_TYPES = ("decimal_parsing", "decimal_type", "int_parsing", "int_type")


def load_org_file(path: str | FsPath) -> OrgConfig:
    p = FsPath(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        english = "{file}:1 (file): cannot read: {detail}"
        raise ConfigError([Msg("config.unreadable", english, file=p.name, detail=exc)]) from None
    return load_org_text(text, p.name)


def load_org_text(text: str, filename: str) -> OrgConfig:
    data, lines = parse_yaml(text, filename)
    if not isinstance(data, dict):
        english = "{file}:1 (root): expected a mapping with org, teams, members…"
        raise ConfigError([Msg("config.not_a_mapping", english, file=filename)])
    try:
        return OrgConfig.model_validate(data)
    except SemanticError as exc:
        issues = exc.issues
    except ValidationError as exc:
        issues = [_issue(data, err) for err in exc.errors(include_url=False)]
    raise ConfigError([_format(filename, lines, path, msg) for path, msg in issues])


def _issue(data: Any, err: Any) -> Issue:
    loc: tuple[str | int, ...] = tuple(err["loc"])
    message: str
    if err["type"] in NUMBER_TYPES:
        message = Msg("config.not_a_number", "not a number: {input!r}", input=err["input"])
    else:
        message = MESSAGES.get(err["type"]) or pydantic_reason(err)
    return _clean_loc(data, loc), message


def _clean_loc(data: Any, loc: tuple[str | int, ...]) -> Path:
    """Drop pydantic's union-branch labels: keep only the steps that exist in the data."""
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        elif last and isinstance(cur, dict) and isinstance(part, str):
            pass  # a missing field: named, though not in the file
        else:
            continue
        out.append(part)
    return tuple(out)


def _format(filename: str, lines: dict[Path, int], path: Path, message: str) -> str:
    for n in range(len(path), -1, -1):
        line = lines.get(path[:n])
        if line is not None:
            break
    else:
        line = 1
    return problem_at(filename, line, path, message)
