"""Leaving the process once the app is done: at once, with nothing lost.

When ``app.main()`` returns, everything the app writes is on disk (chats, the index, the
settings, the caches). Python's own teardown would then free every module and Qt object one by
one (~20 M instructions at every quit) for memory the system takes back at once, so the command
leaves with ``os._exit`` after flushing the log and the standard streams.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import NoReturn


def leave(rc: int) -> NoReturn:
    """Flush the log and the standard streams, hand over the clipboard, exit with ``rc``."""
    logging.shutdown()
    hand_over_clipboard()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(rc)


def hand_over_clipboard() -> None:
    """Text copied in the app outlives it: on X11 the clipboard lives in its owner, and Qt gives
    it to the clipboard manager when the QApplication is destroyed, so it is destroyed (the
    teardown a fast exit skips) whenever the app owns the clipboard or the selection."""
    qt_gui = sys.modules.get("PySide6.QtGui")
    if qt_gui is None:
        return  # (--version, --check-parts: no Qt)
    app = qt_gui.QGuiApplication.instance()
    if app is None:
        return
    clipboard = qt_gui.QGuiApplication.clipboard()
    if clipboard.ownsClipboard() or clipboard.ownsSelection():
        import shiboken6

        shiboken6.delete(app)
