"""Reviews files: clean import, and every refused rating named by row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.model import Org
from scoring.periods import Period
from storage.tabular import TableError, parse_reviews_file
from tests.paths import SHARED

HEADER = "cycle,rater,ratee,criterion,value,comment\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "reviews.csv"
    path.write_bytes(text.encode(encoding))
    return path


def errors_of(path: Path, org: Org) -> list[str]:
    with pytest.raises(TableError) as info:
        parse_reviews_file(path, org)
    return info.value.errors


def test_worked_reviews(worked_org: Org) -> None:
    ratings = parse_reviews_file(SHARED / "examples" / "worked" / "reviews.csv", worked_org)
    assert len(ratings) == 6
    first = ratings[0]
    assert (first.cycle, first.rater, first.ratee, first.criterion, first.value) == (
        Period.quarter(2026, 3),
        "r1",
        "mei",
        "collaboration",
        4,
    )
    assert first.comment is None
    assert [r.value for r in ratings] == [4, 4, 5, 4, 3, 4]


def test_chinese_names_and_comment_in_gb18030(tmp_path: Path, example_org: Org) -> None:
    text = HEADER + "2026-Q3,张伟,李娜,collaboration,5,配合很默契\n"
    (rating,) = parse_reviews_file(write(tmp_path, text, "gb18030"), example_org)
    assert (rating.rater, rating.ratee, rating.value) == ("zhang.wei", "li.na", 5)
    assert rating.comment == "配合很默契"


def test_refused_ratings(tmp_path: Path, example_org: Org) -> None:
    text = HEADER + (
        "2026-Q3,li.na,li.na,collaboration,4,\n"  # 2
        "2026-Q3,zhang.wei,li.na,collaboration,0,\n"  # 3
        "2026-Q3,zhang.wei,li.na,responsiveness,6,\n"  # 4
        "2026-Q3,wang.fang,li.na,collaboration,4.5,\n"  # 5
        "2026-Q3,zhang.wei,li.na,charm,4,\n"  # 6
        "2026-08,zhang.wei,li.na,collaboration,4,\n"  # 7
        "2026-Q3,ghost,li.na,collaboration,4,\n"  # 8
        "2026-Q3,zhou.min,li.na,collaboration,4,\n"  # 9
        "2026-Q3,zhou.min,li.na,collaboration,3,\n"  # 10: same as row 9
    )
    assert errors_of(write(tmp_path, text), example_org) == [
        "reviews.csv:2 ratee: a self-rating is not allowed",
        "reviews.csv:3 value: must be a whole number from 1 to 5, got '0'",
        "reviews.csv:4 value: must be a whole number from 1 to 5, got '6'",
        "reviews.csv:5 value: must be a whole number from 1 to 5, got '4.5'",
        "reviews.csv:6 criterion: unknown criterion 'charm'",
        "reviews.csv:7 cycle: a review cycle is a quarter like 2026-Q3, got '2026-08'",
        "reviews.csv:8 rater: unknown member 'ghost'",
        "reviews.csv:10 rater: same cycle, rater, ratee and criterion as row 9",
    ]
