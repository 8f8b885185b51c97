"""``GeneralSettings``: the General tab of the settings dialog.

Language (applied at the next start), theme, font size, math rendering, auto-title and "message
text in the log", and the hosts whose images in answers load without a click. It shows a
``Settings`` and writes the choices back with ``apply_to``; saving
is the dialog's job.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from nebula_desktop.settings import MAX_CONTEXT_LIMIT, MAX_IMAGE_HOSTS, Settings, image_host
from nebula_desktop.ui.common.i18n import language_names, translate

# Translated where they are shown.
THEMES = (
    ("system", QT_TRANSLATE_NOOP("GeneralSettings", "Follow system")),
    ("light", QT_TRANSLATE_NOOP("GeneralSettings", "Light")),
    ("dark", QT_TRANSLATE_NOOP("GeneralSettings", "Dark")),
)


class GeneralSettings(QWidget):
    """The preferences that are not about an endpoint; ``apply_to`` writes them back."""

    def __init__(self, s: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(self.tr("Language"))
        for code, name in language_names():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(s.language), 0))
        # Widgets take their texts when they are built: a new language needs a new start.
        self.language_note = QLabel(self.tr("Restart Nebula Desktop to change the language."))
        self.language_note.setObjectName("languageNote")
        self.language_note.setEnabled(False)  # muted, like a hint
        self.theme_combo = QComboBox()
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        for value, label in THEMES:
            self.theme_combo.addItem(translate("GeneralSettings", label), value)
        self.theme_combo.setCurrentIndex(max(self.theme_combo.findData(s.theme), 0))

        self.font_spin = QSpinBox()
        self.font_spin.setAccessibleName(self.tr("Font size"))
        self.font_spin.setRange(0, 32)
        self.font_spin.setSpecialValueText(self.tr("System"))
        self.font_spin.setSuffix(self.tr(" pt"))
        self.font_spin.setValue(int(s.font_size))

        self.render_math_check = QCheckBox(self.tr("Render math formulas in answers"))
        self.render_math_check.setToolTip(
            self.tr(
                "Formulas written in TeX (between $ signs) are drawn as math on this computer. "
                "Off shows the TeX as the model wrote it."
            )
        )
        self.render_math_check.setChecked(bool(s.render_math))
        self.auto_title_check = QCheckBox(
            self.tr("Ask the model for a short title after the first answer")
        )
        self.auto_title_check.setChecked(bool(s.auto_title))
        self.log_text_check = QCheckBox(
            self.tr(
                "Write message text to the log file (for troubleshooting; off keeps chats private)",
            )
        )
        self.log_text_check.setChecked(bool(s.log_message_text))
        # Copied into each new chat (its Context in the chat bar); existing chats keep theirs.
        self.default_context = QSpinBox()
        self.default_context.setAccessibleName(self.tr("Messages a new chat sends"))
        self.default_context.setRange(0, MAX_CONTEXT_LIMIT)
        self.default_context.setSpecialValueText(self.tr("All messages"))
        self.default_context.setPrefix(self.tr("the last "))
        self.default_context.setSuffix(self.tr(" messages"))
        self.default_context.setToolTip(
            self.tr(
                "How much history a new chat sends with each request: all of it, or only the "
                "last messages. Each chat can change it in its bar (Context); changing this "
                "default leaves existing chats as they are."
            )
        )
        self.default_context.setValue(int(s.default_context_limit or 0))
        # Hosts whose answer images load without "Load image" (RemoteImages.auto_load).
        self.image_hosts_edit = QLineEdit(", ".join(s.image_hosts))
        self.image_hosts_edit.setAccessibleName(self.tr("Hosts whose images load without asking"))
        self.image_hosts_edit.setToolTip(
            self.tr(
                "Images in answers from these hosts (separated by commas or spaces) load as if "
                "you had clicked Load image; a host also allows its subdomains (its name with "
                "anything in front, ending in a dot). Nothing of yours is sent with them."
            )
        )
        # Said while typing: what is not a host name is not saved.
        self.image_hosts_note = QLabel()
        self.image_hosts_note.setObjectName("imageHostsNote")
        self.image_hosts_note.setWordWrap(True)
        self.image_hosts_note.setTextFormat(Qt.TextFormat.PlainText)
        self.image_hosts_note.setVisible(False)
        self.image_hosts_edit.textChanged.connect(self._check_image_hosts)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("&Language:"), self.language_combo)
        form.addRow("", self.language_note)
        form.addRow(self.tr("&Theme:"), self.theme_combo)
        form.addRow(self.tr("&Font size:"), self.font_spin)
        form.addRow("", self.render_math_check)
        form.addRow("", self.auto_title_check)
        form.addRow("", self.log_text_check)
        form.addRow(self.tr("&New chats send:"), self.default_context)
        form.addRow(self.tr("Load &images from these hosts without asking:"), self.image_hosts_edit)
        form.addRow("", self.image_hosts_note)

    def apply_to(self, s: Settings) -> None:
        """Write the tab's choices into ``s`` (what is not a host name is left out)."""
        s.language = str(self.language_combo.currentData() or "")
        s.theme = str(self.theme_combo.currentData())
        s.font_size = self.font_spin.value()
        s.render_math = self.render_math_check.isChecked()
        s.auto_title = self.auto_title_check.isChecked()
        s.log_message_text = self.log_text_check.isChecked()
        s.default_context_limit = self.default_context.value() or None
        s.image_hosts = self._image_hosts()[0]

    def _image_hosts(self) -> tuple[list[str], list[str]]:
        """The host names typed (lowercase, distinct, at most MAX_IMAGE_HOSTS), and the words
        that are not host names ("a/b", a port…) or past the limit."""
        hosts: list[str] = []
        bad: list[str] = []
        for word in self.image_hosts_edit.text().replace(",", " ").split():
            host = image_host(word)
            if host is None or (host not in hosts and len(hosts) >= MAX_IMAGE_HOSTS):
                bad.append(word)
            elif host not in hosts:
                hosts.append(host)
        return hosts, bad

    def _check_image_hosts(self) -> None:
        bad = self._image_hosts()[1]
        self.image_hosts_note.setVisible(bool(bad))
        if bad:
            self.image_hosts_note.setText(
                self.tr("Not saved: {words} (a host name only, at most {limit} hosts).").format(
                    words=", ".join(bad[:5]) + ("…" if len(bad) > 5 else ""),
                    limit=MAX_IMAGE_HOSTS,
                )
            )
