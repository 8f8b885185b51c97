"""Screenshot of Compare in the real window: one question, three models, two still streaming.

    bash tools/make_screenshot.sh is for the plain window; this one drives the app itself:
    Xvfb :99 -screen 0 1180x780x24 & DISPLAY=:99 QT_QPA_PLATFORM=xcb \
        .venv/bin/python tools/compare_screenshot.py docs/screenshot-compare.png

Drives the real ``MainWindow`` on a temporary data folder against two loopback servers (two
profiles: a gateway with two models, a local server with one), each streaming its answer at
its own pace; the window is grabbed while the slower two are still streaming.
"""

from __future__ import annotations

import sys

from demo_common import demo_window, model_server, pause, save_shot, wait_until

from nebula_desktop.settings import Profile, Settings
from nebula_desktop.ui.compare.picks import Pick
from tests.servers import CHAT_PATH, Recorded, Reply, sse_reply

QUESTION = "In one short paragraph and a tiny example: what does Python's GIL mean for threads?"

ANSWERS = {
    "claude-sonnet-4": (
        "The **GIL** (global interpreter lock) lets only one thread run Python bytecode at a "
        "time. Threads still help when they *wait* — on sockets, files or `time.sleep` — "
        "because the lock is released while they block; CPU-bound work needs processes "
        "instead.\n\n```python\nfrom concurrent.futures import ThreadPoolExecutor\n\n"
        "with ThreadPoolExecutor(8) as pool:\n    pages = list(pool.map(fetch, urls))  "
        "# I/O: fine\n```\n\nFor number crunching use `ProcessPoolExecutor`, or a library "
        "that releases the GIL (NumPy does for most operations)."
    ),
    "gpt-4o": (
        "In CPython the GIL is a mutex around the interpreter: two threads never execute "
        "Python code truly in parallel. That makes threads a good fit for I/O-bound tasks "
        "and a poor fit for CPU-bound ones.\n\n- **I/O-bound** → `threading`, `asyncio`\n"
        "- **CPU-bound** → `multiprocessing`\n\n```python\nimport threading\n\n"
        "t = threading.Thread(target=download, args=(url,))\nt.start(); t.join()\n```\n\n"
        "Python 3.13 ships an optional free-threaded build without the GIL."
    ),
    "qwen2.5-coder:7b": (
        "The Global Interpreter Lock means one thread runs Python at a time, so threads "
        "give **concurrency**, not parallelism. While a thread waits for the network or "
        "disk it releases the lock and another thread runs.\n\n```python\nimport threading"
        "\nthreads = [threading.Thread(target=work) for _ in range(4)]\n```\n\n"
        "Use processes when every core should compute."
    ),
}
# Seconds between chunks: the local model finishes first, the others are still streaming.
PACE = {"claude-sonnet-4": 0.11, "gpt-4o": 0.08, "qwen2.5-coder:7b": 0.012}


def _words(text: str) -> list[str]:
    parts: list[str] = []
    for word in text.split(" "):
        parts.append(word + " ")
    parts[-1] = parts[-1][:-1]
    return parts


def _reply(request: Recorded) -> Reply:
    model = str((request.json or {}).get("model"))
    chunks = _words(ANSWERS[model])
    usage = {"prompt_tokens": 31, "completion_tokens": len(chunks) + 8}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return sse_reply(chunks, model=model, delay=PACE[model], usage=usage)


def main(out: str) -> None:
    with (
        model_server("claude-sonnet-4", "gpt-4o") as gateway,
        model_server("qwen2.5") as local,
    ):
        gateway.default[CHAT_PATH] = local.default[CHAT_PATH] = _reply

        def prices_and_local_profile(settings: Settings, profile: Profile) -> None:
            profile.prices = {
                "claude-sonnet-4": {"input": 3.0, "output": 15.0},
                "gpt-4o": {"input": 2.5, "output": 10.0},
            }
            settings.profiles.append(
                Profile(
                    id="local",
                    name="Ollama",
                    base_url=local.base_url,
                    needs_key=False,
                    default_model="qwen2.5-coder:7b",
                )
            )

        with demo_window(gateway.base_url, "gpt-4o", prices_and_local_profile) as window:
            window.splitter.setSizes([220, 960])
            pause(300)
            gateway_id = window.ctx.settings.default_profile_id
            window.compare.set_picks(
                [
                    Pick(gateway_id, "claude-sonnet-4"),
                    Pick(gateway_id, "gpt-4o"),
                    Pick("local", "qwen2.5-coder:7b"),
                ]
            )
            window.composer.set_text(QUESTION)
            window.compare.send(window.composer.text())
            session = window.compare.session
            local_lane = session.lanes[2]
            wait_until(lambda: local_lane.answer.complete)
            pause(3800)
            assert sum(lane.streaming for lane in session.lanes) == 2, "two should still stream"
            save_shot(window, out)
            window.compare.stop_all()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screenshot-compare.png")
