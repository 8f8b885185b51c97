"""The one way to run background work besides the chat worker: plain Python callables on a small
thread pool or on named serial queues, their outcome delivered on the GUI thread.

    job = runner.run(secrets.get_key, profile_id,
                     on_done=self._on_key_loaded,     # called with the return value
                     on_failed=self._on_key_failed,   # called with the exception
                     owner=self)                      # no callback once self is destroyed
    runner.serial("saves").run(prepared.write)        # one at a time, in the order asked
    job.succeeded / job.failed / job.done             # the same outcome as signals

A callable must not touch widgets, nor the conversation store (not thread-safe: a save's bytes
are made on the GUI thread, see ``common/saves.py``). ``runner.stopping`` is set when the app
quits: long jobs pass it as their ``cancel`` event so quitting never waits on a hanging server.
:meth:`Runner.shutdown` waits for running and queued jobs within a bound (saves do not depend on
it: the store waits for every save asked for before the window closes and before it unlocks).
Tests wait with ``qtbot.waitSignal(job.done)``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

POOL_THREADS = 4  # model lists, titles, key checks, exports: short and mostly waiting on I/O
SHUTDOWN_WAIT_MS = 5000  # quitting waits at most this long for jobs still running


class Job(QObject):
    """The GUI-thread end of one background job; emits exactly one of succeeded/failed."""

    succeeded = Signal(object)  # the callable's return value
    failed = Signal(object)  # the exception it raised
    done = Signal()  # after succeeded or failed
    _deliver = Signal(bool, object)  # emitted from the pool thread, queued to this object

    def __init__(self, runner: Runner, owner: QObject | None = None) -> None:
        super().__init__()
        self._runner = runner
        self._owner = owner
        self.finished = False
        self._deliver.connect(self._on_deliver)

    def owner_alive(self) -> bool:
        """False once the object the job reports to has been destroyed."""
        return self._owner is None or shiboken6.isValid(self._owner)

    @Slot(bool, object)
    def _on_deliver(self, ok: bool, value: object) -> None:
        self.finished = True
        self._runner._jobs.discard(self)
        if not self.owner_alive():
            return
        if ok:
            self.succeeded.emit(value)
        else:
            self.failed.emit(value)
        self.done.emit()


class _Task(QRunnable):
    def __init__(
        self, job: Job, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        super().__init__()
        self._job = job
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # every failure must reach the GUI
            log.debug("background job %r raised %r", self._fn, exc)
            self._job._deliver.emit(False, exc)
        else:
            self._job._deliver.emit(True, result)


class Queue:
    """Jobs on one pool: :meth:`run` hands a callable over, the outcome comes back as a Job."""

    def __init__(self, runner: Runner, pool: QThreadPool) -> None:
        self._runner = runner
        self.pool = pool

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> Job:
        """Call ``fn(*args, **kwargs)`` off the GUI thread; report back on the GUI thread.

        Must be called from the GUI thread (the returned job lives there). Nothing is started
        once the runner has shut down: the job then fails with a RuntimeError.
        """
        job = Job(self._runner, owner)
        if on_done is not None:
            job.succeeded.connect(on_done)
        if on_failed is not None:
            job.failed.connect(on_failed)
        # Held until delivered: otherwise Python could collect the job while its task runs.
        self._runner._jobs.add(job)
        if self._runner.stopping.is_set():
            job._deliver.emit(False, RuntimeError("the app is quitting"))
        else:
            self.pool.start(_Task(job, fn, args, kwargs))
        return job


class Runner(Queue):
    """A small pool for independent jobs plus named serial queues (``serial("saves")``)."""

    def __init__(self, threads: int = POOL_THREADS) -> None:
        self._jobs: set[Job] = set()
        self._serial: dict[str, Queue] = {}
        self.stopping = threading.Event()  # set at shutdown: pass it as a job's cancel event
        pool = QThreadPool()
        pool.setMaxThreadCount(threads)
        super().__init__(self, pool)

    def serial(self, name: str) -> Queue:
        """The queue called ``name``: its jobs run one at a time, in the order they were asked."""
        queue = self._serial.get(name)
        if queue is None:
            pool = QThreadPool()
            pool.setMaxThreadCount(1)
            pool.setObjectName(name)
            queue = self._serial[name] = Queue(self, pool)
        return queue

    def pending(self) -> int:
        """Jobs asked for whose outcome has not been delivered yet."""
        return len(self._jobs)

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Set :attr:`stopping`, then wait for running and queued jobs within ``timeout_ms``.

        True when every job ended in time (the runner then takes new jobs again). Outcomes
        arriving later are not delivered to an owner that is gone, so a job that outlives its
        dialog or window calls nothing dead.
        """
        self.stopping.set()
        deadline = time.monotonic() + timeout_ms / 1000
        finished = True
        for pool in [self.pool, *(q.pool for q in self._serial.values())]:
            left = max(0, int((deadline - time.monotonic()) * 1000))
            finished = pool.waitForDone(left) and finished
        if finished:
            self.stopping.clear()  # nothing left to cancel: usable again (a test's next window)
        else:
            log.warning("background jobs still running after %d ms", timeout_ms)
        return finished


_default: Runner | None = None


def default_runner() -> Runner:
    """The app's runner (made on first use, from the GUI thread)."""
    global _default
    if _default is None:
        _default = Runner()
    return _default
