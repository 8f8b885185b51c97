"""The methods Python writes for our data classes, compiled once and kept between runs.

``@dataclass`` writes ``__init__``, ``__repr__``, ``__eq__`` (and more for frozen classes) as
source text and compiles it when the class is defined: the ~30 data classes the first window
needs make ~110 such texts (~57 KB), and compiling them is ~50 M instructions of every start,
as much as the rest of our code's import. The text only depends on the class's fields and
options, so the compiled code can be kept: ``install(path)`` makes the ``dataclasses`` module
compile through a cache keyed by the exact text (loaded from ``path``), and ``save()`` writes
what was compiled new, for the next start.

The file is a cache, nothing more: one written by another Python, damaged, too large or
unreadable is ignored (and replaced by the next ``save()``), and any entry is only ever used for
the very text it was compiled from. It holds bytecode like the ``__pycache__`` folders beside
the modules, in the user's own cache folder. No Qt here.
"""

from __future__ import annotations

import builtins
import marshal
import sys
import threading
from pathlib import Path
from types import CodeType
from typing import Any

# More than any session makes (~200 texts once every dialog was opened); past these the file
# starts over with what this session used.
MAX_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 2000
_FORMAT = 1

_lock = threading.Lock()
_state: dict[str, Any] = {}


def _tag() -> str:
    # Bytecode is only valid for the interpreter that wrote it.
    return f"{_FORMAT}:{sys.implementation.cache_tag}:{sys.version}"


def install(path: Path) -> None:
    """Compile data class methods through the cache kept at ``path`` (idempotent)."""
    import dataclasses

    if _state:
        return
    from nebula_desktop.safeio import read_regular

    known: dict[str, CodeType] = {}
    try:
        loaded = marshal.loads(read_regular(path, MAX_BYTES))  # a regular file, never a FIFO
        if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == _tag():
            known = {
                text: code
                for text, code in dict(loaded[1]).items()
                if isinstance(text, str) and isinstance(code, CodeType)
            }
    except (OSError, ValueError, EOFError, TypeError):
        known = {}
    _state.update(path=path, known=known, used=set(), new=0)
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # shadows the builtin there only


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    if not isinstance(source, str) or kwargs:
        builtins.exec(source, globals, locals, **kwargs)
        return
    with _lock:
        code = _state["known"].get(source)
        if code is None:
            # As ``exec`` compiles it for dataclasses: without this module's __future__ flags.
            code = _state["known"][source] = compile(source, "<string>", "exec", dont_inherit=True)
            _state["new"] += 1
        _state["used"].add(source)
    builtins.exec(code, globals, locals)


def save() -> bool:
    """Write the cache if this run compiled something new; True when written."""
    with _lock:
        if not _state or not _state["new"]:
            return False
        known: dict[str, CodeType] = _state["known"]
        if len(known) > MAX_ENTRIES:
            known = {text: known[text] for text in _state["used"]}
        path: Path = _state["path"]
        _state["new"] = 0
    try:
        data = marshal.dumps((_tag(), known))
        if len(data) > MAX_BYTES:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        from nebula_desktop import atomicfile

        atomicfile.write_bytes(path, data)  # whole or not at all, like every file the app writes
        return True
    except (OSError, ValueError):  # (SaveError is an OSError) a cache: the next run compiles
        return False
