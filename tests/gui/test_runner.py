"""The background runner: jobs off the GUI thread, outcomes back on it, serial queues in order,
nothing delivered to an owner that is gone, and quitting waits within a bound."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication

from nebula_desktop.ui.common.runner import Runner


@pytest.fixture
def runner() -> Any:
    r = Runner()
    yield r
    r.shutdown(5000)


def test_result_arrives_on_the_gui_thread(qtbot: Any, runner: Runner) -> None:
    seen: list[tuple[Any, bool]] = []
    job = runner.run(
        lambda a, b: (a + b, QThread.currentThread() is QApplication.instance().thread()),
        2,
        3,
        on_done=lambda value: seen.append((value, QThread.currentThread() is app_thread())),
    )
    with qtbot.waitSignal(job.done, timeout=5000):
        pass
    assert seen == [((5, False), True)]  # worked off the GUI thread, answered on it


def app_thread() -> Any:
    return QApplication.instance().thread()


def test_failure_reaches_the_failure_callback(qtbot: Any, runner: Runner) -> None:
    def broken() -> None:
        raise OSError("disk on fire")

    done: list[Any] = []
    failed: list[BaseException] = []
    job = runner.run(broken, on_done=done.append, on_failed=failed.append)
    with qtbot.waitSignal(job.done, timeout=5000):
        pass
    assert done == []
    assert [str(e) for e in failed] == ["disk on fire"]


@pytest.mark.timeout(30)
def test_serial_queue_runs_jobs_one_at_a_time_in_order(qtbot: Any, runner: Runner) -> None:
    order: list[int] = []
    running = [0]
    overlap = [False]
    lock = threading.Lock()

    def save(i: int) -> int:
        with lock:
            running[0] += 1
            overlap[0] = overlap[0] or running[0] > 1
        time.sleep(0.02 * (5 - i))  # the first asked is the slowest: a pool would reorder
        with lock:
            order.append(i)
            running[0] -= 1
        return i

    delivered: list[int] = []
    jobs = [runner.serial("saves").run(save, i, on_done=delivered.append) for i in range(5)]
    with qtbot.waitSignal(jobs[-1].done, timeout=10000):
        pass
    assert order == [0, 1, 2, 3, 4]
    assert delivered == [0, 1, 2, 3, 4]
    assert not overlap[0]
    assert runner.serial("saves") is runner.serial("saves")


def test_no_callback_once_the_owner_is_destroyed(qtbot: Any, runner: Runner) -> None:
    release = threading.Event()
    called: list[Any] = []

    class Owner(QObject):
        def on_done(self, value: Any) -> None:
            called.append(value)

    owner = Owner()
    runner.run(release.wait, 5, on_done=owner.on_done, on_failed=called.append, owner=owner)
    owner.deleteLater()
    QApplication.processEvents()  # the dialog is gone while its job still runs
    release.set()
    qtbot.waitUntil(lambda: runner.pending() == 0, timeout=5000)
    QApplication.processEvents()
    assert called == []


@pytest.mark.timeout(30)
def test_quitting_cancels_a_hanging_job_and_waits_within_a_bound(
    qtbot: Any, runner: Runner
) -> None:
    runner.run(lambda: runner.stopping.wait(60))  # a request that hangs until cancelled
    stubborn = threading.Event()
    runner.serial("renders").run(stubborn.wait, 2)  # ignores the cancel event
    time.sleep(0.05)
    start = time.monotonic()
    assert runner.shutdown(300) is False  # the stubborn job is still running
    waited = time.monotonic() - start
    assert 0.2 <= waited < 1.5  # bounded, not the job's 2 s
    assert runner.pool.activeThreadCount() == 0  # the hanging one saw the cancel and ended
    stubborn.set()
    assert runner.shutdown(5000) is True
    job = runner.run(lambda: "after")  # everything ended: usable again
    with qtbot.waitSignal(job.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == ["after"]
