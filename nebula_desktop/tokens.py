"""Offline estimates of what a request costs in tokens (and dollars), before it is sent.

No tokenizer tables: they are large, differ per model and some download themselves at first
use. :func:`estimate_tokens` counts the kinds of text that tokenizers treat differently, with
rates typical of the BPE tokenizers of current models (GPT-4o's, Llama 3's, Qwen's…):

=========================================  ==========================================
English words (ASCII letters)              1 a word of up to 6 letters, +1 per 5 more
numbers                                    1 per group of up to 3 digits
punctuation and symbols (code)             1 per 2 in a row (``);``, ``=>``, ``!=``)
line breaks, indentation, runs of spaces   1 a run, +1 per 16 characters
CJK characters and CJK punctuation         1.2 each (Han, kana, hangul)
letters of other scripts (é, Cyrillic…)    1 per 2.5
emoji and other characters past U+FFFF     2 each
each message                               4 (role and separators), +3 for the reply
an image                                   by its size, the vendor's rule (see below)
=========================================  ==========================================

A single space before a word is part of the word's token, as in those tokenizers. The rates
are a starting point, nothing more: a model's own tokenizer can differ by half either way.
:class:`Calibration` learns per (profile, model) the ratio of the ``prompt_tokens`` a server
reports to this estimate, so after one answer the estimate of that model is close (the figures
are in ``docs/context.md``).

Images follow the rules the vendors publish (check them, they change): Anthropic's Claude
``width × height / 750`` after fitting in 1568 px; Google's Gemini 258 per 768-px tile (258 for
an image of at most 384 px); OpenAI's GPT-4o-mini 2,833 + 5,667 per tile; every other model
OpenAI's rule for GPT-4o and GPT-4.1: 85, plus 170 per 512-px tile after fitting in
2048 × 2048 and bringing the short side to 768 (``detail: low``: 85). The size is read from the
image's own header (PNG, JPEG, GIF, WebP, BMP); an image whose size cannot be read costs as much
as a 768 × 768 one. Calibration leaves image costs out of the ratio it learns.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
import struct
from collections.abc import Iterable, MutableMapping
from typing import Any

from nebula_desktop.credentials import looks_like_credential
from nebula_desktop.profile import Profile

__all__ = [
    "MAX_RATIO",
    "MAX_TOKEN_RATIOS",
    "MIN_RATIO",
    "Calibration",
    "estimate_cost",
    "estimate_tokens",
    "image_tokens",
    "ratio_key",
    "read_ratios",
]

MESSAGE_OVERHEAD = 4  # role and separators of one message in the chat template
REPLY_OVERHEAD = 3  # the start of the reply the template primes
CJK_RATE = 1.2
OTHER_LETTERS_PER_TOKEN = 2.5
ASTRAL_RATE = 2
DEFAULT_IMAGE_SIDE = 768  # an image whose size cannot be read: 4 tiles, 765 tokens

# Calibration ratios, kept in settings: a ratio outside this range is a bad observation (a
# server counting something else, or nothing), not a tokenizer.
MIN_RATIO = 0.25
MAX_RATIO = 4.0
MAX_TOKEN_RATIOS = 200  # (profile, model) pairs remembered, the most recently used ones
MAX_KEY_LENGTH = 300  # a model name past this is not calibrated (settings stay small)
SMOOTHING = 0.5  # weight of a new observation against the ratio learned so far
MIN_OBSERVED = 8  # an estimate smaller than this says too little to learn from

_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff"
)
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"  # with the fullwidth forms (Ａ, ｱ, ！)
_ASTRAL = "\U00010000-\U0010ffff"


class _Patterns:
    """The scans of :func:`text_tokens`, compiled at the first estimate, not at import: the
    CJK character class alone takes ~10 ms to compile, and start-up imports this module."""

    def __init__(self) -> None:
        self.cjk = re.compile(f"[{_CJK}{_CJK_PUNCT}]")
        self.ascii_word = re.compile(r"[A-Za-z]+")
        self.long_word = re.compile(r"[A-Za-z]{7,}")
        self.digits = re.compile(r"[0-9]{1,3}")
        self.symbols = re.compile(f"(?:[^\\w\\s{_CJK_PUNCT}{_ASTRAL}]|_){{1,2}}")
        self.other_letters = re.compile(f"[^\\W\\d_\\x00-\\x7f{_CJK}{_CJK_PUNCT}]")
        self.astral = re.compile(f"[{_ASTRAL}]")
        self.space_runs = re.compile(r"[^\S\n]*\n\s*|[^\S\n]{2,}")


@functools.cache
def _patterns() -> _Patterns:
    return _Patterns()


def text_tokens(text: str) -> float:
    """The estimated tokens of ``text`` (fractional; see the module's table). Linear in the
    length, at C speed: each count is one regular-expression scan."""
    if not text:
        return 0.0
    p = _patterns()
    long_words = p.long_word.findall(text)
    spaces = p.space_runs.findall(text)
    return (
        len(p.ascii_word.findall(text))
        + (sum(map(len, long_words)) - 6 * len(long_words)) / 5
        + len(p.digits.findall(text))
        + len(p.symbols.findall(text))
        + len(spaces)
        + sum(map(len, spaces)) / 16
        + CJK_RATE * len(p.cjk.findall(text))
        + len(p.other_letters.findall(text)) / OTHER_LETTERS_PER_TOKEN
        + ASTRAL_RATE * len(p.astral.findall(text))
    )


def estimate_tokens(messages: list[dict[str, Any]], model: str | None = None) -> int:
    """The estimated prompt tokens of a request carrying ``messages`` (the API's list), for
    ``model`` (which picks the image rule; the text estimate is uncalibrated: see
    :class:`Calibration` for one fitted to a model)."""
    text, images = _parts(messages, model)
    return math.ceil(text + images)


def image_tokens(part: dict[str, Any], model: str | None = None) -> int:
    """The tokens of one ``image_url`` content part for ``model`` (see the module notes)."""
    image = part.get("image_url")
    url = image.get("url", "") if isinstance(image, dict) else image
    detail = image.get("detail", "auto") if isinstance(image, dict) else "auto"
    size = _image_size(url) if isinstance(url, str) else None
    width, height = size or (DEFAULT_IMAGE_SIDE, DEFAULT_IMAGE_SIDE)
    name = (model or "").lower().rsplit("/", 1)[-1]
    if name.startswith("claude"):
        scale = min(1.0, 1568 / max(width, height))
        return max(1, math.ceil(width * scale * height * scale / 750))
    if name.startswith("gemini"):
        if width <= 384 and height <= 384:
            return 258
        return 258 * math.ceil(width / 768) * math.ceil(height / 768)
    base, per_tile = (2833, 5667) if name.startswith("gpt-4o-mini") else (85, 170)
    if detail == "low":
        return base
    return base + per_tile * _openai_tiles(width, height)


def _openai_tiles(width: int, height: int) -> int:
    scale = min(1.0, 2048 / max(width, height))
    w, h = width * scale, height * scale
    scale = min(1.0, 768 / min(w, h))
    return math.ceil(w * scale / 512) * math.ceil(h * scale / 512)


def _parts(messages: Iterable[dict[str, Any]], model: str | None) -> tuple[float, int]:
    """(text tokens with the template's overheads, image tokens) of a request."""
    text = float(REPLY_OVERHEAD)
    images = 0
    for message in messages:
        text += MESSAGE_OVERHEAD
        content = message.get("content")
        if isinstance(content, str):
            text += text_tokens(content)
        elif isinstance(content, list):
            for part in content:
                if not isinstance(part, dict):
                    continue
                if part.get("type") == "image_url":
                    images += image_tokens(part, model)
                elif isinstance(part.get("text"), str):
                    text += text_tokens(part["text"])
        if message.get("tool_calls"):
            text += text_tokens(json.dumps(message["tool_calls"], ensure_ascii=False))
        if isinstance(message.get("name"), str):
            text += 1
    return text, images


# -- image sizes from their headers ----------------------------------------------------------

_HEAD_CHARS = 64 * 1024  # base64 characters decoded at most: a JPEG's size is near its start


def _image_size(url: str) -> tuple[int, int] | None:
    """(width, height) from the header of a ``data:`` URL image; None when it cannot be read."""
    if not url.startswith("data:"):
        return None
    comma = url.find(",", 0, 200)
    if comma < 0 or not url[:comma].endswith(";base64"):
        return None
    head = url[comma + 1 : comma + 1 + _HEAD_CHARS]
    try:
        data = base64.b64decode(head[: len(head) // 4 * 4])
    except ValueError:
        return None
    size = _header_size(data)
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size


def _header_size(data: bytes) -> tuple[int, int] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data.startswith(b"BM") and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return abs(int(w)), abs(int(h))
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return int(w) & 0x3FFF, int(h) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame size of a JPEG: a walk over its segments (each step moves forward)."""
    pos = 2
    while pos + 9 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(w), int(h)
        if marker in (0x01, *range(0xD0, 0xD9)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + max(2, int(length))
    return None


# -- calibration ------------------------------------------------------------------------------


def ratio_key(profile_id: str, model: str) -> str:
    """The key of a (profile, model) pair in ``Settings.token_ratios``."""
    return f"{profile_id}\t{model}"


def _keepable(key: str) -> bool:
    # A model "name" that is a pasted key must not reach settings.json (keys live in the
    # keyring; see nebula_desktop.credentials).
    return 0 < len(key) <= MAX_KEY_LENGTH and not looks_like_credential(key)


def read_ratios(value: object) -> tuple[dict[str, float], bool]:
    """The valid entries of a ``token_ratios`` setting as read from a file, the most recent
    :data:`MAX_TOKEN_RATIOS` of them, and whether anything had to be dropped (a wrong type, a
    ratio out of range, a name that looks like a credential)."""
    if not isinstance(value, dict):
        return {}, True
    clean: dict[str, float] = {}
    for key, ratio in value.items():
        ok = isinstance(key, str) and _keepable(key)
        ok = ok and isinstance(ratio, int | float) and not isinstance(ratio, bool)
        if ok and math.isfinite(ratio) and MIN_RATIO <= ratio <= MAX_RATIO:
            clean[key] = float(ratio)
    dropped = len(clean) != len(value)
    if len(clean) > MAX_TOKEN_RATIOS:
        clean = dict(list(clean.items())[-MAX_TOKEN_RATIOS:])
    return clean, dropped


class Calibration:
    """Per (profile, model) ratios of the prompt tokens servers reported to the estimate.

    ``ratios`` is the mapping kept in settings (``Settings.token_ratios``), updated in place:
    plain numbers, the most recently used :data:`MAX_TOKEN_RATIOS` pairs. The first answer
    sets a pair's ratio; later ones move it halfway (an exponential moving average), clamped
    to [:data:`MIN_RATIO`, :data:`MAX_RATIO`].
    """

    def __init__(self, ratios: MutableMapping[str, float]) -> None:
        self.ratios = ratios

    def ratio(self, profile_id: str, model: str) -> float | None:
        """The learned ratio for the pair, or None before its first answer."""
        return self.ratios.get(ratio_key(profile_id, model))

    def estimate(self, messages: list[dict[str, Any]], profile_id: str, model: str) -> int:
        """:func:`estimate_tokens` of ``messages``, fitted to the pair when it was seen."""
        text, images = _parts(messages, model)
        ratio = self.ratio(profile_id, model) or 1.0
        return math.ceil(text * ratio + images)

    def observe(
        self, profile_id: str, model: str, messages: list[dict[str, Any]], prompt_tokens: object
    ) -> bool:
        """Learn from an answer whose request carried ``messages`` and whose usage reported
        ``prompt_tokens``. False (nothing learned) for a missing or implausible count."""
        key = ratio_key(profile_id, model)
        if not _keepable(key):
            return False
        if isinstance(prompt_tokens, bool) or not isinstance(prompt_tokens, int):
            return False
        text, images = _parts(messages, model)
        if text < MIN_OBSERVED or prompt_tokens <= images:
            return False
        observed = (prompt_tokens - images) / text
        if not MIN_RATIO <= observed <= MAX_RATIO:
            return False
        old = self.ratios.pop(key, None)
        new = observed if old is None else old + SMOOTHING * (observed - old)
        self.ratios[key] = min(MAX_RATIO, max(MIN_RATIO, new))  # now the most recent
        while len(self.ratios) > MAX_TOKEN_RATIOS:
            del self.ratios[next(iter(self.ratios))]
        return True


def estimate_cost(profile: Profile, model: str | None, prompt_tokens: int) -> float | None:
    """Dollars the prompt of a request would cost with ``profile``'s price for ``model``
    (None when the profile has no price for it); the answer's tokens are not known yet."""
    usage = {"prompt_tokens": int(prompt_tokens), "completion_tokens": 0}
    return profile.cost(model, usage)
