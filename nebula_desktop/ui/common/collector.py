"""``GuiThreadCollector``: Python's cyclic garbage collection, run on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate when a generation
fills up: a pool thread drawing a formula, the chat worker reading a stream. A cycle that holds
a Qt object (a closure that keeps a widget, a wrapper and its slot) is then destroyed on that
thread, and Qt objects must die on their own thread: it can hang or crash. So the window turns
automatic collection off and collects on a GUI-thread timer instead, with Python's own
thresholds (the same approach pyqtgraph takes for the same reason). Reference counting, which
frees almost everything, is untouched.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000  # a look per second: a full generation waits at most this long


class GuiThreadCollector(QObject):
    """Collects cyclic garbage on the thread it lives on (the GUI thread) while started."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)

    def start(self) -> None:
        """Turn automatic collection off; collect on this thread from now on."""
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Back to Python's own automatic collection."""
        self._timer.stop()
        gc.enable()

    def collect(self) -> int:
        """Collect the oldest generation that has filled up, as Python would; the number of
        unreachable objects found."""
        threshold0, threshold1, threshold2 = gc.get_threshold()
        count0, count1, count2 = gc.get_count()
        if count2 > threshold2:
            return gc.collect(2)
        if count1 > threshold1:
            return gc.collect(1)
        if count0 > threshold0:
            return gc.collect(0)
        return 0
