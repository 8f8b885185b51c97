"""A cheaper way for PySide6 to learn whether a module uses it.

Once imported, PySide6 asks of every module imported after it whether its source mentions
"PySide6" (the module then takes part in PySide's ``from __feature__ import`` switches). It
asks through ``inspect.getsource``: the file decoded through the tokenizer, split into lines and
kept whole in ``linecache`` — for the ~150 modules the window imports, ~50 M instructions and
~4 MB of text nobody reads again. ``use_byte_search()`` gives it the same answer from a search
of the file's bytes; modules without a ``.py`` file still go the original way.

PySide6 keeps this in ``shibokensupport.feature._mod_uses_pyside`` (6.4 to 6.11 at least). When
a PySide6 has no such function nothing is changed: start-up is then slower, never wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_MARK = "_nebula_byte_search"


def use_byte_search() -> bool:
    """Install the byte search; True when installed (now or before)."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(upstream):
        return False
    if getattr(upstream, _MARK, False):
        return True
    feature.__dict__["_mod_uses_pyside"] = _searching_bytes(upstream)
    return True


def _searching_bytes(upstream: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return upstream(module)

    setattr(uses_pyside, _MARK, True)
    return uses_pyside
