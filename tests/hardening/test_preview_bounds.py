"""The chat-list preview of a huge answer costs what a short one does (memory and time).

An image model's answer can carry megabytes of base64, and an imported chat can hold a
message of many megabytes; the preview is computed at every save of that chat. It reads only
the start of the text: no copy of the whole message, no list of all its words.
"""

from __future__ import annotations

import pytest

from tests.hardening.limits import run_limited

# Each case builds an 8 MB message; the child prints the preview and what making it cost.
_ATTACK = """
import time, tracemalloc
from nebula_desktop.store.model import Message, make_preview

MB8 = 8_000_000
cases = {{
    "bold marks": "**\\n" * (MB8 // 3),
    "one long line": "word " * (MB8 // 5),
    "picture": "Here: ![dot](data:image/png;base64," + "A" * MB8 + ")\\nEnjoy",
}}
text = cases[{case!r}]
small = [Message(role="assistant", content="a few words here\\n" * 60)]
big = [Message(role="assistant", content=text)]

def best(messages):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        make_preview(messages)
        times.append(time.perf_counter() - start)
    return min(times)

tracemalloc.start()
preview = make_preview(big)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(repr(preview))
print("peak_mb=%.2f" % (peak / 1e6))
print("ratio=%.1f" % (best(big) / best(small)))
"""


def _number(output: str, name: str) -> float:
    line = next(line for line in output.splitlines() if line.startswith(name + "="))
    return float(line.split("=", 1)[1])


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("case", "preview"),
    [("bold marks", "''"), ("one long line", "'word word"), ("picture", "'Here: [image] Enjoy'")],
)
def test_previewing_an_8_mb_message_takes_little_memory_and_time(case: str, preview: str) -> None:
    result = run_limited(_ATTACK.format(case=case), timeout=50)
    assert result.ok, result.stderr
    assert result.stdout.startswith(preview)
    # The message itself is 8 MB: making its preview must not copy it or split it into words.
    assert _number(result.stdout, "peak_mb") < 2
    assert result.peak_mb < 300
    if case != "picture":  # a picture's data is skipped with one C-speed scan, not read
        assert _number(result.stdout, "ratio") < 50  # a few lines read, like a short answer
