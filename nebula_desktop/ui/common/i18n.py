"""The interface language: English or Simplified Chinese, chosen once at start-up.

Translations are Qt Linguist files: ``resources/translations/nebula_desktop_<lang>.ts`` are the
sources (edited with Qt Linguist or by hand), ``build_scripts/translations.py`` compiles them to
``.qm`` files, which a ``QTranslator`` loads here. English is the source language; its catalogue
holds only plural forms ("%n file(s)" → "1 file" / "2 files"). Qt's own ``qtbase`` catalogue
is loaded beside ours, so standard dialog buttons (OK, Cancel, Yes, No…) speak the same language
as the rest of the window.

The translator is installed before any widget exists: widgets read their texts when they are
built, so switching language needs a restart (the settings dialog says so).

How code names a text: a class uses ``self.tr("…")`` (the context is the class name); code outside
a class calls ``translate("Class", "…")`` with the name of the class that shows the text (the
message delegate for row texts, ``MainWindow`` for start-up messages); a table of texts marks
each entry ``QT_TRANSLATE_NOOP("Class", "…")`` and looks it up with ``translate``. lupdate finds
all three. Placeholders are named, ``"{title}"`` filled by ``.format(title=…)``; only a plural
count is Qt's ``%n``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, QTranslator

from nebula_desktop.resources import resource_path

if TYPE_CHECKING:
    from nebula_desktop.presets import EndpointPreset

log = logging.getLogger(__name__)

ENGLISH = "en"
CHINESE = "zh_CN"

# Settings values, in the order the settings dialog lists them; "" follows the OS.
LANGUAGE_CODES = ("", ENGLISH, CHINESE)

# Scripts/regions of Chinese that are written in Traditional characters: a reader of those is
# not assumed to prefer Simplified Chinese, so the next preferred language decides.
_TRADITIONAL = ("hant", "tw", "hk", "mo")


def translate(context: str, text: object, n: int = -1) -> str:
    """``text`` in the interface language, looked up under ``context`` (a class name in ``ui/``).

    ``n`` picks the plural form of a text with ``%n``. ``text`` may be what
    ``QT_TRANSLATE_NOOP`` marked (its stubs say ``object``); a text without a translation comes
    back as it is.
    """
    return QCoreApplication.translate(context, str(text), None, n)


# Endpoint preset names from ``nebula_desktop.presets`` (core, no Qt) that are words rather than
# product names; ``preset_display_name`` shows them (in the profile editor and its preset menu).
PRESET_NAMES = (QT_TRANSLATE_NOOP("ProfileEditor", "OpenAI-compatible gateway"),)


def preset_display_name(preset: EndpointPreset) -> str:
    """An endpoint preset's name in the interface language (brand names stay as they are)."""
    return translate("ProfileEditor", preset.name)


def language_names() -> list[tuple[str, str]]:
    """``(code, name)`` for the settings combo; each language is named in itself."""
    follow = translate("GeneralSettings", "Follow system")
    return [("", follow), (ENGLISH, "English"), (CHINESE, "简体中文")]


def language_from_locale(ui_languages: list[str]) -> str:
    """The language to use for the OS's preferred list (``QLocale.uiLanguages()``), in order.

    ``["zh-Hans-CN", "zh-CN", "en-US"]`` gives Chinese; ``["de-DE", "en-US"]`` gives English (the
    first one we have); anything we do not have at all gives English.
    """
    for tag in ui_languages:
        parts = tag.replace("_", "-").lower().split("-")
        if parts[0] == "en":
            return ENGLISH
        if parts[0] == "zh":
            if any(part in _TRADITIONAL for part in parts[1:]):
                continue
            return CHINESE
    return ENGLISH


def choose_language(setting: str, ui_languages: list[str] | None = None) -> str:
    """``setting`` when it names a language we have, else the OS's choice."""
    if setting in (ENGLISH, CHINESE):
        return setting
    if ui_languages is None:
        ui_languages = list(QLocale.system().uiLanguages())
    return language_from_locale(ui_languages)


def catalogue_path(language: str) -> str:
    """Where the compiled catalogue (``.qm``) of ``language`` lives."""
    return str(resource_path("translations", f"nebula_desktop_{language}.qm"))


@dataclass
class InstalledLanguage:
    """What ``install_translators`` did, so tests (and a future live switch) can undo it."""

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    previous_locale: QLocale | None = None

    def remove(self) -> None:
        """Uninstall the translators (texts already shown keep their language)."""
        app = QCoreApplication.instance()
        for translator in self.translators:
            if app is not None:
                app.removeTranslator(translator)
        self.translators.clear()
        if self.previous_locale is not None:
            QLocale.setDefault(self.previous_locale)
            self.previous_locale = None


def install_translators(
    setting: str = "", ui_languages: list[str] | None = None
) -> InstalledLanguage:
    """Install the translators for ``setting`` (``""``, ``"en"`` or ``"zh_CN"``) in the running app.

    Call after the ``QApplication`` exists and before any widget is built. A missing or broken
    catalogue is logged and the app carries on in English: a language must never stop start-up.
    """
    app = QCoreApplication.instance()
    language = choose_language(setting, ui_languages)
    installed = InstalledLanguage(language)
    if setting == language:
        # Dates and numbers follow the language the user picked over the OS's.
        installed.previous_locale = QLocale()
        QLocale.setDefault(QLocale(language))
    if app is None:
        return installed
    # Parented to the app: Qt keeps them alive as long as they are installed. English has a
    # catalogue too, of plural forms only ("1 file", "2 files").
    ours = QTranslator(app)
    if ours.load(catalogue_path(language)):
        app.installTranslator(ours)
        installed.translators.append(ours)
    else:
        log.warning("no translation catalogue for %s at %s", language, catalogue_path(language))
        return installed
    if language == ENGLISH:
        return installed  # Qt's own texts are English already
    qt_folder = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(f"qtbase_{language}", qt_folder):
        app.installTranslator(qtbase)
        installed.translators.append(qtbase)
    else:  # e.g. a bundle that left Qt's catalogues out: our texts are still translated
        log.info("Qt's own %s catalogue is not installed; standard buttons stay English", language)
    return installed
