"""The walk of markdown-it's tokens that writes the renderer's allow-listed HTML (no Qt).

Only tags Qt's rich text renders well are written, with the palette's colours: paragraphs,
headings, lists (flattened past :data:`MAX_LIST_DEPTH`), quotes (a one-cell table draws the
side rule), tables (capped), code blocks with a Copy link, links that are safe (see
:func:`~nebula_desktop.render.safe_html.safe_href`), images as text with a "Load image" link,
and formulas as ``nebula-formula:`` images or their source. Raw HTML is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from nebula_desktop.render.constants import (
    COPY_SCHEME,
    FORMULA_SCHEME,
    LOAD_IMAGE_SCHEME,
    MAX_LIST_DEPTH,
    MAX_QUOTE_DEPTH,
    MONO_FONTS,
)
from nebula_desktop.render.formula_marks import Placeholders
from nebula_desktop.render.highlight import Highlighter
from nebula_desktop.render.parser import MAX_TABLE_COLS, MAX_TABLE_ROWS
from nebula_desktop.render.safe_html import attr, esc, esc_wrap, safe_href

if TYPE_CHECKING:
    from markdown_it.token import Token

    from nebula_desktop.render.highlight import Palette
    from nebula_desktop.render.math_scan import MathSpan

__all__ = ["HtmlWriter"]


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
_LONG_LINE = re.compile(r"[^\n]{5000,}")


class HtmlWriter:
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
        # Formulas (math on): their placeholders, and the check's verdicts by TeX.
        self.marks = Placeholders()
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
        return self.marks.protect(text, spans, base)

    def text(self, content: str) -> None:
        """A text token: escaped, with formula placeholders drawn or shown as code."""
        marker = self.marks.marker
        if not marker or marker not in content:
            self.out.append(esc_wrap(content))  # nearly every token: no formula in it
            return
        for piece in self.marks.split(content):
            if isinstance(piece, int):
                self.formula(piece)
            else:
                self.out.append(esc_wrap(piece))

    def formula(self, i: int) -> None:
        """Formula ``i`` of this piece: an image if its TeX passes the check, else its source."""
        span = self.marks.spans[i]
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
            source = esc_wrap(self.marks.sources[i])
            self.out.append(
                f'<code style="font-family:{MONO_FONTS}; '
                f'background-color:{self.pal.inline_code_bg};">{source}</code>'
            )
            return
        flag = "?display" if span.display else ""
        img = f'<img src="{FORMULA_SCHEME}:{self.marks.base + i}{flag}" alt="{attr(span.tex)}" />'
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
                w(f"<p>{esc_wrap(self.marks.restore(tok.content))}</p>")
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
        code = self.marks.restore(code)
        self.code_blocks.append(code)
        if _LONG_LINE.search(code):
            # Code wraps (pre-wrap) so it never runs off the column; an enormous unbroken line
            # needs the same break hints as prose, which highlighting spans would split.
            body = esc_wrap(code).rstrip("\n")
        else:
            body = self.highlight(code, language).rstrip("\n")
        label = esc(language) if language else "code"
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
                    f"{esc(self.marks.restore(tok.content))}&#8202;</span>"
                )
            elif t == "link_open":
                href = tok.attrGet("href")
                safe = safe_href(self.marks.restore_href(href)) if isinstance(href, str) else None
                link_stack.append(safe is not None)
                self.inline_open += 1
                if safe is not None:
                    w(f'<a href="{attr(safe)}" style="color:{pal.link};">')
            elif t == "link_close":
                self.inline_open -= 1
                if link_stack and link_stack.pop():
                    w("</a>")
            elif t == "image":
                self.image(tok)
            elif t == "html_inline":
                w(esc_wrap(self.marks.restore(tok.content)))

    def image(self, tok: Token) -> None:
        """An image never loads by itself: its alt text and, for an http(s) one, the host it
        would come from and a "Load image" link (the view loads it on a click); for another
        safe URL a link to it."""
        alt = "".join(c.content for c in (tok.children or []) if c.type in ("text", "code_inline"))
        alt = self.marks.restore(alt)
        src = tok.attrGet("src")
        safe = safe_href(self.marks.restore_href(src)) if isinstance(src, str) else None
        label = esc(alt) if alt else "image"
        host = urlsplit(safe).hostname if safe is not None else None
        if safe is not None and host and safe.lower().startswith(("http://", "https://")):
            self.out.append(
                f"[{esc(alt) + ': ' if alt else ''}image from {esc(host)} · "
                f'<a href="{LOAD_IMAGE_SCHEME}:{attr(safe)}" style="color:{self.pal.link};">'
                "Load image</a>]"
            )
        elif safe is not None:
            self.out.append(
                f'[{label}: <a href="{attr(safe)}" style="color:{self.pal.link};">{esc(safe)}</a>]'
            )
        else:
            self.out.append(f"[{label}]")
