"""Start-up: command line, QApplication, main window."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nebula-desktop`` command."""
    from PySide6.QtWidgets import QApplication, QLabel

    from nebula_desktop import APP_NAME

    app = QApplication(sys.argv if argv is None else [sys.argv[0], *argv])
    label = QLabel(APP_NAME)
    label.resize(800, 600)
    label.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
