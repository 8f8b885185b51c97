"""Seeded generators for benchmark data sets (nothing large is committed).

Conversations are built with the real store's dataclasses and written in the store's own file
format, so the app under test reads exactly what it reads for a user.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from nebula_desktop.store import Conversation, ConversationStore, Message

_WORDS = " ".join(
    (
        "the model answer stream token gateway latency window render cache layout delegate paint "
        "python qt signal thread worker json file atomic durable index search chat history prompt "
        "system user assistant reasoning markdown table code block list emoji unicode",
    )
).split()
_CJK = "你好世界人工智能是计算机科学的一个分支旨在创造能够执行需要人类智能任务的机器学习语言模型"
_EMOJI = "🎉🚀✨🔥💡📦🧪🐍🌌🤖"


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def markdown_message(rng: random.Random, size: int) -> str:
    """About ``size`` characters of varied Markdown: prose, lists, code, tables, CJK, emoji."""
    parts: list[str] = []
    total = 0
    while total < size:
        kind = rng.randrange(6)
        if kind == 0:
            block = " ".join(_sentence(rng, rng.randint(6, 18)) for _ in range(rng.randint(1, 4)))
        elif kind == 1:
            block = "\n".join(f"- {_sentence(rng, rng.randint(3, 9))}" for _ in range(4))
        elif kind == 2:
            lines = [f"    value_{i} = compute({i}, '{rng.choice(_WORDS)}')" for i in range(6)]
            block = (
                "```python\ndef handler(event):\n" + "\n".join(lines) + "\n    return value_0\n```"
            )
        elif kind == 3:
            rows = "\n".join(
                f"| {rng.choice(_WORDS)} | {rng.randint(1, 999)} | {rng.choice(_WORDS)} |"
                for _ in range(4)
            )
            block = "| name | count | note |\n|---|---:|---|\n" + rows
        elif kind == 4:
            start = rng.randrange(len(_CJK) - 20)
            block = _CJK[start : start + rng.randint(10, 20)] + "。" + rng.choice(_EMOJI)
        else:
            block = f"**{rng.choice(_WORDS)}** and `{rng.choice(_WORDS)}()` {rng.choice(_EMOJI)}"
        parts.append(block)
        total += len(block) + 2
    return "\n\n".join(parts)


def make_conversation(rng: random.Random, n_messages: int, avg_size: int, idx: int) -> Conversation:
    """A conversation object (not saved) with alternating user/assistant turns."""
    base = 1_700_000_000.0 + idx * 60.0
    conv = Conversation.from_dict(
        {
            "id": f"{idx:08x}{rng.getrandbits(96):024x}",
            "title": f"{_sentence(rng, 4)[:40]} {idx}",
            "created_at": base,
            "updated_at": base + n_messages,
            "model": "gpt-4o-mini",
            "profile_id": "ai-nebula",
            "system_prompt": None,
            "temperature": 0.7,
            "messages": [],
        }
    )
    for i in range(n_messages):
        role = "user" if i % 2 == 0 else "assistant"
        size = max(20, int(rng.gauss(avg_size, avg_size / 3))) if role == "assistant" else 80
        text = markdown_message(rng, size) if role == "assistant" else _sentence(rng, 12)
        conv.messages.append(Message(role=role, content=text, created_at=base + i))
    return conv


def write_conversations(
    root: Path, count: int, n_messages: int, avg_size: int, seed: int = 1
) -> list[str]:
    """Write ``count`` conversations in the store's format; returns their ids.

    Files are written directly (no fsync per file) to keep generation fast; the format is
    ``Conversation.to_dict()``, exactly what the store writes.
    """
    rng = random.Random(seed)
    ConversationStore(root).close()  # lay out the folders the way the store does
    folder = root / "conversations"
    ids = []
    for i in range(count):
        conv = make_conversation(rng, n_messages, avg_size, i)
        (folder / f"{conv.id}.json").write_text(
            json.dumps(conv.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        ids.append(conv.id)
    return ids


def write_long_conversation(root: Path, n_messages: int = 2000, seed: int = 2) -> tuple[str, int]:
    """One ~2 MB conversation of ``n_messages``; returns (id, characters of Markdown)."""
    rng = random.Random(seed)
    store = ConversationStore(root)
    try:
        conv = make_conversation(rng, n_messages, 1900, 999_999)
        conv = _adopt(store, conv)
        store.save(conv)
        return conv.id, sum(len(m.content) for m in conv.messages)
    finally:
        store.close()


def _adopt(store: ConversationStore, conv: Conversation) -> Conversation:
    """Create through the store (so its identity map and index know it), then fill it."""
    created = store.create(title=conv.title, model=conv.model, system_prompt=None)
    created.messages.extend(conv.messages)
    return created
