"""Print the app version from pyproject.toml, the one place it is written.

Build scripts call this (``python build_scripts/version.py``) so the bundle, every installer and
the app's own ``__version__`` (package metadata, built from the same file) always agree.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def project_version() -> str:
    """The ``[project] version`` of pyproject.toml."""
    with PYPROJECT.open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


if __name__ == "__main__":
    print(project_version())
    sys.exit(0)
