"""`paused_gc` turns the cyclic collector off only for its block and restores the state
it found: nested blocks keep it off until the outermost ends, and a collector that was
already off stays off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from storage.gcpause import paused_gc


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_block_pauses_and_restores() -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_exception() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="boom"), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_closing_a_paused_generator_restores() -> None:
    gc.enable()

    def gen() -> Iterator[int]:
        with paused_gc():
            yield 1
            yield 2

    it = gen()
    assert next(it) == 1
    assert not gc.isenabled()
    it.close()
    assert gc.isenabled()
