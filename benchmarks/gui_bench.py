"""GUI-thread benchmarks run in a child process (offscreen), on the app's own view and worker.

    python -m benchmarks.gui_bench p3 DATA_DIR CONV_ID      open a long conversation → first paint
    python -m benchmarks.gui_bench p4 DATA_DIR CONV_ID      per-chunk GUI cost while an answer grows

P3 and P4 run with math on, as the window does by default: formulas in the chat (one answer in
ten) and in the streamed answer are drawn as they are for a user. With ``plain`` after the
arguments they run the workload of the benchmarks before math (a chat without formulas, a
"Lorem ipsum" answer, math off), to compare with commits from before it.
    python -m benchmarks.gui_bench p8                       event-loop gaps at 1,000 chunks/s

Each prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    from nebula_desktop.ui.common.collector import GuiThreadCollector

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        # As the app does: cyclic garbage dies on the GUI thread, never on a drawing thread.
        GuiThreadCollector(app).start()
    return app


def _paint_waiter(widget: Any) -> Any:
    """Returns a callable telling whether ``widget`` painted since the last reset."""
    from PySide6.QtCore import QEvent, QObject

    class Watch(QObject):
        painted = False

        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watch = Watch()
    widget.installEventFilter(watch)
    return watch


def p3(data_dir: str, conv_id: str, plain: bool = False) -> dict[str, Any]:
    app = _app()
    from nebula_desktop.store import ConversationStore
    from nebula_desktop.ui.messages.view import MessageView

    view = MessageView()
    view.set_render_math(not plain)
    view.resize(900, 700)
    view.show()
    for _ in range(5):
        app.processEvents()
    # As in the running app, whose renderer is loaded on a background queue after start-up:
    # what is timed is opening a chat, not importing the Markdown parser and highlighter.
    from nebula_desktop.render.markdown import warm_up

    warm_up()
    watch = _paint_waiter(view.viewport())
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    store = ConversationStore(Path(data_dir))
    conv = store.load(conv_id)
    t_loaded = time.perf_counter()
    view.set_messages(conv.messages)
    while not watch.painted:
        app.processEvents()
    t_paint = time.perf_counter()
    rss1 = _rss_mb()
    store.close()
    from nebula_desktop.ui.common.runner import default_runner

    # As the window does on quit: formulas still being drawn must not outlive the view (a
    # garbage widget collected on the renders thread at exit would hang the process).
    default_runner().shutdown()
    return {
        "messages": len(conv.messages),
        "markdown_chars": sum(len(m.content) for m in conv.messages),
        "math": not plain,
        "messages_with_formulas": _with_formulas(conv.messages),
        "load_s": round(t_loaded - t0, 4),
        "first_paint_s": round(t_paint - t0, 4),
        "rss_growth_mb": round(rss1 - rss0, 1),
    }


def _with_formulas(messages: list[Any]) -> int:
    """How many of ``messages`` hold a formula (counted after the timing)."""
    from nebula_desktop.render.math_scan import find_formulas

    return sum(1 for m in messages if find_formulas(m.content))


def p4(
    data_dir: str, conv_id: str, per_flush: int = 10, repeats: int = 3, plain: bool = False
) -> dict[str, Any]:
    """GUI-thread time per streamed chunk while an answer grows from 0 to 50k characters.

    The answer streams into the real MessageView (400-message conversation above it) in rounds:
    ``per_flush`` chunks are appended (each followed by an event-loop turn, as a queued signal
    from the worker would be), then the view's coalescing flush runs and the event loop is
    turned until the viewport has painted. A round is what the app does for one ~30 ms batch
    of a fast model; its time divided by ``per_flush`` is the GUI-thread cost per chunk,
    including the re-measure, relayout and paint the chunk causes. Timing single
    ``stream_append`` calls instead would report the cost of a list append (a few µs) and
    hide the flush, which is where the work that can grow with the answer lives.

    The answer is prose with formulas (``datagen.answer_chunks``: an inline one per paragraph,
    a display block every third, each new), with math on: unfinished formulas show as source,
    finished ones are drawn off the GUI thread and land while the answer streams.
    """
    app = _app()
    from benchmarks.datagen import answer_chunks, plain_chunks
    from nebula_desktop.render.math_scan import find_formulas
    from nebula_desktop.store import ConversationStore, Message
    from nebula_desktop.ui.messages.view import MessageView

    store = ConversationStore(Path(data_dir))
    conv = store.load(conv_id)
    view = MessageView()
    view.set_render_math(not plain)
    view.resize(900, 700)
    view.show()
    view.set_messages(conv.messages[-400:])
    app.processEvents()
    watch = _paint_waiter(view.viewport())
    rounds: list[tuple[int, float, float]] = []  # (chars at start, round s, flush+paint s)
    turns: list[tuple[int, float]] = []  # (chars, s) of each event-loop turn: the worst stall

    def turn(at: int) -> None:
        t0 = time.perf_counter()
        app.processEvents()
        turns.append((at, time.perf_counter() - t0))

    n = 0
    formulas = 0
    for repeat in range(repeats):  # several answers, pooled: ~20 rounds per window is too noisy
        # 23 chars each; a new paragraph every ~20
        pieces = plain_chunks() if plain else answer_chunks(seed=repeat)
        streamed: list[str] = []
        answer = Message(role="assistant", content="", model="bench-model", complete=False)
        view.append_message(answer)
        view.set_streaming(answer.id)
        for _ in range(5):
            app.processEvents()
        chars = 0
        while chars < 50_000:
            at = chars
            t = time.perf_counter()
            for _ in range(per_flush):
                text = next(pieces)
                streamed.append(text)
                view.stream_append(answer.id, "content", text)
                turn(chars)
                chars += len(text)
                n += 1
            t_flush = time.perf_counter()
            watch.painted = False
            view.flush_stream()
            for _ in range(50):  # until the update is on screen (layout, then paint)
                turn(chars)
                if watch.painted:
                    break
            done = time.perf_counter()
            rounds.append((at, done - t, done - t_flush))
        answer.complete = True
        view.set_streaming(None)
        formulas += len(find_formulas("".join(streamed)))

    def window(lo: int, hi: int, which: int) -> list[float]:
        return [r[which] for r in rounds if lo <= r[0] < hi]

    early, late = window(0, 5_000, 1), window(45_000, 50_001, 1)
    early_f, late_f = window(0, 5_000, 2), window(45_000, 50_001, 2)
    med = statistics.median
    per_chunk = [r[1] / per_flush for r in rounds]
    store.close()
    return {
        "chunks": n,
        "chunks_per_flush": per_flush,
        "answers": repeats,
        "math": not plain,
        "formulas_per_answer": formulas // repeats,
        "rounds_per_window": min(len(early), len(late)),
        "per_chunk_median_ms_at_1k": round(med(early) / per_flush * 1e3, 4),
        "per_chunk_median_ms_at_50k": round(med(late) / per_flush * 1e3, 4),
        "per_chunk_mean_ms_at_1k": round(statistics.fmean(early) / per_flush * 1e3, 4),
        "per_chunk_mean_ms_at_50k": round(statistics.fmean(late) / per_flush * 1e3, 4),
        "per_chunk_mean_ms_all": round(statistics.fmean(per_chunk) * 1e3, 4),
        "flush_median_ms_at_1k": round(med(early_f) * 1e3, 3),
        "flush_median_ms_at_50k": round(med(late_f) * 1e3, 3),
        "flush_max_ms_at_1k": round(max(early_f) * 1e3, 2),
        "flush_max_ms_at_50k": round(max(late_f) * 1e3, 2),
        "per_chunk_max_ms_at_1k": round(max(early) / per_flush * 1e3, 4),
        # The longest single event-loop turn (while the previous answer's pictures land, at 1k).
        "turn_max_ms_at_1k": round(max(d for c, d in turns if c < 5_000) * 1e3, 2),
        "turn_max_ms_all": round(max(d for _, d in turns) * 1e3, 2),
        "growth_ratio": round(med(late) / med(early), 3),
        "mean_growth_ratio": round(statistics.fmean(late) / statistics.fmean(early), 3),
        "flush_growth_ratio": round(med(late_f) / med(early_f), 3),
    }


def _drip_server(chunks: int, per_second: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            gap = 1.0 / per_second
            start = time.perf_counter()
            for i in range(chunks):
                delta = {"choices": [{"index": 0, "delta": {"content": f"word{i} "}}]}
                self.wfile.write(b"data: " + json.dumps(delta).encode() + b"\n\n")
                self.wfile.flush()
                target = start + (i + 1) * gap
                while time.perf_counter() < target:
                    time.sleep(0.0002)
            final = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            self.wfile.write(b"data: " + json.dumps(final).encode() + b"\n\ndata: [DONE]\n\n")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def p8(chunks: int = 3000, per_second: int = 1000) -> dict[str, Any]:
    """The real ChatWorker in its QThread streams into the real MessageView; a 5 ms timer
    measures the worst gap the GUI thread leaves between its ticks."""
    _app()
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, QThread, QTimer, Signal, Slot

    from nebula_desktop.store import Message
    from nebula_desktop.ui.chat.worker import ChatWorker
    from nebula_desktop.ui.messages.view import MessageView

    # The server runs in its own process, as a real one would: in ours, its Python work (one
    # json.dumps and write per chunk) would take the GIL from the GUI thread and count as lag.
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.gui_bench", "serve-drip", str(chunks), str(per_second)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    base_url = f"http://127.0.0.1:{port}/v1"
    view = MessageView()
    view.resize(900, 700)
    view.show()
    answer = Message(role="assistant", content="", complete=False)
    view.set_messages([Message(role="user", content="go"), answer])
    view.set_streaming(answer.id)
    loop = QEventLoop()

    class Relay(QObject):
        """Lives on the GUI thread so the worker's signals arrive queued, as in the app."""

        request = Signal(str, dict)

        @Slot(str, str, str)
        def on_delta(self, rid: str, kind: str, text: str) -> None:
            view.stream_append(answer.id, kind, text)

        @Slot(str, dict)
        def on_done(self, rid: str, payload: dict) -> None:
            loop.quit()

    relay = Relay()
    thread = QThread()
    worker = ChatWorker()
    worker.moveToThread(thread)
    thread.start()
    relay.request.connect(worker.start_chat)
    worker.delta.connect(relay.on_delta)
    worker.finished.connect(relay.on_done)
    worker.failed.connect(relay.on_done)
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = {"t": clock.nsecsElapsed()}

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last["t"]) / 1e6)
        last["t"] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    params = {
        "base_url": base_url,
        "profile_id": "bench",
        "api_key": "bench",
        "model": "bench-model",
        "messages": [{"role": "user", "content": "go"}],
        "temperature": 0.7,
    }
    t0 = time.perf_counter()
    QTimer.singleShot(0, lambda: relay.request.emit("bench-1", params))
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    elapsed = time.perf_counter() - t0
    timer.stop()
    thread.quit()
    thread.wait()
    server.terminate()
    server.wait()
    chars = len(answer.content)
    return {
        "chunks": chunks,
        "chunks_per_s_target": per_second,
        "seconds": round(elapsed, 2),
        "answer_chars": chars,
        "worst_gap_ms": round(max(gaps[3:] or [0.0]), 1),
        "p99_gap_ms": round(sorted(gaps)[int(len(gaps) * 0.99)] if gaps else 0.0, 1),
    }


def main(argv: list[str]) -> int:
    mode = argv[0]
    plain = argv[-1] == "plain"
    if mode == "p3":
        out = p3(argv[1], argv[2], plain=plain)
    elif mode == "p4":
        out = p4(argv[1], argv[2], plain=plain)
    elif mode == "serve-drip":
        server = _drip_server(int(argv[1]), int(argv[2]))
        print(server.server_address[1], flush=True)
        threading.Event().wait()  # until the benchmark terminates us
        return 0
    elif mode == "p8":
        out = p8()
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
