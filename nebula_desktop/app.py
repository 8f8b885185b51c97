"""Start-up: command line, logging, QApplication, single instance, the main window.

Start-up is sacred: Qt and the window come first, the conversation and the network only after
the window is shown. Heavy modules (requests, markdown, pygments) load lazily from there.
"""

from __future__ import annotations

import argparse
import gc
import linecache
import logging
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger("nebula_desktop")

# How long --screenshot waits after loading (events processed first) before grabbing the window.
_SCREENSHOT_SETTLE_MS = 400
# When the render cache is pruned (age and size cap): not at start-up, where it would compete.
_RENDER_CACHE_PRUNE_MS = 20_000
# When the renderer (Markdown parser, highlighter) is loaded on a background queue: after the
# window is up, before a user opens a chat the render cache does not hold.
_RENDERER_WARM_UP_MS = 1000
# The window icon's PNG sizes in resources/icons (the SVG is their source).
_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options; anything else (Qt's own, e.g. ``-platform``) is passed on to Qt."""
    parser = argparse.ArgumentParser(
        prog="nebula-desktop",
        description="A native desktop chat client for OpenAI-compatible APIs.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="keep conversations in DIR")
    parser.add_argument("--config-dir", metavar="DIR", help="keep settings in DIR")
    parser.add_argument(
        "--screenshot", metavar="FILE", help="show the window, save a PNG of it to FILE, exit"
    )
    parser.add_argument(
        "--smoke-test", action="store_true", help="start, load everything, exit 0 (or 1 and why)"
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--check-parts",
        action="store_true",
        help="load every part used on demand (Markdown, math, documents, MCP, keyring), exit",
    )
    return parser.parse_known_args(argv)


def _render_cache_folder(args: argparse.Namespace) -> Path:
    from nebula_desktop import paths

    # Like the log: a portable/test data folder keeps its cache beside it, so its chats' text
    # never lands in this machine's user cache folder.
    if args.data_dir and not os.environ.get("NEBULA_CACHE_DIR"):
        return Path(args.data_dir).resolve() / "cache" / "render"
    return paths.cache_dir() / "render"


def _log_folder(args: argparse.Namespace) -> Path:
    from nebula_desktop import paths

    # A portable/test data folder keeps its log beside it, unless a log folder is forced.
    if args.data_dir and not os.environ.get("NEBULA_LOG_DIR"):
        return Path(args.data_dir).resolve() / "logs"
    return paths.log_dir()


class _ErrorReporter:
    """Logs every unexpected exception and shows it without blocking the window."""

    def __init__(self) -> None:
        self.window: Any = None
        self.count = 0

    def install(self) -> None:
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception

    def _on_exception(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        self.count += 1
        log.error("unexpected error", exc_info=(kind, value, tb))
        if self.window is None:
            traceback.print_exception(kind, value, tb)
            return
        try:
            from PySide6.QtCore import QCoreApplication

            self.window.notices.show_error(
                QCoreApplication.translate(
                    "MainWindow",
                    "Something went wrong: {error}\n\nThe details are in the log file "
                    "(Help → Open log folder). You can keep working.",
                ).format(error=f"{type(value).__name__}: {value}")
            )
        except Exception:  # never let the reporter itself take the app down
            traceback.print_exception(kind, value, tb)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        self.count += 1
        log.error(
            "unexpected error in thread %s",
            getattr(args.thread, "name", "?"),
            exc_info=args.exc_value if args.exc_value is not None else True,
        )


def run() -> None:
    """The ``nebula-desktop`` command: :func:`main`, then leave at once (ui/common/leaving.py:
    everything is on disk by then). An exception out of ``main()`` leaves the ordinary way."""
    from nebula_desktop.ui.common.leaving import leave

    leave(main())


def main(argv: list[str] | None = None) -> int:
    """Run the app with ``argv`` (the command line by default); returns the exit status."""
    # Start-up creates hundreds of thousands of long-lived objects (modules, Qt wrappers, the
    # index) and almost no garbage (~500 objects); the cyclic GC would traverse them over and
    # over (~15 ms at 100 chats, ~50 ms at 10 000). It is paused until the window has loaded,
    # then they are frozen out of all later collections.
    gc.disable()
    try:
        return _main(argv)
    finally:
        _resume_gc()


def _resume_gc(collector: Any = None) -> None:
    """Start-up is over: freeze what it made; from now on collect on the GUI thread
    (``collector``, a ``GuiThreadCollector``), or automatically when there is none (exit)."""
    if not gc.isenabled():
        gc.freeze()
        if collector is not None:
            collector.start()  # keeps automatic collection off: cycles die on the GUI thread
        else:
            gc.enable()


def _main(argv: list[str] | None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    import nebula_desktop
    from nebula_desktop import APP_NAME

    if args.version:
        print(f"{APP_NAME} {nebula_desktop.__version__}")
        return 0
    if args.check_parts:
        from nebula_desktop import self_check

        return self_check.main()
    if args.data_dir:
        os.environ["NEBULA_DATA_DIR"] = str(Path(args.data_dir).resolve())
    if args.config_dir:
        os.environ["NEBULA_CONFIG_DIR"] = str(Path(args.config_dir).resolve())
    headless = bool(args.screenshot or args.smoke_test)

    from nebula_desktop import code_cache, paths

    # Before the first data class is defined (the store's): their methods' compiled code from
    # the last run (see code_cache.py).
    code_cache.install(_render_cache_folder(args).parent / "code" / "dataclasses.bin")

    from nebula_desktop.store import prescan

    # Before Qt and before any thread: a helper process checks every conversation file against
    # the index on the other core while this one builds the window (big folders only).
    checker = prescan.start(paths.data_dir())
    try:
        return _run(args, qt_args, headless, checker)
    finally:
        if checker is not None:
            checker.cancel()  # unless the store took its answer


def _run(args: Any, qt_args: list[str], headless: bool, checker: Any) -> int:
    import nebula_desktop
    from nebula_desktop import APP_ID, APP_NAME, code_cache, paths
    from nebula_desktop.logging_setup import setup_logging

    log_folder = _log_folder(args)
    try:
        setup_logging(log_folder)
    except OSError as error:  # an unwritable log folder must not stop the app
        print(f"Logging disabled: {error}", file=sys.stderr)
    reporter = _ErrorReporter()
    reporter.install()

    from nebula_desktop.render import cache as render_cache
    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.store import ConversationStore, StoreLockedError

    # isort: split
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from nebula_desktop.ui.common.feature_check import use_byte_search

    use_byte_search()  # before the window's ~150 modules: PySide6 looks into each one's source

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(_window_icon())

    def fail(message: str) -> int:
        log.error("start-up failed: %s", message)
        if headless:
            print(message, file=sys.stderr)
        else:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, APP_NAME, message)
        return 1

    data = paths.data_dir()
    instance = None
    if not headless:
        from nebula_desktop.ui.common.single_instance import (
            SingleInstance,
            activate_running,
            server_name,
        )

        name = server_name(str(data))
        if activate_running(name):
            print(f"{APP_NAME} is already running; its window was brought to the front.")
            return 0
        instance = SingleInstance(name)
        instance.listen()

    from nebula_desktop.ui.common.i18n import install_translators

    try:
        settings_store = SettingsStore(paths.config_dir())
        settings = settings_store.load()
    except Exception as error:
        install_translators("")  # the OS language, for the message below
        text = QCoreApplication.translate("MainWindow", "Could not read the settings: {error}")
        return fail(text.format(error=error))
    # The language before any widget exists: widgets take their texts when they are built.
    install_translators(settings.language)
    try:
        # The index is trusted at once; every file is checked against it right after the
        # window has loaded (_verify_store), not before the window exists.
        store = ConversationStore(
            data,
            verify_later=True,
            prescan=checker,
            backup_before_migration=_backup_before_migration,
        )
    except StoreLockedError:
        return fail(
            QCoreApplication.translate(
                "MainWindow",
                "Another {app} is already using the data folder\n{folder}\n\n"
                "Close it first (only one app may write the conversations at a time).",
            ).format(app=APP_NAME, folder=data)
        )
    except Exception as error:
        return fail(
            QCoreApplication.translate(
                "MainWindow", "Could not open the data folder {folder}: {error}"
            ).format(folder=data, error=error)
        )

    # Rendered messages from the last session: the first chat paints without importing
    # markdown-it and Pygments or building a lexer (most of what start-up adds to bare Qt).
    rendered = render_cache.enable(_render_cache_folder(args))

    from nebula_desktop.ui.common.app_context import AppContext
    from nebula_desktop.ui.common.theme import apply_font_size, apply_theme
    from nebula_desktop.ui.window.main_window import MainWindow

    # Whatever source PySide6 still read through linecache (see feature_check) is never read
    # again; a traceback reads the lines it shows anew.
    linecache.clearcache()

    # Theme and font before the window exists: widgets are polished once, at creation, instead
    # of again when a style sheet lands on a finished window (start-up is sacred).
    shown: list[Any] = []

    def on_dark_changed(now_dark: bool) -> None:  # the OS switched light/dark while running
        for each in shown:
            each.set_dark(now_dark)

    dark = apply_theme(app, settings.theme, on_dark_changed)
    if settings.font_size:
        apply_font_size(app, settings.font_size)
    ctx = AppContext(settings_store, store, settings, offline=headless, log_dir=str(log_folder))
    window = MainWindow(ctx)
    shown.append(window)
    window.set_dark(dark)
    if settings.font_size:
        window.view.set_font_point_size(settings.font_size)
    window.view.set_render_math(settings.render_math)
    reporter.window = window
    if instance is not None:
        instance.activate_requested.connect(window.activate)
    window.show()

    outcome = {"rc": 0}
    if args.smoke_test:
        QTimer.singleShot(0, lambda: _smoke_test(app, window, reporter, outcome))
    elif args.screenshot:
        QTimer.singleShot(0, lambda: _screenshot(app, window, args.screenshot, outcome))
    else:
        QTimer.singleShot(0, window.load)
        QTimer.singleShot(0, lambda: _verify_store(window))
        QTimer.singleShot(_RENDERER_WARM_UP_MS, lambda: _warm_up_renderer(window))
    from nebula_desktop.ui.common.collector import GuiThreadCollector

    collector = GuiThreadCollector(app)
    QTimer.singleShot(0, lambda: _resume_gc(collector))  # after the load above: start-up is over
    # Reading the version imports importlib.metadata (~50 ms): after the window is up.
    QTimer.singleShot(0, lambda: app.setApplicationVersion(nebula_desktop.__version__))
    if rendered is not None:
        # Pruning scans the cache folder: on its thread, well after the window is up.
        QTimer.singleShot(_RENDER_CACHE_PRUNE_MS, rendered.prune_later)
    rc = app.exec()
    if window.isVisible():
        window.close()
    store.close()
    if rendered is not None:
        rendered.close(timeout=2.0)  # let this session's new entries reach the disk
    code_cache.save()
    if instance is not None:
        instance.close()
    return rc or outcome["rc"]


def _window_icon() -> Any:
    """The app icon, from its PNG renderings (16-256 px: every size a window system asks for).

    The SVG would load Qt's SVG icon engine and QtSvg before the first paint (~1.6 MB) to draw
    the same picture; make_icons.py keeps the PNGs in step with it (a packaging test checks).
    """
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    from nebula_desktop.resources import resource_path

    icon = QIcon()
    for size in _ICON_SIZES:
        path = resource_path("icons", f"nebula-desktop-{size}.png")
        icon.addFile(str(path), QSize(size, size))
    return icon


def _backup_before_migration(data: Path) -> None:
    """The zip of the data folder the store asks for before it migrates an old file."""
    from nebula_desktop.backup import pre_migration_backup  # rare: keep start-up light

    pre_migration_backup(data)


def _warm_up_renderer(window: Any) -> None:
    from nebula_desktop.render.markdown import warm_up

    window.runner.serial("renders").run(warm_up)


def _verify_store(window: Any) -> None:
    """Apply the store's postponed check of every file (``verify_later``) to the window.

    Files added, removed or edited while the app was closed show up here; a file that turned
    out unreadable is reported like the ones found at start.
    """
    store = window.ctx.store
    known = len(store.problems)
    if store.verify():
        window.conv_list.reload()
    fresh = store.problems[known:]
    if fresh and not window.ctx.offline:
        window.notices.show_problems(fresh)


def _smoke_test(app: Any, window: Any, reporter: _ErrorReporter, out: dict[str, int]) -> None:
    """Load like a normal start, then report: exit 0, or print why and exit 1."""
    store = window.ctx.store
    try:
        window.load()
        app.processEvents()
        _verify_store(window)
        last = window.ctx.settings.last_conversation_id
        known = {s.id for s in store.list()}
        opened = window.controller.conv.id if window.controller.conv is not None else None
        if last in known and opened != last:
            raise RuntimeError(f"the last conversation ({last}) could not be opened")
        if reporter.count:
            raise RuntimeError(f"{reporter.count} unexpected error(s); see the log")
        for problem in getattr(store, "problems", []):
            print(f"notice: {problem}")
        conv = window.controller.conv
        print(f"ok: {len(store.list())} conversation(s); open: {conv.title if conv else 'none'}")
    except Exception as error:
        log.exception("smoke test failed")
        print(f"smoke test failed: {error}", file=sys.stderr)
        out["rc"] = 1
    window.close()
    app.exit(out["rc"])


def _screenshot(app: Any, window: Any, path: str, out: dict[str, int]) -> None:
    """Load, let the event queue settle, then save a PNG of the window and exit."""
    from PySide6.QtCore import QTimer

    def grab() -> None:
        app.processEvents()
        if not window.grab().save(path, "PNG"):
            print(f"could not write the screenshot to {path}", file=sys.stderr)
            out["rc"] = 1
        window.close()
        app.exit(out["rc"])

    try:
        window.load()
        _verify_store(window)
    except Exception as error:
        log.exception("loading for the screenshot failed")
        print(f"screenshot failed: {error}", file=sys.stderr)
        out["rc"] = 1
    app.processEvents()
    QTimer.singleShot(_SCREENSHOT_SETTLE_MS, grab)


if __name__ == "__main__":
    sys.exit(main())
