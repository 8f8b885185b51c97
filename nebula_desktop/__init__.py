"""Nebula Desktop: a native desktop chat client for OpenAI-compatible APIs."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nebula-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "Nebula Desktop"
APP_ID = "nebula-desktop"
