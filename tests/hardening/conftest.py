"""Hardening tests reuse the window fixtures of tests/gui (temp folders, loopback server)."""

from __future__ import annotations

import pytest

from tests.gui.conftest import (  # noqa: F401 - fixtures are found by name
    OFFSCREEN_SIZE_HINTS,
    _app_look_kept,
    _collect_on_the_gui_thread,
    config_dir,
    data_dir,
    make_window,
    server,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/hardening/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS))
