"""Two batches writing the same rows at once end consistent: each row holds one of the two
batches' values, and the history chain of every row is unbroken."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from handlers.ingest import Answer, Grant, ingest_metrics
from storage.db import session_scope
from storage.tables import MetricValue, MetricValueHistory
from tests.ingest.conftest import NOW, item

ITEMS = 40


def batch(value: int) -> bytes:
    return json.dumps({"metrics": [item(item=f"v{i}", value=value) for i in range(ITEMS)]}).encode()


def test_concurrent_batches_end_consistent(store: Engine) -> None:
    answers: list[Answer] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def send(value: int) -> None:
        try:
            start.wait()
            answers.append(
                ingest_metrics(
                    store,
                    batch(value),
                    grant=Grant("default"),
                    key=None,
                    reopen=False,
                    now=NOW,
                    max_items=1000,
                )
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    for _round in range(3):
        threads = [threading.Thread(target=send, args=(v,)) for v in (100, 200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert [a.status for a in answers] == [200] * 6
    with session_scope(store) as s:
        rows = s.exec(select(MetricValue)).all()
        history = s.exec(select(MetricValueHistory).order_by(col(MetricValueHistory.id))).all()
    assert len(rows) == ITEMS
    finals = {r.value for r in rows}
    assert finals <= {Decimal(100), Decimal(200)}
    # every row's history is a chain: each replaced value was written by the batch the
    # previous replacement came from, and the current row was written by the last one
    for row in rows:
        chain = [h for h in history if h.metric_value_id == row.id]
        for prev, nxt in zip(chain, chain[1:], strict=False):
            assert nxt.old_batch_id == prev.replaced_by_batch_id
        if chain:
            assert chain[-1].replaced_by_batch_id == row.batch_id
    # all rows were last written by the same batch (batches apply one after the other)
    assert len({r.batch_id for r in rows}) == 1
    assert len(finals) == 1
