"""Make untrusted model text safe to lay out: no bidi overrides, no lone surrogates, no NULs."""

from __future__ import annotations

import re
from functools import cache

_NUL = "\x00"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled on first use, not when the view imports the renderer at start-up."""
    # Embedding/override/isolate controls can reorder the surrounding UI text ("Trojan Source"),
    # so they are dropped. Marks (U+200E/U+200F) only affect neutral characters and are kept.
    bidi_controls = re.compile("[\u202a-\u202e\u2066-\u2069]")
    # A str may hold lone surrogates (e.g. from JSON "\ud800"); they cannot be encoded for Qt.
    surrogates = re.compile("[\ud800-\udfff]")
    return bidi_controls, surrogates


def clean_text(text: str) -> str:
    """Return ``text`` with bidi overrides removed and invalid code points replaced by U+FFFD."""
    if _NUL in text:
        text = text.replace(_NUL, "\ufffd")
    bidi_controls, surrogates = _patterns()
    text = bidi_controls.sub("", text)
    return surrogates.sub("\ufffd", text)
