"""The markdown-it parser behind the renderer, and the work budget that keeps it linear.

A model can answer with 200,000 characters of ``[[[[``, ``*a*a*a`` or ``# h`` lines. markdown-it
spends a bounded but large amount of work on each markup character (dozens of steps for each
``[``, a token or two for each ``*``), so such text cost 3-25 times an ordinary answer of the
same length, up to seconds on the GUI thread. Two things keep every text near the cost of an
ordinary answer:

* speed-ups that change no output: only characters an enabled inline rule can start on interrupt
  plain text; the raw-HTML rules are off (raw HTML is escaped anyway); link text is searched a
  few brackets deep instead of 32; table rows past :data:`MAX_TABLE_ROWS` are counted, not
  parsed; the cyclic garbage collector pauses while the tokens (which hold no cycles) are built.
* a work meter: block rules, inline rules, link scanning and the costliest single steps draw
  units from a budget proportional to the text's length (:func:`budget`), checked as the work
  is done. Text that would overdraw it raises :class:`OverBudget`; the caller shows it as plain
  text. An ordinary answer uses under half of its budget.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

# Laying out a 100,000-cell table freezes Qt; the raw Markdown stays available to copy.
MAX_TABLE_ROWS = 300
MAX_TABLE_COLS = 30
# maxNesting also bounds markdown-it's recursion on hostile input ("> > > > …").
BLOCK_NESTING = 32
# How deep brackets nest inside link text: "[a [b [c]]](u)" needs 3. Scanning link text costs a
# step per level for every "[", so 32 levels made "[[[[…" cost ~33 steps per character.
INLINE_NESTING = 8

# Work units, about a microsecond each on the machine the weights were fitted on (a linear
# programme over ~90 text shapes: each weight as small as possible while every shape's units
# stay at or above its measured cost), so the units a text draws bound its real cost. An
# ordinary answer (prose, lists, code, tables) draws about 0.5 units per character, a long list
# of short items or a paragraph with a link in every sentence about 0.9.
_BLOCK_STEP = 4.5  # a block rule attempt (also per line in paragraph, list and quote scans)
_BLOCK_TOKEN = 1.7  # a block token made (heading, list item, table cell, ...)
_INLINE_SETUP = 1.6  # parsing one paragraph, heading or table cell
_INLINE_STEP = 3.6  # an inline rule attempt
_INLINE_TOKEN = 2.9  # an inline token made (text, emphasis delimiter, link, ...)
_LABEL_STEP = 0.4  # one step of link-text scanning
_SCAN_CHAR = 0.15  # one character of a link destination or title scanned
_LINK = 4.0  # normalising a link's address or text (percent-encoding, punycode)
_REFERENCE = 5.0  # a reference definition ("[a]: url") stored
_CODE_BLOCK = 20.0  # a code block written: ~1 KB of HTML around it, a highlighter call
_LINE = 0.9  # paid up front: every line is looked at by a few rules
_QUOTE_MARK = 0.9  # paid up front for each ">": each quote level scans its lines again
BUDGET_PER_CHAR = 1.2
BUDGET_FLOOR = 10_000.0  # a message, or a whole stream, may always spend this much
PIECE_FLOOR = 300.0  # what any one streamed piece may spend: a short paragraph, a small table

# The characters an enabled inline rule can start on (newline, image, entity, emphasis,
# autolink, link, escape, link end, backticks, strikethrough). markdown-it's default set also
# stops at "$%#+-:=>@^{}", which no enabled rule uses: each stop costs a pass over every rule.
_TEXT_STOPS = re.compile(r"[\n!&*<\[\\\]_`~]")
# Where a link destination scan must stop at the latest (angle form, plain form).
_DEST_END_ANGLED = re.compile(r"[\n<>]")
_DEST_END_PLAIN = re.compile(r"[\x00-\x20\x7f]")
_DEST_LOOKAHEAD = 1024  # past this, the rest of the paragraph is charged without looking


class OverBudget(Exception):
    """Parsing the text would take more work than its length allows."""


class Meter:
    """Work units left to spend on parsing, and the token counts already paid for."""

    __slots__ = ("block_tokens", "inline_state", "inline_tokens", "left")

    def __init__(self, left: float) -> None:
        self.left = left
        self.block_tokens = 0
        self.inline_state: object = None
        self.inline_tokens = 0

    def spend(self, units: float) -> None:
        """Draw ``units``; raises :class:`OverBudget` once the meter is overdrawn."""
        self.left -= units
        if self.left < 0:
            raise OverBudget


_meter: ContextVar[Meter] = ContextVar("nebula_render_meter")
_pool: ContextVar[Meter | None] = ContextVar("nebula_render_pool", default=None)


def budget(chars: int) -> float:
    """The work units a text of ``chars`` characters may use on its own."""
    return BUDGET_FLOOR + BUDGET_PER_CHAR * chars


def _upfront(text: str) -> float:
    """Work paid before parsing: lines (and quote levels) that are scanned without a rule call."""
    return _LINE * text.count("\n") + _QUOTE_MARK * text.count(">")


@contextmanager
def pooled(units: float) -> Iterator[Meter]:
    """Parses inside the ``with`` draw from one meter of ``units`` instead of their own budget
    (a stream pays for its pieces from what its text has earned so far)."""
    meter = Meter(units)
    token = _pool.set(meter)
    try:
        yield meter
    finally:
        _pool.reset(token)


def _block_meter(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    meter = _meter.get()
    made = len(state.tokens)
    meter.spend(_BLOCK_STEP + _BLOCK_TOKEN * (made - meter.block_tokens))
    meter.block_tokens = made
    return False  # never matches: the real rules follow


def _inline_meter(state: StateInline, silent: bool) -> bool:
    meter = _meter.get()
    made = len(state.tokens)
    if state is meter.inline_state:
        meter.spend(_INLINE_STEP + _INLINE_TOKEN * (made - meter.inline_tokens))
    else:  # a new paragraph (or an image's alt text): its earlier tokens were paid for
        meter.inline_state = state
        meter.spend(_INLINE_STEP)
    meter.inline_tokens = made
    return False


def _text(state: StateInline, silent: bool) -> bool:
    """markdown-it's text rule with :data:`_TEXT_STOPS`: skip to the next possible markup."""
    pos = state.pos
    stop = _TEXT_STOPS.search(state.src, pos, state.posMax)
    end = stop.start() if stop is not None else state.posMax
    if end == pos:
        return False
    if not silent:
        state.append_pending(state.src[pos:end])
    state.pos = end
    return True


def _metered_skip(skip: Callable[[StateInline], None]) -> Callable[[StateInline], None]:
    def skip_token(state: StateInline) -> None:
        _meter.get().spend(_LABEL_STEP)
        skip(state)

    return skip_token


# markdown-it's functions that the wrappers below call. They are bound when the parser is
# built, not imported inside the wrappers: markdown-it loads only on the first render that
# misses the cache, and with PySide6 loaded every import statement goes through its import hook
# (~3 us, a tenth of a render's cost per character on hot paths).
_lib = SimpleNamespace()


def _bind_markdown_it() -> None:
    from markdown_it.common.utils import mdTrim
    from markdown_it.helpers import parseLinkDestination, parseLinkTitle
    from markdown_it.rules_block import code, fence, reference, table
    from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS

    _lib.__dict__.update(
        destination=parseLinkDestination,
        title=parseLinkTitle,
        reference=reference,
        table=table,
        fence=fence,
        code=code,
        trim=mdTrim,
        max_autocompleted=MAX_AUTOCOMPLETED_CELLS,
    )


def _destination(string: str, pos: int, maximum: int) -> Any:
    """markdown-it's parseLinkDestination, paying for the characters it scanned."""
    result = _lib.destination(string, pos, maximum)
    if result.ok:
        scanned = result.pos - pos
    else:  # it stopped at the latest at the first character no destination may hold
        end = _DEST_END_ANGLED if string.startswith("<", pos) else _DEST_END_PLAIN
        stop = end.search(string, pos + 1, min(maximum, pos + _DEST_LOOKAHEAD))
        scanned = (stop.start() if stop is not None else maximum) - pos
    _meter.get().spend(_SCAN_CHAR * scanned)
    return result


def _title(string: str, start: int, maximum: int, prev_state: Any = None) -> Any:
    """markdown-it's parseLinkTitle, paying for the characters it scanned."""
    result = _lib.title(string, start, maximum, prev_state)
    if prev_state is not None or string.startswith(('"', "'", "("), start):
        _meter.get().spend(_SCAN_CHAR * ((result.pos if result.ok else maximum) - start))
    return result


def _metered_link(normalize: Callable[[str], str]) -> Callable[[str], str]:
    def normalize_link(url: str) -> str:
        _meter.get().spend(_LINK)
        return normalize(url)

    return normalize_link


def _charged(name: str, units: float) -> Callable[[StateBlock, int, int, bool], bool]:
    """markdown-it's block rule ``name``, charging ``units`` for each block it makes (a cost
    that is neither a rule attempt nor a token: a reference stored, a code block written)."""

    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        found = bool(getattr(_lib, name)(state, start, end, silent))
        if found and not silent:
            _meter.get().spend(units)
        return found

    return rule


def _cells(line: str) -> int:
    """How many cells markdown-it's table rule splits a trimmed row ``line`` into (a pipe
    after a backslash is text; empty first and last cells are dropped)."""
    cells = line.count("|") - line.count("\\|") + 1
    if line.startswith("|"):
        cells -= 1
    if line.endswith("|") and not line.endswith("\\|"):
        cells -= 1
    return cells


def _table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule, making tokens only for the rows the writer shows: the rows
    past :data:`MAX_TABLE_ROWS` are found (exactly as the rule would) and counted instead."""
    table, trim = _lib.table, _lib.trim
    cap = start + 2 + MAX_TABLE_ROWS  # header, delimiter row, shown rows
    if silent or end <= cap:
        return bool(table(state, start, end, silent))
    first = len(state.tokens)
    if not table(state, start, cap, False):
        return False
    if state.line < cap:
        return True  # it ended before the cap, just as it would have without it
    tokens = state.tokens
    columns = sum(1 for t in tokens[first:] if t.type == "th_open")
    lines = [
        trim(state.src[state.bMarks[i] + state.tShift[i] : state.eMarks[i]])
        for i in range(start + 2, cap)
    ]
    missing = sum(columns - _cells(line) for line in lines)
    terminators = state.md.block.ruler.getRules("blockquote")
    line = cap
    while line < end:
        if state.sCount[line] < state.blkIndent:
            break
        if any(rule(state, line, end, True) for rule in terminators):
            break
        text = trim(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])
        if not text or state.is_code_block(line):
            break
        missing += columns - _cells(text)
        if missing > _lib.max_autocompleted:
            break
        line += 1
    for token in tokens[first:]:
        if token.type in ("table_open", "tbody_open") and token.map:
            token.map[1] = line
    tokens[-1].meta["rows_past_cap"] = line - cap
    state.line = line
    return True


def _parse_inlines(state: StateCore) -> None:
    """The core "inline" rule, parsing with the shallow inline parser and skipping dropped cells."""
    md = _inline_parser()
    meter = _meter.get()
    row = col = 0
    for token in state.tokens:
        kind = token.type
        if kind == "inline":
            if token.children is None:
                token.children = []
            if row > MAX_TABLE_ROWS + 1 or col > MAX_TABLE_COLS:
                continue  # the writer drops this cell: parsing it would be wasted work
            meter.spend(_INLINE_SETUP)
            md.inline.parse(token.content, md, state.env, token.children)
        elif kind == "tr_open":
            row += 1
            col = 0
        elif kind in ("th_open", "td_open"):
            col += 1
        elif kind == "table_close":
            row = col = 0


def _base() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # html=False: raw HTML arrives as text tokens and is escaped like any other text.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["html_block", "html_inline"])  # they return at once with html=False
    _bind_markdown_it()
    # This instance only (not markdown-it's modules or classes) pays for its costliest steps.
    for name in ("normalizeLink", "normalizeLinkText"):
        setattr(md, name, _metered_link(getattr(md, name)))
    md.helpers = SimpleNamespace(  # type: ignore[assignment]
        parseLinkLabel=md.helpers.parseLinkLabel,
        parseLinkDestination=_destination,
        parseLinkTitle=_title,
    )
    return md


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    md = _base()
    md.options["maxNesting"] = INLINE_NESTING
    from markdown_it.rules_inline import StateInline

    if hasattr(StateInline, "append_pending"):  # markdown-it-py 4.3+: appending stays linear
        md.inline.ruler.at("text", _text)
    md.inline.ruler.before("text", "work_meter", _inline_meter)
    setattr(md.inline, "skipToken", _metered_skip(md.inline.skipToken))  # noqa: B010
    return md


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The block parser; its inline rule runs :func:`_inline_parser`. Use through :func:`parse`."""
    md = _base()
    md.options["maxNesting"] = BLOCK_NESTING
    chains = ["paragraph", "reference", "blockquote", "list"]
    md.block.ruler.before("table", "work_meter", _block_meter, {"alt": chains})
    md.block.ruler.at("reference", _charged("reference", _REFERENCE))
    md.block.ruler.at("fence", _charged("fence", _CODE_BLOCK), {"alt": chains})
    md.block.ruler.at("code", _charged("code", _CODE_BLOCK))
    md.block.ruler.at("table", _table, {"alt": ["paragraph", "reference"]})
    md.core.ruler.at("inline", _parse_inlines)
    return md


def parse(text: str) -> list[Token]:
    """Tokens of ``text``, paid from the :func:`pooled` meter if one is active, else from a
    meter holding :func:`budget`; raises :class:`OverBudget` when it runs dry."""
    meter = _pool.get() or Meter(budget(len(text)))
    meter.block_tokens = meter.inline_tokens = 0
    meter.inline_state = None
    meter.spend(_upfront(text))
    token = _meter.set(meter)
    try:
        return parser().parse(text)
    finally:
        _meter.reset(token)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: building ~10^5 tokens otherwise triggers a collection every few
    hundred, each walking all the tokens made so far (quadratic in total)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
