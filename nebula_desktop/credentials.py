"""What counts as a credential in settings: one rule for names, values and URLs (no Qt).

Settings are a plain file that ends up in backups; keys belong in the system keyring. This module
is the only place that decides what looks like a credential, used by the settings loader (unknown
fields, header names and values, the base URL and the proxy), by the profile editor's checks and
by the settings copy inside a backup:

- :func:`is_credential_name`: field or header names such as ``api_key``, ``Authorization``,
  ``X-Auth``, ``passwd``, ``cookie``, ``credentials``, ``my_bearer`` (but not ``max_tokens``);
- :func:`looks_like_credential`: values such as ``Bearer …``, ``sk-…`` style keys and other
  well-known token shapes, a user name and password inside a URL, ``?key=…`` in a URL;
- :func:`scrub_url`: the URL without its user info and credential parameters;
- :func:`scrub_data`: a copy of unknown JSON without credential-named keys and credential-looking
  values, walked iteratively (a deeply nested file cannot exhaust the stack).

Every check is linear in the length of its input: no regular expression here can backtrack over
a long run of characters more than once.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

__all__ = [
    "is_credential_name",
    "looks_like_credential",
    "scrub_data",
    "scrub_url",
    "scrub_value",
]

# Whole words (after splitting on separators and camelCase) that name a credential.
_NAME_WORDS = frozenset(
    {"key", "keys", "token", "auth", "oauth", "pass", "pwd", "cred", "creds", "jwt", "bearer"}
)
# Pieces that name a credential wherever they appear in the name (``accesstoken``, ``APIKEY``).
_NAME_PIECES = (
    "password", "passwd", "passphrase", "secret", "credential", "authoriz", "authent",
    "cookie", "bearer", "apikey", "apitoken", "accesstoken", "accesskey", "refreshtoken",
    "authtoken", "idtoken", "sessiontoken", "privatekey",
)  # fmt: skip
# Names that contain a credential word but hold no secret (settings of this app).
_SAFE_NAMES = frozenset({"needskey", "maxtokens"})


@cache
def _word_re() -> re.Pattern[str]:
    return re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


# Well-known key shapes. Each alternative starts with a fixed prefix, and a key never follows a
# letter, digit, "_" or "-" (``task-1234…`` is not ``sk-…``).
@cache
def _key_re() -> re.Pattern[str]:
    return re.compile(
        r"(?<![A-Za-z0-9_-])(?:"
        r"sk-(?P<sk>[A-Za-z0-9_-]{8,})"  # OpenAI and the many gateways that copy it
        r"|[sr]k_(?:live|test)_[A-Za-z0-9]{8,}"  # Stripe
        r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
        r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
        r"|AIza[0-9A-Za-z_-]{30,}"  # Google
        r"|AKIA[0-9A-Z]{16}"  # AWS
        r"|(?:hf|gsk)_[A-Za-z0-9]{20,}"  # Hugging Face, Groq
        r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\."  # a JSON web token
        r")"
    )


# Every key shape above contains one of these; a text without any is not searched further.
_KEY_HINTS = ("sk-", "k_live_", "k_test_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
              "xox", "AIza", "AKIA", "hf_", "gsk_", "eyJ")  # fmt: skip


# Spelled out instead of (?i): a pattern that starts with a plain character class is found
# by a fast scan, which keeps a long text cheap to check.
@cache
def _scheme_re() -> re.Pattern[str]:
    return re.compile(
        r"(?:[Bb][Ee][Aa][Rr][Ee][Rr]|[Bb][Aa][Ss][Ii][Cc])\s+(?P<tok>[A-Za-z0-9._~+/=-]{8,})"
    )


@cache
def _url_stop() -> re.Pattern[str]:
    return re.compile(r"[/?#]")


@cache
def _param_split() -> re.Pattern[str]:
    return re.compile(r"[?&#;]")


def is_credential_name(name: str) -> bool:
    """True for field and header names that could hold a credential.

    ``api_key``, ``apiKey``, ``Authorization``, ``X-Auth``, ``X-Auth-Token``, ``passwd``,
    ``cookie``, ``credentials``, ``client_secret``, ``my_bearer``; not ``max_tokens`` or
    ``needs_key`` (settings of this app) nor ``author`` or ``keyboard``.
    """
    words = [w.lower() for w in _word_re().findall(name)]
    joined = "".join(words)
    if joined in _SAFE_NAMES:
        return False
    if any(w in _NAME_WORDS for w in words):
        return True
    return any(piece in joined for piece in _NAME_PIECES)


def _tokenish(text: str) -> bool:
    """A run that reads like a generated secret rather than a word: has a digit, or is long."""
    return len(text) >= 20 or any(c.isdigit() for c in text)


def _url_holds_credential(token: str) -> bool:
    """For one whitespace-free piece of text holding ``://``: user info, or a key parameter."""
    for rest in token.split("://")[1:]:
        stop = _url_stop().search(rest)
        authority = rest[: stop.start()] if stop else rest
        if "@" in authority:
            return True
    for param in _param_split().split(token)[1:]:
        name, sep, value = param.partition("=")
        if sep and value and is_credential_name(name):
            return True
    return False


def looks_like_credential(value: str) -> bool:
    """True when ``value`` holds something that reads like a credential.

    A ``Bearer``/``Basic`` authorization value, an ``sk-…`` style key or another well-known
    token shape (GitHub, Slack, Google, AWS, Hugging Face, JSON web tokens), a URL with a user
    name (and password) in it, or a URL with a key parameter (``?key=…``, ``&access_token=…``).
    """
    if "%" in value and _holds_credential(unquote(value)):
        return True  # percent-encoded, as in a query string or a proxy URL
    return _holds_credential(value)


def _holds_credential(value: str) -> bool:
    if any(hint in value for hint in _KEY_HINTS):
        for match in _key_re().finditer(value):
            body = match.group("sk")
            if body is None or _tokenish(body):
                return True
    for match in _scheme_re().finditer(value):
        start = match.start()
        if (start == 0 or not value[start - 1].isalpha()) and _tokenish(match.group("tok")):
            return True
    if "://" in value:
        return any(_url_holds_credential(t) for t in value.split() if "://" in t)
    return False


def _clean_params(text: str) -> str:
    """``a=1&key=sk-…`` without the pieces that name or hold a credential (others untouched)."""
    kept = []
    for piece in text.split("&"):
        name, _sep, value = piece.partition("=")
        name, value = unquote(name), unquote(value)
        if is_credential_name(name) or looks_like_credential(value):
            continue
        kept.append(piece)
    return "&".join(kept)


def scrub_url(url: str) -> str:
    """``url`` without credentials: user info, key parameters in the query or fragment.

    ``https://user:sk-…@host/v1?key=sk-…&x=1`` becomes ``https://host/v1?x=1``. A URL whose
    path itself holds a key (``/v1/sk-…/``) cannot be repaired: the result is ``""``. A URL
    without credentials comes back exactly as given.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return "" if looks_like_credential(url) else url
    netloc = parts.netloc.rpartition("@")[2]
    if any(looks_like_credential(unquote(seg)) for seg in parts.path.split("/")):
        return ""
    clean = SplitResult(
        parts.scheme, netloc, parts.path, _clean_params(parts.query), _clean_params(parts.fragment)
    )
    if clean == parts:
        return url
    return urlunsplit(clean)


def scrub_value(value: str) -> str | None:
    """``value`` fit for a settings file: a URL loses its credentials; other credentials None."""
    if "://" in value and not any(c.isspace() for c in value.strip()):
        clean = scrub_url(value)
        return clean if clean and not looks_like_credential(clean) else None
    return None if looks_like_credential(value) else value


# A path is kept as links to its parent; only the last few steps are ever spelled out.
_Path = tuple[Any, str] | None
_PATH_STEPS = 8


def _spell(where: str, path: _Path) -> str:
    """``where`` plus ``plugin.list[1]`` for ``path`` (``…`` when deeper than a notice needs)."""
    steps: list[str] = []
    while path is not None and len(steps) < _PATH_STEPS:
        path, step = path
        steps.append(step)
    text = "".join(reversed(steps)).lstrip(".")
    return where + ("…" + text if path is not None else text)


def scrub_data(value: Any, dropped: list[str], where: str = "") -> Any:
    """A copy of JSON ``value`` without credentials, for settings this version does not know.

    Keys named like a credential and string values that look like one are left out; a URL
    keeps everything but its credentials. What was removed is named (never its value) in
    ``dropped``, as ``where`` plus the path of the key (``plugin.client_secret``). The walk
    uses its own stack, so any depth is fine.
    """
    if isinstance(value, str):
        clean_text = scrub_value(value)
        if clean_text != value:
            dropped.append(where.rstrip("."))
        return clean_text
    if not isinstance(value, dict | list):
        return value
    root: dict[str, Any] | list[Any] = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any, _Path]] = [(value, root, None)]
    while stack:
        source, target, parent = stack.pop()
        is_dict = isinstance(source, dict)
        for key, item in source.items() if is_dict else enumerate(source):
            path: _Path = (parent, f".{key}" if is_dict else f"[{key}]")
            if is_dict and (is_credential_name(str(key)) or looks_like_credential(str(key))):
                dropped.append(_spell(where, path))
                continue
            if isinstance(item, dict | list):
                clean: Any = {} if isinstance(item, dict) else []
                stack.append((item, clean, path))
            elif isinstance(item, str):
                clean = scrub_value(item)
                if clean != item:
                    dropped.append(_spell(where, path))
                if clean is None:
                    continue
            else:
                clean = item
            if isinstance(target, dict):
                target[key] = clean
            else:
                target.append(clean)
    return root
