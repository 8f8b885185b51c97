"""Incremental server-sent-events decoder over raw bytes.

Bytes go in as the network delivers them; complete event payloads (the joined ``data:`` lines)
come out as text. UTF-8 is decoded only after a whole event is assembled, so a character split
across reads is never mangled (``requests`` would guess ISO-8859-1 for ``text/event-stream``).

Handled: LF, CRLF and lone CR line ends (a CRLF split across reads counts once), a leading
byte order mark (skipped, even split across reads), comments (``: ping``), several ``data:``
lines per event joined with ``\\n``, one space stripped after the colon,
``event:``/``id:``/``retry:`` and unknown fields ignored, lines of any length, and a bare
``{"error": ...}`` line without ``data:`` (some gateways append one before closing), which is
returned as a payload of its own.

Nearly every event a chat server sends is one ``data: {...}`` line and a blank line, hundreds
per read from a fast server. A run of those is taken in bulk — one decode and one split, in C —
and only the rest goes line by line; both give the same events (a property test holds them to
it), so the fast path costs nothing in behaviour.

The decoder never raises: invalid UTF-8 becomes U+FFFD and any byte sequence is accepted. With a
``limit`` it never holds much more than that many bytes of one event (its ``data:`` values plus
the line still arriving): an event that grows past it is dropped, ``overflow`` is set and the
rest of the stream is ignored, so the caller can end the answer with a sentence.
"""

from __future__ import annotations

import sys

__all__ = ["SSEDecoder"]

_LF = 10
_CR = 13
_COLON = 58
_BRACE = 123
_UNLIMITED = sys.maxsize
_BOM = b"\xef\xbb\xbf"
_DATA = b"data: "
# Between two one-line events: the first one's blank line and the second one's field name. A
# chunk of such events holds no other line break (checked), so splitting on it gives the values.
_NEXT = "\n\ndata: "
_HEAD_KEPT = 1024  # bytes of a dropped event kept to tell the user what it was


class SSEDecoder:
    """Feed bytes with :meth:`feed`; call :meth:`close` at end of stream."""

    __slots__ = (
        "_data",
        "_head",
        "_parts",
        "_size",
        "_skip_lf",
        "comments",
        "dropped_head",
        "limit",
        "overflow",
        "pending",
    )

    def __init__(self, limit: int | None = None) -> None:
        self._head: bytes | None = b""  # the stream's first bytes while a BOM may be coming
        self._parts: list[bytes] = []  # the current unfinished line, as received
        self._data: list[bytes] = []  # data: values of the event being assembled
        self._size = 0  # bytes in _data
        self._skip_lf = False  # the previous read ended in CR: a leading LF belongs to it
        self.limit = limit  # most bytes one event may hold (None: no limit)
        self.overflow = False  # an event outgrew `limit`: it was dropped, the stream is over
        self.dropped_head = b""  # the first bytes of that event (what it was: an image?)
        self.comments = 0  # comment lines seen (keep-alive pings)
        self.pending = 0  # bytes of the unfinished line held

    @property
    def held(self) -> int:
        """Bytes held for the event being assembled, the unfinished line included."""
        return self._size + self.pending

    def feed(self, chunk: bytes) -> list[str]:
        """Payloads of the events completed by `chunk`, in order."""
        if not chunk or self.overflow:
            return []
        if self._head is not None:
            chunk = self._head + chunk
            if len(chunk) < len(_BOM) and _BOM.startswith(chunk):
                self._head = chunk  # two bytes of a BOM so far: wait for the third
                return []
            self._head = None
            if chunk.startswith(_BOM):
                chunk = chunk[len(_BOM) :]
                if not chunk:
                    return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
                if not chunk:
                    return []
        if b"\r" in chunk:
            self._skip_lf = chunk[-1] == _CR
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if b"\n" not in chunk:
            # Lines may be hundreds of KB: collect pieces and join once, not on every read.
            self._parts.append(chunk)
            self.pending += len(chunk)
            if self.limit is not None and self.held > self.limit:
                self._drop()
            return []
        if self._parts:
            self._parts.append(chunk)
            chunk = b"".join(self._parts)
            self._parts = []
        out: list[str] = []
        if not self._data and chunk.startswith(_DATA):
            out, chunk = self._one_line_events(chunk)
            if not chunk:
                self.pending = 0
                return out
        lines = chunk.split(b"\n")
        tail = lines.pop()
        self.pending = len(tail)
        if tail:
            self._parts.append(tail)
        if out:
            out += self._lines(lines)
            return out
        return self._lines(lines)

    def close(self) -> list[str]:
        """Payloads still pending at end of stream (an unterminated last line or event)."""
        if self.overflow:
            return []
        self._head = None  # one or two bytes of a BOM and no more: a line of junk, ignored
        lines: list[bytes] = []
        if self._parts:
            lines.append(b"".join(self._parts))
            self._parts = []
            self.pending = 0
        # Be lenient: an event whose closing blank line never came is still delivered; the
        # caller decides whether its JSON is whole.
        lines.append(b"")
        self._skip_lf = False
        return self._lines(lines)

    def _one_line_events(self, chunk: bytes) -> tuple[list[str], bytes]:
        """The payloads of the run of one-line events ``chunk`` starts with, and what is left.

        ``chunk`` starts a line with ``data: `` while no event is being assembled. If everything
        up to its last blank line is one-line events, they are decoded at once (an invalid byte
        becomes U+FFFD exactly as when each is decoded alone: the separators are ASCII, which
        never belongs to a broken sequence) and split; otherwise nothing is taken.
        """
        end = chunk.rfind(b"\n\n")
        limit = self.limit
        # Past the limit an event must be dropped, which only the line-by-line walk does.
        if end < 0 or (limit is not None and len(chunk) > limit):
            return [], chunk
        text = chunk[len(_DATA) : end].decode("utf-8", "replace")
        events = text.split(_NEXT)
        if text.count("\n") != 2 * len(events) - 2:
            return [], chunk  # another line in there: an event: or id: field, a comment, ...
        return events, chunk[end + 2 :]

    def _lines(self, lines: list[bytes]) -> list[str]:
        out: list[str] = []
        data = self._data
        size = self._size  # a local: this loop runs once per line of the stream
        room = _UNLIMITED if self.limit is None else self.limit - self.pending
        for line in lines:
            if not line:
                if data:
                    out.append(self._dispatch())
                    size = 0
                continue
            if line.startswith(b"data:"):
                value = line[5:]
                if value[:1] == b" ":
                    value = value[1:]
            elif line == b"data":
                value = b""
            else:
                first = line[0]
                if first == _COLON:
                    self.comments += 1
                elif first == _BRACE:
                    # A bare JSON line (new-api's trailing {"error": ...}): its own payload.
                    if data:
                        out.append(self._dispatch())
                        size = 0
                    out.append(line.decode("utf-8", "replace"))
                # event:, id:, retry: and unknown fields carry nothing a chat answer needs.
                continue
            data.append(value)
            size += len(value) + 1  # + the line break that joins it to the next
            if size > room:
                self._drop()
                return out
        self._size = size
        return out

    def _dispatch(self) -> str:
        data = self._data
        payload = data[0] if len(data) == 1 else b"\n".join(data)
        data.clear()
        return payload.decode("utf-8", "replace")

    def _drop(self) -> None:
        """Let go of the runaway event and of everything still to come."""
        self.overflow = True
        first = self._data[0] if self._data else self._parts[0] if self._parts else b""
        self.dropped_head = first[:_HEAD_KEPT]
        self._data.clear()
        self._parts = []
        self._size = self.pending = 0
