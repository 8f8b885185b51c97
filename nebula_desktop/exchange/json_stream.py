"""Reading a big JSON document one piece at a time, each piece priced before it is built.

``json.loads`` builds the whole document at once, and JSON is cheap to write and dear to hold:
64 MB of ``[{},{},…]`` becomes 1.5 GB of dicts. Here the bytes are decoded a chunk at a time and
only one piece is parsed at once (``JSONDecoder.raw_decode`` at an index): an element of the
top-level array (one ChatGPT conversation), an element of one array member of the top-level
object (one conversation of our export), or the other members of that object.

Before a piece is parsed, its cost is estimated and checked against a budget: the values it
can hold (every JSON value but the first follows a ``[``, ``{`` or ``,``; ``str.count`` runs at
C speed and a bracket inside a string only makes the estimate safer) and its text, counted
twice (the text read and the strings made from it). A piece over the budget is never built:
:class:`PieceTooLarge` says so, and an array element can then be stepped over without building
it (:meth:`JsonReader.skip_value`) so the elements after it are still read.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any

from nebula_desktop.exchange.common import ExchangeError

# Text is decoded this much at a time: small enough that a fresh buffer can never hold more
# values than a piece may (every value needs at least one character).
CHUNK = 256 * 1024
# A piece is first looked for in this much text, then in twice as much, and so on.
FIRST_WINDOW = 16 * 1024
# A piece too large to build is stepped over this much text at a time.
SKIP_BLOCK = 256 * 1024
# What one piece (one conversation) may cost in memory once parsed, estimated before it is:
# VALUE_COST per value counted (measured: at most ~185 bytes, a one-key dict under a distinct
# key) plus its text twice (the text read, and the strings made from it).
MAX_PIECE_BYTES = 96 * 1024 * 1024
VALUE_COST = 200

_NON_SPACE = re.compile(r"[^ \t\n\r]")
_WHOLE_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)
# bytes.translate arguments keeping only brackets, as signed bytes +1 (open) and -1 (close).
_CLOSE = 0xFF
_STEPS = (
    bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff"),
    bytes(c for c in range(256) if c not in b"[{]}"),
)
# The body of a string up to its closing quote (or up to an escape cut by the chunk's end).
_STRING_BODY = re.compile(r'(?:[^"\\]++|\\.)*+', re.DOTALL)
_SCALAR_END = re.compile(r"[\s,\]}]")
_NUMBER_CHARS = frozenset("0123456789.eE+-")
_EMPTY_STR_SIZE = sys.getsizeof("")


class PieceTooLarge(ExchangeError):
    """One piece of the document (one conversation) is over a limit; it was not built."""


@dataclass
class Streamed:
    """Stands in the returned document for an array whose elements went to the callback."""

    count: int


@dataclass
class PieceBudget:
    """The estimated memory the pieces read against it may still take."""

    memory: int = field(default_factory=lambda: MAX_PIECE_BYTES)


def _values_in(text: str, start: int, end: int) -> int:
    """An upper bound of the JSON values a span of JSON text can hold."""
    return text.count("{", start, end) + text.count("[", start, end) + text.count(",", start, end)


def _char_width(text: str) -> int:
    """Bytes per character of ``text`` in memory (1, 2 or 4): one emoji makes it 4 throughout."""
    if not text:
        return 1
    return max(1, round((sys.getsizeof(text) - _EMPTY_STR_SIZE) / len(text)))


def _cost(values: int, chars: int, width: int) -> int:
    """The memory a piece of ``chars`` characters holding ``values`` values may take."""
    return VALUE_COST * values + 2 * width * chars


def _too_large() -> str:
    return f"too large to read (it would take over {MAX_PIECE_BYTES // (1024 * 1024)} MB)"


def _cut(text: str, start: int, limit: int, budget: int, width: int) -> int:
    """The end of the longest span from ``start`` (up to ``limit``) costing at most ``budget``."""
    low, high = start, limit
    while low < high:
        mid = (low + high + 1) // 2
        if _cost(_values_in(text, start, mid), mid - start, width) <= budget:
            low = mid
        else:
            high = mid - 1
    return low


class JsonReader:
    """JSON text decoded from byte chunks as it is consumed; ``line`` is where it stands."""

    def __init__(self, chunks: Iterator[bytes], cap: int, name: str) -> None:
        self._chunks = chunks
        self._cap = cap
        self._name = name
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.buf_line = 1  # the line number at buf[0]
        self.line = 1  # the line number at buf[pos]
        self.eof = False
        self.bytes_read = 0
        self.unread_values = 0  # _values_in(buf, pos, len(buf)), kept up to date

    # -- the buffer ----------------------------------------------------------------------------
    def _advance(self, to: int) -> None:
        self.line += self.buf.count("\n", self.pos, to)
        self.unread_values -= _values_in(self.buf, self.pos, to)
        self.pos = to

    def _invalid(self, line: int | None = None) -> ExchangeError:
        return ExchangeError(f"The file is not valid JSON (line {line or self.line}).")

    def _fill(self, want: int) -> bool:
        """Have at least ``want`` unread characters (fewer only at the end); True if any
        were added."""
        rest = len(self.buf) - self.pos
        if rest >= want or self.eof:
            return False
        parts = [self.buf[self.pos :]] if rest else []
        self.buf = ""
        self.pos = 0
        self.buf_line = self.line
        got = rest
        added = False
        while got < want and not self.eof:
            try:
                chunk = next(self._chunks, b"")
                if chunk:
                    self.bytes_read += len(chunk)
                    if self.bytes_read > self._cap:
                        mb = self._cap // (1024 * 1024)
                        raise ExchangeError(f"{self._name} is too large (over {mb} MB).")
                    text = self._decoder.decode(chunk)
                else:
                    self.eof = True
                    text = self._decoder.decode(b"", True)
            except UnicodeDecodeError:
                raise ExchangeError("The file is not UTF-8 text.") from None
            except OSError as exc:  # safeio's sentences (special files, damaged zip members)
                raise ExchangeError(str(exc)) from None
            if text:
                parts.append(text)
                got += len(text)
                added = True
                self.unread_values += _values_in(text, 0, len(text))
        self.buf = "".join(parts)
        return added

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the text)."""
        while True:
            match = _NON_SPACE.search(self.buf, self.pos)
            if match is not None:
                self._advance(match.start())
                return self.buf[self.pos]
            self._advance(len(self.buf))
            if not self._fill(1):
                return ""

    def expect(self, char: str) -> None:
        """Step over ``char`` (the next non-space character), or the text is not valid JSON."""
        if self.peek() != char:
            raise self._invalid()
        self._advance(self.pos + 1)

    # -- one piece -----------------------------------------------------------------------------
    def value(self, budget: PieceBudget) -> Any:
        """Parse the value at the current position, charging it to ``budget``.

        Raises :class:`PieceTooLarge` (position unchanged) when the value is over the budget,
        before anything of it is built.
        """
        self.peek()
        window = FIRST_WINDOW
        while True:
            self._fill(window)
            start, end = self.pos, len(self.buf)
            width = _char_width(self.buf)
            most = budget.memory // (2 * width)  # the most characters the budget allows
            stop: int | None = None
            if _cost(self.unread_values, end - start, width) > budget.memory:
                # More is buffered than the budget allows: find where the value ends (without
                # building it) within what the budget allows, and only then parse it.
                limit = min(end, start + window)
                at_limit = limit - start >= most
                if _cost(_values_in(self.buf, start, limit), limit - start, width) > budget.memory:
                    limit, at_limit = _cut(self.buf, start, limit, budget.memory, width), True
                stop = self._value_end(start, limit)
                if stop is None:
                    if at_limit:
                        raise PieceTooLarge(_too_large())
                    if limit == end and self.eof:
                        raise self._invalid()
                    window = min(2 * (limit - start), most + 1)
                    continue
            try:
                value, stop_at = self._json.raw_decode(self.buf, start)
            except json.JSONDecodeError as exc:
                cut_short = exc.msg.startswith("Unterminated string") or exc.pos >= end - 16
                if stop is not None or not cut_short or self.eof:
                    raise self._invalid(self.buf_line + exc.lineno - 1) from None
                if end - start >= most:
                    raise PieceTooLarge(_too_large()) from None
                window = min(2 * (end - start), most + 1)
                continue
            except RecursionError:
                raise ExchangeError("The file is nested too deeply to be a chat export.") from None
            except ValueError:  # an integer of thousands of digits
                raise self._invalid() from None
            if stop is not None and stop_at != stop:
                raise self._invalid()
            if (
                stop is None
                and not self.eof
                and not isinstance(value, dict | list | str)
                and (stop_at == end or self.buf[stop_at] in _NUMBER_CHARS)
            ):  # a number the end of the buffer may have cut ("3." read as 3)
                window = 2 * (end - start)
                continue
            budget.memory -= _cost(_values_in(self.buf, start, stop_at), stop_at - start, width)
            self._advance(stop_at)
            return value

    def _value_end(self, start: int, limit: int) -> int | None:
        """Where the value at ``start`` ends, if it ends before ``limit`` (else None); found
        without building anything."""
        first = self.buf[start]
        if first == '"':
            return self._string_end(start, limit)
        if first not in "[{":
            match = _SCALAR_END.search(self.buf, start, limit)
            return match.start() if match is not None else None
        depth = 0
        pos = start
        while pos < limit:
            if self.buf[pos] == '"':
                after = self._string_end(pos, limit)
                if after is None:
                    return None
                pos = after
                continue
            pos, depth, closed = self._scan_block(pos, min(limit, pos + SKIP_BLOCK), depth)
            if closed:
                return pos
        return None

    def _string_end(self, start: int, limit: int) -> int | None:
        """Just past the string starting at ``start``, if it ends before ``limit``."""
        match = _STRING_BODY.match(self.buf, start + 1, limit)
        assert match is not None  # the pattern matches the empty string
        end = match.end()
        return end + 1 if end < limit and self.buf[end] == '"' else None

    def _scan_block(self, start: int, end: int, depth: int) -> tuple[int, int, bool]:
        """Scan ``[start, end)`` (outside a string at ``start``) of a value open ``depth``
        deep, at C speed: whole strings are cut out with one regular expression, the brackets
        become steps of +1/-1 whose running sum says whether the value closes. Returns where
        the scan stopped (just past the closing bracket, or at a string the end cuts), the
        depth there, and whether the value closed."""
        rest = _WHOLE_STRING.sub("", self.buf[start:end])
        cut = rest.find('"')  # a quote left over starts a string that ``end`` cuts
        if cut >= 0:
            end -= len(rest) - cut
            rest = rest[:cut]
        # Outside strings JSON is ASCII; the brackets become signed bytes +1 and -1.
        steps = rest.encode("ascii", "ignore").translate(*_STEPS)
        closes = steps.count(_CLOSE)
        if closes >= depth and steps:
            running = accumulate(memoryview(steps).cast("b"), initial=depth)
            if 0 in islice(running, 1, None):  # it closes in this block: find exactly where
                return self._closing(start, end, depth), 0, True
        return end, depth + len(steps) - 2 * closes, False

    def _closing(self, start: int, end: int, depth: int) -> int:
        """Just past the bracket that closes, in ``[start, end)``, a value open ``depth`` deep."""
        for match in _STRING_OR_BRACKET.finditer(self.buf, start, end):
            char = match.group()
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return match.end()
        raise self._invalid()  # not reached: the caller saw it close

    def skip_value(self) -> None:
        """Step over the value at the current position without building it (for a piece that
        is too large), a block at a time (:meth:`_scan_block`): 64 MB of ``[{},{},…]`` takes
        about a second, and memory stays at one block."""
        if self.peek() not in '[{"':
            self._skip_scalar()  # a number or literal: nothing to build, nothing to count
            return
        depth = 0
        while True:
            if len(self.buf) - self.pos < SKIP_BLOCK:
                self._fill(SKIP_BLOCK)
            if self.pos >= len(self.buf):
                raise self._invalid()
            if self.buf[self.pos] == '"':  # a string, maybe longer than a block
                self._skip_string()
                if depth == 0:
                    return
                continue
            end = min(len(self.buf), self.pos + SKIP_BLOCK)
            stop, depth, closed = self._scan_block(self.pos, end, depth)
            self._advance(stop)
            if closed:
                return

    def _skip_string(self) -> None:
        """Step over the string starting at the position (which may go on in later chunks)."""
        self._advance(self.pos + 1)
        while True:
            match = _STRING_BODY.match(self.buf, self.pos)
            assert match is not None  # the pattern matches the empty string
            self._advance(match.end())
            if self.pos < len(self.buf) and self.buf[self.pos] == '"':
                self._advance(self.pos + 1)
                return
            if not self._fill(2):  # the string (or an escape in it) goes on in the next chunk
                raise self._invalid()

    def _skip_scalar(self) -> None:
        while True:
            match = _SCALAR_END.search(self.buf, self.pos)
            if match is not None:
                self._advance(match.start())
                return
            self._advance(len(self.buf))
            if not self._fill(1):
                return

    # -- the document --------------------------------------------------------------------------
    def stream_array(
        self, on_item: Callable[[Any], None], on_too_large: Callable[[int, PieceTooLarge], None]
    ) -> int:
        """Hand each element of the array at the position to ``on_item`` (an element over the
        piece limits to ``on_too_large`` with its index, never built); return the count."""
        self.expect("[")
        if self.peek() == "]":
            self._advance(self.pos + 1)
            return 0
        count = 0
        while True:
            try:
                item = self.value(PieceBudget())
            except PieceTooLarge as exc:
                self.skip_value()
                on_too_large(count, exc)
            else:
                on_item(item)
                del item  # the next element is parsed without this one alive
            count += 1
            char = self.peek()
            self._advance(self.pos + 1)
            if char == "]":
                return count
            if char != ",":
                raise self._invalid()


def read_document(
    reader: JsonReader,
    on_item: Callable[[str | None, Any], None],
    on_too_large: Callable[[str | None, int, PieceTooLarge], None],
    stream_top: bool = False,
    stream_key: str | None = None,
) -> Any:
    """The document ``reader`` holds, read a piece at a time.

    With ``stream_top``, a top-level array's elements go one by one to ``on_item(None, item)``;
    with ``stream_key``, so do the elements of that array member of a top-level object
    (``on_item(stream_key, item)``). Such an array stands as :class:`Streamed` in the result.
    Everything else is charged to one budget of a piece: a document holding one conversation
    is as large as a conversation may be. Raises :class:`ExchangeError` with a sentence.
    """
    first = reader.peek()
    if first == "[" and stream_top:
        result: Any = Streamed(
            reader.stream_array(
                lambda item: on_item(None, item), lambda i, exc: on_too_large(None, i, exc)
            )
        )
    elif first == "{" and stream_key is not None:
        result = _object(reader, stream_key, on_item, on_too_large)
    else:
        result = reader.value(PieceBudget())
    if reader.peek() != "":
        raise reader._invalid()
    return result


def _object(
    reader: JsonReader,
    stream_key: str,
    on_item: Callable[[str | None, Any], None],
    on_too_large: Callable[[str | None, int, PieceTooLarge], None],
) -> dict[str, Any]:
    budget = PieceBudget()  # shared by every member that is not streamed
    result: dict[str, Any] = {}
    reader.expect("{")
    if reader.peek() == "}":
        reader._advance(reader.pos + 1)
        return result
    while True:
        if reader.peek() != '"':
            raise reader._invalid()
        key = reader.value(budget)
        reader.expect(":")
        if key == stream_key and reader.peek() == "[":
            result[key] = Streamed(
                reader.stream_array(
                    lambda item: on_item(stream_key, item),
                    lambda i, exc: on_too_large(stream_key, i, exc),
                )
            )
        else:
            result[key] = reader.value(budget)
        char = reader.peek()
        reader._advance(reader.pos + 1)
        if char == "}":
            return result
        if char != ",":
            raise reader._invalid()
