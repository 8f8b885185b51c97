"""Find the formulas in Markdown text: ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` spans.

A pure function over the text, for the Markdown renderer to call before it lays out a message.
The rules are the ones readers of model answers expect (Pandoc's ``tex_math_dollars``):

- nothing inside a code span or a fenced code block is a formula (an unclosed fence, as while
  streaming, runs to the end of the text), and no formula reaches into or out of a code span: a
  ``$`` inside one neither opens nor closes a formula found outside it ("costs $5. Code: `$x$`"
  has no formula), and a formula holding a whole code span is text;
- a single ``$`` opens only if a non-space follows it, and the formula closes at the next
  unescaped ``$``, which must follow a non-space and not be followed by a digit, so "costs $3
  and $5" stays text;
- ``\\$`` is a dollar sign, never a delimiter; ``\\(`` and ``\\[`` open, ``\\)`` and ``\\]`` close;
- a formula never crosses a blank line, and one whose closing delimiter has not arrived yet (as
  while streaming) is not a formula: its text stays text.

Indented code blocks are left to the Markdown parser: telling one from a list item's paragraph
needs the whole block structure, and the parser hands a code block's text on untouched.

Every position is looked at a bounded number of times (each search goes through a cursor that
only moves forward), so the scan is linear in the text, whatever it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MathSpan", "find_formulas"]

_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
_FENCE = re.compile(r"[ \t>]*(`{3,}|~{3,})")
_DIGITS = frozenset("0123456789")
# The only characters where a formula or a code span can begin.
_MARKS = re.compile(r"[`\\$]")


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One formula: ``text[start:end]`` is the formula with its delimiters, ``tex`` its inside."""

    start: int
    end: int
    tex: str
    display: bool
    delimiter: str  # the opening delimiter: "$", "$$", "\\(" or "\\["


class _Cursor:
    """Successive unescaped occurrences of ``needle`` for queries that never move back.

    Each occurrence is found and checked for a backslash before it once, however many queries
    land on it: that is what keeps hostile runs of delimiters linear.
    """

    __slots__ = ("_at", "_needle", "_text")

    def __init__(self, text: str, needle: str) -> None:
        self._text = text
        self._needle = needle
        self._at = -2  # -2: nothing looked for yet; -1: none left

    def next_from(self, pos: int) -> int:
        """The first unescaped occurrence at or after ``pos`` (-1 if none)."""
        if self._at == -1 or self._at >= pos:
            return self._at
        at = self._text.find(self._needle, pos)
        while at != -1 and _escaped(self._text, at):
            at = self._text.find(self._needle, at + 1)
        self._at = at
        return at


def _escaped(text: str, pos: int) -> bool:
    """An odd run of backslashes stands right before ``pos``."""
    run = 0
    i = pos - 1
    while i >= 0 and text[i] == "\\":
        run += 1
        i -= 1
    return run % 2 == 1


def _code_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of every fenced code block, fence lines included."""
    blocks: list[tuple[int, int]] = []
    pos = 0
    size = len(text)
    fence = ""
    start = 0
    while pos < size:
        nl = text.find("\n", pos)
        end = size if nl == -1 else nl + 1
        match = _FENCE.match(text, pos, end)
        if match is not None:
            run = match.group(1)
            if not fence:
                # An info string may not hold a backtick: "```a```" is a code span, not a fence.
                if run[0] == "~" or "`" not in text[match.end() : end]:
                    fence, start = run, pos
            elif (
                run[0] == fence[0]
                and len(run) >= len(fence)
                and not text[match.end() : end].strip()
            ):
                blocks.append((start, end))
                fence = ""
        pos = end
    if fence:
        blocks.append((start, size))
    return blocks


class _Paragraphs:
    """Where the paragraph holding a position ends, for positions that never move back."""

    __slots__ = ("_blank_at", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._blank_at = -2  # -2: nothing looked for yet; -1: no blank line left

    def end(self, pos: int) -> int:
        """The next blank line at or after ``pos``, or the text's end."""
        if self._blank_at == -2 or (self._blank_at != -1 and self._blank_at < pos):
            match = _BLANK_LINE.search(self._text, pos)
            self._blank_at = -1 if match is None else match.start()
        return len(self._text) if self._blank_at == -1 else self._blank_at


class _Scanner:
    """One pass over the prose between code blocks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[MathSpan] = []
        self._dollar = _Cursor(text, "$")
        self._double = _Cursor(text, "$$")
        self._paren = _Cursor(text, "\\)")
        self._bracket = _Cursor(text, "\\]")
        self._paragraphs = _Paragraphs(text)
        self._tick_runs: dict[int, list[int]] = {}
        self._tick_next: dict[int, int] = {}
        # The code spans of the part being scanned, (start, end) in order, and the first one
        # that does not start before the scan's position.
        self._codes: list[tuple[int, int]] = []
        self._code_next = 0

    def _paragraph_end(self, pos: int) -> int:
        """Where the paragraph holding ``pos`` ends (the next blank line, or the text's end)."""
        return self._paragraphs.end(pos)

    def _closing_ticks(self, length: int, after: int) -> int:
        """Start of the first backtick run of exactly ``length`` at or after ``after`` (or -1)."""
        runs = self._tick_runs.get(length)
        if runs is None:
            return -1
        i = self._tick_next.get(length, 0)
        while i < len(runs) and runs[i] < after:
            i += 1
        self._tick_next[length] = i
        return runs[i] if i < len(runs) else -1

    def _code_from(self, pos: int) -> tuple[int, int] | None:
        """The first code span starting at or after ``pos`` (queries never move back)."""
        codes = self._codes
        k = self._code_next
        while k < len(codes) and codes[k][0] < pos:
            k += 1
        self._code_next = k
        return codes[k] if k < len(codes) else None

    def _limit(self, i: int, stop: int) -> int:
        """How far a formula opening at ``i`` may reach: not past its paragraph, not into code."""
        limit = min(stop, self._paragraph_end(i))
        code = self._code_from(i + 1)
        return limit if code is None else min(limit, code[0])

    def scan(self, start: int, stop: int) -> None:
        """Collect the formulas that start and end inside ``text[start:stop]``."""
        text = self.text
        self._index_ticks(start, stop)
        self._find_code_spans(start, stop)
        i = start
        while True:
            match = _MARKS.search(text, i, stop)
            if match is None:
                return
            i = match.start()
            ch = text[i]
            if ch == "`":
                code = self._code_from(i)
                if code is not None and code[0] == i:
                    i = code[1]
                else:  # no closing run: the backticks are text
                    while i < stop and text[i] == "`":
                        i += 1
            elif ch == "\\":
                nxt = text[i + 1] if i + 1 < stop else ""
                if nxt == "(" or nxt == "[":
                    i = self._bracketed(i, stop, nxt == "[")
                else:
                    i += 2  # an escape pair: "\$" is a dollar sign, "\\" a backslash
            else:
                i = self._dollars(i, stop)

    def _index_ticks(self, start: int, stop: int) -> None:
        self._tick_runs = {}
        self._tick_next = {}
        i = self.text.find("`", start, stop)
        while i != -1:
            j = i
            while j < stop and self.text[j] == "`":
                j += 1
            self._tick_runs.setdefault(j - i, []).append(i)
            i = self.text.find("`", j, stop)

    def _find_code_spans(self, start: int, stop: int) -> None:
        """Every code span of ``text[start:stop]``, left to right as CommonMark reads them.

        Formulas are found afterwards and may not reach into a code span, so the backticks a
        formula could hold are text whichever way round they are read: reading the code spans
        first, on their own, gives the ones the scan meets. An escaped backtick opens nothing.
        """
        text = self.text
        paragraphs = _Paragraphs(text)
        self._codes = []
        self._code_next = 0
        i = text.find("`", start, stop)
        while i != -1:
            j = i
            while j < stop and text[j] == "`":
                j += 1
            if _escaped(text, i):
                i += 1  # "\``x``": the first backtick is text, the rest a run of its own
            if i < j:
                close = self._closing_ticks(j - i, j)
                if close != -1 and close < min(stop, paragraphs.end(i)):
                    self._codes.append((i, close + j - i))
                    j = close + j - i
            i = text.find("`", j, stop)

    def _bracketed(self, i: int, stop: int, display: bool) -> int:
        cursor = self._bracket if display else self._paren
        close = cursor.next_from(i + 2)
        if close == -1 or close + 2 > self._limit(i, stop):
            return i + 2
        tex = self.text[i + 2 : close]
        if not tex.strip():
            return close + 2
        self.spans.append(MathSpan(i, close + 2, tex, display, "\\[" if display else "\\("))
        return close + 2

    def _dollars(self, i: int, stop: int) -> int:
        text = self.text
        limit = self._limit(i, stop)
        if text.startswith("$$", i):
            close = self._double.next_from(i + 2)
            if close == -1 or close + 2 > limit:
                return i + 2  # unfinished display math stays text, both dollars with it
            tex = text[i + 2 : close]
            if not tex.strip():
                return close + 2  # "$$$$" or "$$ $$": an empty pair is text
            self.spans.append(MathSpan(i, close + 2, tex, True, "$$"))
            return close + 2
        if i + 1 >= limit or text[i + 1].isspace():
            return i + 1
        close = self._dollar.next_from(i + 1)
        if (
            close == -1
            or close >= limit
            or text[close - 1].isspace()
            or (close + 1 < len(text) and text[close + 1] in _DIGITS)
        ):
            return i + 1  # currency or an unfinished formula: the dollar is text
        self.spans.append(MathSpan(i, close + 1, text[i + 1 : close], False, "$"))
        return close + 1


def find_formulas(text: str) -> list[MathSpan]:
    """Every formula in ``text`` (Markdown), in order, outside code spans and fenced code."""
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return []
    scanner = _Scanner(text)
    pos = 0
    for start, end in _code_blocks(text):
        if start > pos:
            scanner.scan(pos, start)
        pos = end
    if pos < len(text):
        scanner.scan(pos, len(text))
    return scanner.spans
