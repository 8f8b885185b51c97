"""Images that arrive inside an answer, without Qt: found, checked, moved into attachments.

An image model's answer carries pictures three ways: ``data:`` URIs in the Markdown text
(``![alt](data:image/png;base64,…)``), OpenAI-style content parts (``{"type": "image_url",
"image_url": {"url": "data:…"}}``) and the ``images`` list OpenRouter-style gateways add to the
``message`` or ``delta`` (the accumulator in ``api/`` collects both as URLs). At the end of the
answer :func:`take_answer_images` moves each ``data:`` image out of the text into the message's
attachments (the stored form of :func:`attachments.image_attachment`, keeping the image's own
bytes) and leaves a short placeholder (``[image 1]``) in its place, so the text stays small and
no base64 is ever sent back (``context.request_messages`` also never sends an answer's images).

Every image is checked before any work is done on it: the base64 length bounds the bytes before
decoding (the attachment limit, :data:`attachments.MAX_IMAGE_BYTES`), and the width and height
read from its header bound the pixels before anything decodes them (a small PNG can declare
40,000 × 40,000 pixels: a decompression bomb). A refused image leaves a line saying why in
its place. A remote ``http(s)`` image is never fetched by itself: it stays in the text as
Markdown, which the renderer shows as a placeholder with its host and a "Load image" link;
:func:`fetch_image` is what that click runs (off the GUI thread): no key, no profile headers, no
cookies, the profile's proxy, the byte cap before decoding and the same pixel check.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from nebula_desktop.attachments import MAX_ATTACHMENTS, MAX_IMAGE_BYTES, format_size
from nebula_desktop.attachments import image_attachment as _stored_image
from nebula_desktop.tokens import _header_size

__all__ = [
    "MAX_ANSWER_IMAGES",
    "MAX_IMAGE_PIXELS",
    "ImageRefused",
    "decode_data_url",
    "decode_image",
    "fetch_image",
    "strip_inline_images",
    "take_answer_images",
]

MAX_ANSWER_IMAGES = MAX_ATTACHMENTS  # images one answer keeps, as one message may carry
MAX_IMAGE_PIXELS = 40_000_000  # width × height from the header: a bomb decodes to 4 bytes a pixel
MAX_IMAGE_SIDE = 20_000  # pixels on one side (a 1 × 40,000,000 strip is no picture either)
FETCH_TIMEOUT_S = 20.0
_MAX_REDIRECTS = 3
_READ = 65536
# base64 characters that decode to at most MAX_IMAGE_BYTES (4 characters: 3 bytes), plus padding
_MAX_B64 = (MAX_IMAGE_BYTES + 2) // 3 * 4

# The formats Qt decodes in every build, by their signature; the mime comes from the bytes,
# never from what the model or server claims.
_FORMATS = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"BM", "image/bmp", "bmp"),
)


# ![alt](data:image/…;base64,…) with an optional "title"; the base64 run stops at the first
# character that cannot be in it, so a scan is linear however long the run.
@cache
def _markdown_data() -> re.Pattern[str]:
    return re.compile(
        r"!\[(?P<alt>[^\]\n]{0,300})\]\(\s*<?(?P<url>data:image/[A-Za-z0-9.+-]{1,40};base64,"
        r"[A-Za-z0-9+/=]*)>?(?:\s+\"[^\"\n]{0,300}\")?\s*\)"
    )


# Any base64 image in text that goes back to a server (64+ characters: not a mention of one).
@cache
def _inline_data() -> re.Pattern[str]:
    return re.compile(
        r"data:image/[A-Za-z0-9.+-]{1,40};base64,[A-Za-z0-9+/=]{64,}(?:\r?\n[A-Za-z0-9+/=]{64,})*"
    )


@cache
def _alt_clean() -> re.Pattern[str]:
    return re.compile(r"[\[\]\n\r\t]+")


NOT_SHOWN = "[image {n} not shown: {reason}]"
TOO_LARGE = "it is {size}; the limit is {limit}"
TOO_MANY_PIXELS = "it is {width:,} × {height:,} pixels; the limit is {limit} megapixels"
NOT_AN_IMAGE = "it is not a PNG, JPEG, GIF, WebP or BMP image"
DAMAGED = "its data is damaged"
TOO_MANY = "an answer keeps at most {limit} images"
NOT_AN_ADDRESS = "it is not an image address"
DROPPED = "the server sent more image data than an answer keeps"


class ImageRefused(ValueError):
    """An image that is not shown; ``str()`` says why, in words (after "not shown: ")."""


def decode_image(data: bytes, name: str = "") -> dict[str, Any]:
    """The stored attachment for the encoded image ``data`` (PNG, JPEG, GIF, WebP or BMP).

    Raises :class:`ImageRefused` when it is too large, not one of those formats, or its header
    declares more pixels than :data:`MAX_IMAGE_PIXELS` (checked before anything decodes it).
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(_too_large(len(data)))
    kind = _sniff(data)
    if kind is None:
        raise ImageRefused(NOT_AN_IMAGE)
    mime, ext = kind
    size = _header_size(data)
    if size is None or size[0] <= 0 or size[1] <= 0:
        raise ImageRefused(DAMAGED)
    width, height = size
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise ImageRefused(
            TOO_MANY_PIXELS.format(width=width, height=height, limit=MAX_IMAGE_PIXELS // 1_000_000)
        )
    return _stored_image(name or f"image.{ext}", mime, data, width, height)


def decode_data_url(url: str, name: str = "") -> dict[str, Any]:
    """The stored attachment for a ``data:image/…;base64,…`` URL; its length is checked
    against the byte limit before it is decoded. Raises :class:`ImageRefused`."""
    head, comma, _ = url[:200].partition(",")
    if not comma or not head.lower().startswith("data:image/") or not head.endswith(";base64"):
        raise ImageRefused(NOT_AN_IMAGE)
    start = len(head) + 1
    length = len(url) - start
    if length > _MAX_B64 + 64:  # a little slack for whitespace
        raise ImageRefused(_too_large(length // 4 * 3))
    try:
        data = base64.b64decode(url[start:].strip(), validate=False)
    except (binascii.Error, ValueError):
        raise ImageRefused(DAMAGED) from None
    return decode_image(data, name)


def take_answer_images(
    content: str, urls: Iterable[Any] = (), kept: int = 0, dropped: int = 0
) -> tuple[str, list[dict[str, Any]]]:
    """``(text, images)``: ``content`` with each Markdown ``data:`` image replaced by a
    placeholder (``[image 1]``, ``[image 2: alt]``) or the line saying why it is not shown, and
    the stored attachments of those images, then of ``urls`` (images the server sent beside the
    text: ``data:`` URLs, or ``http(s)`` ones, which are left as Markdown images for the user to
    load). ``kept`` is how many images the message already carries (numbering goes on from
    it); ``dropped`` counts images the accumulator did not keep (over its cap)."""
    images: list[dict[str, Any]] = []
    number = kept

    def take(url: str, alt: str) -> str:
        nonlocal number
        number += 1
        if kept + len(images) >= MAX_ANSWER_IMAGES:
            return NOT_SHOWN.format(n=number, reason=TOO_MANY.format(limit=MAX_ANSWER_IMAGES))
        try:
            image = decode_data_url(url, f"image-{number}")
        except ImageRefused as refused:
            return NOT_SHOWN.format(n=number, reason=refused)
        image["name"] += "." + _ext(image["mime"])
        images.append(image)
        alt = _alt_clean().sub(" ", alt).strip()[:100]
        return f"[image {number}: {alt}]" if alt else f"[image {number}]"

    text = content
    if "data:image/" in content:
        text = _markdown_data().sub(lambda m: take(m["url"], m["alt"]), content)
    lines: list[str] = []
    for url in urls:
        if isinstance(url, str) and url.startswith("data:"):
            lines.append(take(url, ""))
        elif isinstance(url, str) and url.lower().startswith(("http://", "https://")):
            number += 1
            # Not fetched: the renderer shows it as a placeholder with a "Load image" link.
            lines.append(f"![image {number}](<{url.replace('>', '%3E')}>)")
        else:
            number += 1
            lines.append(NOT_SHOWN.format(n=number, reason=NOT_AN_ADDRESS))
    for _ in range(max(0, dropped)):
        number += 1
        lines.append(NOT_SHOWN.format(n=number, reason=DROPPED))
    if lines:
        text = "\n\n".join(part for part in (text.rstrip(), *lines) if part)
    return text, images


def strip_inline_images(text: str) -> str:
    """``text`` with any base64 image left in it replaced by ``[image]`` (an answer stopped in
    the middle of one, or stored before images were taken out): never sent back to a server."""
    if "data:image/" not in text:
        return text
    return _inline_data().sub("[image]", text)


def fetch_image(
    url: str, proxy: str | None = None, timeout: float = FETCH_TIMEOUT_S
) -> dict[str, Any]:
    """Load the remote image at ``url`` (the user clicked "Load image") and return its stored
    attachment (with ``source_url``). Slow: call it off the GUI thread.

    Sends nothing of the user's: no API key, no profile headers, no cookies, no ``.netrc``
    credentials; goes through ``proxy`` (the profile's, else the environment's as the chat
    client does); follows at most 3 redirects, never from https to plain http; refuses a body
    over :data:`attachments.MAX_IMAGE_BYTES` (by its Content-Length before reading, and while
    reading) and checks the pixels as :func:`decode_image` does. Raises :class:`ImageRefused`.
    """
    import requests

    from nebula_desktop.api import proxy_for

    session = requests.Session()
    session.trust_env = False  # no .netrc, no environment CA or proxy settings behind our back
    current = url
    try:
        for _ in range(_MAX_REDIRECTS + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ImageRefused(NOT_AN_ADDRESS)
            route = proxy_for(current, proxy or None)
            session.cookies.clear()  # a cookie set by a redirect is not sent on
            resp = session.get(
                current,
                headers={"Accept": "image/*", "User-Agent": "NebulaDesktop"},
                proxies={"http": route, "https": route} if route else {},
                timeout=(10.0, timeout),
                stream=True,
                allow_redirects=False,
            )
            with resp:
                if resp.is_redirect and resp.headers.get("Location"):
                    target = urljoin(current, resp.headers["Location"])
                    if parts.scheme == "https" and urlsplit(target).scheme != "https":
                        raise ImageRefused("its server sent it on to an unencrypted address")
                    current = target
                    continue
                if resp.status_code != 200:
                    raise ImageRefused(f"its server answered {resp.status_code}")
                data = _read_capped(resp)
            image = decode_image(data, _file_name(current))
            image["source_url"] = url
            return image
        raise ImageRefused("its server redirected too many times")
    except requests.RequestException as exc:
        raise ImageRefused(f"it could not be loaded ({type(exc).__name__})") from None
    finally:
        session.close()


def _read_capped(resp: Any) -> bytes:
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_IMAGE_BYTES:
        raise ImageRefused(_too_large(int(declared)))
    parts: list[bytes] = []
    size = 0
    for chunk in resp.iter_content(_READ):
        size += len(chunk)
        if size > MAX_IMAGE_BYTES:
            raise ImageRefused(_too_large(size, more=True))
        parts.append(chunk)
    return b"".join(parts)


def _sniff(data: bytes) -> tuple[str, str] | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    for signature, mime, ext in _FORMATS:
        if data.startswith(signature):
            return mime, ext
    return None


def _ext(mime: str) -> str:
    return {"image/jpeg": "jpg"}.get(mime, mime.rpartition("/")[2] or "png")


def _file_name(url: str) -> str:
    last = urlsplit(url).path.rstrip("/").rpartition("/")[2]
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", last)[:80].strip("._")
    return clean or "image"


def _too_large(size: int, more: bool = False) -> str:
    shown = ("over " if more else "") + format_size(size)
    return TOO_LARGE.format(size=shown, limit=format_size(MAX_IMAGE_BYTES))
