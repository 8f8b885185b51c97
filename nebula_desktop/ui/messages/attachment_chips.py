"""Document chips in a sent message: where they go and how they look.

A document attached to a message (a PDF, a Word file…) shows as a chip with its name, pages
and estimated tokens; its text is sent in the request only, never drawn in the message. A
click on the chip opens the text (``open_document``, see ``actions.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtGui
from PySide6.QtCore import QObject, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPen

from nebula_desktop import attachments as att
from nebula_desktop.ui.messages.layout import Colors, Fonts

if TYPE_CHECKING:
    from nebula_desktop.store import Message

CHIP_PAD = 8
CHIP_ICON = 18  # the page glyph's width
CHIP_GAP = 6
CHIP_MAX = 320  # a chip's widest; a long name is elided in the middle

# (index into msg.attachments, rect, name as shown, details line)
Chip = tuple[int, QRect, str, str]


def document_indexes(msg: Message) -> list[int]:
    """Indexes of ``msg``'s document attachments, in order."""
    return [i for i, a in enumerate(msg.attachments) if att.is_document(a)]


class DocumentChipText(QObject):
    """The words on a document chip. A QObject for its ``tr()``: lupdate marks a plural
    ("%n page(s)") only in a ``tr`` call with a count."""

    def details(self, attachment: dict[str, object]) -> str:
        """ "12 pages · ≈2,100 tokens" (each when known: a file edited elsewhere may lack
        them)."""
        pages, _chars, tokens = att.document_facts(dict(attachment))
        parts = [self.tr("%n page(s)", "", pages)] if pages else []
        if tokens:
            parts.append(self.tr("≈{count} tokens").format(count=f"{tokens:,}"))
        return " · ".join(parts) or self.tr("document")


_text: DocumentChipText | None = None


def chip_details(attachment: dict[str, object]) -> str:
    """ "12 pages · ≈2,100 tokens" for the chip of ``attachment``."""
    global _text
    if _text is None:
        _text = DocumentChipText()
    return _text.details(attachment)


def layout_chips(
    msg: Message, fonts: Fonts, left: int, right: int, y: int, is_user: bool
) -> tuple[list[Chip], int]:
    """The chips of ``msg``'s documents from y = ``y``, wrapping to new lines on the speaker's
    side; returns them and the y below them (``y`` itself when there are none)."""
    indexes = document_indexes(msg)
    if not indexes:
        return [], y
    fm_name, fm_small = QFontMetrics(fonts.bold_small), QFontMetrics(fonts.small)
    height = 2 * CHIP_PAD + fm_name.height() + 2 + fm_small.height()
    room = max(80, min(CHIP_MAX, right - left))
    chips: list[Chip] = []
    line: list[Chip] = []
    line_w = 0

    def place(line: list[Chip], line_w: int, y: int) -> int:
        x = right - line_w if is_user else left
        for index, rect, name, details in line:
            chips.append((index, QRect(QPoint(x, y), rect.size()), name, details))
            x += rect.width() + CHIP_GAP
        return y + height + CHIP_GAP

    text_room = room - CHIP_ICON - 3 * CHIP_PAD
    for index in indexes:
        stored = msg.attachments[index]
        name = fm_name.elidedText(str(stored.get("name") or "document"),
                                  Qt.TextElideMode.ElideMiddle, text_room)  # fmt: skip
        details = fm_small.elidedText(chip_details(stored), Qt.TextElideMode.ElideRight, text_room)
        text_w = max(fm_name.horizontalAdvance(name), fm_small.horizontalAdvance(details))
        width = text_w + CHIP_ICON + 3 * CHIP_PAD + 4  # slack: the painter's metrics may round up
        if line and line_w + CHIP_GAP + width > right - left:
            y = place(line, line_w, y)
            line, line_w = [], 0
        line_w += width + (CHIP_GAP if line else 0)
        line.append((index, QRect(0, 0, width, height), name, details))
    return chips, place(line, line_w, y) - CHIP_GAP


def paint_chips(
    painter: QPainter, chips: list[Chip], colors: Colors, fonts: Fonts, hover_pos: QPoint
) -> None:
    """Draw the chips: a rounded box, a page glyph, the name over the details."""
    if not chips:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    fm_name = QFontMetrics(fonts.bold_small)
    for _index, rect, name, details in chips:
        hot = rect.contains(hover_pos)
        painter.setPen(QPen(colors.q("button_border"), 1))
        painter.setBrush(colors.q("button_hover" if hot else "button_bg"))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        _page_glyph(painter, QRect(rect.x() + CHIP_PAD, rect.y() + CHIP_PAD, CHIP_ICON,
                                   rect.height() - 2 * CHIP_PAD), colors)  # fmt: skip
        text_x = rect.x() + 2 * CHIP_PAD + CHIP_ICON
        text_w = rect.right() - CHIP_PAD - text_x
        name_rect = QRect(text_x, rect.y() + CHIP_PAD, text_w, fm_name.height())
        painter.setFont(fonts.bold_small)
        painter.setPen(colors.q("text"))
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter, name)
        details_rect = QRect(
            text_x, name_rect.bottom() + 3, text_w, rect.bottom() - CHIP_PAD - name_rect.bottom()
        )
        painter.setFont(fonts.small)
        painter.setPen(colors.q("muted"))
        painter.drawText(details_rect, Qt.AlignmentFlag.AlignVCenter, details)
    painter.restore()


def _page_glyph(painter: QPainter, box: QRect, colors: Colors) -> None:
    """A sheet of paper with a folded corner and three lines of text."""
    width = min(box.width(), 16)
    height = min(box.height(), 20)
    x = box.x() + (box.width() - width) / 2
    y = box.y() + (box.height() - height) / 2
    fold = 5.0
    path = QtGui.QPainterPath()
    path.moveTo(x, y)
    path.lineTo(x + width - fold, y)
    path.lineTo(x + width, y + fold)
    path.lineTo(x + width, y + height)
    path.lineTo(x, y + height)
    path.closeSubpath()
    painter.setPen(QPen(colors.q("muted"), 1.2))
    painter.setBrush(colors.q("bubble"))
    painter.drawPath(path)
    corner = QPointF(x + width - fold, y + fold)
    painter.drawLine(QPointF(x + width - fold, y), corner)
    painter.drawLine(corner, QPointF(x + width, y + fold))
    painter.setPen(QPen(colors.q("muted"), 1))
    for step in range(3):
        line_y = y + 9 + step * 3.5
        painter.drawLine(QPointF(x + 3, line_y), QPointF(x + width - 3, line_y))
