"""Issue 15: "Render math" (Settings → General) — on by default, kept in settings.json, a bad
value repaired with a notice, and the window follows it when the settings are saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nebula_desktop.settings import Settings, SettingsStore
from nebula_desktop.store import Message
from nebula_desktop.ui.messages.formulas import FormulaDocument
from nebula_desktop.ui.settings.general import GeneralSettings


def test_render_math_is_on_by_default_and_saved(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    settings = store.load()
    assert settings.render_math is True
    settings.render_math = False
    store.save(settings)
    data = json.loads((tmp_path / "config" / "settings.json").read_text())
    assert data["render_math"] is False
    assert SettingsStore(tmp_path / "config").load().render_math is False


def test_a_bad_render_math_value_falls_back_to_on_with_a_notice() -> None:
    problems: list[str] = []
    settings = Settings.from_dict({"render_math": "yes please"}, problems)
    assert settings.render_math is True
    assert any("render_math" in p for p in problems), problems


def test_general_tab_has_the_switch(qtbot: Any) -> None:
    settings = Settings()
    tab = GeneralSettings(settings)
    qtbot.addWidget(tab)
    assert tab.render_math_check.isChecked()
    tab.render_math_check.setChecked(False)
    tab.apply_to(settings)
    assert settings.render_math is False
    assert not GeneralSettings(settings).render_math_check.isChecked()


def test_saved_settings_turn_math_off_and_on_in_the_window(make_window: Any) -> None:
    window = make_window()
    answer = Message(role="assistant", model="m", content=r"Area: $\pi r^2$.")
    window.view.set_messages([answer])
    delegate = window.view.message_delegate

    def body() -> Any:
        lay = delegate.layout(answer, 0, 0)
        assert lay.body_doc is not None
        return lay.body_doc.doc

    assert isinstance(body(), FormulaDocument)
    window.ctx.settings.render_math = False
    window.profiles.apply_settings()  # what saving the settings dialog runs
    assert not isinstance(body(), FormulaDocument)
    assert r"$\pi r^2$" in body().toPlainText()
    window.ctx.settings.render_math = True
    window.profiles.apply_settings()
    assert isinstance(body(), FormulaDocument)
