"""The one place a ``ChatClient`` is built from a profile's settings: the key (the session's,
the one typed, or the keyring's) is registered with the log's redaction before it is used.

Called on worker or pool threads only: reading the keyring may block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nebula_desktop.api import ChatClient
    from nebula_desktop.profile import Profile

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_RETRIES = 2


def make_client(
    base_url: str,
    api_key: str | None,
    *,
    max_retries: int = DEFAULT_RETRIES,
    timeout: float = DEFAULT_TIMEOUT_S,
    extra_headers: dict[str, str] | None = None,
    proxy: str | None = None,
    ca_bundle: str | None = None,
) -> ChatClient:
    """A client for ``base_url``; ``api_key`` is redacted from the log from now on."""
    from nebula_desktop.api import ChatClient

    if api_key:
        from nebula_desktop.logging_setup import register_secret

        register_secret(api_key)  # the log redacts it wherever it might appear
    return ChatClient(
        base_url,
        api_key=api_key or None,
        max_retries=max_retries,
        timeout=timeout,
        extra_headers=extra_headers or None,
        proxy=proxy or None,
        ca_bundle=ca_bundle or None,
    )


def client_from_params(params: dict[str, Any]) -> ChatClient:
    """A client from request params (``chat.request.profile_params``); reads the keyring when
    the profile needs a key and no session key is given."""
    api_key = params.get("api_key")
    if not api_key and params.get("needs_key", True):
        from nebula_desktop.secrets import get_key

        api_key = get_key(str(params.get("profile_id") or ""))
    return make_client(
        str(params["base_url"]),
        api_key,
        max_retries=int(params.get("max_retries", DEFAULT_RETRIES)),
        timeout=float(params.get("timeout") or DEFAULT_TIMEOUT_S),
        extra_headers=dict(params.get("extra_headers") or {}),
        proxy=params.get("proxy") or None,
        ca_bundle=params.get("ca_bundle") or None,
    )


def client_for(
    profile: Profile, key: str | None, *, max_retries: int = DEFAULT_RETRIES, timeout: float = 0
) -> ChatClient:
    """A client for ``profile`` with ``key`` (None: no key is sent); ``timeout`` 0 is the
    profile's own."""
    return make_client(
        profile.base_url,
        key,
        max_retries=max_retries,
        timeout=timeout or float(profile.timeout),
        extra_headers=dict(profile.extra_headers or {}),
        proxy=profile.proxy or None,
        ca_bundle=profile.ca_bundle or None,
    )
