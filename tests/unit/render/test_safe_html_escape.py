"""The renderer's escaping is exactly the standard library's (without loading its entities)."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from nebula_desktop.render.safe_html import attr, esc


@given(st.text())
def test_escaping_matches_html_escape(text: str) -> None:
    assert esc(text) == html.escape(text, quote=False)
    assert attr(text) == html.escape(text, quote=True)
