"""P10: four answers streaming at once into the compare panel (the real ChatRuns, one worker
thread each, and the real columns), 1,000 chunks/s in total from a drip server in its own
process. A 5 ms timer measures the worst gap the GUI thread leaves between its ticks; the GUI
thread's CPU time over the chunks received is the per-chunk cost (painting included).

    python -m benchmarks.compare_bench [STREAMS] [CHUNKS_TOTAL] [PER_SECOND_TOTAL]

Prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any


def p10(streams: int = 4, chunks_total: int = 3000, per_second_total: int = 1000) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from nebula_desktop.store import Conversation, Message
    from nebula_desktop.ui.chat.run import ChatRun
    from nebula_desktop.ui.compare.panel import ComparePanel
    from nebula_desktop.ui.compare.picks import Pick
    from nebula_desktop.ui.compare.session import CompareSession
    from nebula_desktop.ui.messages.view import MessageView

    per_stream = chunks_total // streams
    rate = max(1, per_second_total // streams)
    # Its own process, as a real server: its Python work must not take our GIL.
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.gui_bench", "serve-drip", str(per_stream), str(rate)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    base_url = f"http://127.0.0.1:{int(server.stdout.readline())}/v1"

    def params_for(pick: Pick, _conv: Any, history: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "profile_id": pick.profile_id,
            "api_key": "bench",
            "model": pick.model,
            "messages": history,
            "temperature": 0.7,
        }

    conv = Conversation(id="bench", title="bench", created_at=0.0, updated_at=0.0)
    runs = [ChatRun() for _ in range(streams)]
    panel = ComparePanel(lambda parent: MessageView(parent), lambda _pid: "bench", lambda _l: "")
    panel.resize(1600, 900)
    panel.show()
    loop = QEventLoop()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = {"t": clock.nsecsElapsed()}

    at: list[float] = []  # when each gap ended, seconds from the start

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last["t"]) / 1e6)
        at.append(now / 1e9)
        last["t"] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    session_box: dict[str, Any] = {}

    def begin() -> None:
        session = CompareSession.start(
            conv,
            Message(role="user", content="go"),
            [Pick("bench", f"model-{i}") for i in range(streams)],
            runs,
            lambda _conv: [{"role": "user", "content": "go"}],
            params_for,
            lambda _conv: None,
        )
        session.busy_changed.connect(lambda busy: None if busy else loop.quit())
        panel.show_session(session)
        session_box["s"] = session
        session_box["cpu0"] = time.thread_time()

    t0 = time.perf_counter()
    QTimer.singleShot(0, begin)
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    cpu = time.thread_time() - session_box["cpu0"]
    elapsed = time.perf_counter() - t0
    timer.stop()
    session = session_box["s"]
    answers = session.answers
    chunks = sum(a.content.count("word") for a in answers)
    for run in session.close():
        run.shutdown()
    server.terminate()
    server.wait()
    app.processEvents()
    worst = max(range(3, len(gaps)), key=gaps.__getitem__, default=0)
    return {
        "streams": streams,
        "chunks_per_s_target": per_second_total,
        "chunks_received": chunks,
        "complete": all(a.complete for a in answers),
        "seconds": round(elapsed, 2),
        "worst_gap_ms": round(max(gaps[3:] or [0.0]), 1),
        "worst_gap_at_s": round(at[worst], 2) if at else 0.0,
        "p99_gap_ms": round(sorted(gaps)[int(len(gaps) * 0.99)] if gaps else 0.0, 1),
        "gui_cpu_s": round(cpu, 3),
        "gui_ms_per_chunk": round(cpu * 1000 / max(1, chunks), 3),
    }


def main(argv: list[str]) -> int:
    numbers = [int(a) for a in argv[:3]]
    print(json.dumps(p10(*numbers)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
