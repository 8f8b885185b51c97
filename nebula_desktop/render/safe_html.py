"""Escaping for the renderer's HTML, and the only link schemes it keeps (no Qt).

Text is escaped for Qt's rich text, and absurdly long unbroken runs get zero-width spaces (Qt
wraps one in time quadratic in its length). Only absolute http/https/mailto links stay.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["LONG_RUN", "SAFE_SCHEMES", "attr", "breakable", "esc", "esc_wrap", "safe_href"]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
LONG_RUN = re.compile(r"\S{400,}")
_BREAK_EVERY = 200


def safe_href(href: str) -> str | None:
    """Return ``href`` if it is an absolute http/https/mailto URL, else None."""
    href = href.strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        return None
    return href


def breakable(match: re.Match[str]) -> str:
    """A long run (a match of :data:`LONG_RUN`) with a break opportunity every 200 characters."""
    run = match.group(0)
    # Qt wraps an unbroken run in time quadratic in its length (a 1 MB line takes minutes);
    # zero-width spaces give it break opportunities. Only absurdly long runs are touched.
    return "\u200b".join(run[i : i + _BREAK_EVERY] for i in range(0, len(run), _BREAK_EVERY))


def esc(text: str) -> str:
    """``text`` escaped for an element's content (as ``html.escape(text, quote=False)``: that
    module loads its table of 2,200 entities, which start-up never needs)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_wrap(text: str) -> str:
    """Escape paragraph text, making very long unbroken runs wrappable."""
    return esc(LONG_RUN.sub(breakable, text))


def attr(text: str) -> str:
    """``text`` escaped for an attribute's value (as ``html.escape(text, quote=True)``)."""
    return esc(text).replace('"', "&quot;").replace("'", "&#x27;")
