"""Check a TeX formula before it is drawn: only what the math renderer draws faithfully gets in.

The renderer (ziamath over latex2mathml) draws an unknown command as its name in italics, closes
what was left open and lets a brace go unmatched, and its layout recurses (and doubles its work)
at every level of nesting. So a formula is read here first, in one linear pass with an explicit
stack: each command must be one the renderer knows, take the arguments it expects and leave
nothing open, braces and environments must balance and the nesting stays shallow. Whatever fails
raises :class:`FormulaError` with a sentence, and the formula is shown as its source instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["MAX_CHARS", "MAX_DEPTH", "FormulaError", "check_tex", "fence_binomials"]

MAX_CHARS = 4000
# Levels of braces, arguments, environments and \left…\right open at once. Real formulas stay
# under ten; the layout's cost doubles per level, so the work cap refuses deeper ones anyway.
MAX_DEPTH = 24


class FormulaError(ValueError):
    """A formula that cannot be drawn faithfully; ``str()`` is a sentence for the user."""


_TOKEN = re.compile(
    r"(?P<cmd>\\[A-Za-z]+)|(?P<sym>\\.)|(?P<bs>\\)|(?P<comment>%[^\n]*)|(?P<space>\s+)|(?P<ch>.)",
    re.DOTALL,
)
_ENV_NAME = re.compile(r"\s*\{([A-Za-z]+\*?)\}")
_ARRAY_SPEC = re.compile(r"\s*\{[lcr|: ]+\}")
# latex2mathml reads a \text argument up to the first "}" as plain characters: nothing in it
# is interpreted, so anything TeX would interpret there is refused rather than shown raw.
_TEXT_ARG = re.compile(r"\s*\{([^{}\\$&#%^_]*)\}")
_OPERATOR_NAME = re.compile(r"\*?\s*\{[A-Za-z ]+\}")
_BINOM = re.compile(r"\\binom(?![A-Za-z])\s*")

_ENVIRONMENTS = frozenset(
    {
        "matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix",
        "cases", "aligned", "align", "align*", "split", "gathered", "array",
    }
)  # fmt: skip
# Commands and how many braced arguments they take.
_ARITY: dict[str, int] = {
    **dict.fromkeys(
        (
            "frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom",
            "overset", "underset", "stackrel",
        ),
        2,
    ),
    **dict.fromkeys(
        (
            "sqrt", "hat", "widehat", "check", "widecheck", "tilde", "widetilde", "acute",
            "grave", "dot", "ddot", "dddot", "ddddot", "breve", "bar", "vec", "mathring",
            "overline", "underline", "overbrace", "underbrace", "overleftarrow",
            "overrightarrow", "overleftrightarrow", "underleftarrow", "underrightarrow",
            "underleftrightarrow", "overbracket", "underbracket", "overparen", "underparen",
            "underbar", "boxed", "cancel", "bcancel", "xcancel", "phantom",
            "hphantom", "vphantom", "mathbb", "mathbf", "mathcal", "mathfrak", "mathit",
            "mathrm", "mathsf", "mathtt", "mathscr", "mathnormal", "boldsymbol", "bm", "Bbb",
            "pmb", "substack", "pmod", "mathop", "mathrel", "mathbin", "mathord",
            "xrightarrow", "xleftarrow", "xleftrightarrow", "xRightarrow", "xLeftarrow",
            "xLeftrightarrow", "xmapsto", "xhookrightarrow", "xhookleftarrow",
        ),
        1,
    ),
}  # fmt: skip
_TAKES_OPTIONAL = frozenset(
    {"sqrt", "xrightarrow", "xleftarrow", "xleftrightarrow", "xRightarrow", "xLeftarrow"}
    | {"xLeftrightarrow", "xmapsto", "xhookrightarrow", "xhookleftarrow"}
)
_TEXT = frozenset({"text", "textrm", "textbf", "textit", "textsf", "texttt", "textnormal", "mbox"})
_OPERATOR_NAMES = frozenset({"operatorname", "operatornamewithlimits"})
_FENCES = frozenset({"left", "right", "middle"})
_BIG = frozenset(
    size + side for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "m", "r")
)
_PLAIN = frozenset(
    {
        "quad", "qquad", "enspace", "thinspace", "thickspace", "negthinspace", "negmedspace",
        "negthickspace", "nobreakspace", "space", "limits", "nolimits", "displaystyle",
        "textstyle", "scriptstyle", "scriptscriptstyle", "over", "atop", "choose", "brace",
        "brack", "not", "hline", "hdashline", "nonumber", "notag", "bmod", "mod", "lim", "sup",
        "inf", "max", "min", "det", "gcd", "Pr", "liminf", "limsup", "injlim", "projlim",
        "varliminf", "varlimsup", "varinjlim", "varprojlim", "argmax", "argmin", "dots",
    }
)  # fmt: skip
# Control symbols: "\," and friends are spaces, the rest are the character itself.
_CONTROL_SYMBOLS = frozenset(",:;!> {}|$%&#_\\")
_DELIMITER_CHARS = frozenset("()[]|./")
_DELIMITER_COMMANDS = frozenset(
    {
        "{", "}", "|", "langle", "rangle", "lvert", "rvert", "lVert", "rVert", "vert", "Vert",
        "lfloor", "rfloor", "lceil", "rceil", "lbrace", "rbrace", "lbrack", "rbrack",
        "backslash", "lgroup", "rgroup", "mid",
    }
)  # fmt: skip

# Frame kinds on the stack.
_GROUP, _ENV, _LEFT, _ARGS, _OPT = range(5)


# The operator names ziamath declares in latex2mathml when it is imported (its __init__).
# Named here so checking a formula never imports ziamath on the GUI thread (~90 ms, 17 MB):
# only the drawing, on the renders queue, needs it. A test keeps this list in step.
_ZIAMATH_OPERATORS = ("tg", "ctg", "arcctg", "arctg", "arg", "cotg", "sh", "ch", "cth", "th")


@lru_cache(maxsize=1)
def _symbols() -> frozenset[str]:
    """Every command latex2mathml turns into one character (``\\alpha``, ``\\to``, ``\\sin``…)."""
    from latex2mathml import commands
    from latex2mathml.symbols_parser import SYMBOLS

    names = {key[1:] for key in SYMBOLS if key[1:].isalpha() and key[1:].isascii()}
    names.update(name[1:] for name in commands.FUNCTIONS)
    names.update(_ZIAMATH_OPERATORS)
    return frozenset(names)


def _fail_open(frame: list[object]) -> FormulaError:
    kind, what = frame[0], frame[-1]
    if kind == _GROUP:
        return FormulaError("A “{” in the formula is never closed.")
    if kind == _ENV:
        return FormulaError(f"The formula opens \\begin{{{what}}} but never closes it.")
    if kind == _LEFT:
        return FormulaError("A \\left in the formula has no matching \\right.")
    if kind == _OPT:
        return FormulaError("A “[” in the formula is never closed.")
    if what == "^" or what == "_":
        return FormulaError(f"A “{what}” in the formula has nothing after it.")
    return FormulaError(f"The formula's \\{what} is missing an argument.")


class _Reader:
    """The walk over one formula's tokens, with the stack of what is open."""

    def __init__(self, tex: str) -> None:
        self.tex = tex
        # [kind, name] or [_ARGS, arguments still to come, command]
        self.stack: list[list[object]] = []
        self.tokens = _TOKEN.finditer(tex)
        self.optional_ok = False

    def push(self, frame: list[object]) -> None:
        self.stack.append(frame)
        if len(self.stack) > MAX_DEPTH:
            raise FormulaError(
                f"The formula is nested too deeply to draw (more than {MAX_DEPTH} levels)."
            )

    def atom(self) -> None:
        """Something whole was read: it fills the innermost pending argument, if any."""
        stack = self.stack
        while stack and stack[-1][0] == _ARGS:
            frame = stack[-1]
            left = frame[1]
            assert isinstance(left, int)
            if left > 1:
                frame[1] = left - 1
                return
            stack.pop()  # the command has all its arguments: it is whole in turn

    def close(self, kind: int, what: str) -> list[object]:
        """Pop the innermost frame, which must be of ``kind``."""
        if not self.stack:
            raise FormulaError(f"The formula closes a {what} that was never opened.")
        top = self.stack[-1]
        if top[0] != kind:
            raise _fail_open(top)
        return self.stack.pop()

    def match_after(self, pattern: re.Pattern[str], end: int) -> re.Match[str] | None:
        """Match ``pattern`` right after ``end`` and move the token reader past it."""
        match = pattern.match(self.tex, end)
        if match is not None:
            self.tokens = _TOKEN.finditer(self.tex, match.end())
        return match

    def delimiter(self, name: str) -> None:
        """Read the delimiter after ``\\left``, ``\\right``, ``\\middle`` or ``\\big``."""
        while (token := next(self.tokens, None)) is not None:
            kind = token.lastgroup
            if kind == "space" or kind == "comment":
                continue
            text = token.group()
            if (kind == "ch" and text in _DELIMITER_CHARS) or (
                text[0] == "\\" and text[1:] in _DELIMITER_COMMANDS
            ):
                return
            break
        raise FormulaError(f"The formula's \\{name} needs a delimiter after it, such as ( or \\{{.")

    def command(self, name: str, end: int) -> None:
        if name in _ARITY:
            self.push([_ARGS, _ARITY[name], name])
            self.optional_ok = name in _TAKES_OPTIONAL
        elif name == "begin":
            env = self.match_after(_ENV_NAME, end)
            if env is None or env.group(1) not in _ENVIRONMENTS:
                shown = env.group(1) if env is not None else "…"
                raise FormulaError(f"The environment “{shown}” cannot be drawn here.")
            if env.group(1) == "array" and self.match_after(_ARRAY_SPEC, env.end()) is None:
                raise FormulaError("The formula's \\begin{array} needs its columns, such as {cc}.")
            self.push([_ENV, env.group(1)])
        elif name == "end":
            env = self.match_after(_ENV_NAME, end)
            frame = self.close(_ENV, "\\end")
            if env is None or env.group(1) != frame[1]:
                raise FormulaError(
                    f"The formula closes \\begin{{{frame[1]}}} with a different \\end."
                )
            self.atom()
        elif name in _FENCES:
            self.delimiter(name)
            if name == "left":
                self.push([_LEFT, "left"])
            elif name == "right":
                self.close(_LEFT, "\\right")
                self.atom()
            elif not self.stack or self.stack[-1][0] != _LEFT:
                raise FormulaError("The formula has a \\middle outside \\left … \\right.")
        elif name in _BIG:
            self.delimiter(name)
            self.atom()
        elif name in _TEXT:
            if self.match_after(_TEXT_ARG, end) is None:
                raise FormulaError(
                    f"Only plain text can stand in \\{name}{{…}} here (no commands, $ or braces)."
                )
            self.atom()
        elif name in _OPERATOR_NAMES:
            if self.match_after(_OPERATOR_NAME, end) is None:
                raise FormulaError(f"Only letters can stand in \\{name}{{…}} here.")
            self.atom()
        elif name in _PLAIN or name in _symbols():
            self.atom()
        else:
            raise FormulaError(f"The formula uses \\{name}, which this app cannot draw.")

    def read(self) -> None:
        # ``self.tokens`` is read by the helpers too (a delimiter, an environment's name).
        while (token := next(self.tokens, None)) is not None:
            kind = token.lastgroup
            if kind == "space" or kind == "comment":
                continue
            text = token.group()
            optional_ok, self.optional_ok = self.optional_ok, False
            if kind == "cmd":
                self.command(text[1:], token.end())
            elif kind == "sym":
                if text[1] not in _CONTROL_SYMBOLS:
                    raise FormulaError(f"The formula uses {text}, which this app cannot draw.")
                if text != "\\\\":
                    self.atom()
                elif self.stack and self.stack[-1][0] == _ARGS:
                    raise _fail_open(self.stack[-1])
            elif kind == "bs":
                raise FormulaError("The formula ends with a lone backslash.")
            elif text == "{":
                self.push([_GROUP, "{"])
            elif text == "}":
                self.close(_GROUP, "“}”")
                self.atom()
            elif text == "^" or text == "_":
                self.push([_ARGS, 1, text])
            elif text == "[" and optional_ok:
                self.push([_OPT, "["])
            elif text == "]" and self.stack and self.stack[-1][0] == _OPT:
                self.stack.pop()
            elif text == "&":
                if not self.stack or self.stack[-1][0] != _ENV:
                    raise FormulaError("An “&” can only separate columns of a matrix or cases.")
            elif text == "$" or text == "#":
                raise FormulaError(f"A bare “{text}” cannot stand inside a formula.")
            else:
                self.atom()
        if self.stack:
            raise _fail_open(self.stack[-1])


def check_tex(tex: str) -> None:
    """Raise :class:`FormulaError` unless ``tex`` (without delimiters) can be drawn faithfully.

    Linear in the length, bounded by :data:`MAX_CHARS`, and never recursive.
    """
    if len(tex) > MAX_CHARS:
        raise FormulaError(
            f"The formula is too long to draw ({len(tex):,} characters; the limit is "
            f"{MAX_CHARS:,})."
        )
    if not tex.strip():
        raise FormulaError("The formula is empty.")
    _Reader(tex).read()


def _group_end(tex: str, start: int) -> int:
    """Index just past the braced group opening at ``start`` (-1 if there is none)."""
    if start >= len(tex) or tex[start] != "{":
        return -1
    depth = 0
    i = start
    while i < len(tex):
        char = tex[i]
        if char == "\\":
            i += 2  # \{ and \} are characters, not braces
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def fence_binomials(tex: str) -> str:
    """``\\binom{a}{b}`` as ``\\left( {a} \\atop {b} \\right)``, braces matched.

    ziamath makes the same rewrite with a regular expression that stops at the first brace, so
    ``\\binom{n}{k_{1}}`` came out broken; done here first, it finds no ``\\binom{`` left.
    A ``\\binom`` without braced arguments is left to latex2mathml.
    """
    if "\\binom" not in tex:
        return tex
    # Right to left: an inner binomial is rewritten before the one around it is measured.
    for match in reversed(list(_BINOM.finditer(tex))):
        top_end = _group_end(tex, match.end())
        if top_end == -1:
            continue
        bottom_start = top_end
        while bottom_start < len(tex) and tex[bottom_start].isspace():
            bottom_start += 1
        bottom_end = _group_end(tex, bottom_start)
        if bottom_end == -1:
            continue
        top = tex[match.end() : top_end]
        bottom = tex[bottom_start:bottom_end]
        fenced = f"\\left( {top} \\atop {bottom} \\right)"
        tex = tex[: match.start()] + fenced + tex[bottom_end:]
    return tex
