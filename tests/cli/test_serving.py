"""`perfbot serve`'s process tuning: start-up objects frozen, a larger young generation."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.serving import tune_gc
from bot.settings import Settings


@pytest.fixture
def restored_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("restored_gc")
def test_tuning_freezes_start_up_and_raises_the_young_threshold() -> None:
    _, middle, old = gc.get_threshold()
    tune_gc(10_000)
    assert gc.get_threshold() == (10_000, middle, old)
    assert gc.get_freeze_count() > 1000  # the modules and objects loaded so far


@pytest.mark.usefixtures("restored_gc")
def test_zero_leaves_the_collector_as_python_set_it() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    tune_gc(0)
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, frozen)


def test_the_setting_defaults_on_and_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings(_env_file=None).gc_young_threshold == 10_000  # type: ignore[call-arg]
    monkeypatch.setenv("PERFBOT_GC_YOUNG_THRESHOLD", "0")
    assert Settings(_env_file=None).gc_young_threshold == 0  # type: ignore[call-arg]
