"""Cyclic garbage is collected on the GUI thread, never on a background thread that happens to
allocate (a Qt object in a cycle must be destroyed on its own thread)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from nebula_desktop.ui.common.collector import GuiThreadCollector


class _Cycle:
    def __init__(self, seen: list[str]) -> None:
        self.me = self
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


@pytest.fixture
def automatic_gc_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_a_cycle_dropped_while_a_worker_allocates_dies_on_the_gui_thread(
    qtbot: Any, automatic_gc_restored: None
) -> None:
    collector = GuiThreadCollector()
    gc.collect()
    collector.start()
    seen: list[str] = []
    _Cycle(seen)  # unreachable at once: only a collection frees it

    made: list[list[int]] = []

    def allocate() -> None:  # what a drawing thread or the chat worker does all the time
        made.extend([i] for i in range(200_000))

    worker = threading.Thread(target=allocate, name="pool-worker")
    worker.start()
    worker.join()
    assert seen == []  # nothing was collected on the worker
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [threading.main_thread().name]
    made.clear()
    collector.stop()
    assert gc.isenabled()
