"""``ConversationDelegate``: paints one conversation row and hosts the inline rename editor.

Each row is two lines: the title (bold, elided) with the relative time and a pin glyph on the
right, and a grey one-line preview below. Every row has the same height, so the size hint is
computed once per font and cached (the view can use ``uniformItemSizes``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from nebula_desktop.store.model import IMAGE_MARK, preview_text
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.conversations.model import (
    PinnedRole,
    PreviewRole,
    UpdatedRole,
    relative_time,
)

IMAGE_TEXT = QT_TRANSLATE_NOOP("ConversationDelegate", "[image]")  # a picture in the preview


def untitled_text() -> str:
    """What a chat without a title is called in the list."""
    return translate("ConversationDelegate", "Untitled")


def empty_preview_text() -> str:
    """The preview line of a chat with no messages."""
    return translate("ConversationDelegate", "No messages yet")


_PAD_X = 12
_PAD_Y = 8
_LINE_GAP = 3
_PIN_SIZE = 10

_AnyIndex = QModelIndex | QPersistentModelIndex


def clean_preview(text: str) -> str:
    """One calm line from a stored preview: no Markdown marks, pictures as "[image]".

    The store writes clean previews; an index written by an older version may still hold raw
    Markdown (or the start of a data: URI), so the line is cleaned again where it is painted.
    """
    return preview_text(text).replace(IMAGE_MARK, translate("ConversationDelegate", IMAGE_TEXT))


class ConversationDelegate(QStyledItemDelegate):
    """Paints a conversation summary; edits its title with a QLineEdit."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._size_cache: dict[str, QSize] = {}
        self._title = ""  # the row's title, taken out of the option the style paints

    # -- fonts and geometry -----------------------------------------------------------------

    @staticmethod
    def _fonts(base: QFont) -> tuple[QFont, QFont]:
        title = QFont(base)
        title.setBold(True)
        small = QFont(base)
        if base.pointSizeF() > 0:
            small.setPointSizeF(max(base.pointSizeF() * 0.9, 7.0))
        return title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: _AnyIndex) -> QSize:
        key = option.font.key()
        cached = self._size_cache.get(key)
        if cached is None:
            title, small = self._fonts(option.font)
            height = (
                2 * _PAD_Y + QFontMetrics(title).height() + _LINE_GAP + QFontMetrics(small).height()
            )
            cached = QSize(200, height)
            self._size_cache[key] = cached
        return cached

    def _title_rect(self, rect: QRect, font: QFont) -> QRect:
        title, _small = self._fonts(font)
        return QRect(
            rect.left() + _PAD_X,
            rect.top() + _PAD_Y,
            rect.width() - 2 * _PAD_X,
            QFontMetrics(title).height(),
        )

    # -- painting ---------------------------------------------------------------------------

    def initStyleOption(self, option: QStyleOptionViewItem, index: _AnyIndex) -> None:
        super().initStyleOption(option, index)
        # paint() draws the title itself; the style draws only the selection and hover.
        self._title = option.text
        option.text = ""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _AnyIndex) -> None:
        # Qt draws the row's background (selection, hover) without the title: initStyleOption
        # above takes it out. Neither the style nor ``option.state`` is touched from Python:
        # either builds all of QStyle's Python enums (~47 M instructions before the first paint).
        super().paint(painter, option, index)
        title_text = self._title
        selected, enabled, active = self._row_state(option, index)
        palette = option.palette
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        if selected and not active:
            group = QPalette.ColorGroup.Inactive
        if selected:
            main = palette.color(group, QPalette.ColorRole.HighlightedText)
            muted = QColor(main)
            muted.setAlphaF(0.75)
        else:
            main = palette.color(group, QPalette.ColorRole.Text)
            muted = palette.color(group, QPalette.ColorRole.PlaceholderText)

        title_font, small_font = self._fonts(option.font)
        title_fm, small_fm = QFontMetrics(title_font), QFontMetrics(small_font)
        rect = option.rect
        title_rect = self._title_rect(rect, option.font)
        right = title_rect.right()

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

        # Right side of the first line: time, then a pin glyph before it.
        updated = index.data(UpdatedRole)
        when = relative_time(float(updated)) if updated is not None else ""
        painter.setFont(small_font)
        painter.setPen(muted)
        when_width = small_fm.horizontalAdvance(when)
        when_rect = QRect(right - when_width, title_rect.top(), when_width, title_rect.height())
        painter.drawText(
            when_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when
        )
        right = when_rect.left() - 8
        if index.data(PinnedRole):
            pin_rect = QRect(
                right - _PIN_SIZE,
                title_rect.center().y() - _PIN_SIZE // 2,
                _PIN_SIZE,
                _PIN_SIZE,
            )
            self._paint_pin(
                painter, pin_rect, main if selected else palette.color(QPalette.ColorRole.Highlight)
            )
            right = pin_rect.left() - 6

        # Title, elided to what is left of the first line.
        painter.setFont(title_font)
        painter.setPen(main)
        title_width = max(right - title_rect.left(), 0)
        painter.drawText(
            QRect(title_rect.left(), title_rect.top(), title_width, title_rect.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title_fm.elidedText(
                title_text or untitled_text(), Qt.TextElideMode.ElideRight, title_width
            ),
        )

        # Preview: the last message, one line.
        preview = clean_preview(str(index.data(PreviewRole) or ""))
        painter.setFont(small_font)
        painter.setPen(muted)
        preview_rect = QRect(
            title_rect.left(),
            title_rect.bottom() + 1 + _LINE_GAP,
            title_rect.width(),
            small_fm.height(),
        )
        painter.drawText(
            preview_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            small_fm.elidedText(
                preview or empty_preview_text(), Qt.TextElideMode.ElideRight, preview_rect.width()
            ),
        )
        painter.restore()

    @staticmethod
    def _row_state(option: QStyleOptionViewItem, index: _AnyIndex) -> tuple[bool, bool, bool]:
        """(selected, enabled, active) of the row, as the view put them in ``option.state``.

        Asked of the view itself (what QListView's paintEvent reads to set those flags), so
        painting builds no QStyle enum types; without a view, ``option.state`` is read.
        """
        view = option.widget
        if not isinstance(view, QAbstractItemView):
            from PySide6.QtWidgets import QStyle

            state = option.state
            return (
                bool(state & QStyle.StateFlag.State_Selected),
                bool(state & QStyle.StateFlag.State_Enabled),
                bool(state & QStyle.StateFlag.State_Active),
            )
        selection = view.selectionModel()
        selected = selection is not None and selection.isSelected(index)
        enabled = view.isEnabled() and bool(index.flags() & Qt.ItemFlag.ItemIsEnabled)
        # Item views draw as active only while they have the focus in the active window.
        active = view.isActiveWindow() and view.hasFocus()
        return selected, enabled, active

    @staticmethod
    def _paint_pin(painter: QPainter, rect: QRect, color: QColor) -> None:
        """A small push-pin: a round head with a needle pointing down-left."""
        painter.save()
        head = rect.width() * 0.55
        painter.setPen(QPen(color, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(
            QPointF(rect.left() + 0.5, rect.bottom() + 0.5),
            QPointF(rect.left() + rect.width() * 0.55, rect.top() + rect.height() * 0.45),
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(
            QPointF(rect.right() - head / 2 + 1, rect.top() + head / 2), head / 2, head / 2
        )
        painter.restore()

    # -- inline rename ----------------------------------------------------------------------

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: _AnyIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAccessibleName(self.tr("Chat title"))
        editor.setFont(self._fonts(option.font)[0])
        editor.setMaxLength(200)
        return editor

    def setEditorData(self, editor: QWidget, index: _AnyIndex) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: Any, index: _AnyIndex) -> None:
        assert isinstance(editor, QLineEdit)
        # An empty title is a slip of the keyboard, not a wish: keep the old one.
        if editor.text().strip():
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: _AnyIndex
    ) -> None:
        title_rect = self._title_rect(option.rect, option.font)
        height = max(editor.sizeHint().height(), title_rect.height() + 6)
        editor.setGeometry(
            title_rect.left() - 4,
            title_rect.center().y() - height // 2,
            title_rect.width() + 8,
            height,
        )
