"""Runs the real app (``nebula_desktop.app.main`` with the given arguments) and, once the window
has loaded, sends one chat message as a user pressing Enter would — so a test can kill the
process with SIGKILL in the middle of the streamed answer.

    python -m tests.hardening.app_driver --data-dir D --config-dir C [--key-from-stdin]

With ``--key-from-stdin`` the first stdin line is the API key, served in place of the keyring
(for machines without a Secret Service); without it the app reads the real keyring.
"""

from __future__ import annotations

import sys

MESSAGE = "Tell me a long story"


def main(argv: list[str]) -> int:
    from nebula_desktop import app, secrets
    from nebula_desktop.ui.window import main_window

    if "--key-from-stdin" in argv:
        argv = [a for a in argv if a != "--key-from-stdin"]
        key = sys.stdin.readline().strip()
        secrets.get_key = lambda profile_id: key  # type: ignore[assignment]

    original_load = main_window.MainWindow.load

    def load_then_send(self: main_window.MainWindow) -> None:
        from PySide6.QtCore import QTimer

        self.loaded.connect(lambda: QTimer.singleShot(0, lambda: self.controller.send(MESSAGE)))
        original_load(self)

    main_window.MainWindow.load = load_then_send  # type: ignore[method-assign]
    print("driver: starting", flush=True)
    return app.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
