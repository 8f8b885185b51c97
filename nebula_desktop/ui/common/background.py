"""Run a plain Python callable off the GUI thread and get its outcome back on the GUI thread.

For short blocking jobs — a keyring read, a ``/models`` request, a file scan — that must never
freeze the window::

    from nebula_desktop.ui.common.background import run_in_background

    task = run_in_background(secrets.get_key, profile_id,
                             on_success=self._on_key_loaded,   # called with the return value
                             on_error=self._on_key_failed,     # called with the exception
                             context=self)                     # skip callbacks once self is gone
    task.succeeded / task.failed / task.done                   # the same outcome as signals

The callable runs on ``QThreadPool.globalInstance()``; it must not touch widgets. The callbacks
and signals run on the GUI thread (queued). ``context`` is a QObject (usually the widget that
asked): when it has been deleted by the time the job ends, the callbacks are skipped, so a
dialog closed during a slow keyring call cannot crash. The task keeps itself alive until it has
delivered, so callers need not hold a reference. Tests wait with
``qtbot.waitSignal(task.done)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# Tasks that have not delivered yet: without this reference Python could collect the relay
# QObject while the job still runs, and the worker would emit on a deleted object.
_pending: set[BackgroundTask] = set()


class BackgroundTask(QObject):
    """The GUI-thread end of one background job; emits exactly one of succeeded/failed."""

    succeeded = Signal(object)  # the callable's return value
    failed = Signal(object)  # the exception it raised
    done = Signal()  # after succeeded or failed
    _deliver = Signal(bool, object)  # emitted from the pool thread, queued to this object

    def __init__(self, context: QObject | None = None) -> None:
        super().__init__()
        self._context = context
        self.finished = False
        self._deliver.connect(self._on_deliver)

    def _context_alive(self) -> bool:
        return self._context is None or shiboken6.isValid(self._context)

    @Slot(bool, object)
    def _on_deliver(self, ok: bool, value: object) -> None:
        self.finished = True
        _pending.discard(self)
        if not self._context_alive():
            return
        if ok:
            self.succeeded.emit(value)
        else:
            self.failed.emit(value)
        self.done.emit()


class _Job(QRunnable):
    def __init__(
        self, task: BackgroundTask, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any
    ) -> None:
        super().__init__()
        self._task = task
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # every failure must reach the GUI
            log.debug("background job %r raised %r", self._fn, exc)
            self._task._deliver.emit(False, exc)
        else:
            self._task._deliver.emit(True, result)


def run_in_background(
    fn: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    context: QObject | None = None,
    **kwargs: Any,
) -> BackgroundTask:
    """Call ``fn(*args, **kwargs)`` on the thread pool; report back on the GUI thread.

    Must be called from the GUI thread (the returned task lives there).
    """
    task = BackgroundTask(context)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_error is not None:
        task.failed.connect(on_error)
    _pending.add(task)
    QThreadPool.globalInstance().start(_Job(task, fn, args, kwargs))
    return task
