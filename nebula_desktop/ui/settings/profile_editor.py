"""``ProfileEditor``: the form for one endpoint profile inside the settings dialog.

Name, base URL (with inline warnings), "needs a key", the API key (masked, Show toggle, a
placeholder when a key is already in the keyring — looked up on a background thread), default
model, temperature, timeout, proxy, CA bundle, extra headers, and "Test connection" (a
``/models`` call on a background thread showing "Connected — N models" or the product's error).

``simple=True`` (the first-run welcome) shows only what a first connection needs: provider,
base URL, key, "Test connection" (which also picks a listed default model) and the default
model; every other field is folded under "Advanced", and all of them stay in Settings.

Parts with a job of their own are separate widgets: the key row (``KeyField``, whose
placeholder texts are re-exported here), the price table and the connection test. The editor
never writes the keyring: the dialog does that on Save with ``typed_keys()``.
"""

from __future__ import annotations

import dataclasses
import os

from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from nebula_desktop.presets import ENDPOINT_PRESETS, endpoint_preset
from nebula_desktop.settings import Profile
from nebula_desktop.ui.common.i18n import preset_display_name
from nebula_desktop.ui.common.plain_http import plain_http_box
from nebula_desktop.ui.common.wrapping_label import WrappingLabel
from nebula_desktop.ui.settings.advanced_toggle import AdvancedToggle
from nebula_desktop.ui.settings.connection_test import ConnectionTest, pick_model
from nebula_desktop.ui.settings.key_field import CHECKING_PLACEHOLDER as CHECKING_PLACEHOLDER
from nebula_desktop.ui.settings.key_field import EMPTY_PLACEHOLDER as EMPTY_PLACEHOLDER
from nebula_desktop.ui.settings.key_field import FORGET_PLACEHOLDER as FORGET_PLACEHOLDER
from nebula_desktop.ui.settings.key_field import SESSION_PLACEHOLDER as SESSION_PLACEHOLDER
from nebula_desktop.ui.settings.key_field import STORED_PLACEHOLDER as STORED_PLACEHOLDER
from nebula_desktop.ui.settings.key_field import KeyField
from nebula_desktop.ui.settings.price_table import PriceTable
from nebula_desktop.ui.settings.profile_checks import (
    base_url_problems,
    format_headers,
    parse_headers,
    proxy_problems,
)


def _new_profile_name() -> str:
    # The settings dialog names a blank profile with this text (context "SettingsDialog").
    return QCoreApplication.translate("SettingsDialog", "New profile")


class ProfileEditor(QWidget):
    """Edits one ``Profile``; ``load`` a profile, ``apply_to`` writes the fields back."""

    name_edited = Signal(str)
    models_listed = Signal(str, list)  # profile id, model ids (after a successful test)

    def __init__(
        self, session_keys: dict[str, str], parent: QWidget | None = None, simple: bool = False
    ) -> None:
        super().__init__(parent)
        self._session_keys = session_keys
        self._profile: Profile | None = None
        # (base URL, proxy) the user let Test connection reach in clear text while this is open.
        self.clear_text_allowed: set[tuple[str, str]] = set()
        self.plain_http_question: QtWidgets.QMessageBox | None = None  # open while it asks
        self._simple = simple

        self.preset_combo = QComboBox()
        self.preset_combo.setAccessibleName(self.tr("Preset"))
        self.preset_combo.addItem(self.tr("Fill in from a preset…"), "")
        for preset in ENDPOINT_PRESETS:
            label = "{name}" if preset.needs_key else self.tr("{name} (local, no key)")
            self.preset_combo.addItem(label.format(name=preset_display_name(preset)), preset.id)
        self.preset_combo.activated.connect(self._on_preset_combo_activated)

        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(self.tr("Profile name"))
        self.name_edit.textEdited.connect(self.name_edited)

        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName(self.tr("Base URL"))
        self.url_edit.setPlaceholderText("https://llm.ai-nebula.com/v1")
        self.url_edit.textChanged.connect(self._on_url_edit_text_changed)
        self.url_warning = self._note_label("fieldWarning")

        self.needs_key_check = QCheckBox(self.tr("This server needs an API key"))
        self.needs_key_check.toggled.connect(self._on_needs_key_toggled)

        self.key_field = KeyField(session_keys)
        self.key_edit = self.key_field.key_edit
        self.show_key_button = self.key_field.show_button
        self.forget_key_button = self.key_field.forget_button
        self.key_note = self.key_field.note

        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setAccessibleName(self.tr("Default model"))
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        model_line = self.model_combo.lineEdit()
        if model_line is not None:
            model_line.setPlaceholderText(self.tr("e.g. gpt-4o-mini (Test connection lists them)"))

        self.temperature_spin = QDoubleSpinBox()
        self.temperature_spin.setRange(0.0, 2.0)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setDecimals(2)
        self.temperature_spin.setAccessibleName(self.tr("Temperature"))

        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(5.0, 3600.0)
        self.timeout_spin.setDecimals(0)
        self.timeout_spin.setSuffix(self.tr(" s"))
        self.timeout_spin.setAccessibleName(self.tr("Timeout"))

        self.proxy_edit = QLineEdit()
        self.proxy_edit.setAccessibleName(self.tr("Proxy"))
        self.proxy_edit.setPlaceholderText(self.tr("empty: use the system's proxy settings"))

        self.ca_edit = QLineEdit()
        self.ca_edit.setAccessibleName(self.tr("CA bundle"))
        self.ca_edit.setPlaceholderText(self.tr("empty: the system's certificates"))
        ca_browse = QPushButton(self.tr("Browse…"))
        ca_browse.clicked.connect(self._on_ca_browse_clicked)

        self.headers_edit = QPlainTextEdit()
        self.headers_edit.setAccessibleName(self.tr("Extra headers"))
        self.headers_edit.setPlaceholderText(self.tr("One per line, e.g.\nX-Team: research"))
        self.headers_edit.setTabChangesFocus(True)
        self.headers_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.headers_note = self._note_label("fieldWarning")
        self.headers_edit.textChanged.connect(self._on_headers_edit_text_changed)

        self.thinking_check = QCheckBox(self.tr("Ask the gateway for thinking inline"))
        self.thinking_check.setToolTip(
            self.tr(
                "Sends nebula_thinking_to_content: true (ai-nebula): the model's thinking "
                "arrives in the answer and is shown folded above it."
            )
        )
        self.price_table = PriceTable(self)

        self.tester = ConnectionTest(self)
        self.tester.succeeded.connect(self._on_tester_succeeded)
        self.test_button = self.tester.button
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = self.tester.result

        # "▸ Advanced": folds away what a first connection does not need (simple mode only).
        self.advanced = AdvancedToggle(self)
        self.advanced.toggled.connect(self._on_advanced_toggled)
        self.advanced_button = self.advanced.button

        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(ca_browse)
        form = QFormLayout(self)
        self.form = form  # the dialog adds its own rows (e.g. "Use for new chats")
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        Row = tuple[str | QLabel, QWidget | QHBoxLayout]
        name_row: Row = (self.tr("&Name:"), self.name_edit)
        key_row: Row = (self._buddy_label(self.tr("API &key:"), self.key_edit), self.key_field)
        model_row: Row = (self.tr("Default &model:"), self.model_combo)
        advanced: list[Row] = [
            (self.tr("&Temperature:"), self.temperature_spin),
            (self.tr("T&imeout:"), self.timeout_spin),
            (self.tr("&Proxy:"), self.proxy_edit),
            (self._buddy_label(self.tr("&CA bundle:"), self.ca_edit), ca_row),
            (self.tr("Extra &headers:"), self.headers_edit),
            ("", self.headers_note),
            ("", self.thinking_check),
            (self.tr("Prices:"), self.price_table),
        ]
        rows: list[Row]
        if simple:
            essentials: list[Row] = [
                (self.tr("P&rovider:"), self.preset_combo),
                (self.tr("Base &URL:"), self.url_edit),
                ("", self.url_warning),
                key_row,
                ("", self.key_note),
                ("", self.tester),
                model_row,
                ("", self.advanced),
            ]
            advanced = [name_row, ("", self.needs_key_check), *advanced]
            rows = essentials + advanced
        else:
            rows = [
                (self.tr("Pre&set:"), self.preset_combo),
                name_row,
                (self.tr("Base &URL:"), self.url_edit),
                ("", self.url_warning),
                ("", self.needs_key_check),
                key_row,
                ("", self.key_note),
                model_row,
                *advanced,
                ("", self.tester),
            ]
        for row_label, field in rows:
            form.addRow(row_label, field)
        self._advanced_fields = [field for _label, field in advanced]
        if not simple:  # Settings shows every field; nothing to fold
            self.advanced.hide()
        self._fold(simple)

    def _fold(self, folded: bool) -> None:
        """Hide (or show) the advanced rows; a note row only shows with a text."""
        for field in self._advanced_fields:
            shown = not folded
            if isinstance(field, QLabel):  # a note: it has its own reason to show
                shown = shown and bool(field.text())
            self.form.setRowVisible(field, shown)

    def _on_advanced_toggled(self, shown: bool) -> None:
        self._fold(not shown)

    @staticmethod
    def _buddy_label(text: str, buddy: QWidget) -> QLabel:
        # A row whose field is a layout gets no automatic buddy: the & would show literally.
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _note_label(object_name: str) -> QLabel:
        label = WrappingLabel()
        label.setObjectName(object_name)
        label.hide()
        return label

    @staticmethod
    def _set_note(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    # -- loading and saving -----------------------------------------------------------------

    def load(self, profile: Profile) -> None:
        """Show ``profile`` (the editor keeps the object and writes to it in ``apply_to``)."""
        self._profile = profile
        self.name_edit.setText(profile.name)
        self.url_edit.setText(profile.base_url)
        self.needs_key_check.setChecked(profile.needs_key)
        self.key_field.show_profile(profile.id)
        self.model_combo.clear()
        self.model_combo.addItems(profile.models_cache)
        self.model_combo.setEditText(profile.default_model)
        self.temperature_spin.setValue(profile.temperature)
        self.timeout_spin.setValue(profile.timeout)
        self.proxy_edit.setText(profile.proxy)
        self.ca_edit.setText(profile.ca_bundle)
        self.headers_edit.setPlainText(format_headers(profile.extra_headers))
        self.thinking_check.setChecked(profile.thinking_inline)
        self.price_table.load(profile.prices)
        self.preset_combo.setCurrentIndex(self._preset_index(profile.base_url))
        self.tester.clear()
        self._on_needs_key_toggled(profile.needs_key)
        self.key_field.refresh()

    def apply_to(self, profile: Profile) -> list[str]:
        """Write the fields into ``profile``; return problems that must block saving."""
        problems: list[str] = []
        name = self.name_edit.text().strip()
        if not name:
            problems.append(self.tr("Give the profile a name."))
        url_errors, _warnings = base_url_problems(self.url_edit.text())
        problems.extend(url_errors)
        problems.extend(proxy_problems(self.proxy_edit.text()))
        headers, header_problems = parse_headers(self.headers_edit.toPlainText())
        problems.extend(header_problems)
        ca_bundle = self.ca_edit.text().strip()
        if ca_bundle and not os.path.isfile(os.path.expanduser(ca_bundle)):
            problems.append(self.tr("The CA bundle {path} does not exist.").format(path=ca_bundle))
        prices, price_problems = self.price_table.prices()
        problems.extend(price_problems)
        profile.name = name or profile.name
        profile.base_url = self.url_edit.text().strip()
        profile.needs_key = self.needs_key_check.isChecked()
        profile.default_model = self.model_combo.currentText().strip()
        profile.temperature = round(self.temperature_spin.value(), 2)
        profile.timeout = float(self.timeout_spin.value())
        profile.proxy = self.proxy_edit.text().strip()
        profile.ca_bundle = ca_bundle
        if not header_problems:
            profile.extra_headers = headers
        profile.thinking_inline = self.thinking_check.isChecked()
        if not price_problems:
            profile.prices = prices
        return problems

    def release(self) -> None:
        """Stop editing the current profile (it was removed); the next ``load`` refills."""
        self._profile = None
        self.key_field.show_profile(None)

    def current_profile(self) -> Profile | None:
        return self._profile

    # -- the key (kept by the key field) ----------------------------------------------------

    def typed_keys(self) -> dict[str, str]:
        """Keys the user typed this time, by profile id (only non-empty ones)."""
        return self.key_field.typed_keys()

    def forget_typed_key(self, profile_id: str) -> None:
        self.key_field.forget_typed_key(profile_id)

    def set_key_stored(self, profile_id: str, stored: bool) -> None:
        """Record that ``profile_id`` now has (or no longer has) a key in the keyring."""
        self.key_field.set_key_stored(profile_id, stored)

    def show_key_problem(self, text: str) -> None:
        self.key_field.show_problem(text)

    def keys_to_forget(self) -> set[str]:
        """Profile ids whose saved key (keyring or session) the user asked to remove."""
        return self.key_field.keys_to_forget()

    def forget_done(self, profile_id: str) -> None:
        self.key_field.forget_done(profile_id)

    # -- test connection --------------------------------------------------------------------

    def test_connection(self) -> None:
        """List the models of the profile as currently typed, on a background thread."""
        if self._profile is None:
            return
        probe = dataclasses.replace(self._profile, extra_headers={}, models_cache=[])
        problems = self.apply_to(probe)
        if problems:
            self.tester.show_result(problems[0], ok=False)
            return
        hop = probe.clear_text_hop()
        route = (probe.base_url, probe.proxy)
        if hop is None or route in self.clear_text_allowed:
            self._start_test(probe)
            return
        # A key typed or stored would go unencrypted to another computer: ask, as a chat does.
        box = plain_http_box(self, hop.host, hop.via_proxy)
        self.plain_http_question = box

        def clicked(button: object) -> None:
            self.plain_http_question = None
            if button is box.button(QtWidgets.QMessageBox.StandardButton.Yes):
                self.clear_text_allowed.add(route)
                self._start_test(probe)
            else:
                self.tester.show_result(
                    self.tr("Not tested: the key was not sent in clear text."), ok=False
                )

        box.buttonClicked.connect(clicked)
        box.open()

    def _start_test(self, probe: Profile) -> None:
        self.tester.start(probe, self.key_edit.text().strip(), self._session_keys.get(probe.id))

    def _on_tester_succeeded(self, profile_id: str, models: list[str]) -> None:
        if self._profile is not None and self._profile.id == profile_id:
            current = self.model_combo.currentText().strip()
            self.model_combo.clear()
            self.model_combo.addItems(models)
            # A first run picks a model the server has; Settings keeps a model the user typed
            # (some gateways serve more models than they list).
            if not current or (self._simple and current not in models):
                current = pick_model(models, current)
            self.model_combo.setEditText(current)
        self.models_listed.emit(profile_id, models)

    # -- field reactions --------------------------------------------------------------------

    def _on_url_edit_text_changed(self, text: str) -> None:
        errors, warnings = base_url_problems(text)
        self._set_note(self.url_warning, "\n".join(errors + warnings))

    def _preset_index(self, base_url: str) -> int:
        """The Provider entry of a first run shows the profile's provider; Settings' Preset
        field is a one-off "fill in" action and starts on its prompt."""
        if self._simple:
            for index in range(1, self.preset_combo.count()):
                preset = endpoint_preset(str(self.preset_combo.itemData(index)))
                if preset.base_url and preset.base_url == base_url.strip():
                    return index
        return 0

    def _on_preset_combo_activated(self, index: int) -> None:
        preset_id = self.preset_combo.itemData(index)
        if not preset_id:
            return
        preset = endpoint_preset(str(preset_id))
        self.url_edit.setText(preset.base_url)
        self.needs_key_check.setChecked(preset.needs_key)
        self.thinking_check.setChecked(preset.thinking_inline)
        name = self.name_edit.text().strip()
        generic = {p.name for p in ENDPOINT_PRESETS} | {"New profile", _new_profile_name(), ""}
        generic |= {preset_display_name(p) for p in ENDPOINT_PRESETS}
        if name in generic:  # keep a name the user chose themselves
            self.name_edit.setText(preset_display_name(preset))
            self.name_edited.emit(self.name_edit.text())
        if not preset.base_url:
            self.url_edit.setFocus()

    def _on_needs_key_toggled(self, checked: bool) -> None:
        self.key_field.set_usable(checked)

    def _on_headers_edit_text_changed(self) -> None:
        _headers, problems = parse_headers(self.headers_edit.toPlainText())
        self._set_note(self.headers_note, "\n".join(problems))
        if self._simple and not self.advanced.is_open():
            self.headers_note.hide()  # folded away with its field

    def _on_ca_browse_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a CA bundle"),
            self.ca_edit.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_edit.setText(path)
