"""Seeded generators for benchmark data sets (nothing large is committed).

Conversations are built with the real store's dataclasses and written in the store's own file
format, so the app under test reads exactly what it reads for a user.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
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


# Formulas as models write them (every one drawn by the app's renderer, none refused).
_INLINE_TEX = (
    r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}",
    r"e^{i\pi} + 1 = 0",
    r"O(n \log n)",
    r"P(A \mid B) = \frac{P(B \mid A)\,P(A)}{P(B)}",
    r"\mathbb{E}[X] = \mu",
    r"\lim_{x \to 0} \frac{\sin x}{x} = 1",
    r"\hat{\theta}",
    r"\sigma^2",
    r"x \in \mathbb{R}^n",
    r"\nabla f(x_k)",
    r"\alpha_t = \alpha_0 / \sqrt{t}",
    r"\binom{n}{k}",
)
_DISPLAY_TEX = (
    r"\sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}",
    r"\int_0^{\infty} e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
    r"f(x) = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}",
    r"A = \begin{pmatrix} a & b \\ c & d \end{pmatrix}, \quad \det A = ad - bc",
    r"\begin{aligned} \mathcal{L}(\theta) &= \sum_{i=1}^{n} \log p(x_i \mid \theta) \\ "
    r"&= -\frac{n}{2} \log(2\pi\sigma^2) - \frac{1}{2\sigma^2} \sum_{i=1}^{n} (x_i - \mu)^2 "
    r"\end{aligned}",
    r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}",
)


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


def math_paragraphs(rng: random.Random) -> str:
    """Prose with inline formulas around one display formula, the way models explain math.

    Delimiters vary as they do between models: ``$…$`` and ``\\(…\\)`` inline, ``$$…$$`` and
    ``\\[…\\]`` for the display block, which stands on lines of its own.
    """
    a, b, c = rng.sample(_INLINE_TEX, 3)
    display = rng.choice(_DISPLAY_TEX)
    inline_open, inline_close = ("$", "$") if rng.random() < 0.7 else ("\\(", "\\)")
    block_open, block_close = ("$$", "$$") if rng.random() < 0.7 else ("\\[", "\\]")
    return (
        f"{_sentence(rng, 8)[:-1]} {inline_open}{a}{inline_close}, so "
        f"{inline_open}{b}{inline_close} {_sentence(rng, 6).lower()}\n\n"
        f"{block_open}\n{display}\n{block_close}\n\n"
        f"Here {inline_open}{c}{inline_close} is the {rng.choice(_WORDS)}; "
        f"{_sentence(rng, 7).lower()}"
    )


def with_math(rng: random.Random, text: str) -> str:
    """``text`` (from :func:`markdown_message`) with :func:`math_paragraphs` between two blocks."""
    blocks = text.split("\n\n")  # blocks hold no blank line, code and tables included
    blocks.insert(rng.randint(1, len(blocks)), math_paragraphs(rng))
    return "\n\n".join(blocks)


def plain_chunks(size: int = 23) -> Iterator[str]:
    """The streamed answer of the benchmarks before math (``--plain``): the same 23-character
    piece of prose, a new paragraph every 20 pieces."""
    piece = "Lorem ipsum dolor sit, "[:size]
    n = 0
    while True:
        yield piece if n % 20 else "\n\n" + piece
        n += 1


def answer_chunks(seed: int = 0, size: int = 23) -> Iterator[str]:
    """An endless streamed answer in ``size``-character chunks: prose with formulas.

    Each paragraph (~20 chunks) holds an inline formula, every third is followed by a display
    formula, and every formula is new (a numbered term), so none is drawn from the cache; chunk
    edges fall anywhere, inside formulas and delimiters too, as a model's do.
    """
    rng = random.Random(seed)
    pending = ""
    n = 0
    while True:
        while len(pending) < size:
            prose = " ".join(_sentence(rng, 8) for _ in range(6))
            cut = prose.index(" ", len(prose) // 2)
            tex = f"{rng.choice(_INLINE_TEX)}, \\; t = {n}"
            o, c = ("$", "$") if n % 2 else ("\\(", "\\)")
            pending += f"{prose[:cut]} {o}{tex}{c}{prose[cut:]}\n\n"
            if n % 3 == 2:
                o, c = ("$$", "$$") if n % 2 else ("\\[", "\\]")
                pending += f"{o}\n{rng.choice(_DISPLAY_TEX)} \\quad (t = {n})\n{c}\n\n"
            n += 1
        yield pending[:size]
        pending = pending[size:]


def make_conversation(
    rng: random.Random, n_messages: int, avg_size: int, idx: int, math_every: int = 0
) -> Conversation:
    """A conversation object (not saved) with alternating user/assistant turns.

    With ``math_every`` = N, one assistant message in N (the last one among them) also holds
    formulas (:func:`math_paragraphs`), from a random stream of their own: the rest of the
    conversation is the same as without.
    """
    math_rng = random.Random(idx)
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
        if role == "assistant" and math_every and (i // 2) % math_every == math_every - 1:
            text = with_math(math_rng, text)
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


def write_long_conversation(
    root: Path, n_messages: int = 2000, seed: int = 2, math_every: int = 10
) -> tuple[str, int]:
    """One ~2 MB conversation of ``n_messages``, formulas in one answer in ``math_every`` (the
    last answer among them; 0: none); returns (id, characters of Markdown)."""
    rng = random.Random(seed)
    store = ConversationStore(root)
    try:
        conv = make_conversation(rng, n_messages, 1900, 999_999, math_every=math_every)
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
