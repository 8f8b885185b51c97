"""Export, import and sync-conflict merging, driven through the real main window."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nebula_desktop.exchange.exporter import FORMATS
from nebula_desktop.exchange.json_export import export_json
from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.data.export_dialog import ExportDialog
from tests.gui.conftest import TEST_KEY
from tests.gui.helpers import saved_chat
from tests.unit.exchange.chatgpt_fixture import chatgpt_export


def _status(window: Any) -> str:
    return str(window.statusBar().currentMessage())


def test_export_all_chats_to_one_html_page(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    saved_chat(window, "Eggs", "How long to boil?", "Seven minutes.\n\n```python\nboil(7)\n```")
    saved_chat(window, "Tea", "Green or black?", "Green.")
    window.data.actions["export"].trigger()
    dialog = window.data.dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    dialog.set_format("html")
    dialog.set_scope("all")
    target = tmp_path / "out" / "chats.html"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.export_button.click()
    page = target.read_text(encoding="utf-8")
    assert "Eggs" in page and "Tea" in page and "Seven minutes." in page
    assert "<script" not in page and "src=" not in page
    assert "Exported 1 file" in _status(window)


def test_selected_chats_export_one_markdown_file_each(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window()
    a = saved_chat(window, "Alpha", "a?")
    b = saved_chat(window, "Beta", "b?")
    saved_chat(window, "Gamma", "c?")
    panel = window.conv_list
    panel.view.selectAll()
    sel = panel.view.selectionModel()
    sel.clearSelection()
    for conv in (a, b):
        index = panel.model.index(panel.model.row_of(conv.id), 0)
        sel.select(index, sel.SelectionFlag.Select)
    menu = panel.context_menu(panel.model.index(panel.model.row_of(a.id), 0))
    export_entry = panel.add_export_entry(menu)
    assert [x.text() for x in menu.actions() if x.text()][:3] == ["Rename", "Pin", "Export…"]
    with qtbot.waitSignal(panel.export_requested) as requested:
        export_entry.trigger()
    assert sorted(requested.args[0]) == sorted([a.id, b.id])
    dialog = window.data.dialog
    assert dialog.scope() == "selected" and sorted(dialog.chosen_ids()) == sorted([a.id, b.id])
    dialog.set_format("markdown")
    dialog.one_per_chat.setChecked(True)
    folder = tmp_path / "md"
    dialog.path_edit.setText(str(folder))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.export_button.click()
    assert sorted(p.name for p in folder.iterdir()) == ["Alpha.md", "Beta.md"]
    assert (folder / "Alpha.md").read_text(encoding="utf-8").startswith("# Alpha")


def test_export_of_the_open_chat_includes_unsaved_text(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window()
    conv = saved_chat(window, "Open one", "saved question")
    window.open_conversation(conv.id)
    conv.messages.append(Message("assistant", "still streaming, not saved yet"))
    window.data.export([conv.id])
    dialog = window.data.dialog
    assert dialog.scope() == "current"
    dialog.set_format("json")
    target = tmp_path / "one.json"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.export_button.click()
    (exported,) = json.loads(target.read_text(encoding="utf-8"))["conversations"]
    assert exported["messages"][-1]["content"] == "still streaming, not saved yet"


def test_chatgpt_import_adds_the_chats_and_opens_the_first(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window()
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(chatgpt_export()), encoding="utf-8")
    with qtbot.waitSignal(window.data.import_finished, timeout=10000):
        window.data.import_path(str(path))
    titles = [s.title for s in window.ctx.store.list()]
    assert sorted(titles) == ["ChatGPT chat", "Monads"]
    assert window.controller.conv is not None and window.controller.conv.title == "Monads"
    assert window.view.model().rowCount() == len(window.controller.conv.messages) > 0
    assert "Imported 2 chat" in _status(window)
    # Importing the same file again adds nothing.
    with qtbot.waitSignal(window.data.import_finished, timeout=10000):
        window.data.import_path(str(path))
    assert len(window.ctx.store.list()) == 2
    assert "2 already present" in _status(window)


def test_json_export_imports_into_another_data_folder_unchanged(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(offline=True)
    conv = saved_chat(window, "Round trip", "q", "a")
    window.data.export([conv.id])
    dialog = window.data.dialog
    dialog.set_format("json")
    dialog.set_scope("all")
    target = tmp_path / "all.json"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.export_button.click()
    before = {s.id: window.ctx.store.load(s.id).to_dict() for s in window.ctx.store.list()}
    make_window.close(window)
    for f in (tmp_path / "data" / "conversations").iterdir():
        f.unlink()
    window = make_window(offline=True)
    assert window.ctx.store.list() == []
    with qtbot.waitSignal(window.data.import_finished, timeout=10000):
        window.data.import_path(str(target))
    after = {s.id: window.ctx.store.load(s.id).to_dict() for s in window.ctx.store.list()}
    assert after == before


def test_bad_import_file_is_explained(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    path = tmp_path / "notes.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with qtbot.waitSignal(window.data.import_path(str(path)).done, timeout=10000):
        pass
    assert window.notices.error_box is not None
    assert "neither a Nebula Desktop export nor a ChatGPT" in window.notices.error_box.text()


def test_sync_conflict_bar_offers_a_merge_that_keeps_both_versions(
    qtbot: Any, make_window: Any, data_dir: Path
) -> None:
    window = make_window()
    conv = saved_chat(window, "Shared", "question")
    window.open_conversation(conv.id)
    other = Conversation.from_dict(conv.to_dict())
    other.messages.append(Message("assistant", "answer from the laptop"))
    copy = data_dir / "conversations" / f"{conv.id} (Bob's conflicted copy 2024-01-01).json"
    copy.write_text(json.dumps(other.to_dict()), encoding="utf-8")
    assert window.data.conflicts.check() == 1
    bar = window.data.conflicts.bar
    assert bar.isVisible() and "1 conflicting cop" in bar.label.text()
    assert [s.title for s in window.ctx.store.list()] == ["Shared"]  # the copy is not a chat
    bar.review_button.click()
    dialog = window.data.conflicts.dialog
    assert dialog.list.count() == 1 and "Shared" in dialog.list.item(0).text()
    with qtbot.waitSignal(dialog.merged):
        dialog.merge_all_button.click()
    assert not bar.isVisible()
    assert not copy.exists()
    assert (data_dir / "conflicts-merged" / copy.name).exists()
    shown = window.controller.conv
    assert shown.id == conv.id
    assert [m.content for m in shown.messages] == ["question", "answer from the laptop"]
    assert window.view.model().rowCount() == 2


def test_importing_many_chats_saves_them_all_in_steps(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(offline=True)
    convs = [
        Conversation(id=f"chat{i:03d}", title=f"Chat {i}", created_at=1.0 + i, updated_at=2.0 + i)
        for i in range(60)
    ]
    path = tmp_path / "many.json"
    path.write_text(export_json(convs), encoding="utf-8")
    with qtbot.waitSignal(window.data.import_finished, timeout=20000) as finished:
        window.data.import_path(str(path))
    assert len(finished.args[0].added) == 60
    assert len(window.ctx.store.list()) == 60
    assert window.conv_list.model.rowCount() == 60
    assert window.centralWidget().isEnabled()


def test_exports_from_a_window_holding_a_key_never_contain_it(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window()  # the default profile's key is held for this session
    assert TEST_KEY in window.ctx.session_keys.values()
    conv = saved_chat(window, "Secretive", "What is my key?", "I never see it.")
    window.open_conversation(conv.id)
    for fmt in ("markdown", "json", "html"):
        window.data.export([conv.id])
        dialog = window.data.dialog
        dialog.set_format(fmt)
        dialog.set_scope("all")
        target = tmp_path / f"out{FORMATS[fmt]}"
        dialog.path_edit.setText(str(target))
        with qtbot.waitSignal(dialog.exported, timeout=10000):
            dialog.export_button.click()
        text = target.read_text(encoding="utf-8")
        assert "I never see it." in text
        assert TEST_KEY not in text


def test_conflict_copy_already_there_at_start_shows_the_bar_after_loading(
    qtbot: Any, make_window: Any, data_dir: Path
) -> None:
    from nebula_desktop.store import ConversationStore

    with ConversationStore(data_dir) as store:
        conv = store.create(title="Synced")
        conv.messages.append(Message("user", "question"))
        store.save(conv)
        other = Conversation.from_dict(conv.to_dict())
    other.messages.append(Message("assistant", "answer written on the other machine"))
    copy = data_dir / "conversations" / f"{conv.id}.sync-conflict-20261127-101500-ABCDEFG.json"
    copy.write_text(json.dumps(other.to_dict()), encoding="utf-8")
    window = make_window()
    qtbot.waitUntil(lambda: window.data.conflicts.bar.isVisible(), timeout=5000)
    assert "1 conflicting cop" in window.data.conflicts.bar.label.text()
    assert [s.title for s in window.ctx.store.list()] == ["Synced"]
