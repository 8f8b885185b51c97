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
        from importlib.metadata import PackageNotFoundError, version

        try:
            _version = version("nebula-desktop")
        except PackageNotFoundError:  # a source tree that was never installed
            _version = "0.0.0+source"
    return _version
