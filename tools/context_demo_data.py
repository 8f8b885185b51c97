"""Seed a data folder with a chat whose context was cleared (for docs/screenshot-context.png).

python tools/context_demo_data.py DATA_DIR CONFIG_DIR

The chat sends its last 6 messages, carries a "Clear context" divider below its second answer,
and holds a draft, so the composer shows the estimate (and the price: the profile has prices).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from demo_common import add_turn, demo_chat

MODEL = "gpt-4o"
TURNS = [
    (
        "Plan two relaxed days in Kyoto in autumn.",
        "**Day 1:** Fushimi Inari at dawn, then tea in Gion and the Philosopher's Path.\n\n"
        "**Day 2:** Arashiyama's bamboo grove early, the monkey park, and a riverside lunch. 🍁",
    ),
    (
        "Make it cheaper: we are students.",
        "Stay in a guesthouse near Kyoto Station, buy the one-day bus pass (¥700) and eat at "
        "Nishiki Market stalls; most shrines and the bamboo grove are free.",
    ),
    (
        "Now something else: what should I pack for Hokkaido in February?",
        "Layers: thermal underwear, a fleece, a down jacket, waterproof boots with grip, "
        "gloves, a hat and hand warmers. Sapporo is around −4 °C in February.",
    ),
]
DRAFT = "And for a week of skiing in Niseko?"


def main(data: Path, config: Path) -> None:
    prices = {MODEL: {"input": 2.5, "output": 10.0}}
    now = time.time()
    with demo_chat(data, config, title="Travel questions", model=MODEL, prices=prices) as conv:
        conv.system_prompt = "You are a concise travel planner."
        for i, (question, answer) in enumerate(TURNS):
            at = now - 600 * (len(TURNS) - i)
            usage = {"prompt_tokens": 60 * (i + 1), "completion_tokens": 70}
            add_turn(conv, question, answer, at=at, usage=usage)
        conv.messages[3].context_break = True  # "Clear context" after the Kyoto questions
        conv.context_limit = 6
        conv.draft = DRAFT


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
