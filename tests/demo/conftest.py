"""Shared fixtures: one generated demo per `today`, loaded through the real config loader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot.demo import DemoData, DemoPaths, generate_demo, write_demo_files
from scoring.model import Org
from storage.orgconfig import OrgConfig, load_org_file, to_scoring_org

TODAY = date(2026, 8, 14)

_DAYS = [1, 28, 31, 15, 1, 30, 1, 31, 30, 1, 15, 31]
TODAYS = [date(2027, month, day) for month, day in zip(range(1, 13), _DAYS, strict=True)]
"""One day in every month of a year: first, last and middle days, January included."""


@dataclass(frozen=True)
class Loaded:
    data: DemoData
    paths: DemoPaths
    config: OrgConfig
    org: Org


def load(tmp_path: Path, today: date) -> Loaded:
    data = generate_demo(today)
    paths = write_demo_files(tmp_path, today)
    config = load_org_file(paths.org_yaml)
    return Loaded(data, paths, config, to_scoring_org(config))


@pytest.fixture
def demo(tmp_path: Path) -> Loaded:
    return load(tmp_path, TODAY)
