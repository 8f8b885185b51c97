"""One running app per data folder: a second launch asks the first to raise its window."""

from __future__ import annotations

import getpass
import hashlib
import logging
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

_MESSAGE = b"activate\n"
_REPLY = b"ok\n"


def server_name(data_dir: str) -> str:
    """A socket name unique per user and data folder (short: some OSes limit socket paths)."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name (containers): the uid still separates users
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    digest = hashlib.sha1(f"{user}\0{os.path.realpath(data_dir)}".encode()).hexdigest()[:16]
    return f"nebula-desktop-{digest}"


def activate_running(name: str, timeout_ms: int = 1500) -> bool:
    """Ask a running instance to show itself; True when it answered."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(_MESSAGE)
    socket.flush()
    socket.waitForBytesWritten(timeout_ms)
    answered = socket.waitForReadyRead(timeout_ms) and bytes(socket.readAll().data()) == _REPLY
    socket.disconnectFromServer()
    return answered


class SingleInstance(QObject):
    """Listens for later launches on the same data folder and emits ``activate_requested``."""

    activate_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_server_new_connection)

    def listen(self) -> bool:
        """Start listening; clears a socket left behind by a crashed instance."""
        ok = self._server.listen(self.name)
        if not ok:
            QLocalServer.removeServer(self.name)
            ok = self._server.listen(self.name)
        if ok:
            log.info("single instance: listening for later launches")
        else:
            log.warning("single-instance server unavailable: %s", self._server.errorString())
        return ok

    def close(self) -> None:
        self._server.close()

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_socket_ready_read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_socket_ready_read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(b"activate"):
            log.info("activated by a second launch")
            self.activate_requested.emit()
            socket.write(_REPLY)
            socket.flush()
