"""Property-based: whatever schemathesis generates from the OpenAPI schema of the ingestion
endpoints, the app answers without a 5xx, and a refused request writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy.engine import Engine

from bot.app import create_app
from bot.settings import Settings
from tests.ingest.conftest import counts


@pytest.mark.parametrize("path", ["/api/v1/metrics", "/api/v1/lead-events"])
def test_no_5xx_and_no_partial_write(path: str, store: Engine, db_url: str) -> None:
    app = create_app(Settings(database_url=db_url, ingest_token="tok"), engine=store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = schema[path]["POST"]
    checked: list[int] = []

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        before = counts(store)
        response = case.call(headers={"Authorization": "Bearer tok"})
        assert response.status_code < 500, response.text
        if response.status_code != 200:
            assert counts(store) == before
        checked.append(response.status_code)

    run()
    assert set(checked) - {401}, checked
