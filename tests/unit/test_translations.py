"""The Chinese catalogue is complete, current and compiled; languages follow the OS or the setting.

``build_scripts/translations.py --check`` is what CI runs; these tests run the same checks (a
fresh lupdate over the code in a temporary folder and a fresh lrelease compared byte for byte)
so a string added to the UI without a translation, or a .ts edited without rebuilding the .qm,
fails here with the exact entries to fix.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QTranslator

from nebula_desktop.ui.common.i18n import (
    CHINESE,
    ENGLISH,
    catalogue_path,
    choose_language,
    language_from_locale,
)

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "nebula_desktop_zh_CN.ts"
_PLACEHOLDER = re.compile(r"\{\w*\}|%\d|%n")


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "translations", ROOT / "build_scripts" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(ts: Path = TS) -> list[tuple[str, str, list[str]]]:
    """(context, source, translations) for every message of a catalogue (Chinese by default)."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            found.append((name, message.findtext("source", ""), forms))
    return found


def test_catalogues_cover_every_ui_string_and_are_compiled() -> None:
    script = _build_script()
    assert set(script.LANGUAGES) == {"zh_CN", "en"}
    problems = [f"{lang}: {line}" for lang in script.LANGUAGES for line in script.problems(lang)]
    assert not problems, "run build_scripts/translations.py and translate:\n" + "\n".join(problems)


def test_translations_keep_every_placeholder_and_shortcut_letter() -> None:
    wrong = []
    english = _messages(TS.with_name("nebula_desktop_en.ts"))
    assert english, "the English plural catalogue is empty"
    for context, source, forms in _messages() + english:
        wanted = sorted(_PLACEHOLDER.findall(source))
        for form in forms:
            if sorted(_PLACEHOLDER.findall(form)) != wanted:
                wrong.append(f"[{context}] {source!r} -> {form!r}: placeholders differ")
            # A mnemonic (&F) in the menu must survive, Chinese style: "文件(&F)".
            if re.search(r"&\w", source.replace("&&", "")) and not re.search(r"&\w", form):
                wrong.append(f"[{context}] {source!r} -> {form!r}: lost its shortcut letter")
    assert not wrong, "\n".join(wrong)


def test_chinese_uses_full_width_punctuation_between_chinese_words() -> None:
    # "设置,保存" reads wrong in Chinese; commas and colons after Chinese text are full-width.
    wrong = [
        f"[{context}] {form!r}"
        for context, _source, forms in _messages()
        for form in forms
        if re.search(r"[\u4e00-\u9fff][,;?!]|[\u4e00-\u9fff]:(?!//)", form)
    ]
    assert not wrong, "\n".join(wrong)


def test_compiled_catalogue_translates_the_menus() -> None:
    translator = QTranslator()
    assert translator.load(catalogue_path(CHINESE))
    assert translator.translate("GeneralSettings", "Follow system") == "跟随系统"
    assert translator.translate("MainWindow", "&File").startswith("文件")


@pytest.mark.parametrize(
    ("ui_languages", "expected"),
    [
        (["zh-Hans-CN", "zh-CN", "en-US"], CHINESE),
        (["zh-CN"], CHINESE),
        (["zh_CN"], CHINESE),
        (["zh-SG"], CHINESE),
        (["en-US", "zh-CN"], ENGLISH),
        (["de-DE", "zh-CN"], CHINESE),  # German is not offered: the next choice wins
        (["de-DE", "fr-FR"], ENGLISH),
        (["zh-Hant-TW", "en-US"], ENGLISH),  # Traditional readers are not handed Simplified
        (["zh-TW"], ENGLISH),
        (["C"], ENGLISH),
        ([], ENGLISH),
    ],
)
def test_language_follows_the_os_preference_list(ui_languages: list[str], expected: str) -> None:
    assert language_from_locale(ui_languages) == expected


def test_language_setting_overrides_the_os() -> None:
    assert choose_language("en", ["zh-CN"]) == ENGLISH
    assert choose_language("zh_CN", ["en-US"]) == CHINESE
    assert choose_language("", ["zh-CN"]) == CHINESE
    assert choose_language("klingon", ["en-US"]) == ENGLISH  # an unknown value follows the OS


def test_translated_preset_names_are_the_names_core_uses() -> None:
    # core (no Qt) names the presets; the UI translates the ones that are words. A renamed
    # preset in core must be renamed in i18n.PRESET_NAMES too, or it shows in English.
    from nebula_desktop.presets import ENDPOINT_PRESETS
    from nebula_desktop.ui.common.i18n import PRESET_NAMES

    assert set(PRESET_NAMES) <= {p.name for p in ENDPOINT_PRESETS}
    translator = QTranslator()
    assert translator.load(catalogue_path(CHINESE))
    for name in PRESET_NAMES:
        assert translator.translate("ProfileEditor", name) not in ("", name)


def test_attachment_refusals_from_core_are_in_the_catalogue() -> None:
    # nebula_desktop.attachments (core) phrases the refusals; the composer translates them.
    from nebula_desktop import attachments

    translator = QTranslator()
    assert translator.load(catalogue_path(CHINESE))
    for text in (attachments.TOO_LARGE, attachments.TOO_MANY, attachments.NOT_UTF8,
                 attachments.UNSUPPORTED, attachments.NOT_REGULAR,
                 attachments.CANNOT_READ):  # fmt: skip
        assert translator.translate("AttachmentStrip", text) not in ("", text), text


def test_no_translated_text_hides_where_lupdate_cannot_see_it() -> None:
    # lupdate reads tr("…") and translate("Context", "…") calls, but not inside an f-string:
    # such a text would silently stay English in every language.

    hidden = []
    for path in sorted((ROOT / "nebula_desktop" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for part in ast.walk(node):
                if not isinstance(part, ast.Call):
                    continue
                name = getattr(part.func, "attr", getattr(part.func, "id", ""))
                # The source text: tr(text) or translate(context, text).
                text_at = {"tr": 0, "translate": 1}.get(name)
                if (
                    text_at is not None
                    and len(part.args) > text_at
                    and isinstance(part.args[text_at], ast.Constant)
                ):
                    hidden.append(f"{path.relative_to(ROOT)}:{part.lineno}")
    assert not hidden, "move these tr() calls out of their f-strings: " + ", ".join(hidden)


def _ui_trees() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted((ROOT / "nebula_desktop" / "ui").rglob("*.py"))
    ]


def test_placeholders_are_named_so_translators_see_what_goes_there() -> None:
    # "{title}" tells a translator what the gap holds and survives reordering; "%1" does not.
    # Only Qt's own plural count "%n" stays (Qt fills it and picks the plural form).
    numbered = [
        f"[{context}] {source!r}"
        for context, source, _forms in _messages()
        if re.search(r"%\d", source)
    ]
    assert not numbered, "use {name} with .format(name=…) instead of %1:\n" + "\n".join(numbered)


def test_every_translation_context_is_a_class_that_shows_the_text() -> None:
    # A translator working in Qt Linguist sees the context: it should name the widget or
    # delegate that shows the text, so the place on screen can be found in the code.
    classes = {
        node.name
        for _path, tree in _ui_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    english = _messages(TS.with_name("nebula_desktop_en.ts"))
    strays = sorted({context for context, _source, _forms in _messages() + english} - classes)
    assert not strays, f"contexts that name no class in nebula_desktop/ui: {strays}"


def test_one_translation_helper() -> None:
    # Texts are looked up by ui.common.i18n.translate (or a class's self.tr), never by a
    # module's own copy of a wrapper that hands a text it was given to Qt.
    wrappers = []
    for path, tree in _ui_trees():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            if path.name == "i18n.py" and func.name == "translate":
                continue
            args = func.args
            params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
            for call in ast.walk(func):
                if not isinstance(call, ast.Call):
                    continue
                name = getattr(call.func, "attr", getattr(call.func, "id", ""))
                text_at = {"tr": 0, "translate": 1}.get(name)
                if text_at is None or len(call.args) <= text_at:
                    continue
                text = call.args[text_at]
                if isinstance(text, ast.Call) and getattr(text.func, "id", "") == "str":
                    text = text.args[0] if text.args else text
                if isinstance(text, ast.Name) and text.id in params:
                    wrappers.append(f"{path.relative_to(ROOT)}:{func.lineno} {func.name}")
    assert not wrappers, "use ui.common.i18n.translate instead of: " + ", ".join(wrappers)
