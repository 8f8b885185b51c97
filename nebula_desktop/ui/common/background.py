"""``run_in_background``: the older spelling of ``default_runner().run`` (see ``runner.py``).

    task = run_in_background(secrets.get_key, profile_id,
                             on_success=self._on_key_loaded,   # called with the return value
                             on_error=self._on_key_failed,     # called with the exception
                             context=self)                     # skip callbacks once self is gone
    task.succeeded / task.failed / task.done                   # the same outcome as signals

The job runs on the app's :class:`~nebula_desktop.ui.common.runner.Runner` pool; the callbacks
run on the GUI thread, and never once ``context`` has been destroyed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from nebula_desktop.ui.common.runner import Job, default_runner

BackgroundTask = Job


def run_in_background(
    fn: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    context: QObject | None = None,
    **kwargs: Any,
) -> Job:
    """Call ``fn(*args, **kwargs)`` on the app's runner; report back on the GUI thread."""
    return default_runner().run(
        fn, *args, on_done=on_success, on_failed=on_error, owner=context, **kwargs
    )
