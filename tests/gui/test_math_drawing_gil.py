"""Formulas drawn off the GUI thread do not stall it: drawing is pure Python for milliseconds
per formula, and with Python's default 5 ms switch interval the GUI thread waited that long
each time it came back from Qt to Python (a streaming answer's flush stalled for ~100 ms while
a finished answer's formulas were drawn)."""

from __future__ import annotations

import statistics
import sys
import threading
import time
from typing import Any

import pytest

from nebula_desktop.ui.messages.formula_pictures import draw_formulas

DEFAULT_SWITCH_S = 0.005  # Python's own


def _keys(n: int, salt: str) -> list[Any]:
    return [
        (rf"\frac{{a_{i}+{salt}}}{{\sqrt{{b^2-4c}}}}", False, "#000000", 16.0, 4.0, 1.0)
        for i in range(n)
    ]


@pytest.mark.timeout(60)
def test_gui_thread_gets_python_back_quickly_while_formulas_are_drawn(qapp: Any) -> None:
    before = sys.getswitchinterval()
    sys.setswitchinterval(DEFAULT_SWITCH_S)
    try:
        draw_formulas(_keys(1, "w"))  # the math library and its font loaded (once per app)
        waits: list[float] = []
        drawer = threading.Thread(target=draw_formulas, args=(_keys(40, "x"),))
        drawer.start()
        time.sleep(0.02)  # the drawing is under way
        while drawer.is_alive() and len(waits) < 400:
            t = time.perf_counter()
            time.sleep(0)  # lets go of the GIL and takes it back, as a call into Qt does
            waits.append(time.perf_counter() - t)
        drawer.join()
        # Without care each take-back waited for the whole interval (5 ms).
        assert len(waits) >= 10
        assert statistics.median(waits) < DEFAULT_SWITCH_S / 3, statistics.median(waits)
        # Once no drawing runs, Python's own interval is back.
        assert sys.getswitchinterval() == pytest.approx(DEFAULT_SWITCH_S)
    finally:
        sys.setswitchinterval(before)
