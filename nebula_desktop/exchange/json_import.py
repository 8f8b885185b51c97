"""Import our own JSON export (or a single conversation file from a data folder)."""

from __future__ import annotations

import json
from typing import Any

from nebula_desktop.exchange.budget import skipped_notice
from nebula_desktop.exchange.common import ExchangeError
from nebula_desktop.exchange.json_export import FORMAT, VERSION
from nebula_desktop.store import SCHEMA_VERSION, Conversation
from nebula_desktop.store.model import migrate


def parse_json(data: bytes | str) -> Any:
    """Decode JSON text, turning every failure into an :class:`ExchangeError`."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise ExchangeError("The file is not UTF-8 text.") from exc
    except json.JSONDecodeError as exc:
        raise ExchangeError(f"The file is not valid JSON (line {exc.lineno}).") from exc
    except (ValueError, RecursionError) as exc:
        raise ExchangeError("The file is not valid JSON.") from exc


def is_nebula_export(d: object) -> bool:
    """Whether decoded JSON looks like our export envelope or one conversation file."""
    if not isinstance(d, dict):
        return False
    return d.get("format") == FORMAT or ("schema_version" in d and "messages" in d)


def conversation_from_dict(d: object) -> Conversation:
    """One stored conversation dict → Conversation (older schemas are migrated)."""
    if not isinstance(d, dict):
        raise ExchangeError("A conversation in the file is not an object.")
    version = d.get("schema_version", 0)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ExchangeError("A conversation in the file has an invalid schema_version.")
    if version > SCHEMA_VERSION:
        raise ExchangeError(
            "The file was exported by a newer version of Nebula Desktop; update to import it."
        )
    try:
        return Conversation.from_dict(migrate(d) if version < SCHEMA_VERSION else d)
    except ValueError as exc:
        raise ExchangeError(f"A conversation in the file is damaged: {exc}") from exc


def import_nebula(d: object, notices: list[str] | None = None) -> list[Conversation]:
    """Conversations of our export envelope (or of a single conversation file).

    A damaged conversation is skipped (a sentence in ``notices``); only when none can be read
    is it an :class:`ExchangeError`.
    """
    if not isinstance(d, dict):
        raise ExchangeError("This is not a Nebula Desktop export.")
    if d.get("format") != FORMAT:
        if "schema_version" in d and "messages" in d:
            return [conversation_from_dict(d)]
        raise ExchangeError("This is not a Nebula Desktop export.")
    version = d.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
        raise ExchangeError(
            "The export was made by a newer version of Nebula Desktop; update to import it."
        )
    raw = d.get("conversations")
    if not isinstance(raw, list):
        raise ExchangeError("The export holds no list of conversations.")
    out: list[Conversation] = []
    errors: list[ExchangeError] = []
    for index, item in enumerate(raw):
        try:
            out.append(conversation_from_dict(item))
        except ExchangeError as exc:
            errors.append(exc)
            if notices is not None:
                notices.append(skipped_notice(index, item, str(exc)))
    if errors and not out:
        raise errors[0]
    return out
