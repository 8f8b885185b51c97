"""Standalone HTML export: one self-contained file, the app's own highlighting, nothing remote.

The message HTML comes from :func:`nebula_desktop.render.render_markdown` (untrusted text is
escaped there, code is highlighted with the same Pygments styles as the window). Here we only
drop what makes sense inside the app alone — the "Copy" links — and turn every link that is not
http/https into plain text. A Content-Security-Policy forbids any fetch or script, as a second
fence should a future renderer let something through.

Formulas are drawn as in the window (:func:`nebula_desktop.render.math.render_formula_info`) and
embedded as inline SVG, with the TeX as their accessible name and tooltip; one that cannot be
drawn is shown as its source in code, delimiters included.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from nebula_desktop.exchange.common import format_time
from nebula_desktop.exchange.markdown_export import ROLE_NAMES, attachment_names
from nebula_desktop.exchange.tool_export import (
    call_lines,
    result_summary,
    result_text,
    result_title,
)
from nebula_desktop.exchange.versions import VersionHeading, walk_versions
from nebula_desktop.render import render_markdown
from nebula_desktop.render.markdown import LOAD_IMAGE_SCHEME
from nebula_desktop.store import Conversation, Message

# render/ writes anchors in exactly this form, with escaped inner text (never a nested tag).
# Its formula images: <img src="nebula-formula:N[?display]" alt="TeX" />.
_FORMULA = re.compile(r'<img src="nebula-formula:(\d+)(\?display)?" alt="[^"]*" />')
FORMULA_COLOR = "#1f2328"  # the page's text colour (CSS below)
FORMULA_SIZE_PX = 16.0  # the page's font size
_ANCHOR = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_COPY_CELL = re.compile(r'<a href="nebula-copy:\d+"[^>]*>Copy</a>')

CSP = "default-src 'none'; style-src 'unsafe-inline'"

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2328;
       max-width: 860px; margin: 24px auto; padding: 0 16px; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 4px; }
.meta { color: #656d76; font-size: 0.9em; }
.message { border-top: 1px solid #d0d7de; padding: 8px 0; }
.role { font-weight: 600; }
.role .meta { font-weight: normal; }
.system { background: #f6f8fa; padding: 8px 12px; border-radius: 6px; white-space: pre-wrap; }
details { color: #57606a; margin: 6px 0; }
.error { color: #cf222e; }
pre { overflow-x: auto; }
h2.version { font-size: 1.05em; margin: 20px 0 0; padding: 4px 8px; background: #f6f8fa;
             border-left: 3px solid #8c959f; }
hr.chat { border: 0; border-top: 3px double #d0d7de; margin: 32px 0; }
""".strip()


def _link_or_text(match: re.Match[str]) -> str:
    href, inner = match.group(1), match.group(2)
    if href.startswith(("http://", "https://")):
        return match.group(0)
    if href.startswith(f"{LOAD_IMAGE_SCHEME}:"):
        # The window's "Load image" for a remote image: in a page, a plain link to it (a
        # browser opening the export fetches nothing until the reader clicks).
        url = href[len(LOAD_IMAGE_SCHEME) + 1 :]
        if url.startswith(("http://", "https://")):
            return f'<a href="{url}">{url}</a>'
    return inner  # mailto: and anything else: shown, not clickable


def formula_html(tex: str, display: bool) -> str:
    """One formula as inline SVG (the TeX as its name and tooltip), or as its source in code."""
    from nebula_desktop.render.math import render_formula_info

    label = html.escape(tex, quote=True)
    try:
        drawn = render_formula_info(tex, display, FORMULA_COLOR, FORMULA_SIZE_PX)
    except Exception:  # FormulaError, or the math library missing: the source stays
        source = f"$${tex}$$" if display else f"${tex}$"
        return f"<code>{html.escape(source, quote=False)}</code>"
    svg = drawn.svg.decode("utf-8")
    # The SVG's bottom edge is ``depth`` below its baseline: lower it that much.
    attrs = f'role="img" aria-label="{label}" style="vertical-align:{-drawn.depth:.2f}px" '
    head, _, rest = svg.partition(">")  # ziamath writes "<svg xmlns=… viewBox=…>"
    return head.replace("<svg ", "<svg " + attrs, 1) + f"><title>{label}</title>" + rest


def _formulas(body: str, formulas: list[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(formulas):
            return ""
        return formula_html(formulas[index], match.group(2) is not None)

    return _FORMULA.sub(swap, body) if "nebula-formula:" in body else body


def message_html(text: str) -> str:
    """Markdown → exported HTML body fragment (no copy links, only web links, formulas drawn)."""
    rendered = render_markdown(text, dark=False, math=True)
    body = _COPY_CELL.sub("", rendered.html)
    return _formulas(_ANCHOR.sub(_link_or_text, body), rendered.formulas)


def _message(message: Message) -> str:
    name = ROLE_NAMES.get(message.role, message.role.capitalize() or "Message")
    tool = result_title(message) if message.role == "tool" else ""
    parts_of_details = [message.model or "", tool, format_time(message.created_at)]
    details = " · ".join(d for d in parts_of_details if d)
    parts = [
        '<div class="message">',
        f'<div class="role">{html.escape(name)} <span class="meta">{html.escape(details)}</span>'
        "</div>",
    ]
    if message.reasoning:
        parts.append(
            f"<details><summary>Thinking</summary>{message_html(message.reasoning)}</details>"
        )
    if message.role == "tool":
        parts.append(_tool_result(message))
    elif message.content:
        parts.append(message_html(message.content))
    for line in call_lines(message):
        parts.append(f'<p class="tool-call">Tool call: <code>{html.escape(line)}</code></p>')
    if message.attachments:
        names = html.escape(attachment_names(message))
        parts.append(f'<p class="meta">Attached: {names}</p>')
    if message.error:
        parts.append(f'<p class="error">{html.escape(message.error)}</p>')
    elif not message.complete:
        parts.append('<p class="meta">(incomplete answer)</p>')
    parts.append("</div>")
    return "\n".join(parts)


def _tool_result(message: Message) -> str:
    """A tool's result, folded: its summary, then its text as inert code (cut short)."""
    text, cut = result_text(message)
    note = f'<p class="meta">{html.escape(cut)}</p>' if cut else ""
    return (
        f"<details><summary>{html.escape(result_summary(message))}</summary>"
        f"<pre><code>{html.escape(text)}</code></pre>{note}</details>"
    )


def conversation_html(conv: Conversation) -> str:
    """The ``<article>`` of one conversation (every version where it forks, each headed by its
    number and model)."""
    title = html.escape(conv.title or "Untitled")
    details = " · ".join(d for d in (conv.model, format_time(conv.created_at)) if d)
    parts = [f"<article>\n<h1>{title}</h1>", f'<p class="meta">{html.escape(details)}</p>']
    if conv.system_prompt:
        parts.append(f'<div class="system">{html.escape(conv.system_prompt)}</div>')
    for item in walk_versions(conv.messages):
        if isinstance(item, VersionHeading):
            parts.append(f'<h2 class="version">{html.escape(item.label())}</h2>')
        else:
            parts.append(_message(item))
    parts.append("</article>")
    return "\n".join(parts)


def export_html(conversations: Iterable[Conversation], title: str = "") -> str:
    """A complete, self-contained HTML document with every conversation."""
    convs = list(conversations)
    if not title:
        title = convs[0].title if len(convs) == 1 else "Nebula Desktop conversations"
    body = '\n<hr class="chat">\n'.join(conversation_html(c) for c in convs)
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
