"""What is under the pointer in a laid-out message row: a button, a version arrow, a document
chip, a thumbnail, the Thinking header, a link or Copy in the text, or the text itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QToolTip

from nebula_desktop.ui.common.plain import plain_tooltip
from nebula_desktop.ui.messages.layout import RowLayout

if TYPE_CHECKING:
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QAbstractItemView


def hit_test(lay: RowLayout, pos: QPoint, hovered: bool) -> tuple[str, str]:
    """(action, argument) under ``pos`` in the row laid out as ``lay``, or ("", "").

    The hover actions only count on the ``hovered`` row (they are only drawn there). Over the
    text without a link it is ("body", "") or ("thinking_text", "").
    """
    if hovered:
        for action, _, r in lay.actions:
            if r.contains(pos):
                return action, ""
    for action, _, r in lay.buttons + lay.branch_buttons:
        if r.contains(pos):
            return action, ""
    for attachment, r, _, _ in lay.doc_chips:
        if r.contains(pos):
            return "open_document", str(attachment)
    for image, r in lay.thumbs:
        if r.contains(pos):
            return "open_image", str(image)
    if lay.thinking_header is not None and lay.thinking_header.contains(pos):
        return "thinking", ""
    for doc, origin in ((lay.body_doc, lay.body_pos), (lay.thinking_doc, lay.thinking_pos)):
        if doc is None:
            continue
        local = QPointF(pos - origin)
        if 0 <= local.x() <= doc.doc.textWidth() and 0 <= local.y() <= doc.doc.size().height():
            anchor = doc.doc.documentLayout().anchorAt(local)
            part = "body" if doc is lay.body_doc else "thinking"
            if anchor:
                return link_action(anchor, part)
            return ("body" if part == "body" else "thinking_text"), ""
    return "", ""


def link_action(anchor: str, part: str) -> tuple[str, str]:
    """The action of a link in the text of ``part`` ("body" or "thinking")."""
    # Copy links number the code blocks of one text: say which (answer or thinking).
    if anchor.startswith("nebula-load-image:"):  # a remote image's "Load image"
        return "load_image", anchor.split(":", 1)[1]
    if anchor.startswith("nebula-copy:"):
        return "copy_code", f"{part}:{anchor.split(':', 1)[1]}"
    return "link", anchor


def show_link_tip(event: QHelpEvent, view: QAbstractItemView, hit: tuple[str, str]) -> bool:
    """A tooltip asked for over ``hit``: a link's or remote image's full address, exactly as
    written (before anyone clicks it); nothing else in a message has a tooltip. The view hands
    tooltips to its delegate's ``helpEvent``: a Python handler of the viewport's every event
    would make PySide build the type of every QEvent subclass at the first one (start-up)."""
    action, arg = hit
    if action in ("link", "load_image"):
        QToolTip.showText(event.globalPos(), plain_tooltip(arg), view.viewport())
    else:
        QToolTip.hideText()
        event.ignore()
    return True
