"""P9: the worst GUI event-loop gap in the real MainWindow, in a child process (offscreen).

    python -m benchmarks.p9_gaps render [CHARS]   open a chat whose last answer is CHARS (200,000)
                                                  characters of hostile Markdown (``[[[[…``,
                                                  ``![[…``), until it is painted and settled
    python -m benchmarks.p9_gaps save [MESSAGES]  save a MESSAGES (2,000)-message chat several
                                                  times while every fsync takes 200 ms

A 5 ms ``QTimer`` ticks throughout; the figure is the longest time between two ticks, i.e. the
longest the GUI thread left the user without a repaint or an answer to a click. Each mode prints
one JSON object on its last line. The goal (≤ 50 ms) is checked by ``python -m benchmarks``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SLOW_FSYNC_S = 0.2  # a slow disk or a synced folder (the figure)
TICK_MS = 5
SETTLE_S = 1.0  # keep measuring this long after the last visible change


def _hostile(chars: int, shape: str) -> str:
    if shape == "brackets":
        return "[" * chars
    unit = "![["
    return (unit * (chars // len(unit) + 1))[:chars]


def keyless_settings(config_dir: Path, last_id: str | None) -> None:
    """A profile that needs no key, so start-up never stops at the first-run dialog; the app
    opens ``last_id`` first."""
    from nebula_desktop.settings import Profile, SettingsStore

    store = SettingsStore(config_dir)
    settings = store.load()
    settings.profiles = [
        Profile(id="local", name="Local", base_url="http://127.0.0.1:9/v1", needs_key=False)
    ]
    settings.default_profile_id = "local"
    settings.auto_title = False
    settings.last_conversation_id = last_id
    store.save(settings)


class GapMeter:
    """Records the time between ticks of a 5 ms timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.gaps: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0

    def start(self) -> None:
        self.gaps.clear()
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._tick()  # a block running when we stop counts too

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self.gaps.append((now - self._last) / 1e6)
        self._last = now

    def figures(self) -> dict[str, float]:
        gaps = sorted(self.gaps) or [0.0]
        return {
            "worst_gap_ms": round(gaps[-1], 1),
            "p99_gap_ms": round(gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))], 1),
            "ticks": len(self.gaps),
        }


def _spin_until(app: Any, done: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop (in ~5 ms turns, as an idle app would) until ``done()``."""
    from PySide6.QtCore import QEventLoop

    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, TICK_MS)
        time.sleep(0.001)  # processEvents returns at once when idle: do not spin the CPU
    return True


def _window(data: Path, config: Path) -> tuple[Any, Any, Any]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.store import ConversationStore
    from nebula_desktop.ui.common.app_context import AppContext
    from nebula_desktop.ui.window.main_window import MainWindow

    settings_store = SettingsStore(config)
    store = ConversationStore(data)
    ctx = AppContext(settings_store, store, settings_store.load(), {}, offline=True)
    window = MainWindow(ctx)
    window.resize(1100, 720)
    window.show()
    window.load()
    # Start-up work the window defers (list rows, first paints, timers) is not what P9 measures.
    _spin_until(app, lambda: False, 1.0)
    return app, window, store


def _close(app: Any, window: Any, store: Any) -> None:
    window.close()
    for _ in range(5):
        app.processEvents()
    store.close()


class _PaintWatch:
    """Counts paint events of a widget and remembers when the last one happened."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        owner = self

        class Filter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint:
                    owner.paints += 1
                    owner.last = time.perf_counter()
                return False

        self.paints = 0
        self.last = 0.0
        self._filter = Filter()
        widget.installEventFilter(self._filter)


def render(chars: int = 200_000, shape: str = "brackets", settle_s: float = SETTLE_S) -> dict:
    """Open a chat whose last answer is ``chars`` of hostile Markdown, from another chat.

    Measured from the click (``open_conversation``, what a list selection does) until the
    viewport has painted and then stayed still for ``settle_s`` (a render finished off the GUI
    thread repaints when it lands; at most 60 s are waited for that).
    """
    from nebula_desktop.store import ConversationStore, Message

    with tempfile.TemporaryDirectory(prefix="nebula-p9-") as tmp:
        data, config = Path(tmp) / "data", Path(tmp) / "config"
        store = ConversationStore(data)
        small = store.create(title="Small", model="bench-model", system_prompt=None)
        small.messages.append(Message(role="user", content="hello"))
        small.messages.append(Message(role="assistant", content="Hi! How can I help?"))
        store.save(small)
        big = store.create(title="Hostile", model="bench-model", system_prompt=None)
        big.messages.append(Message(role="user", content="Show me brackets."))
        big.messages.append(
            Message(role="assistant", content=_hostile(chars, shape), model="bench-model")
        )
        store.save(big)
        big_id, small_id = big.id, small.id
        store.close()
        keyless_settings(config, small_id)

        app, window, store = _window(data, config)
        watch = _PaintWatch(window.view.viewport())
        meter = GapMeter()
        meter.start()
        _spin_until(app, lambda: False, 0.2)  # a quiet stretch first: the baseline tick
        paints_before = watch.paints
        t0 = time.perf_counter()
        window.open_conversation(big_id)
        painted = _spin_until(app, lambda: watch.paints > paints_before, 60)
        t_paint = time.perf_counter()
        # Later repaints (plain text first, the rendered answer when it lands) keep it going.
        _spin_until(
            app,
            lambda: time.perf_counter() - max(watch.last, t_paint) >= settle_s,
            60,
        )
        meter.stop()
        t_settled = max(watch.last, t_paint)
        shown = window.controller.conv is not None and window.controller.conv.id == big_id
        _close(app, window, store)
    return {
        "answer_chars": chars,
        "shape": shape,
        "opened": shown and painted,
        "first_paint_s": round(t_paint - t0, 3),
        "last_paint_s": round(t_settled - t0, 3),
        **meter.figures(),
    }


def save(messages: int = 2000, saves: int = 5, every_s: float = 0.3) -> dict:
    """Save a ``messages``-message chat ``saves`` times, ``every_s`` apart, while every
    ``os.fsync`` takes 200 ms; measured until the last save is on disk and the writes are quiet.
    """
    from benchmarks import datagen
    from nebula_desktop.store import ConversationStore

    with tempfile.TemporaryDirectory(prefix="nebula-p9-") as tmp:
        data, config = Path(tmp) / "data", Path(tmp) / "config"
        data.mkdir(parents=True)
        store = ConversationStore(data)
        conv = datagen.make_conversation(random.Random(9), messages, 600, 1)
        conv = datagen._adopt(store, conv)
        store.save(conv)
        conv_id = conv.id
        store.close()
        keyless_settings(config, conv_id)

        app, window, store = _window(data, config)
        conv = window.controller.conv
        assert conv is not None and conv.id == conv_id, "the chat did not open"

        real_fsync = os.fsync
        lock = threading.Lock()
        state = {"calls": 0, "busy": 0, "last_end": time.perf_counter()}

        def slow_fsync(fd: int) -> None:
            with lock:
                state["calls"] += 1
                state["busy"] += 1
            try:
                time.sleep(SLOW_FSYNC_S)
                real_fsync(fd)
            finally:
                with lock:
                    state["busy"] -= 1
                    state["last_end"] = time.perf_counter()

        os.fsync = slow_fsync  # type: ignore[assignment]
        try:
            meter = GapMeter()
            meter.start()
            _spin_until(app, lambda: False, 0.2)
            t0 = time.perf_counter()
            for i in range(saves):
                conv.draft = f"p9 save {i}"  # what the file must hold after the last save
                window.controller.save(conv)
                _spin_until(app, lambda: False, every_s)
            t_asked = time.perf_counter()

            def quiet() -> bool:
                with lock:
                    return state["busy"] == 0 and time.perf_counter() - state["last_end"] > 0.5

            _spin_until(app, quiet, 60)
            meter.stop()
            t_done = time.perf_counter()
            fsyncs = state["calls"]
        finally:
            os.fsync = real_fsync
        path = data / "conversations" / f"{conv_id}.json"
        on_disk = json.loads(path.read_text(encoding="utf-8")).get("draft")
        size = path.stat().st_size
        _close(app, window, store)
    return {
        "messages": messages,
        "file_mb": round(size / 1e6, 2),
        "saves": saves,
        "fsyncs": fsyncs,
        "fsync_s": SLOW_FSYNC_S,
        "last_save_on_disk": on_disk == f"p9 save {saves - 1}",
        "asked_s": round(t_asked - t0, 2),
        "drained_s": round(t_done - t0, 2),
        **meter.figures(),
    }


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else ""
    if mode == "render":
        out = render(int(argv[1]) if len(argv) > 1 else 200_000, *(argv[2:3] or ["brackets"]))
    elif mode == "save":
        out = save(int(argv[1]) if len(argv) > 1 else 2000)
    else:
        raise SystemExit(f"unknown mode {mode!r} (render | save)")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(sys.argv[1:]))
