"""``GeneralSettings``: the General tab of the settings dialog.

Language (applied at the next start), theme, font size, auto-title and "message text in the
log". It shows a ``Settings`` and writes the choices back with ``apply_to``; saving is the
dialog's job. Texts keep the translation context "SettingsDialog", where they first lived.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from nebula_desktop.settings import Settings
from nebula_desktop.ui.common.i18n import language_names

# Translated where they are shown (context "SettingsDialog").
THEMES = (
    ("system", QT_TRANSLATE_NOOP("SettingsDialog", "Follow system")),
    ("light", QT_TRANSLATE_NOOP("SettingsDialog", "Light")),
    ("dark", QT_TRANSLATE_NOOP("SettingsDialog", "Dark")),
)


def _tr(text: object) -> str:  # object: QT_TRANSLATE_NOOP's stubs return object
    return QCoreApplication.translate("SettingsDialog", str(text))


class GeneralSettings(QWidget):
    """The preferences that are not about an endpoint; ``apply_to`` writes them back."""

    def __init__(self, s: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(
            QCoreApplication.translate("SettingsDialog", "Language")
        )
        for code, name in language_names():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(s.language), 0))
        # Widgets take their texts when they are built: a new language needs a new start.
        self.language_note = QLabel(
            QCoreApplication.translate(
                "SettingsDialog", "Restart Nebula Desktop to change the language."
            )
        )
        self.language_note.setObjectName("languageNote")
        self.language_note.setEnabled(False)  # muted, like a hint
        self.theme_combo = QComboBox()
        self.theme_combo.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Theme"))
        for value, label in THEMES:
            self.theme_combo.addItem(_tr(label), value)
        self.theme_combo.setCurrentIndex(max(self.theme_combo.findData(s.theme), 0))

        self.font_spin = QSpinBox()
        self.font_spin.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Font size"))
        self.font_spin.setRange(0, 32)
        self.font_spin.setSpecialValueText(QCoreApplication.translate("SettingsDialog", "System"))
        self.font_spin.setSuffix(QCoreApplication.translate("SettingsDialog", " pt"))
        self.font_spin.setValue(int(s.font_size))

        self.auto_title_check = QCheckBox(
            QCoreApplication.translate(
                "SettingsDialog", "Ask the model for a short title after the first answer"
            )
        )
        self.auto_title_check.setChecked(bool(s.auto_title))
        self.log_text_check = QCheckBox(
            QCoreApplication.translate(
                "SettingsDialog",
                "Write message text to the log file (for troubleshooting; off keeps chats private)",
            )
        )
        self.log_text_check.setChecked(bool(s.log_message_text))

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(QCoreApplication.translate("SettingsDialog", "&Language:"), self.language_combo)
        form.addRow("", self.language_note)
        form.addRow(QCoreApplication.translate("SettingsDialog", "&Theme:"), self.theme_combo)
        form.addRow(QCoreApplication.translate("SettingsDialog", "&Font size:"), self.font_spin)
        form.addRow("", self.auto_title_check)
        form.addRow("", self.log_text_check)

    def apply_to(self, s: Settings) -> None:
        """Write the tab's choices into ``s`` (nothing here can be invalid)."""
        s.language = str(self.language_combo.currentData() or "")
        s.theme = str(self.theme_combo.currentData())
        s.font_size = self.font_spin.value()
        s.auto_title = self.auto_title_check.isChecked()
        s.log_message_text = self.log_text_check.isChecked()
