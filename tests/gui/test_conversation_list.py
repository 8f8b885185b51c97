"""The conversation list: order, search, rename, pin, delete + Undo — through a real store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QLineEdit

from nebula_desktop.store import ConversationStore, ConversationSummary, Message
from nebula_desktop.ui.conversations.delegate import relative_time
from nebula_desktop.ui.conversations.list import ConversationList
from nebula_desktop.ui.conversations.model import ConversationListModel, IdRole
from tests.gui.helpers import summary_row, wait_for

# The offscreen platform warns once per shown top-level window; nothing a user would see.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    s = ConversationStore(tmp_path / "data")
    yield s
    s.close()


def _chat(store: ConversationStore, title: str, text: str, age: float, pinned: bool = False) -> str:
    conv = store.create(title=title)
    conv.messages.append(Message(role="user", content=text))
    conv.messages.append(Message(role="assistant", content=f"Answer about {title}"))
    conv.pinned = pinned
    conv.updated_at = time.time() - age
    store.save(conv, touch=False)
    return conv.id


@pytest.fixture
def chats(store: ConversationStore) -> dict[str, str]:
    return {
        "old": _chat(store, "Old recipe", "how long to boil an egg", 86400 * 3),
        "new": _chat(store, "Rust lifetimes", "explain borrowing", 60),
        "pinned": _chat(store, "Pinned notes", "grocery list", 86400 * 30, pinned=True),
        "mid": _chat(store, "Trip to Kyoto", "temples worth a visit", 3600 * 5),
    }


@pytest.fixture
def panel(qtbot, store: ConversationStore, chats: dict[str, str]) -> Iterator[ConversationList]:
    widget = ConversationList(store)
    qtbot.addWidget(widget)
    # Every change the panel makes to its model is checked too (a failure is a Qt warning,
    # which fails the test).
    tester = QAbstractItemModelTester(
        widget.model, QAbstractItemModelTester.FailureReportingMode.Warning
    )
    widget.resize(320, 500)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget  # the tester stays alive with this frame until the test ends
    del tester


def _titles(panel: ConversationList) -> list[str]:
    return [s.title for s in panel.model.summaries()]


def test_model_passes_qt_model_tester_through_every_change(qapp: QApplication) -> None:
    model = ConversationListModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_summaries([summary_row(i, age=i) for i in range(5)])
    model.upsert(summary_row(9, age=-5))  # newest: goes on top
    model.upsert(summary_row(3, pinned=True, age=3))  # moves up
    model.upsert(summary_row(0, age=50))  # moves down
    model.remove("id2")
    model.setData(model.index(0, 0), "Renamed", Qt.ItemDataRole.EditRole)
    assert [s.id for s in model.summaries()] == ["id3", "id9", "id1", "id4", "id0"]
    assert model.data(model.index(0, 0)) == "Renamed"


def test_pinned_chats_come_first_then_newest(panel: ConversationList) -> None:
    assert _titles(panel) == ["Pinned notes", "Rust lifetimes", "Trip to Kyoto", "Old recipe"]


def test_search_filters_by_title(qtbot, panel: ConversationList) -> None:
    qtbot.keyClicks(panel.search_edit, "kyoto")
    wait_for(qtbot, panel.search_edit.filter_changed, lambda: _titles(panel) == ["Trip to Kyoto"])


def test_search_filters_by_message_text_and_clears(qtbot, panel: ConversationList) -> None:
    qtbot.keyClicks(panel.search_edit, "boil an EGG")
    searched = panel.search_edit.filter_changed
    wait_for(qtbot, searched, lambda: _titles(panel) == ["Old recipe"])
    panel.search_edit.clear()
    wait_for(qtbot, searched, lambda: len(_titles(panel)) == 4)


def test_search_without_hits_says_so(qtbot, panel: ConversationList) -> None:
    qtbot.keyClicks(panel.search_edit, "zzzz")
    wait_for(qtbot, panel.search_edit.filter_changed, lambda: panel.model.rowCount() == 0)
    assert panel.empty_label.isVisible()
    assert "zzzz" in panel.empty_label.text()


def test_clicking_a_chat_selects_it(qtbot, panel: ConversationList, chats) -> None:
    row = panel.model.row_of(chats["mid"])
    rect = panel.view.visualRect(panel.model.index(row, 0))
    with qtbot.waitSignal(panel.conversation_selected) as blocker:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [chats["mid"]]


def test_arrow_keys_walk_the_list(qtbot, panel: ConversationList, chats) -> None:
    panel.select(chats["pinned"])
    panel.view.setFocus()
    with qtbot.waitSignal(panel.conversation_selected) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert blocker.args == [chats["new"]]


def test_rename_with_f2_is_saved(qtbot, panel: ConversationList, store, chats) -> None:
    panel.select(chats["mid"])
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    editor = panel.view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "Kyoto in spring")
    with qtbot.waitSignal(panel.conversation_renamed) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [chats["mid"]]
    assert store.load(chats["mid"]).title == "Kyoto in spring"
    # And it survives a restart of the store.
    store.close()
    again = ConversationStore(store.root)
    try:
        assert again.load(chats["mid"]).title == "Kyoto in spring"
    finally:
        again.close()


def test_empty_rename_keeps_the_old_title(qtbot, panel: ConversationList, store, chats) -> None:
    panel.select(chats["mid"])
    panel.rename_current()
    editor = panel.view.viewport().findChild(QLineEdit)
    editor.clear()
    with qtbot.assertNotEmitted(panel.conversation_renamed):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert store.load(chats["mid"]).title == "Trip to Kyoto"


def test_pin_moves_chat_to_the_top_and_is_saved(
    qtbot, panel: ConversationList, store, chats
) -> None:
    panel.select(chats["old"])
    panel.toggle_pin_current()
    assert _titles(panel)[:2] == ["Pinned notes", "Old recipe"] or _titles(panel)[0] == "Old recipe"
    assert store.load(chats["old"]).pinned is True
    assert panel.current_id() == chats["old"]
    panel.toggle_pin_current()
    assert _titles(panel)[-1] == "Old recipe"
    assert store.load(chats["old"]).pinned is False


def test_delete_then_undo_restores_the_file_and_the_row(
    qtbot, panel: ConversationList, store, chats
) -> None:
    panel.select(chats["mid"])
    panel.view.setFocus()
    path = store.root / "conversations" / f"{chats['mid']}.json"
    assert path.exists()
    with qtbot.waitSignal(panel.conversation_deleted) as deleted:
        qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert deleted.args == [chats["mid"]]
    assert not path.exists()
    assert "Trip to Kyoto" not in _titles(panel)
    assert panel.undo_bar.isVisible()
    assert "Chat deleted" in panel.undo_label.text()

    with qtbot.waitSignal(panel.conversation_restored) as restored:
        qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert restored.args == [chats["mid"]]
    assert path.exists()
    assert store.load(chats["mid"]).messages[0].content == "temples worth a visit"
    assert _titles(panel) == ["Pinned notes", "Rust lifetimes", "Trip to Kyoto", "Old recipe"]
    assert panel.current_id() == chats["mid"]
    assert not panel.undo_bar.isVisible()


def test_delete_selects_the_neighbour(qtbot, panel: ConversationList, chats) -> None:
    panel.select(chats["new"])
    with qtbot.waitSignal(panel.conversation_selected) as blocker:
        panel.delete_current()
    assert blocker.args == [chats["mid"]]


def test_context_menu_offers_rename_pin_delete(qtbot, panel: ConversationList, chats) -> None:
    pinned = panel.context_menu(panel.model.index(panel.model.row_of(chats["pinned"]), 0))
    assert [a.text() for a in pinned.actions() if a.text()] == ["Rename", "Unpin", "Delete"]
    menu = panel.context_menu(panel.model.index(panel.model.row_of(chats["mid"]), 0))
    assert [a.text() for a in menu.actions() if a.text()] == ["Rename", "Pin", "Delete"]
    with qtbot.waitSignal(panel.conversation_deleted) as blocker:
        next(a for a in menu.actions() if a.text() == "Delete").trigger()
    assert blocker.args == [chats["mid"]]


def test_summary_changed_moves_a_freshly_saved_chat_to_the_top(
    panel: ConversationList, store, chats
) -> None:
    conv = store.load(chats["old"])
    conv.messages.append(Message(role="user", content="and a soft-boiled one?"))
    store.save(conv)
    panel.summary_changed(conv.id)
    assert _titles(panel)[1] == "Old recipe"
    assert panel.model.summary_at(1).preview.startswith("and a soft-boiled")


def test_new_chat_appears_via_summary_changed(panel: ConversationList, store) -> None:
    conv = store.create(title="Brand new")
    panel.summary_changed(conv.id)
    assert panel.model.row_of(conv.id) == 1  # under the pinned one


def test_new_chat_button_and_focus_search(qtbot, panel: ConversationList) -> None:
    with qtbot.waitSignal(panel.new_requested):
        qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    panel.focus_search()
    qtbot.waitUntil(panel.search_edit.hasFocus)


def test_rows_have_accessible_text(panel: ConversationList) -> None:
    index = panel.model.index(0, 0)
    text = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Pinned" in text and "Pinned notes" in text
    assert index.data(IdRole)


@pytest.mark.parametrize(
    ("age", "expected"),
    [(5, "now"), (-30, "now"), (5 * 60, "5 min"), (59 * 60, "59 min")],
)
def test_relative_time_short_ranges(age: float, expected: str) -> None:
    now = time.time()
    assert relative_time(now - age, now) == expected


def test_relative_time_long_ranges() -> None:
    import datetime as dt

    now = dt.datetime(2026, 11, 27, 18, 30).timestamp()
    assert relative_time(dt.datetime(2026, 11, 27, 14, 2).timestamp(), now) == "14:02"
    assert relative_time(dt.datetime(2026, 11, 23, 9, 0).timestamp(), now) == "Mon"
    assert relative_time(dt.datetime(2026, 3, 12, 9, 0).timestamp(), now) == "12 Mar"
    assert relative_time(dt.datetime(2024, 3, 12, 9, 0).timestamp(), now) == "2024-03-12"


def test_every_time_label_the_list_shows_is_marked_for_translation() -> None:
    # timefmt (core, no Qt) phrases the labels; the list translates them, so each one must be
    # where lupdate looks, or it stays English in every language.
    from nebula_desktop import timefmt
    from nebula_desktop.ui.conversations.model import TIME_LABELS

    assert set(TIME_LABELS) == set(timefmt.LABELS)


def test_double_click_opens_the_title_editor(qtbot, panel: ConversationList, chats) -> None:
    row = panel.model.row_of(chats["new"])
    rect = panel.view.visualRect(panel.model.index(row, 0))
    # A real double-click is press, release, then the double-click event.
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = panel.view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    assert editor.text() == "Rust lifetimes"


def test_ctrl_p_pins_the_current_chat(qtbot, panel: ConversationList, store, chats) -> None:
    panel.select(chats["mid"])
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    qtbot.keyClick(panel.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert store.load(chats["mid"]).pinned is True
    assert panel.model.summary_at(0).id in (chats["mid"], chats["pinned"])


def test_down_arrow_from_search_walks_into_results(qtbot, panel: ConversationList, chats) -> None:
    panel.focus_search()
    qtbot.keyClicks(panel.search_edit, "rust")
    with qtbot.waitSignal(panel.conversation_selected) as blocker:
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert blocker.args == [chats["new"]]
    assert panel.view.hasFocus()


def test_undo_bar_goes_away_by_itself_and_the_chat_stays_deleted(
    qtbot, monkeypatch, store, chats
) -> None:
    from nebula_desktop.ui.conversations import list as conversation_list

    monkeypatch.setattr(conversation_list, "UNDO_SECONDS", 0.05)
    widget = ConversationList(store)
    qtbot.addWidget(widget)
    widget.show()
    widget.select(chats["old"])
    widget.delete_current()
    assert widget.undo_bar.isVisible()
    wait_for(qtbot, widget.undo_bar.expired, lambda: not widget.undo_bar.isVisible())
    with qtbot.assertNotEmitted(widget.conversation_restored):
        widget.undo_delete()
    assert widget.model.row_of(chats["old"]) < 0
    assert (store.root / "trash" / f"{chats['old']}.json").exists()


def test_preview_line_hides_markdown_markup() -> None:
    from nebula_desktop.ui.conversations.delegate import clean_preview

    assert clean_preview("Sure.\n\n```python\nprint('hi')\n```") == "Sure. print('hi')"
    assert clean_preview("## Title with **bold** and `code`") == "Title with bold and code"


def test_esc_clears_the_search_before_any_window_shortcut(qtbot, store, chats) -> None:
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    panel = ConversationList(store)
    window.setCentralWidget(panel)
    stop = QAction("Stop", window)
    stop.setShortcut(QKeySequence("Esc"))
    window.addAction(stop)
    window.show()
    qtbot.waitExposed(window)
    panel.focus_search()
    qtbot.keyClicks(panel.search_edit, "kyoto")
    wait_for(qtbot, panel.search_edit.filter_changed, lambda: panel.model.rowCount() == 1)
    with qtbot.assertNotEmitted(stop.triggered):
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Escape)
    assert panel.search_edit.text() == ""
    assert panel.model.rowCount() == 4
    # With the search empty, Esc is the window's again.
    with qtbot.waitSignal(stop.triggered):
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Escape)


def test_ctrl_z_in_the_list_undoes_the_delete(qtbot, panel: ConversationList, store, chats) -> None:
    panel.select(chats["old"])
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert panel.model.row_of(chats["old"]) < 0
    with qtbot.waitSignal(panel.conversation_restored):
        qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.current_id() == chats["old"]
    assert store.load(chats["old"]).title == "Old recipe"


def test_selecting_a_chat_created_since_the_last_reload_shows_it(
    panel: ConversationList, store
) -> None:
    conv = store.create(title="Just made")
    panel.select(conv.id)
    assert panel.current_id() == conv.id


def test_undo_brings_back_several_deletes_newest_first(
    qtbot, panel: ConversationList, store, chats
) -> None:
    panel.delete(chats["old"])
    panel.delete(chats["mid"])
    assert "2 chats deleted" in panel.undo_label.text()
    panel.undo_delete()
    assert panel.model.row_of(chats["mid"]) >= 0
    assert panel.model.row_of(chats["old"]) < 0
    assert panel.undo_bar.isVisible()
    panel.undo_delete()
    assert panel.model.row_of(chats["old"]) >= 0
    assert not panel.undo_bar.isVisible()
    assert len(store.list()) == 4


def test_any_sequence_of_updates_keeps_the_display_order(qapp: QApplication) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from nebula_desktop.ui.conversations.model import sort_key

    op = st.tuples(
        st.sampled_from(["upsert", "remove"]),
        st.integers(0, 7),  # which chat
        st.booleans(),  # pinned
        st.integers(0, 5),  # age bucket: ties are likely
    )

    @settings(max_examples=150, deadline=None)
    @given(st.lists(op, max_size=30))
    def check(ops: list[tuple[str, int, bool, int]]) -> None:
        model = ConversationListModel()
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
        expected: dict[str, ConversationSummary] = {}
        for kind, i, pinned, age in ops:
            if kind == "upsert":
                summary = summary_row(i, pinned=pinned, age=age)
                model.upsert(summary)
                expected[summary.id] = summary
            else:
                model.remove(f"id{i}")
                expected.pop(f"id{i}", None)
        rows = model.summaries()
        assert rows == sorted(expected.values(), key=sort_key)

    check()


def _ctrl_click(qtbot, panel: ConversationList, conv_id: str) -> None:
    rect = panel.view.visualRect(panel.model.index(panel.model.row_of(conv_id), 0))
    qtbot.mouseClick(
        panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        rect.center(),
    )


def test_del_deletes_every_selected_chat_and_one_undo_brings_them_all_back(
    qtbot, panel: ConversationList, store, chats
) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.select(chats["new"])
    _ctrl_click(qtbot, panel, chats["old"])
    assert set(panel.selected_ids()) == {chats["new"], chats["old"]}
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert _titles(panel) == ["Pinned notes", "Trip to Kyoto"]
    assert "2 chats deleted" in panel.undo_label.text()
    assert len(store.list()) == 2
    assert panel.current_id() == chats["mid"]  # the neighbour of the first one deleted

    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert _titles(panel) == ["Pinned notes", "Rust lifetimes", "Trip to Kyoto", "Old recipe"]
    assert len(store.list()) == 4
    assert store.load(chats["old"]).messages[0].content == "how long to boil an egg"
    assert not panel.undo_bar.isVisible()


def test_deleting_a_selection_without_the_open_chat_keeps_it_open(
    qtbot, panel: ConversationList, chats
) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.select(chats["mid"])
    _ctrl_click(qtbot, panel, chats["old"])
    _ctrl_click(qtbot, panel, chats["pinned"])
    _ctrl_click(qtbot, panel, chats["mid"])  # unselects the open chat, which stays current
    assert set(panel.selected_ids()) == {chats["old"], chats["pinned"]}
    panel.delete_current()
    assert _titles(panel) == ["Rust lifetimes", "Trip to Kyoto"]
    assert panel.current_id() == chats["mid"]


def test_the_context_menu_deletes_the_whole_selection(
    qtbot, panel: ConversationList, store, chats
) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    panel.select(chats["new"])
    _ctrl_click(qtbot, panel, chats["mid"])
    menu = panel.context_menu(panel.model.index(panel.model.row_of(chats["mid"]), 0))
    delete = next(a for a in menu.actions() if a.text() == "Delete")
    delete.trigger()
    assert _titles(panel) == ["Pinned notes", "Old recipe"]
    panel.undo_delete()
    assert len(store.list()) == 4
