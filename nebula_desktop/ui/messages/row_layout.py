"""Where everything of one message row goes: header, actions, thinking, body, usage, the
incomplete marker. Pure geometry from the message, its state and its documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPoint, QRect, QSize
from PySide6.QtGui import QFontMetrics

from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.messages.actions import (
    ERROR_BOX,
    HEADER,
    SWITCHER,
    TOGGLE,
    buttons_at,
    offered,
    placed_at,
)
from nebula_desktop.ui.messages.attachment_chips import layout_chips
from nebula_desktop.ui.messages.layout import (
    BUBBLE_MAX,
    BUBBLE_PAD,
    DIVIDER_SPACE,
    ROW_VPAD,
    THINK_INDENT,
    THUMB_MAX,
    Fonts,
    RowLayout,
    button_row,
    column_rect,
    layout_error,
    needs_error_box,
    thinking_label,
    usage_text,
)

if TYPE_CHECKING:
    from nebula_desktop.store import Message
    from nebula_desktop.ui.messages.documents import RenderedDoc


# Painted under a message with ``context_break`` (its menu offers "Remove divider").
DIVIDER_TEXT = str(
    QT_TRANSLATE_NOOP("MessageDelegate", "Context cleared — messages above are not sent")
)


def build_row_layout(
    msg: Message,
    top: int,
    fonts: Fonts,
    view_width: int,
    *,
    streaming: bool,
    thinking_open: bool,
    last_assistant: bool,
    document: Callable[[str, int | None], RenderedDoc],
    versions: bool = True,
) -> RowLayout:
    """Lay out ``msg`` with its row starting at y = ``top``.

    ``document(part, width)`` returns the rendered "body" or "thinking" document wrapped to
    ``width`` (None: leave the width alone). ``versions`` False leaves out the "‹ 2/3 ›"
    switcher.
    """
    lay = RowLayout()
    fm_small = QFontMetrics(fonts.small)
    fm_bold = QFontMetrics(fonts.bold_small)
    col_x, col_w = column_rect(view_width)
    lay.column = QRect(col_x, top, col_w, 0)
    right = col_x + col_w
    is_user = msg.role == "user"
    y = top + ROW_VPAD
    # Header: who is speaking, and (on hover) the actions for this message.
    if is_user:
        lay.header_text = translate("MessageDelegate", "You")
    elif msg.role == "assistant":
        lay.header_text = translate("MessageDelegate", "Assistant")
        if msg.model:
            lay.header_text += f" · {msg.model}"
    else:
        lay.header_text = (
            translate("MessageDelegate", "System")
            if msg.role == "system"
            else msg.role.capitalize()
        )
    if streaming:
        lay.header_text += "  ·  " + (
            translate("MessageDelegate", "writing…")
            if msg.content
            else translate("MessageDelegate", "thinking…")
        )
    header_h = fm_bold.height() + 6
    text_w = fm_bold.horizontalAdvance(lay.header_text)
    hx = right - text_w if is_user else col_x
    lay.header_rect = QRect(hx, y, text_w, header_h)
    actions = buttons_at(HEADER, msg, last_assistant, streaming)
    if is_user:
        lay.actions = button_row(fm_small, 0, y, actions, right_to_left=hx - 10)
    else:
        lay.actions = button_row(fm_small, 0, y, actions, right_to_left=right)
    y += header_h + 4
    # Thinking: a toggle, and the reasoning text when open.
    if any(offered(msg, last_assistant, streaming, TOGGLE)):
        is_open = thinking_open
        lay.thinking_label = thinking_label(msg, streaming, is_open)
        th_h = fm_small.height() + 8
        lay.thinking_header = QRect(
            col_x, y, fm_small.horizontalAdvance(lay.thinking_label) + 20, th_h
        )
        y += th_h + 6
        if is_open:
            doc = document("thinking", col_w - THINK_INDENT)
            lay.thinking_doc = doc
            lay.thinking_pos = QPoint(col_x + THINK_INDENT, y)
            y += int(doc.doc.size().height()) + 10
    # Image attachments: thumbnails above the text, on the speaker's side.
    images = [
        i for i, a in enumerate(msg.attachments) if str(a.get("mime", "")).startswith("image/")
    ]
    if images:
        y = _layout_thumbs(msg, images, lay, col_x, right, y, is_user) + 6
    # Documents: chips (name, pages, tokens); their text goes to the request only.
    lay.doc_chips, below = layout_chips(msg, fonts, col_x, right, y, is_user)
    if lay.doc_chips:
        y = below + 6
    # Body: Markdown in a bubble (user) or full column width (assistant). A tool result's
    # text shows under its toggle (folded) instead.
    if (msg.content and msg.role != "tool") or (is_user and not images and not lay.doc_chips):
        if is_user:
            max_w = int(col_w * BUBBLE_MAX) - 2 * BUBBLE_PAD
            doc = document("body", None)
            ideal = doc.fits.get(max_w)
            if ideal is None:
                # Shrink-wrap the bubble once per width (re-wrapping on each paint costs).
                doc.doc.setTextWidth(max_w)
                ideal = doc.fits[max_w] = min(max_w, int(doc.doc.idealWidth()) + 2)
            if doc.doc.textWidth() != ideal:
                doc.doc.setTextWidth(ideal)
            body_h = int(doc.doc.size().height())
            lay.bubble = QRect(
                right - ideal - 2 * BUBBLE_PAD,
                y,
                ideal + 2 * BUBBLE_PAD,
                body_h + 2 * BUBBLE_PAD,
            )
            lay.body_pos = QPoint(lay.bubble.x() + BUBBLE_PAD, y + BUBBLE_PAD)
            lay.body_rect = QRect(lay.body_pos, QSize(ideal, body_h))
            y = lay.bubble.bottom() + 1
        else:
            doc = document("body", col_w)
            body_h = int(doc.doc.size().height())
            lay.body_pos = QPoint(col_x, y)
            lay.body_rect = QRect(lay.body_pos, QSize(col_w, body_h))
            y += body_h
        lay.body_doc = doc
    elif streaming:
        lay.placeholder = (
            "…" if msg.reasoning else translate("MessageDelegate", "Waiting for the answer…")
        )
        lay.body_rect = QRect(col_x, y, col_w, QFontMetrics(fonts.base).height())
        y += lay.body_rect.height()
    if msg.alternatives and versions:
        y = _layout_branch(msg, lay, fm_small, col_x, right, y + 6, is_user)
    # Usage, subtle, under a finished answer.
    lay.usage_text = "" if streaming or is_user else usage_text(msg)
    if lay.usage_text:
        y += 6
        lay.usage_rect = QRect(col_x, y, col_w, fm_small.height())
        y += fm_small.height()
    if needs_error_box(msg, streaming):
        buttons = buttons_at(ERROR_BOX, msg, last_assistant, streaming)
        y = layout_error(msg, lay, col_x, col_w, y + 10, fm_small, fm_bold, buttons)
    if msg.context_break:
        # "Clear context": a thin rule with its explanation, across the column.
        y += DIVIDER_SPACE
        lay.divider_text = translate("MessageDelegate", DIVIDER_TEXT)
        lay.divider_rect = QRect(col_x, y, col_w, fm_small.height())
        y += fm_small.height()
    y += ROW_VPAD
    lay.height = y - top
    lay.column.setHeight(lay.height)
    return lay


def _layout_thumbs(
    msg: Message, images: list[int], lay: RowLayout, left: int, right: int, y: int, is_user: bool
) -> int:
    """Thumbnails of image attachments, wrapping to new lines; returns the y below them."""
    gap = 6
    line: list[tuple[int, QSize]] = []
    line_w = 0

    def place(line: list[tuple[int, QSize]], line_w: int, y: int) -> int:
        x = right - line_w if is_user else left
        for index, size in line:
            lay.thumbs.append((index, QRect(QPoint(x, y), size)))
            x += size.width() + gap
        return y + max(s.height() for _, s in line) + gap

    for index in images:
        stored = msg.attachments[index]
        w, h = _dimension(stored, "width"), _dimension(stored, "height")
        scale = THUMB_MAX / max(w, h)
        size = QSize(max(8, int(w * scale)), max(8, int(h * scale)))
        if line and line_w + gap + size.width() > right - left:
            y = place(line, line_w, y)
            line, line_w = [], 0
        line_w += size.width() + (gap if line else 0)
        line.append((index, size))
    return place(line, line_w, y) - gap


def _dimension(attachment: dict[str, object], key: str) -> int:
    """A stored width/height, or a square guess when the file holds something else."""
    value = attachment.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e6:
        return THUMB_MAX
    return max(1, int(value))


def _layout_branch(
    msg: Message,
    lay: RowLayout,
    fm: QFontMetrics,
    left: int,
    right: int,
    y: int,
    is_user: bool,
) -> int:
    """The "‹ 2/3 ›" switcher under a message that has other versions."""
    lay.branch_text = f"{msg.branch_index + 1}/{msg.branch_count}"
    text_w = fm.horizontalAdvance(lay.branch_text) + 8
    arrow_w = fm.horizontalAdvance("›") + 14
    height = fm.height() + 6
    total = 2 * arrow_w + text_w
    x = right - total if is_user else left
    earlier, later = placed_at(SWITCHER)
    lay.branch_buttons = [
        (earlier.name, earlier.glyph, QRect(x, y, arrow_w, height)),
        (later.name, later.glyph, QRect(x + arrow_w + text_w, y, arrow_w, height)),
    ]
    lay.branch_rect = QRect(x + arrow_w, y, text_w, height)
    return y + height
