"""The core stays Qt-free: the client, store, renderer, exchange and settings import no Qt and
nothing from ui/ (../shared/STYLE.md — arrows point one way)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import nebula_desktop

CORE_PACKAGES = ("api", "store", "render", "exchange")
CORE_MODULES = (
    "atomicfile", "attachments", "backup", "logging_setup", "paths", "presets", "profile",
    "secrets", "settings", "settings_reader",
)  # fmt: skip


def _core_modules() -> list[str]:
    root = Path(nebula_desktop.__file__).parent
    names = [f"nebula_desktop.{name}" for name in CORE_MODULES]
    for package in CORE_PACKAGES:
        names.append(f"nebula_desktop.{package}")
        names += [
            f"nebula_desktop.{package}.{info.name}"
            for info in pkgutil.iter_modules([str(root / package)])
        ]
    return names


def test_core_modules_import_no_qt_and_no_ui() -> None:
    modules = _core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', "
        "'nebula_desktop.ui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the core pulled in: {out.stdout.strip()}"
    assert len(modules) > 20  # the walk really found the core
