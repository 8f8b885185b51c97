"""The chat list's preview line: a picture reads "[image]" in the user's language."""

from __future__ import annotations

from typing import Any

from nebula_desktop.ui.common.i18n import CHINESE, install_translators
from nebula_desktop.ui.conversations.delegate import clean_preview

# How an older version stored an image answer's preview: its first 120 raw characters.
OLD_PREVIEW = "Here: ![a red dot](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf…"


def test_a_preview_stored_with_a_data_uri_paints_as_image_in_the_users_language(
    qapp: Any,
) -> None:
    assert clean_preview(OLD_PREVIEW) == "Here: [image]"
    assert clean_preview("**bold**, a list") == "bold, a list"
    installed = install_translators(CHINESE)
    try:
        assert clean_preview(OLD_PREVIEW) == "Here: [图片]"
    finally:
        installed.remove()
