"""A long conversation list (1,000 chats) in a real window: Qt sees one page of rows at start,
yet scrolling, keys, selecting, restoring, updating, deleting and searching reach every chat."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from nebula_desktop.store import Conversation, ConversationStore, ConversationSummary, Message
from nebula_desktop.ui.conversations.model import (
    PAGE,
    ConversationListModel,
    IdRole,
    in_display_order,
    sort_key,
)
from tests.gui.helpers import send_and_wait, summary_row, wait_for
from tests.servers import sse_reply

COUNT = 1000
BASE_TIME = 1_700_000_000.0


def _chat_id(i: int) -> str:
    return f"chat{i:04d}"


def _id_at_row(row: int) -> str:
    """Newest first: chat 999 is the top row, chat 0 the bottom one."""
    return _chat_id(COUNT - 1 - row)


FAR_DOWN = _id_at_row(900)  # chat0099: four pages below what Qt sees at start


@pytest.fixture(scope="module")
def seeded_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 chats saved once through the real store (copied for each test)."""
    root = tmp_path_factory.mktemp("many") / "data"
    store = ConversationStore(root)
    try:
        for i in range(COUNT):
            conv = Conversation(
                id=_chat_id(i),
                title=f"Chat {i}",
                created_at=BASE_TIME,
                updated_at=BASE_TIME + i,
                model="test-model",  # as the window's top bar sets it
                profile_id="ai-nebula",
            )
            word = "zanzibar" if _chat_id(i) == FAR_DOWN else "weather"
            conv.messages.append(Message("user", f"Question {i} about the {word}"))
            conv.messages.append(Message("assistant", f"Answer {i}"))
            store.save(conv, touch=False)
    finally:
        store.close()
    return root


@pytest.fixture
def many_chats(seeded_folder: Path, data_dir: Path) -> None:
    shutil.copytree(seeded_folder, data_dir)


@pytest.fixture
def window(make_window: Any, many_chats: None) -> Any:
    # No QAbstractItemModelTester here: it calls fetchMore itself on every change, which would
    # hide what the view fetches. The paging model meets it in the property test below.
    return make_window(offline=True)


def _visible(window: Any, conv_id: str) -> bool:
    """``conv_id`` is the list's current row and lies inside the list's viewport."""
    view = window.conv_list.view
    index = view.currentIndex()
    if not index.isValid() or index.data(IdRole) != conv_id:
        return False
    return view.viewport().rect().contains(view.visualRect(index))


def _bottom_id(window: Any) -> str | None:
    view = window.conv_list.view
    index = view.indexAt(QPoint(10, view.viewport().height() - 2))
    return str(index.data(IdRole)) if index.isValid() else None


def _top_id(window: Any) -> str | None:
    index = window.conv_list.view.indexAt(QPoint(10, 2))
    return str(index.data(IdRole)) if index.isValid() else None


def test_long_list_shows_the_newest_first_and_lays_out_only_one_page(window: Any) -> None:
    chats = window.conv_list
    assert chats.view.model().rowCount() == PAGE
    assert chats.model.total() == COUNT
    assert _top_id(window) == _id_at_row(0)
    assert chats.current_id() == _id_at_row(0)  # no last chat saved: the newest opens
    assert not chats.empty_label.isVisible()


def test_scrolling_to_the_bottom_again_and_again_reaches_the_oldest_chat(
    qtbot: Any, window: Any
) -> None:
    bar = window.conv_list.view.verticalScrollBar()

    def scrolled_to_the_oldest() -> bool:
        bar.setValue(bar.maximum())
        return _bottom_id(window) == _id_at_row(COUNT - 1)

    qtbot.waitUntil(scrolled_to_the_oldest, timeout=10000)
    assert window.conv_list.view.model().rowCount() == COUNT


def test_end_key_again_and_again_reaches_the_oldest_chat(qtbot: Any, window: Any) -> None:
    view = window.conv_list.view
    view.setFocus()

    def at_the_oldest() -> bool:
        qtbot.keyClick(view, Qt.Key.Key_End)
        return view.currentIndex().data(IdRole) == _id_at_row(COUNT - 1)

    qtbot.waitUntil(at_the_oldest, timeout=10000)
    qtbot.waitUntil(lambda: _visible(window, _id_at_row(COUNT - 1)))
    assert window.controller.conv.id == _id_at_row(COUNT - 1)  # and it opened


def test_page_down_and_down_keys_walk_past_the_first_page(qtbot: Any, window: Any) -> None:
    view = window.conv_list.view
    view.setFocus()

    def past_the_first_page() -> bool:
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
        return view.currentIndex().row() >= PAGE + 5

    qtbot.waitUntil(past_the_first_page, timeout=10000)
    row = view.currentIndex().row()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().data(IdRole) == _id_at_row(row + 1)
    assert window.controller.conv.id == _id_at_row(row + 1)
    qtbot.waitUntil(lambda: _visible(window, _id_at_row(row + 1)))


def test_selecting_a_chat_far_down_shows_it_selected_in_view(qtbot: Any, window: Any) -> None:
    window.open_conversation(FAR_DOWN)
    assert window.controller.conv.id == FAR_DOWN
    assert window.conv_list.current_id() == FAR_DOWN
    assert window.conv_list.selected_ids() == [FAR_DOWN]
    qtbot.waitUntil(lambda: _visible(window, FAR_DOWN))


def test_last_chat_far_down_is_reopened_and_shown_at_start(
    qtbot: Any, make_window: Any, many_chats: None, config_dir: Path
) -> None:
    from nebula_desktop.settings import SettingsStore

    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    settings.last_conversation_id = FAR_DOWN
    settings_store.save(settings)
    window = make_window(offline=True)
    assert window.controller.conv.id == FAR_DOWN
    assert window.conv_list.current_id() == FAR_DOWN
    qtbot.waitUntil(lambda: _visible(window, FAR_DOWN))


def test_answering_in_an_old_chat_moves_it_to_the_top(
    qtbot: Any, make_window: Any, many_chats: None, server: Any
) -> None:
    server.queue(sse_reply(["Sunny."]))
    window = make_window()
    window.open_conversation(FAR_DOWN)
    send_and_wait(qtbot, window, "And tomorrow?")
    # The row moves once the save is on disk, a moment after the answer ends on a slow disk.
    qtbot.waitUntil(lambda: window.conv_list.model.summaries()[0].id == FAR_DOWN)
    assert window.conv_list.current_id() == FAR_DOWN
    qtbot.waitUntil(lambda: _top_id(window) == FAR_DOWN and _visible(window, FAR_DOWN))


def test_a_hidden_chat_saved_elsewhere_comes_to_the_top(qtbot: Any, window: Any) -> None:
    conv = window.ctx.store.load(FAR_DOWN)
    conv.messages.append(Message("assistant", "Updated on the laptop"))
    window.ctx.store.save(conv)  # now: the newest
    window.conv_list.summary_changed(FAR_DOWN)  # what the window does after a save
    assert window.conv_list.model.summaries()[0].id == FAR_DOWN
    assert window.conv_list.view.model().index(0, 0).data(IdRole) == FAR_DOWN
    window.conv_list.view.scrollToTop()
    qtbot.waitUntil(lambda: _top_id(window) == FAR_DOWN)
    assert window.controller.conv.id == _id_at_row(0)  # the open chat stays open


def test_deleting_a_hidden_chat_takes_it_out_of_the_list(qtbot: Any, window: Any) -> None:
    gone = _id_at_row(950)
    window.conv_list.delete(gone)
    assert gone not in {s.id for s in window.ctx.store.list()}
    assert window.conv_list.model.row_of(gone) < 0
    assert window.conv_list.model.total() == COUNT - 1
    bar = window.conv_list.view.verticalScrollBar()

    def scrolled_to_the_oldest() -> bool:
        bar.setValue(bar.maximum())
        return _bottom_id(window) == _id_at_row(COUNT - 1)

    qtbot.waitUntil(scrolled_to_the_oldest, timeout=10000)
    model = window.conv_list.view.model()
    shown = {model.index(r, 0).data(IdRole) for r in range(model.rowCount())}
    assert gone not in shown and len(shown) == COUNT - 1


def test_deleting_the_open_chat_far_down_opens_its_neighbour(qtbot: Any, window: Any) -> None:
    window.open_conversation(FAR_DOWN)
    window.conv_list.view.setFocus()
    qtbot.keyClick(window.conv_list.view, Qt.Key.Key_Delete)
    neighbour = _id_at_row(901)  # the next one down takes its row
    assert window.conv_list.current_id() == neighbour
    assert window.controller.conv.id == neighbour
    qtbot.waitUntil(lambda: _visible(window, neighbour))


def test_search_finds_an_old_chat_and_opens_it(qtbot: Any, window: Any) -> None:
    chats = window.conv_list
    chats.focus_search()
    qtbot.keyClicks(chats.search_edit, "zanzibar")
    searched = chats.search_edit.filter_changed
    wait_for(qtbot, searched, lambda: [s.id for s in chats.model.summaries()] == [FAR_DOWN])
    qtbot.keyClick(chats.search_edit, Qt.Key.Key_Return)
    assert window.controller.conv.id == FAR_DOWN
    assert _visible(window, FAR_DOWN)
    qtbot.keyClick(chats.search_edit, Qt.Key.Key_Escape)  # back to every chat, it stays shown
    wait_for(qtbot, searched, lambda: chats.model.total() == COUNT)
    qtbot.waitUntil(lambda: _visible(window, FAR_DOWN))


def test_select_all_selects_every_chat_not_only_the_shown_page(qtbot: Any, window: Any) -> None:
    view = window.conv_list.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.conv_list.selected_ids()) == COUNT


def test_store_lists_chats_in_the_lists_display_order_ties_included(tmp_path: Path) -> None:
    # The list takes store.list() as it is (no re-sort): ties in time must break by id too.
    store = ConversationStore(tmp_path / "data")
    try:
        for n, conv_id in enumerate(["m", "b", "z", "a", "q", "c"]):
            conv = Conversation(id=conv_id, title=conv_id, created_at=0, updated_at=float(n % 2))
            conv.pinned = conv_id in ("z", "c")
            store.save(conv, touch=False)
        rows = store.list()
        assert rows == in_display_order(rows)
        assert [s.id for s in rows] == ["c", "z", "a", "b", "m", "q"]
    finally:
        store.close()


def test_paged_model_keeps_every_row_in_order_through_any_changes(qapp: QApplication) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    op = st.tuples(
        st.sampled_from(["upsert", "remove", "fetch", "ensure", "reset"]),
        st.integers(0, 11),  # which chat (or row)
        st.booleans(),  # pinned
        st.integers(0, 4),  # age bucket: ties are likely
    )

    @settings(max_examples=300, deadline=None)
    @given(st.lists(op, max_size=40))
    def check(ops: list[tuple[str, int, bool, int]]) -> None:
        model = ConversationListModel(page_size=3)
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
        expected: dict[str, ConversationSummary] = {}
        for kind, i, pinned, age in ops:
            if kind == "upsert":
                summary = summary_row(i, pinned, age)
                model.upsert(summary)
                expected[summary.id] = summary
            elif kind == "remove":
                model.remove(f"id{i}")
                expected.pop(f"id{i}", None)
            elif kind == "fetch":
                if model.canFetchMore(QModelIndex()):
                    model.fetchMore(QModelIndex())
            elif kind == "ensure":
                assert model.ensure_shown(i) == (i < len(expected))
                assert i >= len(expected) or model.rowCount() > i
            else:
                model.set_summaries(list(expected.values()))
            rows = sorted(expected.values(), key=sort_key)
            assert model.summaries() == rows
            assert model.total() == len(rows)
            # What Qt sees is the start of the whole list, never short of a page while more wait.
            shown = [model.index(r, 0).data(IdRole) for r in range(model.rowCount())]
            assert shown == [s.id for s in rows[: len(shown)]]
            assert len(shown) >= min(3, len(rows))
            assert model.canFetchMore(QModelIndex()) == (len(shown) < len(rows))

    check()
