"""An org with Chinese display names, a team, a swap, a content-hit metric and a refund metric."""

from __future__ import annotations

import pytest

from scoring.model import Org
from storage.orgconfig import load_org_file, load_org_text, to_scoring_org
from tests.paths import SHARED

REFUNDS = (
    "      - {key: refunds, dimension: result, weight: 0, period: month, target: 1,"
    " allow_negative: true}\n"
)


@pytest.fixture(scope="session")
def example_org() -> Org:
    """examples/org.yaml: 王芳 (wang.fang), 李娜 (li.na), 张伟 (zhang.wei), team growth."""
    return to_scoring_org(load_org_file(SHARED / "examples" / "org.yaml"))


@pytest.fixture(scope="session")
def worked_org() -> Org:
    return to_scoring_org(load_org_file(SHARED / "examples" / "worked" / "org.yaml"))


@pytest.fixture(scope="session")
def refund_org() -> Org:
    text = (SHARED / "examples" / "worked" / "org.yaml").read_text(encoding="utf-8")
    anchor = "      - {key: digital_tools"
    text = text.replace(anchor, REFUNDS + anchor)
    return to_scoring_org(load_org_text(text, "org.yaml"))
