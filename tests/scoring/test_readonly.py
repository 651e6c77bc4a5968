"""`@readonly` classes: frozen to the type checker, hashable and comparable by their
fields, slotted at run time."""

from __future__ import annotations

import textwrap
from dataclasses import field, replace
from pathlib import Path

import pytest
from mypy import api as mypy_api

from scoring.readonly import readonly


@readonly
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=())


def test_equal_and_hashed_by_fields_like_a_frozen_dataclass() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert {Point(1, 2): "a"}[Point(1, 2)] == "a"
    assert replace(Point(1, 2), y=5) == Point(1, 5)


def test_slotted_no_instance_dict() -> None:
    with pytest.raises(AttributeError):
        Point(1).__dict__  # noqa: B018
    with pytest.raises(AttributeError):
        Point(1).z = 3  # type: ignore[attr-defined]


def test_mypy_refuses_assignment_to_a_field(tmp_path: Path) -> None:
    source = tmp_path / "uses_readonly.py"
    source.write_text(
        textwrap.dedent(
            """
            from scoring.readonly import readonly

            @readonly
            class Point:
                x: int

            p = Point(1)
            p.x = 2
            """
        )
    )
    out, _err, status = mypy_api.run([str(source), "--no-incremental", "--strict"])
    assert status == 1
    assert 'Property "x" defined in "Point" is read-only' in out
