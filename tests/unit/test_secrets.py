"""The key store: keys live in the OS keyring only; a missing keyring is explained, not bypassed.

Tests marked ``keyring`` use the REAL Secret Service: run them with
``dbus-run-session -- bash tools/with-keyring.sh .venv/bin/pytest tests/unit/test_secrets.py``.
Elsewhere they are skipped — except in CI (CI=true), where a missing Secret Service fails.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import chainer, fail

from nebula_desktop import secrets
from nebula_desktop.secrets import (
    SERVICE,
    KeyringUnavailableError,
    delete_key,
    get_key,
    keyring_status,
    set_key,
)

LINUX_HINT = (
    "Install and unlock a Secret Service keyring such as GNOME Keyring (package gnome-keyring) "
    "or KWallet, then restart Nebula Desktop."
)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def backend_restored() -> Iterator[None]:
    """Tests that swap the keyring backend put the real one back afterwards."""
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)


class _Failing(keyring.backend.KeyringBackend):
    """A backend whose every call fails the way a broken Secret Service does."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


def _dbus_error() -> Exception:
    cls: Any = type("DBusErrorResponse", (Exception,), {"__module__": "jeepney.wrappers"})
    return cls("org.freedesktop.DBus.Error.ServiceUnknown")


def test_no_keyring_backend_in_a_fresh_process_explains_what_to_install(tmp_path: Path) -> None:
    script = (
        "from nebula_desktop.secrets import set_key, KeyringUnavailableError\n"
        "try:\n    set_key('p', 'sk-secret-value')\n"
        "except KeyringUnavailableError as e:\n    print(e)\n"
    )
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": str(REPO),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert "API keys cannot be stored or read" in out.stdout
    if sys.platform.startswith("linux"):
        assert LINUX_HINT in out.stdout
    assert "sk-secret-value" not in out.stdout + out.stderr
    # Never falls back to a file: nothing at all was written in HOME.
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.usefixtures("backend_restored")
def test_fail_backend_makes_every_call_raise_with_the_hint() -> None:
    keyring.set_keyring(fail.Keyring())
    for call in (lambda: get_key("p"), lambda: set_key("p", "k"), lambda: delete_key("p")):
        with pytest.raises(KeyringUnavailableError) as info:
            call()
        if sys.platform.startswith("linux"):
            assert LINUX_HINT in str(info.value)
    usable, why = keyring_status()
    assert not usable
    assert "cannot be stored" in why


@pytest.mark.usefixtures("backend_restored")
def test_chainer_without_backends_counts_as_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = chainer.ChainerBackend()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(empty)
    with pytest.raises(KeyringUnavailableError, match="no keyring service"):
        get_key("p")


@pytest.mark.usefixtures("backend_restored")
@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (keyring.errors.KeyringLocked("Failed to unlock the collection!"), "locked"),
        (keyring.errors.InitError("Failed to create the collection"), "Failed to create"),
        (keyring.errors.NoKeyringError("No recommended backend"), "no keyring service"),
        (_dbus_error(), "ServiceUnknown"),
    ],
)
def test_locked_or_missing_secret_service_is_reported_not_crashed(
    exc: Exception, reason: str
) -> None:
    keyring.set_keyring(_Failing(exc))
    with pytest.raises(KeyringUnavailableError, match=reason):
        set_key("p", "sk-1")
    with pytest.raises(KeyringUnavailableError):
        get_key("p")
    usable, why = keyring_status()
    assert not usable
    assert reason in why


@pytest.mark.usefixtures("backend_restored")
def test_a_failing_write_never_echoes_the_key(caplog: pytest.LogCaptureFixture) -> None:
    key = "sk-live-abcdef0123456789"
    keyring.set_keyring(_Failing(keyring.errors.PasswordSetError(f"could not store {key}")))
    with pytest.raises(KeyringUnavailableError) as info:
        set_key("p", key)
    assert key not in str(info.value)
    assert info.value.__cause__ is None
    assert key not in caplog.text


def test_profile_id_must_be_given() -> None:
    with pytest.raises(ValueError):
        get_key("")


# -- the real Secret Service ----------------------------------------------------------------


@pytest.fixture
def real_keyring() -> Iterator[str]:
    """A unique profile id on the real Secret Service, cleaned up afterwards."""
    if os.environ.get("NEBULA_TEST_SECRET_SERVICE") != "1":
        message = "needs a real Secret Service: run under tools/with-keyring.sh"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    profile = f"test-{uuid.uuid4().hex}"
    yield profile
    with contextlib.suppress(KeyringUnavailableError):
        delete_key(profile)


@pytest.mark.keyring
def test_key_round_trips_through_the_real_secret_service(real_keyring: str) -> None:
    assert secrets.keyring_status()[0], secrets.keyring_status()[1]
    assert get_key(real_keyring) is None
    set_key(real_keyring, "sk-tëst-ключ-🔑")
    assert get_key(real_keyring) == "sk-tëst-ключ-🔑"
    assert keyring.get_password(SERVICE, real_keyring) == "sk-tëst-ключ-🔑"
    set_key(real_keyring, "sk-replaced")
    assert get_key(real_keyring) == "sk-replaced"
    delete_key(real_keyring)
    assert get_key(real_keyring) is None


@pytest.mark.keyring
def test_deleting_a_key_that_was_never_stored_is_harmless(real_keyring: str) -> None:
    delete_key(real_keyring)
    delete_key(real_keyring)
    assert get_key(real_keyring) is None


@pytest.mark.keyring
def test_keys_of_different_profiles_are_kept_apart(real_keyring: str) -> None:
    other = real_keyring + "-b"
    try:
        set_key(real_keyring, "key-a")
        set_key(other, "key-b")
        assert get_key(real_keyring) == "key-a"
        assert get_key(other) == "key-b"
        set_key(real_keyring, "")  # an empty key removes it
        assert get_key(real_keyring) is None
        assert get_key(other) == "key-b"
    finally:
        delete_key(other)


LOCK_SCRIPT = """
import secretstorage
from nebula_desktop.secrets import KeyringUnavailableError, get_key, keyring_status
conn = secretstorage.dbus_init()
secretstorage.get_default_collection(conn).lock()
try:
    get_key("anything")
except KeyringUnavailableError as exc:
    print("ERROR:", exc)
print("STATUS:", keyring_status())
"""


@pytest.mark.keyring
def test_a_locked_secret_service_is_reported_with_what_to_do(
    real_keyring: str, tmp_path: Path
) -> None:
    # Its own private keyring: a locked collection cannot be unlocked again without a prompt.
    script = tmp_path / "lock.py"
    script.write_text(LOCK_SCRIPT)
    out = subprocess.run(
        [
            "dbus-run-session",
            "--",
            "bash",
            str(REPO / "tools" / "with-keyring.sh"),
            sys.executable,
            str(script),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    assert "ERROR: The system keyring cannot be used (the keyring is locked)" in out.stdout
    assert LINUX_HINT in out.stdout
    assert "STATUS: (False," in out.stdout


@pytest.mark.keyring
def test_status_names_the_real_backend(real_keyring: str) -> None:
    usable, why = keyring_status()
    assert usable
    assert "system keyring" in why
