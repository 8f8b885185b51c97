"""Print the app version from pyproject.toml, the one place it is written.

Build scripts call this (``python build_scripts/version.py``) so the bundle, every installer and
the app's own ``__version__`` (package metadata, built from the same file) always agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def project_version() -> str:
    """The ``[project] version`` of pyproject.toml."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11 (a build host's system python3): read the line
        section = PYPROJECT.read_text(encoding="utf-8").split("[project]", 1)[1].split("\n[", 1)[0]
        found = re.search(r'^version\s*=\s*"([^"]+)"', section, re.MULTILINE)
        if found is None:
            raise SystemExit("version.py: no [project] version in pyproject.toml") from None
        return found.group(1)
    with PYPROJECT.open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


if __name__ == "__main__":
    print(project_version())
    sys.exit(0)
