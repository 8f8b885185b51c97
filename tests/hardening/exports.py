"""Files for the import and restore bounds tests: hostile zips and a realistic ChatGPT export.

The realistic export is written a conversation at a time (never held whole), in the shape of a
2024 ChatGPT data export: a hidden system root, user and assistant nodes with the metadata
ChatGPT writes (request ids, model slugs, finish details, citations), regenerated answers, and
text that is mostly English with some Chinese and emoji.
"""

from __future__ import annotations

import io
import json
import random
import uuid
import zipfile
from pathlib import Path
from typing import Any

_WORDS = ("the", "model", "answer", "stream", "token", "window", "python", "json", "file", "chat")
_CJK = "你好世界人工智能是计算机科学的一个分支旨在创造能够执行需要人类智能任务的机器"


def _text(rng: random.Random, size: int) -> str:
    words: list[str] = []
    total = 0
    while total < size:
        word = rng.choice(_WORDS)
        words.append(word)
        total += len(word) + 1
    text = " ".join(words)
    if rng.random() < 0.1:
        text += " " + _CJK[: rng.randint(5, 30)] + " 🎉"
    if rng.random() < 0.2:
        text += "\n\n```python\ndef f(x):\n    return {'a': [x, x + 1]}\n```"
    return text


def _node(
    rng: random.Random, node_id: str, parent: str | None, role: str | None, t: float, size: int
) -> dict[str, Any]:
    message = None
    if role is not None:
        message = {
            "id": node_id,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": t,
            "update_time": None,
            "content": {"content_type": "text", "parts": [_text(rng, size) if size else ""]},
            "status": "finished_successfully",
            "end_turn": role == "assistant" or None,
            "weight": 1.0,
            "metadata": {
                "request_id": f"{rng.getrandbits(64):016x}-IAD",
                "timestamp_": "absolute",
                "message_type": None,
                "model_slug": "gpt-4o" if role == "assistant" else None,
                "default_model_slug": "gpt-4o",
                "parent_id": parent,
                "finish_details": {"type": "stop", "stop_tokens": [200002]},
                "is_complete": True,
                "citations": [],
                "content_references": [],
                "gizmo_id": None,
                "is_visually_hidden_from_conversation": role == "system",
            },
            "recipient": "all",
            "channel": None,
        }
    return {"id": node_id, "message": message, "parent": parent, "children": []}


def chatgpt_conversation(rng: random.Random, turns: int, text_size: int) -> dict[str, Any]:
    """One conversation: ``turns`` question/answer pairs, every fifth answer regenerated."""
    t = 1_700_000_000.0 + rng.random() * 1e7
    root = str(uuid.UUID(int=rng.getrandbits(128)))
    mapping = {root: _node(rng, root, None, None, t, 0)}
    system = str(uuid.UUID(int=rng.getrandbits(128)))
    mapping[system] = _node(rng, system, root, "system", t, 0)
    mapping[root]["children"].append(system)
    parent = system
    for turn in range(turns):
        question = str(uuid.UUID(int=rng.getrandbits(128)))
        mapping[question] = _node(rng, question, parent, "user", t + turn, text_size // 4)
        mapping[parent]["children"].append(question)
        for _ in range(2 if turn % 5 == 4 else 1):
            answer = str(uuid.UUID(int=rng.getrandbits(128)))
            mapping[answer] = _node(rng, answer, question, "assistant", t + turn + 0.5, text_size)
            mapping[question]["children"].append(answer)
        parent = answer
    conv_id = str(uuid.UUID(int=rng.getrandbits(128)))
    return {
        "title": _text(rng, 30)[:40],
        "create_time": t,
        "update_time": t + turns,
        "mapping": mapping,
        "moderation_results": [],
        "current_node": parent,
        "plugin_ids": None,
        "conversation_id": conv_id,
        "conversation_template_id": None,
        "gizmo_id": None,
        "is_archived": False,
        "safe_urls": [],
        "default_model_slug": "gpt-4o",
        "id": conv_id,
    }


def write_chatgpt_export(
    path: Path, conversations: int, turns: int, text_size: int, seed: int = 1
) -> None:
    """Write a ``conversations.json`` of ``conversations`` chats, one at a time."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for i in range(conversations):
            if i:
                fh.write(", ")
            json.dump(chatgpt_conversation(rng, turns, text_size), fh, ensure_ascii=False)
        fh.write("]")


def zip_bytes(members: dict[str, bytes], level: int = 9) -> bytes:
    """A zip of ``members`` (Deflate, ``level``), in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def with_method(data: bytes, name: str, method: int) -> bytes:
    """``data`` (a zip) with member ``name``'s compression method set to ``method`` in both its
    local header and the central directory (9 is Deflate64, which Windows Explorer writes)."""
    out = bytearray(data)
    raw = name.encode()
    patched = 0
    # (signature, offset of the method, of the name's length, of the name)
    for signature, method_at, len_at, name_at in (
        (b"PK\x03\x04", 8, 26, 30),
        (b"PK\x01\x02", 10, 28, 46),
    ):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            start = at + 4
            name_len = int.from_bytes(out[at + len_at : at + len_at + 2], "little")
            if bytes(out[at + name_at : at + name_at + name_len]) == raw:
                out[at + method_at : at + method_at + 2] = method.to_bytes(2, "little")
                patched += 1
    assert patched == 2, f"{name} not found twice in the zip"
    return bytes(out)
