"""Where Nebula Desktop keeps its files: per-user folders from platformdirs.

Each folder can be overridden by an environment variable (tests, portable installs, and the
``--data-dir`` / ``--config-dir`` options set these before anything else runs).
Nothing here creates folders: callers create what they write into.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "nebula-desktop"


def _override(env: str) -> Path | None:
    value = os.environ.get(env, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Conversations and the index (``NEBULA_DATA_DIR`` overrides)."""
    override = _override("NEBULA_DATA_DIR")
    if override is not None:
        return override
    # Imported here: platformdirs is small, but start-up only pays for what it uses.
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """``settings.json`` (``NEBULA_CONFIG_DIR`` overrides)."""
    override = _override("NEBULA_CONFIG_DIR")
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Disposable caches (``NEBULA_CACHE_DIR`` overrides)."""
    override = _override("NEBULA_CACHE_DIR")
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Rotating log files (``NEBULA_LOG_DIR`` overrides)."""
    override = _override("NEBULA_LOG_DIR")
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
