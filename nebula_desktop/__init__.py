"""Nebula Desktop: a native desktop chat client for OpenAI-compatible APIs."""

from __future__ import annotations

APP_NAME = "Nebula Desktop"
APP_ID = "nebula-desktop"

_version: str | None = None


def __getattr__(name: str) -> str:
    # The version comes from the package metadata (one place: pyproject.toml). Reading it imports
    # importlib.metadata (~50 ms), so it is done only when something asks, never at start-up.
    global _version
    if name != "__version__":
        raise AttributeError(f"module 'nebula_desktop' has no attribute {name!r}")
    if _version is None:
        _version = _version_from_dist_info()
    if _version is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            _version = version("nebula-desktop")
        except PackageNotFoundError:  # a source tree that was never installed
            _version = "0.0.0+source"
    return _version


def _version_from_dist_info() -> str | None:
    """The ``Version:`` of our installed metadata, found like importlib does: a wheel's
    ``*.dist-info/METADATA`` or an egg's ``*.egg-info/PKG-INFO`` (what an editable install
    makes, and so what the PyInstaller bundle copies).

    importlib.metadata costs ~40 ms to import (email parsing) and the app reads its version
    right after the window is shown; the same file read directly costs well under 1 ms.
    None when not found, so importlib.metadata stays the fallback (and the reference).
    """
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("nebula_desktop-") and name.endswith(".dist-info"):
                headers = "METADATA"
            elif name.startswith("nebula_desktop") and name.endswith(".egg-info"):
                headers = "PKG-INFO"
            else:
                continue
            try:
                with open(os.path.join(entry or ".", name, headers), encoding="utf-8") as fh:
                    for line in fh:
                        if not line.strip():
                            break  # end of the headers
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
            except OSError:
                pass
            return None
    return None
