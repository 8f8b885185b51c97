"""Seed a data folder with realistic chats (for docs/screenshot.png and trying the app).

python tools/demo_data.py DATA_DIR CONFIG_DIR
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from demo_common import demo_settings

from nebula_desktop.store import ConversationStore, Message

ANSWER = """Here is a small, **thread-safe** cache with a time-to-live:

```python
import threading, time

class TTLCache:
    def __init__(self, ttl: float = 60.0) -> None:
        self._ttl, self._data = ttl, {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value, born = self._data.get(key, (None, 0.0))
            return value if time.monotonic() - born < self._ttl else None
```

| operation | cost |
|---|---|
| `get` | O(1) |
| `set` | O(1) |

中文也没问题：缓存命中率越高，响应越快。 Have fun 🚀✨
"""

CHATS = [
    (
        "Weekend trip ideas for Kyoto 🇯🇵",
        "Plan two relaxed days in Kyoto in autumn.",
        "Day 1: Fushimi Inari at dawn, then Gion. Day 2: Arashiyama bamboo grove… 🍁",
    ),
    (
        "SQL: top customers per month",
        "Write a query for the top 3 customers per month.",
        "Use a window function:\n\n```sql\nSELECT * FROM (\n  SELECT month, customer,\n"
        "         RANK() OVER (PARTITION BY month ORDER BY total DESC) AS r\n  FROM sales\n) t"
        " WHERE r <= 3;\n```",
    ),
    (
        "翻译：产品发布说明",
        "把这段发布说明翻译成英文。",
        "Here is the English version of the release notes…",
    ),
    (
        "Explain Rust lifetimes simply",
        "Explain Rust lifetimes like I'm five.",
        "A lifetime is how long a borrowed thing stays valid…",
    ),
    (
        "Birthday poem for Mia 🎂",
        "A short birthday poem for my sister Mia.",
        "Candles bright and wishes true,\nanother year, and all brand-new… 🎉",
    ),
]


def main(data: Path, config: Path) -> None:
    settings_store, settings, profile = demo_settings(config, "claude-sonnet-4-20250514")
    now = time.time()
    with ConversationStore(data) as store:
        for i, (title, question, answer) in enumerate(CHATS):
            conv = store.create(title=title, model=profile.default_model)
            conv.messages.append(Message(role="user", content=question, created_at=now - 86400 * i))
            conv.messages.append(
                Message(
                    role="assistant",
                    content=answer,
                    model=profile.default_model,
                    usage={"prompt_tokens": 40, "completion_tokens": 120, "total_tokens": 160},
                )
            )
            conv.pinned = i == 1
            conv.updated_at = now - 3600 * (i * i + 1)  # a spread of ages for the list
            store.save(conv, touch=False)
        main_chat = store.create(title="A TTL cache in Python", model=profile.default_model)
        main_chat.messages.append(
            Message(role="user", content="Write a small thread-safe TTL cache in Python, please.")
        )
        main_chat.messages.append(
            Message(
                role="assistant",
                content=ANSWER,
                reasoning="A compact cache: a dict of (value, timestamp) and a lock.",
                reasoning_seconds=3.2,
                model=profile.default_model,
                usage={"prompt_tokens": 31, "completion_tokens": 214, "total_tokens": 245},
            )
        )
        main_chat.messages.append(Message(role="user", content="Can you add an eviction limit?"))
        main_chat.messages.append(
            Message(
                role="assistant",
                content="Sure — keep an `OrderedDict` and pop the oldest entry when",
                model=profile.default_model,
                complete=False,
                error="Error: Cannot connect to API server",
                request_id="202611271930154829130575f0c8a1eQm3xT9bK",
            )
        )
        store.save(main_chat)
        settings.last_conversation_id = main_chat.id
    settings_store.save(settings)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
