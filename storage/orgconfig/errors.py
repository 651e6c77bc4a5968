"""Errors of the org config: every problem at once, each naming file, line and field."""

from __future__ import annotations

from storage.msg import Msg

Path = tuple[str | int, ...]
Issue = tuple[Path, str]
"""(field path, message): the path is mapped to a line of the YAML file by the loader."""


def format_path(path: Path) -> str:
    """`('templates', 0, 'indicators', 2, 'weight')` → `templates[0].indicators[2].weight`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "." in part:
            out += f"[{part!r}]"  # member ids like li.na used as keys
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


def problem_at(filename: str, line: int, path: Path, reason: str) -> str:
    """`org.yaml:57 templates[0].indicators[2].weight: reason`."""
    english = "{file}:{line} {field}: {reason}"
    return Msg(
        "config.problem", english, file=filename, line=line, field=format_path(path), reason=reason
    )


class ConfigError(Exception):
    """The org config is refused; `errors` lists every problem as `file:line path: message`."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class SemanticError(ConfigError):
    """Cross-field problems found after every field parsed (sums, references, duplicates)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(
            [
                Msg("config.field", "{field}: {reason}", field=format_path(p), reason=m)
                for p, m in issues
            ]
        )
        self.issues = issues
