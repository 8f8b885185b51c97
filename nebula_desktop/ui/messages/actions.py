"""What a user can do with one message: the one table of message actions (which the hover
buttons, the incomplete marker's buttons, the "‹ ›" arrows, the context menu, the cursor and the
dispatch all read), the context menu and the clipboard payloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QMimeData, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from nebula_desktop.ui.messages.formulas import document_html, document_text, formulas_of
from nebula_desktop.ui.messages.layout import needs_error_box

if TYPE_CHECKING:
    from nebula_desktop.store import Message
    from nebula_desktop.ui.messages.documents import RenderedDoc

# Where an action is painted on its message row.
Place = Literal[
    "header", "error_box", "toggle", "switcher", "in_text", "divider", "chip", "thumbnail"
]
HEADER: Place = "header"  # hover buttons beside the speaker's name
ERROR_BOX: Place = "error_box"  # buttons in the incomplete-answer marker
TOGGLE: Place = "toggle"  # the Thinking toggle (its own label: "▸ Thought for 2.5 s")
SWITCHER: Place = "switcher"  # the "‹ 2/3 ›" arrows (painted whenever there are versions)
IN_TEXT: Place = "in_text"  # links and code blocks' Copy in the rendered text
DIVIDER: Place = "divider"  # the "Clear context" divider under the message (menu only)
CHIP: Place = "chip"  # a document attachment's chip (click: its text)
THUMBNAIL: Place = "thumbnail"  # an image attachment's thumbnail (click: full size; menu)

# Hit-test answers over selectable text: not actions, they take the text cursor.
TEXT_SPOTS = ("body", "thinking_text")

# applies(msg, is_last_assistant, streaming): whether the action is offered for this message.
Applies = Callable[["Message", bool, bool], bool]


@dataclass(frozen=True)
class MessageAction:
    """One thing a user can do with a message: one row of :data:`MESSAGE_ACTIONS`.

    ``name`` is what the delegate's hit-test answers and ``action_triggered`` emits; ``label`` is
    the menu and button text (source text, context "MessageDelegate"; empty for spots in the text);
    ``request`` names the ``MessageView`` signal that passes the action on with the message id
    (empty: ``MessageCommands`` or the view carries it out itself); ``glyph`` is painted instead
    of the label (the switcher's arrows); ``tool_label`` replaces the label on a tool result
    (empty: the same label).
    """

    name: str
    label: str
    place: Place
    applies: Applies = lambda msg, is_last_assistant, streaming: True  # always offered
    request: str = ""
    glyph: str = ""
    in_menu: bool = True
    cursor: Qt.CursorShape = Qt.CursorShape.PointingHandCursor
    tool_label: str = ""

    def text(self, msg: Message | None = None) -> str:
        """The label in the interface language (for ``msg``, when given)."""
        label = self.tool_label if msg is not None and msg.role == "tool" else ""
        return QCoreApplication.translate("MessageDelegate", label or self.label)


def _is_own(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return msg.role == "user"


def _is_last_answer(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return msg.role == "assistant" and is_last_assistant and not streaming


def _is_cut_short(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return needs_error_box(msg, streaming)


def _is_cut_short_with_text(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return needs_error_box(msg, streaming) and bool(msg.content)


def _has_thinking(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    # A tool result folds its arguments and output the same way (ui/messages/tool_text.py).
    return (bool(msg.reasoning) and msg.role != "user") or msg.role == "tool"


def _has_earlier(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return bool(msg.alternatives) and msg.branch_index > 0


def _has_later(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return bool(msg.alternatives) and msg.branch_index < msg.branch_count - 1


def _has_divider(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return msg.context_break


def _has_image(msg: Message, is_last_assistant: bool, streaming: bool) -> bool:
    return any(str(a.get("mime", "")).startswith("image/") for a in msg.attachments)


# Every message action, in menu (and button) order. Labels: QT_TRANSLATE_NOOP marks them for
# lupdate; str() because its stubs say it returns object. Adding one: a row here, and its handler
# (a ``request`` signal on MessageView, or an entry in MessageCommands).
MESSAGE_ACTIONS: tuple[MessageAction, ...] = (
    MessageAction("copy", str(QT_TRANSLATE_NOOP("MessageDelegate", "Copy")), HEADER),
    MessageAction(
        "copy_markdown", str(QT_TRANSLATE_NOOP("MessageDelegate", "Copy as Markdown")), HEADER
    ),
    MessageAction(
        "edit",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Edit")),
        HEADER,
        _is_own,
        request="edit_requested",
    ),
    MessageAction(
        "regenerate",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Regenerate")),
        HEADER,
        _is_last_answer,
        request="regenerate_requested",
    ),
    MessageAction(
        "retry",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Retry")),
        ERROR_BOX,
        _is_cut_short,
        request="retry_requested",
    ),
    MessageAction(
        "continue",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Continue")),
        ERROR_BOX,
        _is_cut_short_with_text,
        request="continue_requested",
    ),
    MessageAction(
        "thinking",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Show/Hide Thinking")),
        TOGGLE,
        _has_thinking,
        tool_label=str(QT_TRANSLATE_NOOP("MessageDelegate", "Show/Hide Tool Details")),
    ),
    MessageAction(
        "branch_prev",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Previous version (Alt+Left)")),
        SWITCHER,
        _has_earlier,
        glyph="‹",
    ),
    MessageAction(
        "branch_next",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Next version (Alt+Right)")),
        SWITCHER,
        _has_later,
        glyph="›",
    ),
    MessageAction(
        "remove_divider",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Remove divider")),
        DIVIDER,
        _has_divider,
        request="remove_divider_requested",
    ),
    # argument (all four): the index of the image in msg.attachments; from the menu "" when
    # not over a thumbnail: the message's first image
    MessageAction("open_image", "", THUMBNAIL, in_menu=False),
    MessageAction(
        "save_image",
        str(QT_TRANSLATE_NOOP("MessageDelegate", "Save image…")),
        THUMBNAIL,
        _has_image,
    ),
    MessageAction(
        "copy_image", str(QT_TRANSLATE_NOOP("MessageDelegate", "Copy image")), THUMBNAIL, _has_image
    ),
    MessageAction("link", "", IN_TEXT, in_menu=False),  # argument: the URL
    # A remote image's "Load image" in the text (argument: its URL): MessageView asks for it
    # by load_image_requested; nothing is fetched before that click.
    MessageAction("load_image", "", IN_TEXT, in_menu=False),
    # argument: the index of the document in msg.attachments
    MessageAction("open_document", "", CHIP, in_menu=False),
    MessageAction("copy_code", "", IN_TEXT, in_menu=False),  # argument: "body:N" / "thinking:N"
)


def placed_at(place: Place) -> list[MessageAction]:
    """Every action painted at ``place``, whether or not it applies (the switcher shows both
    arrows; one that leads nowhere does nothing)."""
    return [a for a in MESSAGE_ACTIONS if a.place == place]


def action_named(name: str) -> MessageAction | None:
    """The table row called ``name`` (None: not a message action)."""
    return next((a for a in MESSAGE_ACTIONS if a.name == name), None)


def offered(
    msg: Message, is_last_assistant: bool, streaming: bool, place: Place | None = None
) -> list[MessageAction]:
    """The actions that apply to ``msg`` (only those painted at ``place``, if given), in order."""
    return [
        a
        for a in MESSAGE_ACTIONS
        if (place is None or a.place == place) and a.applies(msg, is_last_assistant, streaming)
    ]


def buttons_at(
    place: Place, msg: Message, is_last_assistant: bool, streaming: bool
) -> list[tuple[str, str]]:
    """(action, text) of the buttons painted at ``place`` for ``msg``."""
    return [
        (a.name, a.glyph or a.text()) for a in offered(msg, is_last_assistant, streaming, place)
    ]


def message_actions(
    msg: Message, is_last_assistant: bool, streaming: bool
) -> list[tuple[str, str]]:
    """(action, label) of the context menu entries for ``msg``, in menu order."""
    return [(a.name, a.text(msg)) for a in offered(msg, is_last_assistant, streaming) if a.in_menu]


def rendered_mime(entry: RenderedDoc) -> QMimeData:
    """Clipboard data for "Copy": the text as shown, plus its HTML for rich-text targets."""
    mime = QMimeData()
    # U+200B are break hints render/ added to absurdly long runs; not part of the text.
    # A formula's image is given as its TeX source (Qt's text would hold U+FFFC).
    formulas = formulas_of(entry.doc)
    mime.setText(document_text(entry.doc, formulas).replace("\u200b", ""))
    if entry.html:
        mime.setHtml(document_html(entry.html, formulas))
    return mime


def build_menu(
    parent: QWidget | None,
    actions: list[tuple[str, str]],
    link: str | None,
    trigger: Callable[[str, str], None],
) -> QMenu:
    """A context menu: link entries (when over a link), then ``actions``.

    ``trigger(action, argument)`` runs the chosen entry (argument: the URL for "link").
    """
    menu = QMenu(parent)
    if link is not None:
        open_text = QCoreApplication.translate("MessageView", "Open Link…")
        copy_text = QCoreApplication.translate("MessageView", "Copy Link Address")
        menu.addAction(open_text, lambda: trigger("link", link))
        menu.addAction(copy_text, lambda: QGuiApplication.clipboard().setText(link))
        menu.addSeparator()
    for name, label in actions:
        menu.addAction(label, _bound(trigger, name))
    return menu


def _bound(trigger: Callable[[str, str], None], name: str) -> Callable[[], None]:
    return lambda: trigger(name, "")
