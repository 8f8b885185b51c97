"""Saved compare setups: the models compared now are saved under a name, picked again from
Chat → Compare setups (or a right click on the ⇆ toggle) after a restart, and deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint

from nebula_desktop.settings import Profile, SettingsStore


def _open_menu(window: Any) -> dict[str, Any]:
    """Chat → Compare setups as it shows when opened: its entries by text."""
    menu = window.compare.setups_menu
    menu.aboutToShow.emit()
    return {a.text(): a for a in menu.actions() if a.text()}


@pytest.mark.qt_log_ignore("This plugin does not support")  # a popup menu, offscreen
def test_a_setup_is_saved_picked_after_a_restart_and_deleted(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    from nebula_desktop.ui.compare.picks import Pick

    store = SettingsStore(config_dir)
    settings = store.load()
    settings.profiles.append(Profile(id="other", name="Other", base_url="http://127.0.0.1:9"))
    store.save(settings)
    window = make_window()
    assert window.compare.setups_menu in [
        a.menu() for a in window.menus.chat.actions() if a.menu() is not None
    ]
    # A right click on the ⇆ toggle opens the same menu.
    window.header.compare.customContextMenuRequested.emit(QPoint(2, 2))
    qtbot.waitUntil(window.compare.setups_menu.isVisible)
    window.compare.setups_menu.close()
    entries = _open_menu(window)
    assert not entries["Save current models as a setup…"].isEnabled()  # Compare is off
    picks = [
        Pick("ai-nebula", "claude-sonnet-4"),
        Pick("ai-nebula", "gpt-4o"),
        Pick("other", "gemini-2.5-pro"),
    ]
    window.compare.set_picks(picks)
    entries = _open_menu(window)
    entries["Save current models as a setup…"].trigger()
    dialog = window.compare.setups.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.textValue() == "claude-sonnet-4 vs gpt-4o vs gemini-2.5-pro"  # a suggestion
    dialog.setTextValue("  Claude vs GPT vs Gemini ")
    dialog.accept()
    assert "saved" in window.statusBar().currentMessage()
    assert list(SettingsStore(config_dir).load().compare_setups) == ["Claude vs GPT vs Gemini"]

    window.compare.set_picks([])
    make_window.close(window)
    again = make_window()
    assert not again.compare.on
    entries = _open_menu(again)
    entries["Claude vs GPT vs Gemini"].trigger()
    assert again.compare.on and again.compare.picks == picks
    assert again.header.compare.text() == "⇆ 3"
    assert SettingsStore(config_dir).load().compare_models == picks  # the picker starts there

    delete = entries["Delete setup"].menu()
    (only,) = delete.actions()
    only.trigger()
    assert SettingsStore(config_dir).load().compare_setups == {}
    entries = _open_menu(again)
    assert "Claude vs GPT vs Gemini" not in entries and not entries["Delete setup"].isEnabled()


def test_a_setup_whose_profiles_are_gone_cannot_be_picked(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    from nebula_desktop.ui.compare.picks import Pick

    store = SettingsStore(config_dir)
    settings = store.load()
    settings.compare_setups = {
        "Gone": [Pick("deleted", "a"), Pick("ai-nebula", "b")],
        "A & B": [Pick("ai-nebula", "a"), Pick("ai-nebula", "b")],
    }
    store.save(settings)
    window = make_window()
    entries = _open_menu(window)
    assert not entries["Gone"].isEnabled()
    assert entries["A && B"].isEnabled()  # an ampersand in a name is shown, not a shortcut
    assert not window.compare.saved_setups().use("Gone")
    assert not window.compare.on and "fewer than two" in window.statusBar().currentMessage()
