"""Geometry of one painted message row: where the header, thinking section, body, usage line,
error box and buttons go. Shared by painting, size hints and hit-testing so they always agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics

from nebula_desktop.ui.common.i18n import translate

if TYPE_CHECKING:
    from nebula_desktop.store import Message
    from nebula_desktop.ui.messages.documents import RenderedDoc

ROW_VPAD = 10  # space above and below each message
SIDE = 24  # minimum left/right margin of the message column
MAX_COLUMN = 880  # a readable line length on wide windows
BUBBLE_PAD = 12
BUBBLE_MAX = 0.82  # user bubbles take at most this share of the column
THINK_INDENT = 14
BUTTON_HPAD = 8
THUMB_MAX = 96  # attachment thumbnails in a message fit in this square
DIVIDER_SPACE = 14  # room around the "Clear context" divider's line of text


@dataclass(frozen=True)
class Colors:
    """Delegate colours for one theme."""

    text: str
    muted: str
    bubble: str
    error_bg: str
    error_border: str
    error_text: str
    button_bg: str
    button_border: str
    button_hover: str
    rule: str
    current: str

    def q(self, name: str) -> QColor:
        """A colour by field name, as a QColor."""
        return QColor(str(getattr(self, name)))


LIGHT_COLORS = Colors(
    text="#1f2328",
    muted="#6e7781",
    bubble="#e8eef7",
    error_bg="#fff4f3",
    error_border="#f1c4c0",
    error_text="#b42318",
    button_bg="#ffffff",
    button_border="#d0d7de",
    button_hover="#eef1f4",
    rule="#d0d7de",
    current="#f3f5f8",
)
DARK_COLORS = Colors(
    text="#e6edf3",
    muted="#8d96a0",
    bubble="#2a3342",
    error_bg="#2c1a1d",
    error_border="#6b2c33",
    error_text="#ff9b94",
    button_bg="#22272e",
    button_border="#3d444d",
    button_hover="#30363d",
    rule="#3d444d",
    current="#1f242c",
)


@dataclass
class Fonts:
    """The fonts of one font size."""

    base: QFont
    small: QFont
    bold_small: QFont

    @classmethod
    def from_base(cls, base: QFont) -> Fonts:
        """Derive the small and header fonts from the body font."""
        small = QFont(base)
        size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        small.setPointSizeF(max(7.0, size * 0.87))
        bold = QFont(small)
        bold.setWeight(QFont.Weight.DemiBold)
        return cls(base, small, bold)


@dataclass
class RowLayout:
    """Every rectangle of one message, in view (viewport) coordinates."""

    height: int = 0
    column: QRect = field(default_factory=QRect)
    header_text: str = ""
    header_rect: QRect = field(default_factory=QRect)
    actions: list[tuple[str, str, QRect]] = field(default_factory=list)  # (action, label, rect)
    thinking_header: QRect | None = None
    thinking_label: str = ""
    thinking_doc: RenderedDoc | None = None
    thinking_pos: QPoint = field(default_factory=QPoint)
    bubble: QRect | None = None
    body_doc: RenderedDoc | None = None
    body_pos: QPoint = field(default_factory=QPoint)
    body_rect: QRect = field(default_factory=QRect)
    placeholder: str = ""
    usage_text: str = ""
    usage_rect: QRect | None = None
    error_rect: QRect | None = None
    error_lines: list[tuple[str, QRect, bool]] = field(default_factory=list)  # text, rect, bold
    buttons: list[tuple[str, str, QRect]] = field(default_factory=list)
    # Image attachments: (index into msg.attachments, where its thumbnail goes).
    thumbs: list[tuple[int, QRect]] = field(default_factory=list)
    # Document attachments: (index into msg.attachments, chip rect, name, details); see
    # attachment_chips.py.
    doc_chips: list[tuple[int, QRect, str, str]] = field(default_factory=list)
    # Version switcher "‹ 2/3 ›": the arrows (action, label, rect) and the count between them.
    branch_buttons: list[tuple[str, str, QRect]] = field(default_factory=list)
    branch_text: str = ""
    branch_rect: QRect | None = None
    # The "Clear context" divider under the message (Message.context_break).
    divider_rect: QRect | None = None
    divider_text: str = ""


def column_rect(view_width: int) -> tuple[int, int]:
    """(x, width) of the centred message column for a viewport width."""
    width = max(120, min(MAX_COLUMN, view_width - 2 * SIDE))
    return max(0, (view_width - width) // 2), width


def usage_text(msg: Message) -> str:
    """ "412 tokens · 9 in / 403 out" from an OpenAI usage dict (empty when unknown)."""
    usage = msg.usage or {}
    total = usage.get("total_tokens")
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    parts: list[str] = []
    if isinstance(total, int):
        parts.append(translate("MessageDelegate", "{tokens} tokens").format(tokens=f"{total:,}"))
    if isinstance(prompt, int) and isinstance(completion, int):
        parts.append(
            translate("MessageDelegate", "{prompt} in / {completion} out").format(
                prompt=f"{prompt:,}", completion=f"{completion:,}"
            )
        )
    # Stored by Compare (or any answer that timed itself): ms to the first token, tokens/s.
    ttft = usage.get("ttft_ms")
    if isinstance(ttft, int | float) and not isinstance(ttft, bool) and 0 <= ttft < 1e9:
        parts.append(
            translate("MessageDelegate", "first token {seconds} s").format(
                seconds=f"{ttft / 1000:.2f}"
            )
        )
    rate = usage.get("tokens_per_s")
    if isinstance(rate, int | float) and not isinstance(rate, bool) and 0 < rate < 1e9:
        parts.append(translate("MessageDelegate", "{rate} tok/s").format(rate=f"{rate:.0f}"))
    if msg.finish_reason == "length":
        parts.append(translate("MessageDelegate", "cut off at the token limit"))
    return " · ".join(parts)


def thinking_label(msg: Message, streaming: bool, is_open: bool) -> str:
    """The text on the Thinking toggle."""
    arrow = "▾" if is_open else "▸"
    if msg.role == "tool":
        from nebula_desktop.ui.messages.tool_text import tool_summary

        return f"{arrow} " + tool_summary(msg)
    if streaming and not msg.content:
        return f"{arrow} " + translate("MessageDelegate", "Thinking…")
    if msg.reasoning_seconds:
        thought = translate("MessageDelegate", "Thought for {seconds} s")
        return f"{arrow} " + thought.format(seconds=f"{msg.reasoning_seconds:.1f}")
    return f"{arrow} " + translate("MessageDelegate", "Thinking")


def needs_error_box(msg: Message, streaming: bool) -> bool:
    """Failed or cut-short assistant answers show the incomplete marker (not while streaming)."""
    return msg.role == "assistant" and not streaming and (bool(msg.error) or not msg.complete)


def button_row(
    fm: QFontMetrics, x: int, y: int, items: list[tuple[str, str]], right_to_left: int | None = None
) -> list[tuple[str, str, QRect]]:
    """Lay out small text buttons on one line from ``x`` (or ending at ``right_to_left``)."""
    height = fm.height() + 6
    rects: list[tuple[str, str, QRect]] = []
    widths = [fm.horizontalAdvance(label) + 2 * BUTTON_HPAD for _, label in items]
    cx = x if right_to_left is None else right_to_left - sum(widths) - 4 * (len(items) - 1)
    for (action, label), width in zip(items, widths, strict=True):
        rects.append((action, label, QRect(cx, y, width, height)))
        cx += width + 4
    return rects


def wrapped_height(fm: QFontMetrics, width: int, text: str) -> int:
    """Height of ``text`` word-wrapped to ``width``."""
    flags = int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere)
    return fm.boundingRect(QRect(0, 0, max(20, width), 100_000), flags, text).height()


def layout_error(
    msg: Message,
    lay: RowLayout,
    x: int,
    w: int,
    y: int,
    fm: QFontMetrics,
    fm_bold: QFontMetrics,
    buttons: list[tuple[str, str]],
) -> int:
    """Lay out the incomplete marker (title, product error text, request id, then ``buttons``:
    (action, text) pairs) from ``y``; returns the y below it."""
    pad, inner = 10, w - 20
    top = y
    y += pad
    lines = [
        (
            translate("MessageDelegate", "Incomplete answer")
            if msg.content
            else translate("MessageDelegate", "No answer"),
            True,
        )
    ]
    if msg.error:
        # The app's own texts stored with a message are translated here; the product's error
        # texts from the API client are not in the catalogue and stay as they are.
        lines.append((translate("MessageDelegate", msg.error), False))
    if msg.request_id:
        request = translate("MessageDelegate", "Request id: {id}")
        lines.append((request.format(id=msg.request_id), False))
    for text, bold in lines:
        h = wrapped_height(fm_bold if bold else fm, inner, text)
        lay.error_lines.append((text, QRect(x + pad, y, inner, h), bold))
        y += h + 2
    y += 6
    lay.buttons = button_row(fm, x + pad, y, buttons)
    if lay.buttons:
        y += lay.buttons[0][2].height()
    y += pad
    lay.error_rect = QRect(x, top, w, y - top)
    return y


def estimate_height(msg: Message, fonts: Fonts, view_width: int) -> int:
    """A cheap height guess from the text length, for rows not shown yet (no rendering)."""
    fm = QFontMetrics(fonts.base)
    _, col_w = column_rect(view_width)
    width = col_w * BUBBLE_MAX if msg.role == "user" else col_w
    per_line = max(10, int(width / max(1, fm.averageCharWidth())))
    text = msg.content
    lines = text.count("\n") + len(text) // per_line + 1
    height = 2 * ROW_VPAD + fm.height() + 10 + int(lines * fm.lineSpacing() * 1.15)
    if msg.role == "user":
        height += 2 * BUBBLE_PAD
    if msg.reasoning:
        height += fm.height() + 14
    if msg.usage:
        height += fm.height()
    if needs_error_box(msg, False):
        height += 5 * fm.height()
    if msg.attachments:
        height += THUMB_MAX + 8
    if msg.alternatives:
        height += fm.height() + 12
    if msg.context_break:
        height += fm.height() + DIVIDER_SPACE
    return height
