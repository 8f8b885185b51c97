"""Markdown → a small, safe HTML subset that Qt's rich text (QTextDocument) renders well.

The HTML is produced by walking markdown-it tokens ourselves instead of using markdown-it's HTML
renderer, so that nothing outside the allow-list can ever reach Qt: raw HTML is escaped, images
become text (Qt must never load a resource the model names), and only http/https/mailto links
stay clickable.

markdown-it and Pygments are imported on the first render that misses the persistent cache
(render/cache.py), not with this module: a start-up that shows only cached messages never
loads them (~55 ms, plus ~60 ms for a Pygments lexer).

Formulas (``math=True``) are found by :func:`~nebula_desktop.render.math_scan.find_formulas`
before markdown-it sees the text, and each is replaced by a placeholder of private-use
characters that no Markdown rule acts on, so ``_`` and ``*`` in TeX never become emphasis. The
writer turns a placeholder in prose into ``<img src="nebula-formula:N">`` (N: the formula's
position in :attr:`RenderedMarkdown.formulas`) when
:func:`~nebula_desktop.render.math_tex.check_tex` accepts the TeX, into ``<code>`` holding the
source otherwise, and back into the source where Markdown shows text as written (code, link
addresses, image alt text). The placeholder's characters are ones the text does not contain, so
a model cannot forge one; a model's own ``<img>`` is escaped like all raw HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from nebula_desktop.render import cache, parser
from nebula_desktop.render.highlight import Highlighter, palette
from nebula_desktop.render.parser import MAX_TABLE_COLS, MAX_TABLE_ROWS, OverBudget
from nebula_desktop.render.sanitize import clean_text

if TYPE_CHECKING:
    from markdown_it.token import Token

    from nebula_desktop.render.highlight import Palette
    from nebula_desktop.render.math_scan import MathSpan

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Qt indents every list level by a fixed amount: past a few levels the text becomes a sliver.
MAX_LIST_DEPTH = 6
MAX_QUOTE_DEPTH = 6
MONO_FONTS = "'JetBrains Mono','DejaVu Sans Mono','Menlo','Consolas','Liberation Mono',monospace"
COPY_SCHEME = "nebula-copy"
# <a href="nebula-load-image:URL">: the "Load image" link of a remote image in the text. Nothing is
# fetched by itself: the view loads that one image when the user clicks it (answer_images).
LOAD_IMAGE_SCHEME = "nebula-load-image"
# <img src="nebula-formula:N"> (inline) or "nebula-formula:N?display" (display style): the
# formula at position N of RenderedMarkdown.formulas, which the view draws (render_formula, off
# the GUI thread) at its own font size, colour and pixel ratio; should that drawing raise
# FormulaError after the check passed, the view shows the formula's source instead. The only
# images the renderer ever writes (math on only).
FORMULA_SCHEME = "nebula-formula"
# Past this size a message is shown as plain text: even at the cost of an ordinary answer,
# parsing and laying out more would hold the GUI thread too long.
MAX_MARKDOWN_CHARS = 200_000


@dataclass
class RenderedMarkdown:
    """The result of :func:`render_markdown`."""

    html: str
    code_blocks: list[str] = field(default_factory=list)
    # True when the text is shown as plain text: too long, or too dense with markup to format
    # at the cost of an ordinary answer (see render/parser.py).
    plain: bool = False
    # The TeX (without delimiters) of every formula find_formulas sees, in order, also those
    # that failed the check or were not drawn (math off, in indented code). Empty when plain.
    formulas: list[str] = field(default_factory=list)


def safe_href(href: str) -> str | None:
    """Return ``href`` if it is an absolute http/https/mailto URL, else None."""
    href = href.strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        return None
    return href


def render_markdown(text: str, dark: bool = False, math: bool = False) -> RenderedMarkdown:
    """Render untrusted Markdown ``text`` to safe HTML for ``QTextDocument.setHtml``.

    With ``math`` formulas become ``nebula-formula:`` images (see :data:`FORMULA_SCHEME`);
    without it they stay text, exactly as before formulas were known, but are still listed in
    ``.formulas``. Served from the persistent render cache when the app enabled it and holds
    this text.
    """
    store = cache.active()
    if store is None:
        return render_fragment(text, dark, code_index_base=0, math=math)
    key = cache.cache_key(text, dark, math)
    hit = store.get(key)
    if hit is not None:
        return RenderedMarkdown(hit[0], hit[1], hit[0].startswith(_NOTE_OPEN), hit[2])
    rendered = render_fragment(text, dark, code_index_base=0, math=math)
    store.put(key, rendered.html, rendered.code_blocks, rendered.formulas)
    return rendered


def _find_formulas(text: str) -> list[MathSpan]:
    """The formulas of ``text``; the scanner is loaded only for text that has a delimiter at all
    (most answers have none, and start-up renders the open chat before anything else)."""
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return []
    from nebula_desktop.render.math_scan import find_formulas

    return find_formulas(text)


def render_fragment(
    text: str, dark: bool, code_index_base: int, math: bool = False, formula_index_base: int = 0
) -> RenderedMarkdown:
    """Render one piece of a message; copy links number code blocks from ``code_index_base``
    and formula images number formulas from ``formula_index_base``."""
    renderer = _HtmlWriter(palette(dark), dark, code_index_base)
    text = clean_text(text)
    if len(text) > MAX_MARKDOWN_CHARS:
        return _plain_text(text, palette(dark))
    if ">" * 12 in text:
        # Past maxNesting markdown-it drops the rest of a block; flatten absurd quote depth first
        # so the words survive.
        text = _DEEP_QUOTE.sub(r"\1", text)
    spans = _find_formulas(text)
    shown = renderer.protect(text, spans, formula_index_base) if math and spans else text
    with parser.gc_paused():
        try:
            tokens = parser.parse(shown)
        except OverBudget:
            return _plain_text(text, palette(dark))
        renderer.blocks(tokens)
    return RenderedMarkdown(
        "".join(renderer.out), renderer.code_blocks, formulas=[s.tex for s in spans]
    )


def _plain_text(text: str, pal: Palette) -> RenderedMarkdown:
    """Huge (or absurdly markup-dense) text as plain, wrapped paragraphs: linear time, nothing
    interpreted."""
    note = (
        f'{_NOTE_OPEN}{pal.muted};"><i>This message is very long, so it is shown as plain '
        f"text (Copy as Markdown has the original).</i></p>"
    )
    body = f'<p style="white-space:pre-wrap;">{_esc_wrap(text)}</p>'
    return RenderedMarkdown(note + body, [], plain=True)


# Rendered Markdown never starts with this (paragraphs open with "<p>" or a margin style), so
# it marks plain-text output, also when served from the cache.
_NOTE_OPEN = '<p style="color:'
_HEADING_SIZES = {"h1": "x-large", "h2": "large"}
# Inline tokens that map to a fixed piece of HTML, whatever their content.
_INLINE_TAGS = {
    "softbreak": "\n",
    "hardbreak": "<br />",
    "strong_open": "<b>",
    "strong_close": "</b>",
    "em_open": "<i>",
    "em_close": "</i>",
    "s_open": "<s>",
    "s_close": "</s>",
}
_DEEP_QUOTE = re.compile(r"^( {0,3}(?:> ?){10})(?:> ?)+", re.MULTILINE)
_LONG_LINE = re.compile(r"[^\n]{5000,}")
_LONG_RUN = re.compile(r"\S{400,}")
_BREAK_EVERY = 200


def _breakable(match: re.Match[str]) -> str:
    run = match.group(0)
    # Qt wraps an unbroken run in time quadratic in its length (a 1 MB line takes minutes);
    # zero-width spaces give it break opportunities. Only absurdly long runs are touched.
    return "\u200b".join(run[i : i + _BREAK_EVERY] for i in range(0, len(run), _BREAK_EVERY))


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _esc_wrap(text: str) -> str:
    """Escape paragraph text, making very long unbroken runs wrappable."""
    return html.escape(_LONG_RUN.sub(_breakable, text), quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


_NO_MATCH = re.compile(r"(?!)")
# Characters a placeholder may be made of: private use, never given a meaning by Markdown.
_MARKERS = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))


def _free_marker(text: str) -> str | None:
    """A private-use character ``text`` does not hold (None: it holds them all)."""
    if "\ue000" not in text:
        return "\ue000"
    present = set(text)
    for block in _MARKERS:
        for point in block:
            if chr(point) not in present:
                return chr(point)
    return None


class _HtmlWriter:
    """Turns a markdown-it token stream into allow-listed HTML."""

    def __init__(self, pal: Palette, dark: bool, code_index_base: int) -> None:
        self.pal = pal
        self.dark = dark
        self.code_base = code_index_base
        self.highlight = Highlighter(dark)
        self.out: list[str] = []
        self.code_blocks: list[str] = []
        self.list_depth = 0
        self.quote_depth = 0
        self.bullet_pending = False
        # Counters for skipping (not emitting) tags of over-deep lists and over-large tables.
        self.table_row = 0
        self.table_col = 0
        self.table_rows_dropped = 0
        # Formulas (math on): placeholder pattern, each span's source and the check's verdicts.
        self.marker = ""  # none: math off, or no formula
        self.placeholder = self.encoded = _NO_MATCH
        self.spans: list[MathSpan] = []
        self.sources: list[str] = []
        self.formula_base = 0
        self.drawable: dict[str, bool] = {}
        # The paragraph being written, so a display formula can become a block of its own.
        self.para_tag: str | None = None
        self.para_at = 0  # where its opening tag is in out
        self.para_body = 0  # where its content starts in out
        self.para_split = False  # a display formula split it: drop an empty remainder
        self.inline_open = 0  # emphasis and links open in the current inline run

    # -- formulas ------------------------------------------------------------------------------

    def protect(self, text: str, spans: list[MathSpan], base: int) -> str:
        """``text`` with each formula replaced by a placeholder Markdown leaves alone."""
        marker = _free_marker(text)
        if marker is None:
            return text  # every private-use character taken: formulas stay text
        from urllib.parse import quote

        self.marker, self.spans, self.formula_base = marker, spans, base
        self.placeholder = re.compile(f"{re.escape(marker)}(\\d+){re.escape(marker)}")
        # markdown-it percent-encodes a link address: the placeholder as it stands there.
        self.encoded = re.compile(f"{re.escape(quote(marker))}(\\d+){re.escape(quote(marker))}")
        parts: list[str] = []
        pos = 0
        for i, span in enumerate(spans):
            parts.append(text[pos : span.start])
            parts.append(f"{marker}{i}{marker}")
            self.sources.append(text[span.start : span.end])
            pos = span.end
        parts.append(text[pos:])
        return "".join(parts)

    def restore(self, text: str) -> str:
        """``text`` with placeholders back to their formulas' source (code, alt text)."""
        if not self.marker or self.marker not in text:
            return text
        return self.placeholder.sub(lambda m: self.sources[int(m.group(1))], text)

    def restore_href(self, href: str) -> str:
        """A link address with placeholders back to their source, encoded as markdown-it does."""
        if not self.marker or "%" not in href:
            return href
        from mdurl import encode

        return self.encoded.sub(lambda m: encode(self.sources[int(m.group(1))]), href)

    def text(self, content: str) -> None:
        """A text token: escaped, with formula placeholders drawn or shown as code."""
        w = self.out.append
        if not self.marker or self.marker not in content:
            w(_esc_wrap(content))
            return
        pos = 0
        for match in self.placeholder.finditer(content):
            if match.start() > pos:
                w(_esc_wrap(content[pos : match.start()]))
            self.formula(int(match.group(1)))
            pos = match.end()
        if pos < len(content):
            w(_esc_wrap(content[pos:]))

    def formula(self, i: int) -> None:
        """Formula ``i`` of this piece: an image if its TeX passes the check, else its source."""
        span = self.spans[i]
        ok = self.drawable.get(span.tex)
        if ok is None:
            from nebula_desktop.render.math_tex import FormulaError, check_tex

            try:
                check_tex(span.tex)
                ok = True
            except FormulaError:
                ok = False
            self.drawable[span.tex] = ok
        if not ok:
            self.out.append(
                f'<code style="font-family:{MONO_FONTS}; '
                f'background-color:{self.pal.inline_code_bg};">{_esc_wrap(self.sources[i])}</code>'
            )
            return
        flag = "?display" if span.display else ""
        img = (
            f'<img src="{FORMULA_SCHEME}:{self.formula_base + i}{flag}" alt="{_attr(span.tex)}" />'
        )
        if not span.display or self.para_tag is None or self.inline_open:
            self.out.append(img)  # in a heading, a table cell or emphasis: in the line
            return
        # A block of its own: close the paragraph so far (dropped if empty), centre the
        # formula, and reopen the paragraph for what follows.
        tag = self.para_tag
        if self._para_empty():
            del self.out[self.para_at :]
        else:
            self.out.append("</p>")
        self.out.append(f'<p align="center"{tag[2:]}{img}</p>')
        self.para_at = len(self.out)
        self.out.append(tag)
        self.para_body = len(self.out)
        self.para_split = True

    def _para_empty(self) -> bool:
        return all(not part.strip() for part in self.out[self.para_body :])

    # -- block level -------------------------------------------------------------------------

    def blocks(self, tokens: Sequence[Token]) -> None:
        """Emit HTML for a flat block token list."""
        w = self.out.append
        pal = self.pal
        in_table_skip = False
        for tok in tokens:
            t = tok.type
            if in_table_skip and t not in ("tr_open", "tr_close", "tbody_close", "table_close"):
                continue
            if t == "paragraph_open":
                # Tight list items: a margin-less paragraph, else Qt misplaces a nested list
                # that ends the outer list (a blank gap above it).
                self.para_at = len(self.out)
                self.para_tag = (
                    '<p style="margin-top:0px; margin-bottom:0px;">' if tok.hidden else "<p>"
                )
                w(self.para_tag)
                if self.bullet_pending:
                    w("• ")
                    self.bullet_pending = False
                self.para_body = len(self.out)
            elif t == "paragraph_close":
                if self.para_split and self._para_empty():
                    del self.out[self.para_at :]  # nothing after the display formula
                else:
                    w("</p>")
                self.para_tag = None
                self.para_split = False
            elif t == "inline":
                self.inline(tok.children or [])
            elif t == "heading_open":
                # Qt's h1 is twice the body size: too loud inside a chat message.
                size = _HEADING_SIZES.get(tok.tag, "medium")
                w(f'<{tok.tag} style="font-size:{size};">')
            elif t == "heading_close":
                w(f"</{tok.tag}>")
            elif t in ("bullet_list_open", "ordered_list_open"):
                self.list_depth += 1
                if self.list_depth <= MAX_LIST_DEPTH:
                    start = tok.attrGet("start")
                    if t == "ordered_list_open" and isinstance(start, int | str):
                        w(f'<ol start="{int(start)}">')
                    else:
                        w("<ol>" if t == "ordered_list_open" else "<ul>")
            elif t in ("bullet_list_close", "ordered_list_close"):
                if self.list_depth <= MAX_LIST_DEPTH:
                    w("</ol>" if t == "ordered_list_close" else "</ul>")
                self.list_depth -= 1
            elif t == "list_item_open":
                # Past the depth cap, items become bulleted paragraphs at the cap's indent.
                if self.list_depth <= MAX_LIST_DEPTH:
                    w("<li>")
                else:
                    self.bullet_pending = True
            elif t == "list_item_close":
                if self.list_depth <= MAX_LIST_DEPTH:
                    w("</li>")
                self.bullet_pending = False
            elif t == "blockquote_open":
                self.quote_depth += 1
                if self.quote_depth <= MAX_QUOTE_DEPTH:
                    # Qt ignores border-left on blocks; a one-cell table draws the side rule.
                    w(
                        '<table width="100%" cellspacing="0" cellpadding="0" '
                        'style="margin-top:4px; margin-bottom:4px;"><tr>'
                        f'<td width="3" bgcolor="{pal.quote_border}"></td>'
                        f'<td style="padding-left:10px; color:{pal.quote_text};">'
                    )
            elif t == "blockquote_close":
                if self.quote_depth <= MAX_QUOTE_DEPTH:
                    w("</td></tr></table>")
                self.quote_depth -= 1
            elif t in ("fence", "code_block"):
                self.code(tok.content, tok.info.split()[0] if tok.info.split() else "")
            elif t == "hr":
                w(f'<hr style="background-color:{pal.table_border};" />')
            elif t == "html_block":
                w(f"<p>{_esc_wrap(self.restore(tok.content))}</p>")
            elif t == "table_open":
                self.table_row = 0
                self.table_rows_dropped = 0
                w(
                    f'<table border="1" cellspacing="0" cellpadding="6" '
                    f'style="border-collapse:collapse; border-style:solid; '
                    f"border-color:{pal.table_border}; "
                    f'margin-top:6px; margin-bottom:6px;">'
                )
            elif t == "table_close":
                in_table_skip = False
                w("</table>")
                # Rows past the cap are counted by the parser (render/parser.py), not made.
                dropped = self.table_rows_dropped + int(tok.meta.get("rows_past_cap", 0))
                if dropped:
                    w(
                        f'<p style="color:{pal.muted};"><i>… {dropped} more '
                        f"rows not shown (Copy as Markdown has the full table)</i></p>"
                    )
            elif t == "tr_open":
                self.table_row += 1
                self.table_col = 0
                in_table_skip = self.table_row > MAX_TABLE_ROWS + 1
                if in_table_skip:
                    self.table_rows_dropped += 1
                else:
                    w("<tr>")
            elif t == "tr_close":
                if not in_table_skip:
                    w("</tr>")
            elif t in ("th_open", "td_open"):
                self.table_col += 1
                if self.table_col > MAX_TABLE_COLS:
                    in_table_skip = True  # until this row closes
                    continue
                style = tok.attrGet("style")
                align = ""
                if isinstance(style, str) and style.startswith("text-align:"):
                    value = style.split(":", 1)[1]
                    if value in ("left", "right", "center"):
                        align = f' align="{value}"'
                bg = f' bgcolor="{pal.table_header_bg}"' if t == "th_open" else ""
                w(f"<{tok.tag}{align}{bg}>")
            elif t in ("th_close", "td_close"):
                w(f"</{tok.tag}>")
            # thead/tbody wrappers add nothing Qt needs; other tokens carry no content.

    def code(self, code: str, language: str) -> None:
        """A fenced or indented code block: header (language, Copy link) over a tinted box."""
        pal = self.pal
        index = self.code_base + len(self.code_blocks)
        code = self.restore(code)
        self.code_blocks.append(code)
        if _LONG_LINE.search(code):
            # Code wraps (pre-wrap) so it never runs off the column; an enormous unbroken line
            # needs the same break hints as prose, which highlighting spans would split.
            body = _esc_wrap(code).rstrip("\n")
        else:
            body = self.highlight(code, language).rstrip("\n")
        label = _esc(language) if language else "code"
        self.out.append(
            f'<table width="100%" cellspacing="0" cellpadding="0" border="0" '
            f'style="margin-top:6px; margin-bottom:6px;">'
            f'<tr><td bgcolor="{pal.code_header_bg}" style="padding:4px 10px 4px 10px;">'
            f'<span style="color:{pal.muted}; font-size:small;">{label}</span></td>'
            f'<td bgcolor="{pal.code_header_bg}" align="right" style="padding:4px 10px 4px 10px;">'
            f'<a href="{COPY_SCHEME}:{index}" style="color:{pal.muted}; font-size:small; '
            f'text-decoration:none;">Copy</a></td></tr>'
            f'<tr><td colspan="2" bgcolor="{pal.code_bg}" style="padding:8px 10px 8px 10px;">'
            f'<pre style="font-family:{MONO_FONTS}; color:{pal.text}; margin:0; '
            f'white-space:pre-wrap;">{body}</pre>'
            f"</td></tr></table>"
        )

    # -- inline level ------------------------------------------------------------------------

    def inline(self, children: Sequence[Token]) -> None:
        """Emit HTML for the children of an inline token."""
        w = self.out.append
        pal = self.pal
        # Links whose target is unsafe render their text only; track which closes to drop.
        link_stack: list[bool] = []
        self.inline_open = 0
        for tok in children:
            t = tok.type
            if t == "text":
                self.text(tok.content)
            elif (tag := _INLINE_TAGS.get(t)) is not None:
                w(tag)
                if t.endswith("_open"):
                    self.inline_open += 1
                elif t.endswith("_close"):
                    self.inline_open -= 1
            elif t == "code_inline":
                w(
                    f'<span style="font-family:{MONO_FONTS}; '
                    f'background-color:{pal.inline_code_bg};">&#8202;'
                    f"{_esc(self.restore(tok.content))}&#8202;</span>"
                )
            elif t == "link_open":
                href = tok.attrGet("href")
                safe = safe_href(self.restore_href(href)) if isinstance(href, str) else None
                link_stack.append(safe is not None)
                self.inline_open += 1
                if safe is not None:
                    w(f'<a href="{_attr(safe)}" style="color:{pal.link};">')
            elif t == "link_close":
                self.inline_open -= 1
                if link_stack and link_stack.pop():
                    w("</a>")
            elif t == "image":
                self.image(tok)
            elif t == "html_inline":
                w(_esc_wrap(self.restore(tok.content)))

    def image(self, tok: Token) -> None:
        """An image never loads by itself: its alt text and, for an http(s) one, the host it
        would come from and a "Load image" link (the view loads it on a click); for another
        safe URL a link to it."""
        alt = "".join(c.content for c in (tok.children or []) if c.type in ("text", "code_inline"))
        alt = self.restore(alt)
        src = tok.attrGet("src")
        safe = safe_href(self.restore_href(src)) if isinstance(src, str) else None
        label = _esc(alt) if alt else "image"
        host = urlsplit(safe).hostname if safe is not None else None
        if safe is not None and host and safe.lower().startswith(("http://", "https://")):
            self.out.append(
                f"[{_esc(alt) + ': ' if alt else ''}image from {_esc(host)} · "
                f'<a href="{LOAD_IMAGE_SCHEME}:{_attr(safe)}" style="color:{self.pal.link};">'
                "Load image</a>]"
            )
        elif safe is not None:
            self.out.append(
                f'[{label}: <a href="{_attr(safe)}" style="color:{self.pal.link};">'
                f"{_esc(safe)}</a>]"
            )
        else:
            self.out.append(f"[{label}]")
