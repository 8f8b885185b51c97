"""Markdown → a small, safe HTML subset that Qt's rich text (QTextDocument) renders well.

The HTML is produced by walking markdown-it tokens ourselves instead of using markdown-it's HTML
renderer, so that nothing outside the allow-list can ever reach Qt: raw HTML is escaped, images
become text (Qt must never load a resource), and only http/https/mailto links stay clickable.

markdown-it and Pygments are imported on the first render that misses the persistent cache
(render/cache.py), not with this module: a start-up that shows only cached messages never
loads them (~55 ms, plus ~60 ms for a Pygments lexer).
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

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Qt indents every list level by a fixed amount: past a few levels the text becomes a sliver.
MAX_LIST_DEPTH = 6
MAX_QUOTE_DEPTH = 6
MONO_FONTS = "'JetBrains Mono','DejaVu Sans Mono','Menlo','Consolas','Liberation Mono',monospace"
COPY_SCHEME = "nebula-copy"
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


def render_markdown(text: str, dark: bool = False) -> RenderedMarkdown:
    """Render untrusted Markdown ``text`` to safe HTML for ``QTextDocument.setHtml``.

    Served from the persistent render cache when the app enabled it and holds this text.
    """
    store = cache.active()
    if store is None:
        return render_fragment(text, dark, code_index_base=0)
    key = cache.cache_key(text, dark)
    hit = store.get(key)
    if hit is not None:
        return RenderedMarkdown(hit[0], hit[1], hit[0].startswith(_NOTE_OPEN))
    rendered = render_fragment(text, dark, code_index_base=0)
    store.put(key, rendered.html, rendered.code_blocks)
    return rendered


def render_fragment(text: str, dark: bool, code_index_base: int) -> RenderedMarkdown:
    """Render one piece of a message; copy links number code blocks from ``code_index_base``."""
    renderer = _HtmlWriter(palette(dark), dark, code_index_base)
    text = clean_text(text)
    if len(text) > MAX_MARKDOWN_CHARS:
        return _plain_text(text, palette(dark))
    if ">" * 12 in text:
        # Past maxNesting markdown-it drops the rest of a block; flatten absurd quote depth first
        # so the words survive.
        text = _DEEP_QUOTE.sub(r"\1", text)
    with parser.gc_paused():
        try:
            tokens = parser.parse(text)
        except OverBudget:
            return _plain_text(text, palette(dark))
        renderer.blocks(tokens)
    return RenderedMarkdown("".join(renderer.out), renderer.code_blocks)


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
                w('<p style="margin-top:0px; margin-bottom:0px;">' if tok.hidden else "<p>")
                if self.bullet_pending:
                    w("• ")
                    self.bullet_pending = False
            elif t == "paragraph_close":
                w("</p>")
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
                w(f"<p>{_esc_wrap(tok.content)}</p>")
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
        for tok in children:
            t = tok.type
            if t == "text":
                w(_esc_wrap(tok.content))
            elif (tag := _INLINE_TAGS.get(t)) is not None:
                w(tag)
            elif t == "code_inline":
                w(
                    f'<span style="font-family:{MONO_FONTS}; '
                    f'background-color:{pal.inline_code_bg};">&#8202;{_esc(tok.content)}'
                    f"&#8202;</span>"
                )
            elif t == "link_open":
                href = tok.attrGet("href")
                safe = safe_href(href) if isinstance(href, str) else None
                link_stack.append(safe is not None)
                if safe is not None:
                    w(f'<a href="{_attr(safe)}" style="color:{pal.link};">')
            elif t == "link_close":
                if link_stack and link_stack.pop():
                    w("</a>")
            elif t == "image":
                self.image(tok)
            elif t == "html_inline":
                w(_esc_wrap(tok.content))

    def image(self, tok: Token) -> None:
        """An image never loads: show its alt text and, when safe, a link to its URL."""
        alt = "".join(c.content for c in (tok.children or []) if c.type in ("text", "code_inline"))
        src = tok.attrGet("src")
        safe = safe_href(src) if isinstance(src, str) else None
        label = _esc(alt) if alt else "image"
        if safe is not None:
            self.out.append(
                f'[{label}: <a href="{_attr(safe)}" style="color:{self.pal.link};">'
                f"{_esc(safe)}</a>]"
            )
        else:
            self.out.append(f"[{label}]")
