"""Looking for a secret everywhere it could have leaked: files, captured output, log records.

A key can hide in other spellings: base64 (a Basic auth header, a serialized blob), URL-encoded
(a query string, a proxy URL), JSON-escaped, or UTF-16 (Qt's own binary settings). Each is
searched as bytes in every file under the given folders, whatever the file type.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

__all__ = ["find_in_files", "find_in_text", "secret_forms"]


def secret_forms(key: str) -> dict[str, bytes]:
    """Every spelling of `key` worth searching for, as bytes."""
    raw = key.encode()
    forms = {
        "plain": raw,
        "base64": base64.b64encode(raw).rstrip(b"="),
        "base64-url": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "url-encoded": quote(key, safe="").encode(),
        "form-encoded": quote_plus(key).encode(),
        "json-escaped": json.dumps(key).strip('"').encode(),
        "utf-16": key.encode("utf-16-le"),
    }
    return forms


def find_in_text(text: str | bytes, key: str) -> list[str]:
    """Names of the spellings of `key` that occur in `text`."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return [name for name, form in secret_forms(key).items() if form in data]


def find_in_files(folders: Iterable[Path], key: str) -> list[tuple[str, str]]:
    """(file, spelling) for every file under `folders` that holds `key` in any spelling."""
    hits: list[tuple[str, str]] = []
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            try:
                data = path.read_bytes()
            except OSError:
                continue  # sockets, lock files held open elsewhere
            hits += [(str(path), name) for name in find_in_text(data, key)]
    return hits


def all_files(folders: Iterable[Path]) -> list[Path]:
    """Every regular file under `folders` (to prove the scan looked at something)."""
    return [p for f in folders if f.exists() for p in f.rglob("*") if p.is_file()]
