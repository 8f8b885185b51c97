"""A scroll area's viewport made in Python, identical to the one Qt makes.

The viewport a QAbstractScrollArea builds for itself is a QWidget PySide has never seen: the
first ``viewport()`` call makes PySide look for its most derived Python type through every
QWidget subclass it knows, building each one's enums on the way (~35 enum types, ~6 ms and
~1 MB at start-up, once per process). A viewport created here is already known, so
``viewport()`` costs nothing; it gets what Qt gives its own viewport (name, base background
filled), so painting, style sheets, mouse tracking and the rest see no difference.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


def install_viewport(area: QAbstractScrollArea) -> QWidget:
    """Give ``area`` a viewport made in Python (call before anything asks for its viewport)."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    area.setViewport(viewport)  # the area owns it from here; Qt deletes the one it made
    return viewport
