"""Export and import jobs as the UI runs them (off the GUI thread): pick format, read, write.

The store is not thread-safe, so a background export never calls it: the UI passes either a
snapshot ``Conversation`` (the open chat, which may be ahead of its file) or the path of a
conversation file, which is read here. Files are replaced atomically by the store, so a read
sees either the old or the new version, never a mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nebula_desktop.exchange.common import (
    ExchangeError,
    read_import_file,
    safe_file_stem,
    write_export,
)
from nebula_desktop.exchange.html_export import export_html
from nebula_desktop.exchange.importer import ImportResult, read_import
from nebula_desktop.exchange.json_export import export_json
from nebula_desktop.exchange.json_import import conversation_from_dict, parse_json
from nebula_desktop.exchange.markdown_export import export_markdown
from nebula_desktop.store import Conversation

__all__ = ["FORMATS", "ImportResult", "export_sources", "read_import", "read_source", "render"]

FORMATS = {"markdown": ".md", "json": ".json", "html": ".html"}

Source = Conversation | Path


def read_source(source: Source) -> Conversation:
    """The conversation behind a source (a snapshot object, or a file read without writing)."""
    if isinstance(source, Conversation):
        return source
    try:
        return conversation_from_dict(parse_json(read_import_file(source)))
    except ExchangeError as exc:
        raise ExchangeError(f"{source.name}: {exc}") from exc


def render(conversations: Sequence[Conversation], fmt: str) -> str:
    """The export text of ``conversations`` in ``fmt`` ("markdown", "json" or "html")."""
    if fmt == "markdown":
        return export_markdown(conversations)
    if fmt == "json":
        return export_json(conversations)
    if fmt == "html":
        return export_html(conversations)
    raise ValueError(f"unknown export format {fmt!r}")


def export_sources(
    sources: Sequence[Source], fmt: str, target: Path, one_file_per_chat: bool = False
) -> list[Path]:
    """Write the export; returns the files written.

    ``target`` is the file, or with ``one_file_per_chat`` the folder (one file per chat, named
    after its title; names never collide and never overwrite an existing file).
    """
    conversations = [read_source(s) for s in sources]
    folder = target if one_file_per_chat else target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExchangeError(f"Could not create {folder}: {exc.strerror or exc}") from exc
    if not one_file_per_chat:
        write_export(target, render(conversations, fmt))
        return [target]
    written: list[Path] = []
    suffix = FORMATS[fmt]
    for conv in conversations:
        stem = safe_file_stem(conv.title, conv.id)
        path = target / f"{stem}{suffix}"
        n = 2
        while path.exists() or path in written:
            path = target / f"{stem} ({n}){suffix}"
            n += 1
        write_export(path, render([conv], fmt))
        written.append(path)
    return written
