"""API keys in the operating system's keyring — and nowhere else.

Service ``nebula-desktop``, user name = profile id. When no usable keyring exists (no backend,
a locked or missing Secret Service, D-Bus trouble) every call raises
:class:`KeyringUnavailableError`, whose message tells the user what to install; there is
deliberately no fallback to a file. ``keyring`` is imported on first use because picking a
backend talks to D-Bus, which start-up should not wait for. Calls may block (an unlock
prompt), so the UI makes them off the GUI thread. Keys are never logged.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

SERVICE = "nebula-desktop"
# A user name no profile uses: reading it tells whether the keyring answers at all.
_PROBE_USER = "__nebula_desktop_probe__"
# Exceptions from these modules mean "the Secret Service could not be reached or used".
_DBUS_MODULES = ("secretstorage", "jeepney", "dbus")

log = logging.getLogger(__name__)


def install_hint() -> str:
    """What the user should do to get a working keyring on this OS."""
    if sys.platform == "darwin":
        return "Unlock your login keychain in Keychain Access, then restart Nebula Desktop."
    if sys.platform == "win32":
        return (
            "Make sure Windows Credential Manager is available for your account, "
            "then restart Nebula Desktop."
        )
    return (
        "Install and unlock a Secret Service keyring such as GNOME Keyring "
        "(package gnome-keyring) or KWallet, then restart Nebula Desktop."
    )


class KeyringUnavailableError(Exception):
    """No usable keyring: the key cannot be stored. ``str()`` says what to install."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        why = self.reason or "no usable keyring was found"
        return (
            f"The system keyring cannot be used ({why}), so API keys cannot be stored or read. "
            f"{install_hint()}"
        )


def _validate_profile(profile_id: str) -> None:
    if not isinstance(profile_id, str) or not profile_id:
        raise ValueError("profile id must be a non-empty string")


def _backend() -> Any:
    """The active keyring backend, or KeyringUnavailableError if it can never store a key."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError as exc:
        raise KeyringUnavailableError("the Python keyring module is not installed") from exc
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # backend discovery itself can fail in odd environments
        raise KeyringUnavailableError(_reason(exc)) from exc
    if isinstance(backend, fail.Keyring) or type(backend).__module__ == "keyring.backends.null":
        raise KeyringUnavailableError("no keyring service is running")
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise KeyringUnavailableError("no keyring service is running")
    return backend


def _reason(exc: BaseException) -> str:
    """A short, key-free description of why the keyring failed."""
    from keyring import errors

    if isinstance(exc, errors.KeyringLocked):
        return "the keyring is locked"
    if isinstance(exc, errors.NoKeyringError):
        return "no keyring service is running"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _is_keyring_failure(exc: BaseException) -> bool:
    from keyring import errors

    if isinstance(exc, errors.KeyringError | errors.InitError):
        return True
    module = type(exc).__module__ or ""
    return module.split(".")[0] in _DBUS_MODULES or isinstance(exc, ConnectionError)


def get_key(profile_id: str) -> str | None:
    """The stored key of ``profile_id``, or None if none is stored."""
    _validate_profile(profile_id)
    backend = _backend()
    try:
        value = backend.get_password(SERVICE, profile_id)
    except Exception as exc:
        if _is_keyring_failure(exc):
            log.warning("keyring read failed for profile %s: %s", profile_id, type(exc).__name__)
            raise KeyringUnavailableError(_reason(exc)) from exc
        raise
    return value if isinstance(value, str) else None


def set_key(profile_id: str, key: str) -> None:
    """Store ``key`` for ``profile_id`` in the keyring (an empty key deletes it)."""
    _validate_profile(profile_id)
    if not key:
        delete_key(profile_id)
        return
    backend = _backend()
    try:
        backend.set_password(SERVICE, profile_id, key)
    except Exception as exc:
        if _is_keyring_failure(exc):
            log.warning("keyring write failed for profile %s: %s", profile_id, type(exc).__name__)
            # `from None`: a backend's message or traceback must never carry the key onward.
            raise KeyringUnavailableError(_reason(exc).replace(key, "…")) from None
        raise


def delete_key(profile_id: str) -> None:
    """Forget the key of ``profile_id``; nothing happens if none is stored."""
    _validate_profile(profile_id)
    from keyring import errors

    backend = _backend()
    try:
        backend.delete_password(SERVICE, profile_id)
    except errors.PasswordDeleteError:
        return  # nothing stored: already the state the caller wants
    except Exception as exc:
        if _is_keyring_failure(exc):
            log.warning("keyring delete failed for profile %s: %s", profile_id, type(exc).__name__)
            raise KeyringUnavailableError(_reason(exc)) from exc
        raise


def keyring_status() -> tuple[bool, str]:
    """(usable, user-facing explanation). Touches the keyring: call off the GUI thread."""
    try:
        backend = _backend()
        try:
            backend.get_password(SERVICE, _PROBE_USER)
        except Exception as exc:
            if _is_keyring_failure(exc):
                raise KeyringUnavailableError(_reason(exc)) from exc
            raise
    except KeyringUnavailableError as exc:
        return False, str(exc)
    name = getattr(backend, "name", "") or type(backend).__name__
    return True, f"API keys are stored in the system keyring ({name})."
