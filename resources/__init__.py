"""The app's bundled files (icons, desktop integration, style sheets), and how to find them.

This folder is the top-level ``resources/`` of the source tree; setup.py maps it to the package
``nebula_desktop.resources``, so the same import works from a source checkout, an installed
wheel and a PyInstaller bundle (whose spec copies it to ``<bundle>/nebula_desktop/resources``).
The helper lives here rather than in ``nebula_desktop/resources.py`` because a module of that
name would clash with this package: in a checkout the module would win, in a wheel the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["resource_path", "resources_root"]


def resources_root() -> Path:
    """The folder holding the resource files, wherever the app is running from."""
    here = Path(__file__).resolve().parent
    if (here / "icons").is_dir():
        return here
    # A frozen app may import this module from its archive, where __file__ points at a folder
    # that holds no data files; the spec puts them under _MEIPASS instead.
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass is not None:
        bundled = Path(meipass) / "nebula_desktop" / "resources"
        if bundled.is_dir():
            return bundled
    return here


def resource_path(*parts: str) -> Path:
    """The path of a resource file, e.g. ``resource_path("icons", "nebula-desktop.svg")``.

    The path is returned even when the file does not exist, so callers can decide how to cope
    (a missing icon is cosmetic; a missing style sheet may not be).
    """
    return resources_root().joinpath(*parts)
