"""YAML text → plain data plus a map from field path to line number.

We walk ruamel's composed node tree ourselves instead of constructing Python objects, so
that every number becomes a `Decimal` from its exact scalar text (never a float) and every
key and item remembers the line it was written on, for error messages.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from storage.msg import Msg
from storage.orgconfig.errors import ConfigError, Path, problem_at

TAG = "tag:yaml.org,2002:"
SPECIAL_FLOATS = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}


class _Tree:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines: dict[Path, int] = {}
        self.errors: list[str] = []

    def error(self, node: Node, path: Path, message: str) -> None:
        self.errors.append(problem_at(self.filename, node.start_mark.line + 1, path, message))

    def build(self, node: Node, path: Path) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        unsupported = Msg("config.unsupported_node", "unsupported YAML node")
        self.error(node, path, unsupported)  # pragma: no cover - aliases resolve
        return None

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, path, Msg("config.key_not_text", "keys must be plain text"))
                continue
            key = str(key_node.value)
            if key in out:
                self.error(key_node, (*path, key), Msg("config.duplicate_key", "duplicate key"))
                continue
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        text: str = node.value
        tag = node.tag if isinstance(node.tag, str) else str(node.tag)
        if not tag.startswith(TAG) or node.style in ('"', "'", "|", ">"):
            return text
        kind = tag.removeprefix(TAG)
        try:
            return _convert(kind, text)
        except (ValueError, InvalidOperation):
            english = "cannot read {text!r} as {kind}"
            self.error(node, path, Msg("config.bad_scalar", english, text=text, kind=kind))
            return text


def _convert(kind: str, text: str) -> Any:
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        clean = text.replace("_", "")
        return int(clean, 0) if clean.lstrip("+-")[:2].lower() in ("0x", "0o", "0b") else int(clean)
    if kind == "float":
        return Decimal(SPECIAL_FLOATS.get(text.lower(), text.replace("_", "")))
    if kind == "timestamp":
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace(" ", "T", 1))
    return text


def parse_yaml(text: str, filename: str) -> tuple[Any, dict[Path, int]]:
    """Parse `text`; raise ConfigError with one line-numbered error on bad syntax."""
    yaml = YAML(typ="rt")
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        english = "{file}:{line} (syntax): {problem}"
        raise ConfigError(
            [Msg("config.syntax", english, file=filename, line=line, problem=problem)]
        ) from None
    except YAMLError as exc:
        english = "{file}:{line} (syntax): {problem}"
        raise ConfigError(
            [Msg("config.syntax", english, file=filename, line=1, problem=exc)]
        ) from None
    tree = _Tree(filename)
    data = None if node is None else tree.build(node, ())
    if tree.errors:
        raise ConfigError(tree.errors)
    return data, tree.lines
