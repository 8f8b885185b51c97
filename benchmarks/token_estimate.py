"""How far the offline token estimate is from what a real server counts (issue 16).

    NEBULA_LLAMA_PYTHON=.venv-llama/bin/python .venv/bin/python -m benchmarks.token_estimate
    .venv/bin/python -m benchmarks.token_estimate --base-url http://host/v1 --model M --key K

Without ``--base-url`` it starts llama-cpp-python's server with SmolLM2-135M (as the realserver
tests do: ``tools/setup_realserver.sh`` builds it). For each kind of text it sends two different
prompts (system prompt + one question, ``max_tokens=1``, not streamed: llama-cpp-python reports
usage only then) and prints the error of the uncalibrated estimate on both, and of the estimate
calibrated on the first prompt's reported ``prompt_tokens`` on the second; then the error when
the calibration comes from another kind of text. Figures are in ``docs/context.md``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from nebula_desktop.api import ChatClient
from nebula_desktop.tokens import Calibration, estimate_tokens

SYSTEM = "You are a helpful assistant. Answer briefly."

SAMPLES: dict[str, tuple[str, str]] = {
    "English prose": (
        "The committee met on Tuesday to review the budget for next year. Most members agreed "
        "that the library needs new shelves, longer opening hours and a better heating system, "
        "but nobody could say where the money would come from. After a long discussion they "
        "decided to ask the city council for a grant and to hold a book sale in the spring. "
        "The chair promised to write to the council before the end of the month, and two "
        "volunteers offered to sort the donated books. Can you suggest three other ways a small "
        "public library could raise money without raising its fees?",
        "Our hiking group left the village early in the morning, when the valley was still full "
        "of fog. By noon we had reached the ridge, where a cold wind made everyone put on their "
        "jackets again. We ate lunch behind a large rock, watched two eagles circling above the "
        "lake, and started the long walk down before the weather could change. Halfway down, "
        "one of us slipped on wet stones and twisted an ankle, so the last part took twice as "
        "long as planned. What should a group carry on a day hike to handle an injury like that?",
    ),
    "Chinese": (
        "委员会星期二开会审议明年的预算。大多数成员都同意图书馆需要新的书架、更长的开放时间和更好的"
        "供暖系统，但没有人能说清楚钱从哪里来。经过长时间的讨论，他们决定向市议会申请拨款，并在春天"
        "举办一次图书义卖活动。请你再提出三种小型公共图书馆在不提高收费的情况下筹集资金的方法。",
        "我们的徒步小组清晨离开村子的时候，山谷里还弥漫着浓雾。到了中午，我们登上了山脊，寒风让大家"
        "又穿上了外套。我们在一块大石头后面吃了午饭，看着两只老鹰在湖面上空盘旋，然后在天气变化之前"
        "开始了漫长的下山之路。请问一日徒步时应该携带哪些东西来应对扭伤之类的意外？",
    ),
    "Python code": (
        "Why does this function sometimes return an empty dict?\n\n```python\n"
        "def merge(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:\n"
        '    """Sum the counts of two tallies."""\n'
        "    out = dict(a)\n"
        "    for key, value in b.items():\n"
        "        out[key] = out.get(key, 0) + value\n"
        "    return {k: v for k, v in sorted(out.items()) if v > 0}\n\n\n"
        "def top(counts: dict[str, int], n: int = 3) -> list[tuple[str, int]]:\n"
        "    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))\n"
        "    return ranked[:n]\n```\n",
        "Can this be made faster?\n\n```python\n"
        "class LRU:\n"
        "    def __init__(self, size: int = 128) -> None:\n"
        "        self.size = size\n"
        "        self.items: list[tuple[str, bytes]] = []\n\n"
        "    def get(self, key: str) -> bytes | None:\n"
        "        for i, (k, v) in enumerate(self.items):\n"
        "            if k == key:\n"
        "                self.items.append(self.items.pop(i))\n"
        "                return v\n"
        "        return None\n\n"
        "    def put(self, key: str, value: bytes) -> None:\n"
        "        self.items = [(k, v) for k, v in self.items if k != key][-self.size + 1 :]\n"
        "        self.items.append((key, value))\n```\n",
    ),
    "Mixed": (
        "Translate the note below into English and fix the JSON: 会议定于2025年3月14日下午"
        '3点举行，预算为12,500元。\n{"date": "2025-03-14", "time": "15:00", "budget": 12500,, '
        '"room": "B-204"}\nAlso, is `items[::-1]` faster than `reversed(items)` for 10,000 items?',
        "Summarise in one line: 新版本把启动时间从1.8秒缩短到0.6秒，内存占用下降了35%。\n"
        '{"version": "2.4.1", "startup_ms": 600, "rss_mb": 84.5, "ok": true}\nAnd what does '
        "`git rebase -i HEAD~3` do to the last 3 commits?",
    ),
}


def error(estimate: int, actual: int) -> float:
    """Signed error of ``estimate`` against ``actual``, as a fraction of ``actual``."""
    return (estimate - actual) / actual


def prompt(text: str) -> list[dict[str, Any]]:
    """The request's messages for one sample: a system prompt and the question."""
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]


def prompt_tokens(client: ChatClient, model: str, messages: list[dict[str, Any]]) -> int:
    """What the server counts for ``messages`` (one token answered, not streamed)."""
    result = client.chat(model, messages, temperature=0.0, max_tokens=1, stream=False)
    usage = result.usage or {}
    count = usage.get("prompt_tokens")
    if not isinstance(count, int):
        raise RuntimeError(f"the server reported no prompt_tokens: {usage!r}")
    return count


def measure(client: ChatClient, model: str) -> list[str]:
    """The report's lines."""
    counts = {
        kind: [prompt_tokens(client, model, prompt(t)) for t in texts]
        for kind, texts in SAMPLES.items()
    }
    lines = [
        "| text | tokens (server) | uncalibrated error | calibrated on the other prompt |",
        "|---|---|---|---|",
    ]
    for kind, texts in SAMPLES.items():
        a, b = (prompt(t) for t in texts)
        cal = Calibration({})
        cal.observe("p", model, a, counts[kind][0])
        raw = [error(estimate_tokens(m), n) for m, n in zip((a, b), counts[kind], strict=True)]
        fitted = error(cal.estimate(b, "p", model), counts[kind][1])
        lines.append(
            f"| {kind} | {counts[kind][0]}, {counts[kind][1]} | {raw[0]:+.0%}, {raw[1]:+.0%} "
            f"| {fitted:+.1%} |"
        )
    lines += [
        "",
        "| calibrated on | error on English | Chinese | code | mixed |",
        "|---|---|---|---|---|",
    ]
    for source, texts in SAMPLES.items():
        cal = Calibration({})
        cal.observe("p", model, prompt(texts[0]), counts[source][0])
        cells = [
            f"{error(cal.estimate(prompt(t[1]), 'p', model), counts[k][1]):+.0%}"
            for k, t in SAMPLES.items()
        ]
        lines.append(f"| {source} | " + " | ".join(cells) + " |")
    return lines


@contextmanager
def llama_server() -> Iterator[tuple[str, str, str]]:
    """llama-cpp-python's server with SmolLM2-135M on a free port: (base URL, key, model)."""
    python = os.environ.get("NEBULA_LLAMA_PYTHON", "")
    if not python:
        sys.exit("set NEBULA_LLAMA_PYTHON (tools/setup_realserver.sh prints it) or --base-url")
    from tests.realserver.conftest import API_KEY, MODEL_ALIAS, _free_port, _gguf

    port = _free_port()
    cmd = [
        python, "-m", "llama_cpp.server", "--model", _gguf(python), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port), "--api_key", API_KEY, "--n_threads", "1",
        "--n_ctx", "2048",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                headers = {"Authorization": f"Bearer {API_KEY}"}
                if requests.get(base_url + "/models", headers=headers, timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        yield base_url, API_KEY, MODEL_ALIAS
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url")
    parser.add_argument("--model", default="")
    parser.add_argument("--key", default="")
    args = parser.parse_args()
    if args.base_url:
        with ChatClient(args.base_url, api_key=args.key, timeout=120) as client:
            print("\n".join(measure(client, args.model)))
        return
    with llama_server() as (base_url, key, model), ChatClient(base_url, key, timeout=120) as client:
        print("\n".join(measure(client, model)))


if __name__ == "__main__":
    main()
