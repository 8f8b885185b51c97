"""Make untrusted model text safe to lay out: no bidi overrides, no lone surrogates, no NULs."""

from __future__ import annotations

import re

# Embedding/override/isolate controls can reorder the surrounding UI text ("Trojan Source"),
# so they are dropped. Marks (U+200E/U+200F) only affect neutral characters and are kept.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# A str may hold lone surrogates (e.g. from JSON "\ud800"); they cannot be encoded for Qt.
_SURROGATES = re.compile("[\ud800-\udfff]")
_NUL = "\x00"


def clean_text(text: str) -> str:
    """Return ``text`` with bidi overrides removed and invalid code points replaced by U+FFFD."""
    if _NUL in text:
        text = text.replace(_NUL, "\ufffd")
    text = _BIDI_CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)
