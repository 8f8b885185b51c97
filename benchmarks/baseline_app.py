"""The baseline: a bare PySide6 window of the same shape as the app, started the same way.

A splitter with two QListViews and a QPlainTextEdit; shown, then left until the event loop is
idle (one processEvents pass from the first timer, so every widget has painted), then exits —
what `nebula-desktop --smoke-test` does for the real app.
"""

from __future__ import annotations

import sys


def main() -> int:
    from PySide6.QtCore import QStringListModel, Qt, QTimer
    from PySide6.QtWidgets import (
        QApplication,
        QListView,
        QMainWindow,
        QPlainTextEdit,
        QSplitter,
        QVBoxLayout,
        QWidget,
    )

    app = QApplication(sys.argv)
    window = QMainWindow()
    splitter = QSplitter(Qt.Orientation.Horizontal)
    left = QListView()
    left.setModel(QStringListModel([f"Chat {i}" for i in range(100)], left))
    right = QWidget()
    layout = QVBoxLayout(right)
    messages = QListView()
    messages.setModel(QStringListModel(["hello"] * 10, messages))
    layout.addWidget(messages)
    layout.addWidget(QPlainTextEdit())
    splitter.addWidget(left)
    splitter.addWidget(right)
    window.setCentralWidget(splitter)
    window.resize(1100, 760)
    window.show()

    def settle_and_quit() -> None:
        # As the app's --smoke-test does: one more pass over the queued events (the first
        # paint of every widget happens here), then quit. Quitting straight from the first
        # timer would leave most of the window unpainted and make the baseline look cheaper.
        app.processEvents()
        window.close()
        app.quit()

    QTimer.singleShot(0, settle_and_quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
