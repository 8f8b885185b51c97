"""``PlainHttpGuard``: ask before an API key goes unencrypted to another computer.

A profile whose base URL is plain ``http://`` to a non-local host, or to this computer through a
plain-http or SOCKS proxy on another one, would send the key in clear text. Before the first
request of such a profile in a session the user is asked once ("Send anyway?"); the answer is
kept in ``settings.plain_http_allowed`` (never saved). The question is window-modal but not
blocking: the action runs when the user says yes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtWidgets
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.plain_http import plain_http_box


class PlainHttpGuard(QObject):
    """Runs actions only after the plain-http question, when the current profile needs it.

    ``ctx.settings`` and ``profile_id()`` are read at each request (they change); ``on_allowed``
    gets the profile id after a yes (the window refetches the model list, now with the key).
    """

    def __init__(
        self,
        window: QWidget,
        ctx: AppContext,
        profile_id: Callable[[], str],
        on_allowed: Callable[[str], None],
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self._profile_id = profile_id
        self._on_allowed = on_allowed
        self._show_status = show_status
        self.box: QtWidgets.QMessageBox | None = None  # the open question, if any

    def guarded(self, action: Callable[..., None]) -> Callable[..., None]:
        """``action`` run only after the plain-http question (when the profile needs it)."""

        def run(*args: Any) -> None:
            self.confirm(lambda: action(*args))

        return run

    def confirm(self, proceed: Callable[[], None]) -> None:
        """Ask once per profile per session before a key goes unencrypted to another computer."""
        settings = self._ctx.settings
        profile = settings.profile(self._profile_id() or settings.default_profile_id)
        hop = profile.clear_text_hop()
        if hop is None or profile.id in settings.plain_http_allowed:
            proceed()
            return
        if self.box is not None:
            self.box.raise_()
            return
        box = plain_http_box(self._window, hop.host, hop.via_proxy)
        self.box = box

        def clicked(button: Any) -> None:
            self.box = None
            if button is box.button(QtWidgets.QMessageBox.StandardButton.Yes):
                settings.plain_http_allowed.add(profile.id)
                self._on_allowed(profile.id)
                proceed()
            else:
                self._show_status(
                    translate("PlainHttpGuard", "Not sent: the key was not sent in clear text.")
                )

        box.buttonClicked.connect(clicked)
        box.rejected.connect(lambda: setattr(self, "box", None))
        box.open()
