"""Building a ChatResult from streamed chunks (or one non-streamed completion).

Servers differ: thinking text arrives as ``reasoning_content`` (DeepSeek, new-api),
``reasoning`` (OpenRouter) or inline ``<think>…</think>`` at the start of the content, with the
tags straddling chunks; tool calls arrive as fragments keyed by ``index``; usage comes in a
chunk with ``choices: []``. Unknown keys are everywhere, so nothing is indexed blindly.
Text is kept in lists and joined once: appending must not cost more as the answer grows, and a
flood of tiny pieces must not cost more memory than their text (runs of small pieces are joined).

A server decides how much it sends, so what nobody reads while it arrives is capped: tool calls
(at most 128, names of 1,024 characters, 8 MB of ids and arguments in all) raise
:class:`AnswerTooLarge`, whose text is the sentence for the user; blank text held while waiting
for a possible ``<think>`` is let go after 4,096 characters. Images sent beside the text
(``image_url`` content parts, the ``images`` list OpenRouter-style gateways add to ``message`` or
``delta``) are kept as their URLs, at most 16 and 64 MB of them; more are only counted
(``nebula_desktop.answer_images`` checks and decodes them when the answer ends). The answer's
own text is not capped: it is on screen as it grows, and Stop ends it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from nebula_desktop.api.result import ChatResult

__all__ = ["Accumulator", "AnswerTooLarge", "DeltaBatch", "DeltaCallback"]

DeltaCallback = Callable[[str, str], None]

_OPEN = "<think>"
_CLOSE = "</think>"

_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_TOOL_CALLS = 128  # models call a handful of tools at once; the window lists each one
MAX_TOOL_NAME = 1024  # real names are identifiers (OpenAI allows 64 characters)
MAX_TOOL_BYTES = 8 * 1024 * 1024  # ids and arguments of all tool calls: as much as one event
MAX_IMAGES = 16  # image URLs kept per answer (the message keeps 8: the rest get a line)
MAX_IMAGE_CHARS = 64 * 1024 * 1024  # ... and their characters in all (one event holds 8 MB)
_MAX_BLANK = 4096  # leading blank text held while a "<think>" might still follow
_RUN = 256  # pieces of text joined into one once this many have come
_SMALL_RUN = 16384  # ... when they hold fewer characters than this (bigger ones cost little)


class AnswerTooLarge(Exception):
    """A part of the answer that is capped grew past its cap; ``str()`` says which, in words."""


class _Text:
    """Text that arrives in pieces, joined once at the end.

    Each piece costs a list slot and a string header (~60 bytes): nothing next to a word, but a
    server sending one character per event would make the answer cost 30 times its text. So
    every run of ``_RUN`` small pieces is joined into one string, once (linear in the text).
    An append is a list append and one comparison; the run is measured when it is complete.
    """

    __slots__ = ("_next", "_parts", "_run_start")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._run_start = 0  # index of the first piece not yet considered for joining
        self._next = _RUN  # when the run is complete (a length of _parts)

    def append(self, text: str) -> None:
        parts = self._parts
        parts.append(text)
        if len(parts) >= self._next:
            self._end_run()

    def _end_run(self) -> None:
        parts, start = self._parts, self._run_start
        if sum(map(len, parts[start:])) < _SMALL_RUN:
            parts[start:] = ["".join(parts[start:])]
        self._run_start = len(parts)
        self._next = self._run_start + _RUN

    def text(self) -> str:
        return "".join(self._parts)


# Where the content stream stands with respect to a leading <think> block.
_START = 0  # nothing decisive yet (only whitespace, or a prefix of "<think>")
_THINK = 1  # inside <think>…: content goes to reasoning
_AFTER = 2  # just after </think>: drop the whitespace that separates it from the answer
_CONTENT = 3  # plain answer text


class Accumulator:
    """Collects deltas; reports each piece through `on_delta(kind, text)` as it arrives."""

    def __init__(self, on_delta: DeltaCallback | None = None) -> None:
        self._on_delta = on_delta
        self._content = _Text()
        self._reasoning = _Text()
        self._tools: dict[int, dict[str, Any]] = {}
        self._tool_args: dict[int, _Text] = {}
        self._tool_bytes = 0  # characters of tool-call ids and arguments, against the cap
        self._state = _START
        self._pending = ""
        # A high surrogate that ended the last piece of "content"/"reasoning": some servers
        # split an emoji's UTF-16 pair across two events, so it waits for its other half.
        self._half: dict[str, str] = {}
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None
        self.model: str | None = None
        self.received = False  # any part of the answer (text, thinking, tool call) arrived
        self.images: list[str] = []  # URLs of images sent beside the text
        self.images_dropped = 0  # ... and how many more came past the cap
        self._image_chars = 0

    # -- input -------------------------------------------------------------------------------

    def add(self, chunk: Any) -> None:
        """Take one decoded chunk (stream) or completion (non-stream); ignores what it can't use."""
        # Runs once per event, hundreds of thousands of times for a fast local model: the common
        # case (plain answer text, no half emoji waiting) goes straight to the text and caller.
        if not isinstance(chunk, dict):
            return
        if self.model is None:
            model = chunk.get("model")
            if model and isinstance(model, str):
                self.model = model
        usage = chunk.get("usage")
        if usage is not None and isinstance(usage, dict):
            self.usage = usage
        choices = chunk.get("choices")
        if not choices or not isinstance(choices, list):
            return
        choice = choices[0]
        if not isinstance(choice, dict):
            return
        delta = choice.get("delta")
        if delta is None:
            delta = choice.get("message")
        if isinstance(delta, dict):
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if reasoning and isinstance(reasoning, str):
                reasoning = self._pair_up("reasoning", reasoning)
                if reasoning:
                    self._emit_reasoning(reasoning)
            content = delta.get("content")
            if content:
                if isinstance(content, list):
                    self._add_images(content)
                    content = _text_of_parts(content)
                if content and isinstance(content, str):
                    if self._half or (not content.isascii() and _SURROGATE.search(content)):
                        content = self._pair_up("content", content)
                    if content and self._state == _CONTENT:
                        # Plain answer text (``received`` is set: _CONTENT comes from text).
                        self._content.append(content)
                        if self._on_delta is not None:
                            self._on_delta("content", content)
                    elif content:
                        self._add_tagged(content)
            tool_calls = delta.get("tool_calls")
            if tool_calls and isinstance(tool_calls, list):
                self._add_tool_calls(tool_calls)
            images = delta.get("images")
            if images and isinstance(images, list):
                self._add_images(images)
        finish = choice.get("finish_reason")
        if finish and isinstance(finish, str):
            self.finish_reason = finish

    def finish(self) -> None:
        """Flush text held back while deciding about a ``<think>`` tag (or half an emoji)."""
        halves, self._half = self._half, {}
        if halves.get("reasoning"):
            self._emit_reasoning(halves["reasoning"])
        if halves.get("content"):
            self._route_content(halves["content"])
        pending, self._pending = self._pending, ""
        if not pending:
            return
        if self._state == _START:
            self._state = _CONTENT
            self._emit_content(pending)
        elif self._state == _THINK:
            self._emit_reasoning(pending)

    # -- output ------------------------------------------------------------------------------

    def result(self, request_id: str | None = None, cancelled: bool = False) -> ChatResult:
        """The answer so far. Complete only with a finish_reason (and not ``"error"``)."""
        self.finish()
        tools = []
        for idx in sorted(self._tools):
            call = self._tools[idx]
            call["function"]["arguments"] = self._tool_args[idx].text()
            tools.append(call)
        complete = (
            not cancelled and self.finish_reason is not None and self.finish_reason != "error"
        )
        return ChatResult(
            content=self._content.text(),
            reasoning=self._reasoning.text(),
            finish_reason=self.finish_reason,
            usage=self.usage,
            tool_calls=tools,
            request_id=request_id,
            model=self.model,
            complete=complete,
            cancelled=cancelled,
            images=list(self.images),
            images_dropped=self.images_dropped,
        )

    @property
    def content(self) -> str:
        """The answer text received so far (without held-back tag prefixes)."""
        return self._content.text()

    # -- internals ---------------------------------------------------------------------------

    def _route_content(self, text: str) -> None:
        if self._state == _CONTENT:
            self._emit_content(text)
        else:
            self._add_tagged(text)

    def _pair_up(self, kind: str, text: str) -> str:
        """``text`` with a surrogate pair split across events joined into its character; a
        trailing high surrogate waits for the next piece of the same kind."""
        held = self._half.pop(kind, "")
        if held:
            text = held + text
        if text.isascii() or not _SURROGATE.search(text):
            return text
        if "\ud800" <= text[-1] <= "\udbff":
            self._half[kind] = text[-1]
            text = text[:-1]
        # UTF-16 round trip: an adjacent high+low pair becomes one character, a lone half stays.
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")

    def _emit_content(self, text: str) -> None:
        self.received = True
        self._content.append(text)
        if self._on_delta is not None:
            self._on_delta("content", text)

    def _emit_reasoning(self, text: str) -> None:
        self.received = True
        self._reasoning.append(text)
        if self._on_delta is not None:
            self._on_delta("reasoning", text)

    def _add_tagged(self, text: str) -> None:
        """Route content that may start with, or be inside, a ``<think>`` block."""
        self.received = True
        pending = self._pending + text
        self._pending = ""
        if self._state == _START:
            stripped = pending.lstrip()
            if (not stripped or _OPEN.startswith(stripped)) and len(pending) <= _MAX_BLANK:
                self._pending = pending  # can't tell yet
                return
            if not stripped.startswith(_OPEN):
                self._state = _CONTENT
                self._emit_content(pending)
                return
            self._state = _THINK
            pending = stripped[len(_OPEN) :]
        if self._state == _THINK:
            end = pending.find(_CLOSE)
            if end < 0:
                keep = _partial_suffix(pending, _CLOSE)
                cut = len(pending) - keep
                if cut:
                    self._emit_reasoning(pending[:cut])
                self._pending = pending[cut:]
                return
            if end:
                self._emit_reasoning(pending[:end])
            self._state = _AFTER
            pending = pending[end + len(_CLOSE) :]
        # _AFTER: the blank lines between </think> and the answer are not part of the answer.
        pending = pending.lstrip()
        if pending:
            self._state = _CONTENT
            self._emit_content(pending)

    def _add_images(self, parts: list[Any]) -> None:
        """Keep the URL of each ``image_url`` part (``{"type": "image_url", "image_url":
        {"url": ...}}``; a bare string ``image_url`` too) up to the caps; count the rest."""
        for part in parts:
            if not isinstance(part, dict) or part.get("type") not in ("image_url", None):
                continue
            ref = part.get("image_url")
            url = ref.get("url") if isinstance(ref, dict) else ref
            if not isinstance(url, str) or not url:
                continue
            self.received = True
            if len(self.images) >= MAX_IMAGES or self._image_chars + len(url) > MAX_IMAGE_CHARS:
                self.images_dropped += 1
                continue
            self._image_chars += len(url)
            self.images.append(url)

    def _add_tool_calls(self, fragments: list[Any]) -> None:
        self.received = True
        for pos, frag in enumerate(fragments):
            if not isinstance(frag, dict):
                continue
            idx = frag.get("index")
            if not isinstance(idx, int):
                idx = self._index_without_index(frag, pos)
            call = self._tools.get(idx)
            if call is None:
                if len(self._tools) >= MAX_TOOL_CALLS:
                    raise AnswerTooLarge(
                        f"the server sent more than {MAX_TOOL_CALLS} tool calls in one answer"
                    )
                call = {"id": None, "type": "function", "function": {"name": "", "arguments": ""}}
                self._tools[idx] = call
                self._tool_args[idx] = _Text()
            if frag.get("id"):
                call["id"] = self._count_tool_text(frag["id"])
            if frag.get("type"):
                call["type"] = self._count_tool_text(frag["type"])
            fn = frag.get("function")
            if isinstance(fn, dict):
                name = fn.get("name")
                # Some gateways repeat the full name in every fragment; others split it.
                if isinstance(name, str) and name and name != call["function"]["name"]:
                    if len(call["function"]["name"]) + len(name) > MAX_TOOL_NAME:
                        raise AnswerTooLarge(
                            f"the server sent a tool name longer than {MAX_TOOL_NAME:,} characters"
                        )
                    call["function"]["name"] += name
                args = fn.get("arguments")
                if isinstance(args, dict):  # a few servers send parsed arguments
                    args = json.dumps(args, ensure_ascii=False)
                if isinstance(args, str) and args:
                    self._tool_args[idx].append(self._count_tool_text(args))

    def _count_tool_text(self, value: Any) -> Any:
        """``value`` (an id, type or arguments of a tool call), counted against the cap."""
        self._tool_bytes += len(value) if isinstance(value, str) else len(json.dumps(value))
        if self._tool_bytes > MAX_TOOL_BYTES:
            raise AnswerTooLarge("the server's tool calls are larger than 8 MB")
        return value

    def _index_without_index(self, frag: dict[str, Any], pos: int) -> int:
        """An index for a fragment that lacks one (non-streamed messages, lax servers)."""
        frag_id = frag.get("id")
        if frag_id:
            for idx, call in self._tools.items():
                if call["id"] == frag_id:
                    return idx
            return max(self._tools, default=-1) + 1
        # No id: a continuation of the latest call.
        return max(self._tools) if self._tools else pos


def _text_of_parts(parts: list[Any]) -> str:
    """The text of content given as parts (``[{"type": "text", "text": ...}]``)."""
    texts = [p.get("text") for p in parts if isinstance(p, dict) and p.get("type") == "text"]
    return "".join(t for t in texts if isinstance(t, str))


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of `tag`."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-n:]):
            return n
    return 0


class DeltaBatch:
    """Joins the deltas of one network read into one ``on_delta`` call per run of a kind.

    A slow stream brings one event per read, so nothing is delayed; a fast one (a local model,
    a proxy releasing a buffered burst, a flood) brings hundreds, and the caller — typically a
    worker forwarding each call to the GUI thread as a queued signal — gets one call instead of
    hundreds, so the GUI's event queue cannot be flooded faster than it drains.
    """

    __slots__ = ("_kind", "_on_delta", "_parts")

    def __init__(self, on_delta: DeltaCallback) -> None:
        self._on_delta = on_delta
        self._kind = ""
        self._parts: list[str] = []

    def add(self, kind: str, text: str) -> None:
        """Hold `text` until :meth:`flush` (or until the kind changes)."""
        if kind != self._kind:
            self.flush()
            self._kind = kind
        self._parts.append(text)

    def flush(self) -> None:
        """Hand what is held to ``on_delta`` now (end of a network read, end of the call)."""
        if self._parts:
            text = "".join(self._parts)
            self._parts = []
            self._on_delta(self._kind, text)
