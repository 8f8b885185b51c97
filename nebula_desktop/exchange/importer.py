"""Reading a file to import, bounded by design whatever it holds (no Qt).

The file is our JSON export, one of our conversation files, or ChatGPT's ``conversations.json``
(also straight from the data-export zip ChatGPT mails). Only a regular file is opened; a zip
member is checked on its declared sizes before it is inflated. The JSON is read one
conversation at a time (:mod:`json_stream`), each priced before it is built, and what is kept is
counted against one :class:`Budget`: any input either imports or is refused with a sentence,
within the same few hundred MB.

One conversation that cannot be read (damaged, too large) never stops the others: it is skipped
and :attr:`ImportResult.notices` says so.
"""

from __future__ import annotations

import contextlib
import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nebula_desktop import safeio
from nebula_desktop.exchange.budget import Budget, LimitError, Notices, skipped_notice
from nebula_desktop.exchange.chatgpt_import import conversation_from_chatgpt
from nebula_desktop.exchange.common import MAX_IMPORT_BYTES, ExchangeError
from nebula_desktop.exchange.json_export import FORMAT, VERSION
from nebula_desktop.exchange.json_import import conversation_from_dict
from nebula_desktop.exchange.json_stream import JsonReader, PieceTooLarge, Streamed, read_document
from nebula_desktop.store import Conversation

log = logging.getLogger(__name__)

# A zip member that unpacks to more than this many times its packed size is not a chat export
# (JSON packs 5-20 times; Deflate's most is ~1,030): refused before a byte is inflated.
MAX_ZIP_RATIO = 500
_RATIO_FLOOR = 1024 * 1024  # small members may pack as tightly as they like
# Items of a top-level array that are not ChatGPT conversations, with none that is, after which
# the file is not a ChatGPT export.
_FOREIGN_ITEMS = 100


@dataclass
class ImportResult:
    """Conversations read from a file, what kind of file it was, and what the user should know
    (skipped conversations, a chat that was cut), one sentence each."""

    conversations: list[Conversation]
    kind: str  # "nebula" or "chatgpt"
    notices: list[str] = field(default_factory=list)


def _neither(path: Path) -> ExchangeError:
    return ExchangeError(
        f"{path.name} is neither a Nebula Desktop export nor a ChatGPT conversations.json."
    )


def check_zip_member(info: zipfile.ZipInfo, cap: int, where: str) -> None:
    """Refuse a member from its declared sizes alone: too large packed or unpacked, or packed
    more tightly than any chat export (so a small zip can never cost minutes of inflating)."""
    if info.compress_size > cap or info.file_size > cap:
        mb = cap // (1024 * 1024)
        raise ExchangeError(f"{info.filename} in {where} is too large (over {mb} MB).")
    if info.file_size > _RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(
        1, info.compress_size
    ):
        ratio = info.file_size // max(1, info.compress_size)
        raise ExchangeError(
            f"{info.filename} in {where} unpacks to {ratio:,} times its packed size, which no "
            "chat export does; it was not opened."
        )


def _file_chunks(fh: IO[bytes]) -> Iterator[bytes]:
    while chunk := fh.read(safeio.CHUNK):
        yield chunk


@contextlib.contextmanager
def _import_chunks(path: Path) -> Iterator[tuple[Iterator[bytes], str]]:
    """The bytes to import as chunks, and a name for them (``conversations.json in x.zip``)."""
    try:
        fh = safeio.open_regular(path)
    except safeio.UnsafeFileError as exc:
        raise ExchangeError(str(exc)) from None
    with fh:
        try:
            is_zip = zipfile.is_zipfile(fh)
            fh.seek(0)
        except OSError as exc:
            raise ExchangeError(f"Could not read {path.name}: {exc.strerror or exc}.") from None
        if not is_zip:
            yield _file_chunks(fh), path.name
            return
        try:
            zf = zipfile.ZipFile(fh)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise ExchangeError(f"{path.name} is not a readable zip file.") from exc
        with zf:
            name = "conversations.json"
            matches = [i for i in zf.infolist() if i.filename.rsplit("/", 1)[-1] == name]
            if not matches:
                raise ExchangeError(f"{path.name} holds no {name}.")
            info = min(matches, key=lambda i: i.filename.count("/"))  # the top-most one
            check_zip_member(info, MAX_IMPORT_BYTES, path.name)
            yield safeio.zip_member_chunks(zf, info, MAX_IMPORT_BYTES), f"{name} in {path.name}"


class _Collector:
    """Turns the pieces of the document into conversations as they arrive."""

    def __init__(self, budget: Budget, notices: Notices) -> None:
        self.budget = budget
        self.notices = notices
        self.conversations: list[Conversation] = []
        self.index = 0  # of the element in its array
        self.chatgpt = 0  # top-level items that looked like ChatGPT conversations
        self.foreign = 0  # top-level items that did not
        self.failed: list[ExchangeError] = []
        self.path: Path | None = None

    def reset(self) -> None:
        """Forget what was read: the document turned out not to be our export."""
        self.budget = Budget(self.budget.source)
        self.notices = Notices()
        self.conversations = []
        self.failed = []
        self.index = 0

    def item(self, key: str | None, item: Any) -> None:
        index = self.index
        self.index += 1
        if key is None:
            if not (isinstance(item, dict) and isinstance(item.get("mapping"), dict)):
                self.foreign += 1
                if self.foreign >= _FOREIGN_ITEMS and not self.chatgpt and self.path is not None:
                    raise _neither(self.path)
                return
            self.chatgpt += 1
        lines: list[str] = []
        self.add(index, item, lambda: _convert(key, item, lines))
        for line in lines:
            self.notices.add(line)

    def add(self, index: int, item: Any, build: Callable[[], Conversation]) -> None:
        try:
            conv = build()
        except LimitError:
            raise
        except ExchangeError as exc:
            self.failed.append(exc)
            self.notices.add(skipped_notice(index, item, str(exc)))
            return
        except Exception as exc:  # a shape no test thought of: skip it, never the import
            log.exception("conversation %d of an import could not be read", index + 1)
            failure = ExchangeError(f"it could not be read ({exc.__class__.__name__})")
            self.failed.append(failure)
            self.notices.add(skipped_notice(index, item, str(failure)))
            return
        self.budget.add(conv)
        self.conversations.append(conv)

    def too_large(self, key: str | None, _index: int, exc: PieceTooLarge) -> None:
        index = self.index
        self.index += 1
        if key is None:
            self.chatgpt += 1
        self.failed.append(ExchangeError(f"A conversation in the file is {exc}."))
        self.notices.add(skipped_notice(index, None, str(exc)))


def _convert(key: str | None, item: Any, lines: list[str]) -> Conversation:
    if key is None:
        return conversation_from_chatgpt(item, lines)
    return conversation_from_dict(item)


def read_import(path: Path) -> ImportResult:
    """Read our JSON export, one of our conversation files, or ChatGPT's conversations.json
    (also straight from the data-export zip ChatGPT mails). Raises :class:`ExchangeError`."""
    collector = _Collector(Budget(path.name), Notices())
    collector.path = path
    with _import_chunks(path) as (chunks, name):
        reader = JsonReader(chunks, MAX_IMPORT_BYTES, name)
        try:
            doc = read_document(
                reader,
                collector.item,
                collector.too_large,
                stream_top=True,
                stream_key="conversations",
            )
        except PieceTooLarge as exc:  # the document is one conversation, and too large
            raise ExchangeError(f"{name} is {exc}.") from None
    kind = _kind(doc, collector, path)
    if kind != "list":  # one conversation: the whole document
        collector.reset()
        collector.item(None if kind == "chatgpt" else "conversations", doc)
    if not collector.conversations and collector.failed:
        raise collector.failed[0]
    if collector.foreign:
        collector.notices.add(
            f"{collector.foreign:,} item(s) in the file are not ChatGPT conversations and were "
            "skipped."
        )
    kind = "chatgpt" if collector.chatgpt else "nebula"
    return ImportResult(collector.conversations, kind, collector.notices.as_list())


def _kind(doc: Any, collector: _Collector, path: Path) -> str:
    """ "list" when the conversations were streamed (a ChatGPT list, our export); "chatgpt" or
    "nebula" when the document is one conversation; otherwise an error."""
    if isinstance(doc, Streamed):
        if not collector.chatgpt:
            raise _neither(path)
        return "list"
    if not isinstance(doc, dict):
        raise _neither(path)
    if doc.get("format") == FORMAT:
        version = doc.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
            raise ExchangeError(
                "The export was made by a newer version of Nebula Desktop; update to import it."
            )
        if not isinstance(doc.get("conversations"), Streamed):
            raise ExchangeError("The export holds no list of conversations.")
        return "list"
    if "schema_version" in doc and "messages" in doc:
        return "nebula"
    if isinstance(doc.get("mapping"), dict):
        return "chatgpt"
    raise _neither(path)


def _ignore(*_args: Any) -> None:
    """No array of a conversation file is streamed."""


def read_zip_conversation(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, where: str
) -> Conversation:
    """One conversation file inside a zip (a backup member), read as one piece: checked on its
    declared sizes first, inflated with a hard cap, priced before it is built. Raises
    :class:`ExchangeError` with a sentence."""
    check_zip_member(info, cap, where)
    reader = JsonReader(safeio.zip_member_chunks(zf, info, cap), cap, info.filename)
    try:
        doc = read_document(reader, _ignore, _ignore)
    except PieceTooLarge as exc:
        raise ExchangeError(f"It is {exc}.") from None
    return conversation_from_dict(doc)
