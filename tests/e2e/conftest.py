"""Real-window fixtures: a private Xvfb display and the tools to look at it.

Locally a missing Xvfb (or ImageMagick's ``import``, or ``xwininfo``) skips these tests with the
package to install; on CI (``CI=true``) it fails them, so the real-window check can never
silently stop running there.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator

import pytest

# Debian packages providing each tool, for the skip/fail message.
_TOOLS = {"Xvfb": "xvfb", "import": "imagemagick", "identify": "imagemagick",
          "convert": "imagemagick", "xwininfo": "x11-utils", "xprop": "x11-utils"}  # fmt: skip


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_tools(*tools: str) -> None:
    """Skip (locally) or fail (on CI) when one of the command-line tools is missing."""
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    debs = sorted({_TOOLS.get(t, t) for t in missing})
    message = f"needs {', '.join(missing)}: apt-get install {' '.join(debs)}"
    if _on_ci():
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A fresh Xvfb server on a free display (``":N"``), stopped after the session.

    ``-displayfd`` lets Xvfb choose a free display number itself and write it to a pipe once it
    accepts connections, so there is no guessing, no lock-file race and no fixed wait.
    """
    require_tools("Xvfb")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], 15.0)
        number = os.read(read_fd, 32).decode().strip() if ready else ""
        if not number:
            proc.kill()
            _, err = proc.communicate(timeout=5)
            pytest.fail(f"Xvfb did not start: {err.decode(errors='replace')[-2000:]}")
        yield f":{number}"
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
