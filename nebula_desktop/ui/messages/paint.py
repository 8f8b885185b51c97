"""Drawing one message row from its RowLayout (kept apart from the delegate's logic)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)

from nebula_desktop.ui.messages.attachment_chips import paint_chips
from nebula_desktop.ui.messages.documents import RenderedDoc
from nebula_desktop.ui.messages.layout import (
    DIVIDER_SPACE,
    ROW_VPAD,
    THINK_INDENT,
    Colors,
    Fonts,
    RowLayout,
)


def _draw_doc(
    painter: QPainter, entry: RenderedDoc, origin: QPoint, color: QColor, clip: QRect
) -> None:
    painter.save()
    painter.translate(origin)
    ctx = QAbstractTextDocumentLayout.PaintContext()
    ctx.palette.setColor(QPalette.ColorRole.Text, color)
    # Only the part inside the exposed area is drawn: long answers stay cheap to repaint.
    visible = clip.translated(-origin.x(), -origin.y())
    ctx.clip = QRectF(visible)
    painter.setClipRect(visible)
    entry.doc.documentLayout().draw(painter, ctx)
    painter.restore()


def _button(
    painter: QPainter, rect: QRect, label: str, colors: Colors, hot: bool, filled: bool
) -> None:
    painter.setPen(QPen(colors.q("button_border"), 1))
    painter.setBrush(
        colors.q("button_hover" if hot else "button_bg") if filled or hot else Qt.BrushStyle.NoBrush
    )
    painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
    painter.setPen(colors.q("text" if hot or filled else "muted"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)


def paint_row(
    painter: QPainter,
    lay: RowLayout,
    colors: Colors,
    fonts: Fonts,
    row_rect: QRect,
    hovered: bool,
    hover_pos: QPoint,
    focused: bool,
    visible: QRect,
) -> None:
    """Paint every part of one message."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    clip = row_rect.adjusted(0, 0, 0, max(0, lay.height - row_rect.height())).intersected(visible)
    if focused:
        # Keyboard focus (Up/Down) shows which message Ctrl+C copies.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.q("current"))
        painter.drawRoundedRect(QRectF(lay.column.adjusted(-10, 2, 10, -2)), 10, 10)
    # Header.
    painter.setFont(fonts.bold_small)
    painter.setPen(colors.q("muted"))
    painter.drawText(lay.header_rect, Qt.AlignmentFlag.AlignVCenter, lay.header_text)
    if hovered:
        painter.setFont(fonts.small)
        for _, label, rect in lay.actions:
            _button(painter, rect, label, colors, rect.contains(hover_pos), False)
    # Thinking.
    if lay.thinking_header is not None:
        painter.setFont(fonts.small)
        hot = hovered and lay.thinking_header.contains(hover_pos)
        _button(painter, lay.thinking_header, lay.thinking_label, colors, hot, False)
        if lay.thinking_doc is not None:
            height = int(lay.thinking_doc.doc.size().height())
            x = lay.thinking_pos.x() - THINK_INDENT + 4
            painter.fillRect(QRect(x, lay.thinking_pos.y(), 2, height), colors.q("rule"))
            _draw_doc(painter, lay.thinking_doc, lay.thinking_pos, colors.q("muted"), clip)
    # Body.
    if lay.bubble is not None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.q("bubble"))
        painter.drawRoundedRect(QRectF(lay.bubble), 14, 14)
    if lay.body_doc is not None:
        _draw_doc(painter, lay.body_doc, lay.body_pos, colors.q("text"), clip)
    elif lay.placeholder:
        painter.setFont(fonts.base)
        painter.setPen(colors.q("muted"))
        painter.drawText(lay.body_rect, Qt.AlignmentFlag.AlignVCenter, lay.placeholder)
    if lay.usage_rect is not None:
        painter.setFont(fonts.small)
        painter.setPen(colors.q("muted"))
        # Elided, never cut mid-word, when a narrow column (Compare) cannot hold it all.
        usage = QFontMetrics(fonts.small).elidedText(
            lay.usage_text, Qt.TextElideMode.ElideRight, lay.usage_rect.width()
        )
        painter.drawText(lay.usage_rect, Qt.AlignmentFlag.AlignVCenter, usage)
    # Incomplete marker.
    if lay.error_rect is not None:
        painter.setPen(QPen(colors.q("error_border"), 1))
        painter.setBrush(colors.q("error_bg"))
        painter.drawRoundedRect(QRectF(lay.error_rect).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        flags = int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere)
        for text, rect, bold in lay.error_lines:
            painter.setFont(fonts.bold_small if bold else fonts.small)
            painter.setPen(colors.q("error_text" if bold else "text"))
            painter.drawText(rect, flags, text)
        painter.setFont(fonts.small)
        for _, label, rect in lay.buttons:
            _button(painter, rect, label, colors, rect.contains(hover_pos), True)
    if lay.divider_rect is not None:
        _paint_divider(painter, lay.divider_rect, lay.divider_text, colors, fonts)
    painter.restore()


def _paint_divider(painter: QPainter, rect: QRect, text: str, colors: Colors, fonts: Fonts) -> None:
    """The "Clear context" divider: a thin rule across the column, its text in the middle."""
    fm = QFontMetrics(fonts.small)
    text = fm.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 40)
    text_w = fm.horizontalAdvance(text) + 20
    middle = rect.center().y()
    left = rect.x() + (rect.width() - text_w) // 2
    painter.setPen(QPen(colors.q("rule"), 1))
    painter.drawLine(rect.x(), middle, left, middle)
    painter.drawLine(left + text_w, middle, rect.right(), middle)
    painter.setFont(fonts.small)
    painter.setPen(colors.q("muted"))
    painter.drawText(
        QRect(left, rect.y(), text_w, rect.height()), Qt.AlignmentFlag.AlignCenter, text
    )


def paint_extras(
    painter: QPainter,
    lay: RowLayout,
    colors: Colors,
    fonts: Fonts,
    hover_pos: QPoint,
    thumbnail: Callable[[int, QRect], QPixmap],
) -> None:
    """Paint attachment thumbnails, document chips and the "‹ 2/3 ›" version switcher of one
    message."""
    paint_chips(painter, lay.doc_chips, colors, fonts, hover_pos)
    if not lay.thumbs and not lay.branch_buttons:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for index, rect in lay.thumbs:
        pixmap = thumbnail(index, rect)
        if pixmap.isNull():
            painter.fillRect(rect, colors.q("bubble"))  # undecodable data: a placeholder
        else:
            painter.drawPixmap(rect, pixmap)
        painter.setPen(QPen(colors.q("rule"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5))
    if lay.branch_rect is not None:
        painter.setFont(fonts.small)
        for _, label, rect in lay.branch_buttons:
            _button(painter, rect, label, colors, rect.contains(hover_pos), False)
        painter.setPen(colors.q("muted"))
        painter.drawText(lay.branch_rect, Qt.AlignmentFlag.AlignCenter, lay.branch_text)
    painter.restore()


ToolLines = list[tuple[str, QRect]]


def tool_call_text(call: dict[str, Any]) -> str:
    """ "Tool call: get_weather({"city":"Paris"})" from one OpenAI-shaped tool call."""
    raw = call.get("function")
    function: dict[str, Any] = raw if isinstance(raw, dict) else {}
    name = str(function.get("name") or call.get("type") or "tool")
    args = function.get("arguments", "")
    if not isinstance(args, str):
        args = json.dumps(args, ensure_ascii=False)
    label = QCoreApplication.translate("MessageView", "Tool call: {call}")
    return label.format(call=f"{name}({' '.join(args.split())[:300]})")


def add_usage_extras(
    lay: RowLayout,
    msg: Any,
    fonts: Fonts,
    streaming: bool,
    cost: float | None,
) -> ToolLines:
    """Cost on the usage line ("… · $0.0012") and a read-only line per tool call under the
    answer; grows ``lay`` to fit. Returns the tool-call lines (text, rect) to paint."""
    if cost is not None and lay.usage_text:
        from nebula_desktop.costs import format_cost

        lay.usage_text += f" · {format_cost(cost)}"
    calls = [c for c in getattr(msg, "tool_calls", None) or [] if isinstance(c, dict)]
    if streaming or not calls:
        return []
    fm = QFontMetrics(fonts.small)
    x, width = lay.column.x(), lay.column.width()
    divider = lay.divider_rect  # stays the last thing of the row, under the tool calls
    bottom = lay.column.top() + lay.height - ROW_VPAD
    y = (divider.top() - DIVIDER_SPACE if divider is not None else bottom) + 4
    lines: ToolLines = []
    for call in calls:
        text = fm.elidedText(tool_call_text(call), Qt.TextElideMode.ElideRight, width - 16)
        lines.append((text, QRect(x, y, width, fm.height() + 6)))
        y += fm.height() + 8
    if divider is not None:
        y += DIVIDER_SPACE
        lay.divider_rect = QRect(divider.x(), y, divider.width(), divider.height())
        y += divider.height()
    lay.height = y + ROW_VPAD - lay.column.top()
    lay.column.setHeight(lay.height)
    return lines


def paint_tool_calls(painter: QPainter, lines: ToolLines, colors: Colors, fonts: Fonts) -> None:
    """The tool calls a model emitted, in small framed lines (read-only: nothing runs them)."""
    if not lines:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setFont(fonts.small)
    for text, rect in lines:
        painter.setPen(QPen(colors.q("rule"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.setPen(colors.q("muted"))
        painter.drawText(rect.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter, text)
    painter.restore()
