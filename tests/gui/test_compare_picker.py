"""Turning Compare on: the toggle next to the model box (or Ctrl+Shift+M) opens a picker of
2–4 models from every profile's list; the choice is remembered; the panel stacks its columns in
a narrow window; and nothing of it loads before it is first used."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from nebula_desktop.settings import SettingsStore
from tests.gui.helpers import send, wait_for
from tests.servers import CHAT_PATH, LoopbackServer, sse_reply


def _open_picker(qtbot: Any, window: Any) -> Any:
    qtbot.keyClick(
        window,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    picker = window.compare.picker
    assert picker is not None and picker.isVisible()
    return picker


def test_the_picker_takes_two_to_four_models_and_remembers_them(
    qtbot: Any, make_window: Any, config_dir: Any
) -> None:
    from nebula_desktop.ui.compare.picks import Pick

    store = SettingsStore(config_dir)
    settings = store.load()
    settings.profile("ai-nebula").models_cache = ["m1", "m2", "m3", "m4", "m5"]
    store.save(settings)
    window = make_window(model="m1")
    assert not window.header.compare.isChecked()
    qtbot.mouseClick(window.header.compare, Qt.MouseButton.LeftButton)
    picker = window.compare.picker
    ok = picker.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert picker.list.count() == 5 and not ok.isEnabled()
    for name in ("m3", "m1"):
        picker.set_checked(Pick("ai-nebula", name), True)
    assert ok.isEnabled()
    for name in ("m2", "m4", "m5"):
        picker.set_checked(Pick("ai-nebula", name), True)
    # A fifth is refused on the spot, with the reason.
    assert [p.model for p in picker.picks()] == ["m3", "m1", "m2", "m4"]
    assert "At most 4" in picker.count.text()
    picker.set_checked(Pick("ai-nebula", "m4"), False)
    picker.name.setText("typed-model")
    qtbot.keyClick(picker.name, Qt.Key.Key_Return)  # a model by name, not in any list
    assert [p.model for p in picker.picks()] == ["m3", "m1", "m2", "typed-model"]
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert window.header.compare.isChecked() and window.header.compare.text() == "⇆ 4"
    assert window.menus.actions["compare"].isChecked()

    # Clicking again turns Compare off; the next picker starts from the same choice, also
    # after a restart (it is kept in the settings file).
    qtbot.mouseClick(window.header.compare, Qt.MouseButton.LeftButton)
    assert not window.header.compare.isChecked() and not window.compare.on
    make_window.close(window)
    again = make_window(model="m1")
    picker = _open_picker(qtbot, again)
    assert [p.model for p in picker.picks()] == ["m3", "m1", "m2", "typed-model"]
    picker.reject()
    assert not again.header.compare.isChecked()


def test_a_narrow_window_stacks_the_answers(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    from nebula_desktop.ui.compare.picks import Pick

    server.default[CHAT_PATH] = lambda rec: sse_reply(["Hi ", rec.json["model"]])
    window = make_window()
    window.compare.set_picks([Pick("ai-nebula", f"model-{i}") for i in range(2)])
    send(qtbot, window, "Hello")
    session = window.compare.session
    wait_for(qtbot, session.busy_changed, lambda: not session.busy)
    panel = window.compare.panel
    window.resize(800, 600)  # the offscreen screen is 800 x 600
    window.splitter.setSizes([100, 700])
    qtbot.waitUntil(lambda: panel.splitter.orientation() == Qt.Orientation.Horizontal)
    window.splitter.setSizes([700, 100])  # the chat list takes most of the window
    qtbot.waitUntil(lambda: panel.splitter.orientation() == Qt.Orientation.Vertical)
    assert [c.lane.answer.content for c in panel.columns] == ["Hi model-0", "Hi model-1"]


def test_the_compare_room_is_not_loaded_with_the_window() -> None:
    code = (
        "import sys\n"
        "import nebula_desktop.ui.window.main_window\n"
        "print(sorted(m for m in sys.modules if m.startswith('nebula_desktop.ui.compare')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_compare_loads_the_renderer_before_its_requests_go_out() -> None:
    # Its one-off import took 60 ms: paid between four streams' first tokens, it was P10's
    # worst GUI gap. A fresh process, as at the first compare after start-up.
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from nebula_desktop.store import Conversation, Message\n"
        "from nebula_desktop.ui.compare.picks import Pick\n"
        "from nebula_desktop.ui.compare.session import CompareSession\n"
        "class Run:\n"
        "    def __init__(self):\n"
        "        from PySide6.QtCore import QObject, Signal\n"
        "        class S(QObject):\n"
        "            changed = Signal(str); ended = Signal(object, str)\n"
        "            save_due = Signal(object); delta = Signal(str, str, str)\n"
        "        self.s = S(); self.changed, self.ended = self.s.changed, self.s.ended\n"
        "        self.save_due, self.active, self.worker = self.s.save_due, None, self.s\n"
        "    def start(self, conv, answer, params):\n"
        "        print('markdown_it' in sys.modules)\n"
        "conv = Conversation(id='c', title='', created_at=0.0, updated_at=0.0)\n"
        "print('markdown_it' in sys.modules)\n"
        "picks = [Pick('p', 'a'), Pick('p', 'b')]\n"
        "CompareSession.start(conv, Message('user', 'hi'), picks, [Run(), Run()],\n"
        "                     lambda c: [], lambda p, c, h: {}, lambda c: None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]
