"""What the first window costs: what the real app has loaded once it has shown the last chat.

The app runs as a process (``--smoke-test``, offscreen) on a data folder with chats, a second
time (as every start but the very first: the render cache holds the last chat); a small
wrapper looks inside it when the window has loaded and painted, just before it closes: which
modules are imported, which shared libraries are mapped, what linecache holds, which icon the
window has. Everything listed here is only needed on a user's action (a key, a request, an
export, the settings) or not at all, so the first paint must not pay for it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.gui.test_app import ANSWER, dirs, run_app

# Nothing of these may be imported when the window first shows: the network stack, the
# keyring (and its D-Bus), the Markdown parser and highlighter (the render cache paints the
# last chat), dialogs opened from a menu, the exporters, importlib.metadata (the version is
# read from dist-info directly, after the window is up).
NOT_AT_START = (
    "requests",
    "urllib3",
    "charset_normalizer",
    "idna",
    "keyring",
    "secretstorage",
    "jeepney",
    "dbus",
    "markdown_it",
    "pygments",
    "latex2mathml",
    "importlib.metadata",
    "PySide6.QtSvg",
    "nebula_desktop.api",
    "nebula_desktop.secrets",
    "nebula_desktop.exchange.exporter",
    "nebula_desktop.ui.settings.dialog",
    "nebula_desktop.ui.data.export_dialog",
    "nebula_desktop.ui.data.backup_dialog",
    # Backups, the import of chats, and MCP tools (their session, turns and approval card): on use.
    "nebula_desktop.backup",
    "nebula_desktop.exchange",
    "nebula_desktop.tools.model",
    "nebula_desktop.ui.chat.tool_card",
    "nebula_desktop.ui.chat.tool_loop",
    "nebula_desktop.tools.session",
    # The renderer's parser, token walk and stream image scanner: on a cache miss or a stream.
    "nebula_desktop.render.parser",
    "nebula_desktop.render.html_writer",
    "nebula_desktop.render.formula_marks",
    "nebula_desktop.render.stream_images",
    # html (its table of 2,200 entities) and uuid (it loads platform): on use.
    "html",
    "uuid",
    "platform",
)

# Runs the app's own main(); records the process's state when the smoke test closes the window
# (after load, the first paint and the store check).
_WRAPPER = """
import enum, json, linecache, sys

imported = []  # module names in the order the app first imports them

compiled = []  # source texts compiled at run time for data classes' methods

def on_audit(event, args):
    if event == "import" and args[0] not in sys.modules:
        imported.append(args[0])
    elif event == "compile" and "__create_fn__" in str(args[0]):
        compiled.append(1)

sys.addaudithook(on_audit)

sources_read = []  # files whose lines went through linecache (inspect.getsource and tracebacks)
update_cache = linecache.updatecache

def recording_update_cache(filename, module_globals=None):
    sources_read.append(filename)
    return update_cache(filename, module_globals)

linecache.updatecache = recording_update_cache
import nebula_desktop.app as app

seen = {}
run_smoke_test = app._smoke_test

def qt_enum_types():
    # PySide builds a class's enums as Python Enum types the first time the class is used.
    found, todo = set(), list(enum.Enum.__subclasses__())
    while todo:
        kind = todo.pop()
        todo.extend(kind.__subclasses__())
        if (kind.__module__ or "").startswith("PySide6."):
            found.add(kind.__qualname__)
    return sorted(found)

def _log_lines():
    import logging
    for handler in logging.getLogger().handlers:
        handler.flush()
        name = getattr(handler, "baseFilename", None)
        if name:
            with open(name, encoding="utf-8") as log:
                return len(log.read().splitlines())
    return 0

def smoke_test(qapp, window, reporter, out):
    close = window.close

    def record_then_close():
        try:
            with open("/proc/self/maps", encoding="utf-8") as maps:
                libraries = sorted({line.split()[-1] for line in maps if "/" in line})
        except OSError:
            libraries = None
        icon = qapp.windowIcon()
        seen.update(
            modules=sorted(sys.modules),
            libraries=libraries,
            linecache_files=len(linecache.cache),
            sources_read=sources_read,
            data_class_texts_compiled=len(compiled),
            icon_sizes=[size.width() for size in icon.availableSizes()],
            qt_enums=qt_enum_types(),
            qt_types=sorted(
                name
                for module in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets")
                for name, value in vars(sys.modules[module]).items()
                if isinstance(value, type)
            ),
            import_order=list(dict.fromkeys(imported)),
            log_lines=_log_lines(),
            app_style_sheet=qapp.styleSheet(),
        )
        return close()

    window.close = record_then_close
    run_smoke_test(qapp, window, reporter, out)

app._smoke_test = smoke_test
rc = app.main(sys.argv[1:])
print("FOOTPRINT " + json.dumps(seen))
sys.exit(rc)
"""


def _seed(data_dir: Path, config_dir: Path) -> None:
    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.store import ConversationStore, Message

    with ConversationStore(data_dir) as store:
        last = None
        for n in range(5):
            conv = store.create(title=f"Chat {n} 京都", model="gpt-4o-mini")
            conv.messages.append(Message(role="user", content="How do I reverse a string?"))
            conv.messages.append(Message(role="assistant", content=ANSWER))
            store.save(conv)
            last = conv.id
    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    settings.last_conversation_id = last
    settings_store.save(settings)


def _smoke_test(tmp_path: Path, *python_args: str) -> subprocess.CompletedProcess[str]:
    """``python <python_args> --smoke-test`` on the folders of ``tmp_path``, as the app starts."""
    return run_app(tmp_path, *dirs(tmp_path), "--smoke-test", python=python_args)


def _enum_types_of(footprint: dict[str, object], classes: tuple[str, ...]) -> list[str]:
    """The Python enum types PySide built for ``classes`` (names such as "QStyle.PixelMetric")."""
    names: list[str] = footprint["qt_enums"]  # type: ignore[assignment]
    return [name for name in names if name.split(".")[0] in classes]


@pytest.fixture(scope="module")
def footprint(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp_path = tmp_path_factory.mktemp("footprint")
    _seed(tmp_path / "data", tmp_path / "config")
    # A first start renders the chat and fills the render cache, as any earlier session has.
    first = _smoke_test(tmp_path, "-m", "nebula_desktop")
    assert first.returncode == 0, first.stdout + first.stderr
    out = _smoke_test(tmp_path, "-c", _WRAPPER)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok: 5 conversation(s)" in out.stdout, out.stdout
    line = next(x for x in out.stdout.splitlines() if x.startswith("FOOTPRINT "))
    seen: dict[str, object] = json.loads(line.removeprefix("FOOTPRINT "))
    return seen


def test_first_window_imports_nothing_only_a_user_action_needs(
    footprint: dict[str, object],
) -> None:
    modules = set(footprint["modules"])  # type: ignore[arg-type]
    loaded = sorted(
        name for name in modules if any(name == n or name.startswith(n + ".") for n in NOT_AT_START)
    )
    assert loaded == [], f"imported before the first window was done: {loaded}"


def test_first_window_loads_no_svg_engine_and_keeps_its_png_icon(
    footprint: dict[str, object],
) -> None:
    libraries = footprint["libraries"]
    if libraries is None:
        pytest.skip("no /proc/self/maps on this system")
    svg = [lib for lib in libraries if "Qt6Svg" in lib or "qsvgicon" in lib]  # type: ignore[attr-defined]
    assert svg == [], f"the SVG engine was loaded for the first window: {svg}"
    # The window still has its icon, at every size a window manager or the About box asks for.
    sizes = footprint["icon_sizes"]
    assert {16, 32, 48, 64, 128, 256} <= set(sizes), sizes  # type: ignore[arg-type]


# Widget classes the window does not have. The first ``viewport()`` of a scroll area Qt made
# itself sent PySide through every QWidget subclass, building their ~35 enum types (~6 ms and
# ~1 MB at start-up, once); the list views' viewports are made in Python now.
ABSENT_WIDGETS = (
    "QCalendarWidget",
    "QColorDialog",
    "QFontDialog",
    "QGraphicsView",
    "QLCDNumber",
    "QMdiArea",
    "QMdiSubWindow",
    "QRhiWidget",
    "QWizard",
)


def test_first_window_builds_no_qt_types_of_widgets_it_does_not_have(
    footprint: dict[str, object],
) -> None:
    built = _enum_types_of(footprint, ABSENT_WIDGETS)
    assert built == [], f"enum types built for widgets the window does not have: {built}"


def test_first_window_has_no_application_style_sheet(footprint: dict[str, object]) -> None:
    # An application style sheet runs every widget through Qt's style-sheet engine (~27 M
    # instructions before the first paint) for rules that match about ten widgets; those get
    # their looks as their own sheets (ui/common/looks.py, tests/gui/test_theme.py).
    assert footprint["app_style_sheet"] == ""


# Dialogs only a user's action opens (attach files, import, a custom context length, the
# system prompt, the shortcuts list, sync conflicts), addresses only opening a link or the
# log folder needs, and the chat bar's Context menu (its entries are made when it opens).
ON_DEMAND = ("QFileDialog", "QInputDialog", "QDialogButtonBox", "QUrl", "QActionGroup")


def test_first_window_builds_no_types_of_dialogs_or_links_it_has_not_opened(
    footprint: dict[str, object],
) -> None:
    built = _enum_types_of(footprint, ON_DEMAND)
    assert built == [], f"enum types built for dialogs or links nobody opened: {built}"


# Qt-free modules the start-up code itself imports. Once PySide6 is imported it reads the source
# of every module imported after it (its ``__feature__`` check, ~0.45 M instructions a module),
# so these come before Qt.
BEFORE_QT = (
    "nebula_desktop.settings",
    "nebula_desktop.store",
    "nebula_desktop.render.cache",
)


def test_first_window_logs_to_its_file_without_logging_handlers(
    footprint: dict[str, object],
) -> None:
    # logging.handlers imports socket, pickle, queue and more (~20 M instructions) for one
    # rotating file; the log rotates with a small handler of our own (test_logging_setup).
    modules = set(footprint["modules"])  # type: ignore[arg-type]
    assert "logging.handlers" not in modules
    assert footprint["log_lines"], "nothing was logged to the file by the first window"


def test_first_paint_builds_no_qstyle_enum_types(footprint: dict[str, object]) -> None:
    # Naming QStyle, reading app.style() or an item's ``option.state`` makes PySide build all of
    # QStyle's Python enums (StandardPixmap, PixelMetric, StyleHint…: ~47 M instructions). The
    # theme keeps the platform's style without asking it its name, and the two delegates ask
    # their view whether a row is selected, focused or active.
    built = _enum_types_of(footprint, ("QStyle",))
    assert built == [], f"QStyle enum types built before the first paint: {built}"


def test_start_imports_its_qt_free_core_before_qt(footprint: dict[str, object]) -> None:
    order: list[str] = footprint["import_order"]  # type: ignore[assignment]
    qt = order.index("PySide6.QtCore")
    late = [name for name in BEFORE_QT if name in order[qt:]]  # (or not imported at all)
    assert late == [], f"imported after PySide6 (its source is read again): {late}"


def test_first_window_does_not_keep_the_sources_of_its_modules(
    footprint: dict[str, object],
) -> None:
    # PySide6 reads every module's source at import; ~100 files (~4 MB) stayed in linecache.
    assert footprint["linecache_files"] < 20, footprint["linecache_files"]


def test_pyside_finds_its_users_among_the_window_modules_without_reading_their_source(
    footprint: dict[str, object],
) -> None:
    # PySide6 asks of every module imported after it whether it uses PySide6, through
    # inspect.getsource (~0.4 M instructions a module: ~50 M for the window's ~150 modules);
    # the app has it search the file's bytes instead (ui/common/feature_check.py).
    ours = [
        name
        for name in footprint["sources_read"]  # type: ignore[attr-defined]
        if "nebula_desktop" in name
    ]
    assert len(ours) < 5, f"{len(ours)} of the app's sources read through linecache: {ours[:5]}"


def test_first_window_handles_no_event_of_unknown_type_in_python(
    footprint: dict[str, object],
) -> None:
    # A Python ``event()``, ``eventFilter()`` or ``viewportEvent()`` receives events of any
    # type: at the first one PySide builds the type of every QEvent subclass it might be (~50
    # types with their enums: focus, tablet, gesture, graphics-scene events...). The window's
    # handlers take typed events (resizeEvent, dropEvent, a delegate's helpEvent), and the
    # search field's Esc filter is installed only while it holds text.
    never_handled = ("QFocusEvent", "QTabletEvent", "QGraphicsSceneEvent", "QNativeGestureEvent")
    built = [name for name in never_handled if name in footprint["qt_types"]]  # type: ignore[operator]
    assert built == [], f"event types built by a generic event handler: {built}"


def test_a_second_start_compiles_no_data_class_methods(footprint: dict[str, object]) -> None:
    # @dataclass compiles the source of its methods for each class (~110 texts, ~50 M
    # instructions for the first window's); their code is kept from the last start
    # (nebula_desktop/code_cache.py), so a start compiles none of them.
    assert footprint["data_class_texts_compiled"] == 0
