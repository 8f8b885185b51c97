"""Finding formulas in an answer: the delimiters readers expect, never in code, never currency."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from nebula_desktop.render.math_scan import MathSpan, find_formulas


def texs(text: str) -> list[str]:
    return [span.tex for span in find_formulas(text)]


def shown(text: str) -> list[str]:
    """Each formula as it stands in the text, delimiters included."""
    return [text[span.start : span.end] for span in find_formulas(text)]


def test_the_four_delimiters_are_found_in_order_with_their_mode() -> None:
    text = r"Inline $a^2$, display $$b_1$$, then \(c\) and \[d\]."
    spans = find_formulas(text)
    assert [(s.tex, s.display, s.delimiter) for s in spans] == [
        ("a^2", False, "$"),
        ("b_1", True, "$$"),
        ("c", False, "\\("),
        ("d", True, "\\["),
    ]
    assert shown(text) == ["$a^2$", "$$b_1$$", r"\(c\)", r"\[d\]"]


def test_a_display_formula_may_span_lines() -> None:
    text = "Solve:\n$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n$$\ndone"
    (span,) = find_formulas(text)
    assert span.display and "aligned" in span.tex
    assert text[span.start : span.end].startswith("$$\n") and text[span.end :] == "\ndone"


@pytest.mark.parametrize(
    "text",
    [
        "It costs $3 and $5 at most.",
        "Between $10 and $20, or $30.",
        "The price is $5.",
        "Pay $ 5 now$",  # space after the opening dollar
        "a $x $ b",  # space before the closing dollar
        "from $x$5 on",  # a digit right after the closing dollar
    ],
)
def test_currency_stays_text(text: str) -> None:
    assert find_formulas(text) == []


def test_a_formula_after_prices_is_still_found() -> None:
    assert texs("Between $10 and $20, I had $x$ left.") == ["x"]


@pytest.mark.parametrize(
    "text",
    [
        r"An escaped \$x\$ is two dollar signs.",
        r"Not math: \\(x\\) nor \\[y\\].",
    ],
)
def test_escaped_delimiters_are_text(text: str) -> None:
    assert find_formulas(text) == []


def test_an_escaped_backslash_does_not_escape_the_dollar() -> None:
    assert texs(r"path C:\\ then $x$") == ["x"]


def test_an_escaped_dollar_inside_a_formula_does_not_close_it() -> None:
    assert texs(r"$a + \$5$ is money") == [r"a + \$5"]


@pytest.mark.parametrize(
    "text",
    [
        "Use `$x$` in code and $y$ outside.",
        "Use ``a ` $x$ `` in code and $y$ outside.",
        "```\n$x$ and $$z$$\n```\n$y$",
        "~~~tex\n\\(x\\)\n~~~\n$y$",
        "- item\n\n    ```\n    $x$\n    ```\n\n$y$",
        "> ```\n> $x$\n> ```\n\n$y$",
    ],
)
def test_nothing_in_code_is_a_formula(text: str) -> None:
    assert texs(text) == ["y"]


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5. Code: `$x$` and $y$ after.",  # the case: $5 ... `$ was a formula
        "Costs $5 `not $ math` then $y$.",
        "A $b `c$` then $y$.",  # a formula may not close inside a code span...
        "A `code $`b$ then $y$.",  # ...nor open inside one and close outside
        "$a `b` c$ then $y$.",  # ...nor hold one
        "$$a `b$$` c$$ then $y$.",
        "\\(a `\\)` b\\) then $y$.",
        "\\[a ``x \\] `` b\\] then $y$.",
    ],
)
def test_a_formula_never_spans_into_or_out_of_a_code_span(text: str) -> None:
    assert texs(text) == ["y"]


def test_a_code_span_after_a_formula_leaves_both_intact() -> None:
    text = "Let $x$ be `x = 1` and $$y$$ then `$` and \\(z\\)."
    assert shown(text) == ["$x$", "$$y$$", "\\(z\\)"]


def test_backticks_that_open_no_code_span_do_not_stop_a_formula() -> None:
    assert texs("So $a`b$ holds, with a double `` tick.") == ["a`b"]
    assert texs("An escaped \\`$x$` tick opens nothing.") == ["x"]


def test_an_unclosed_fence_makes_the_rest_code_as_while_streaming() -> None:
    assert texs("$a$\n```python\nprice = '$x$'\n") == ["a"]


def test_unmatched_backticks_are_text_not_code() -> None:
    assert texs("a ` lone backtick and $x$") == ["x"]


@pytest.mark.parametrize(
    "text",
    ["The answer is $x", "The answer is $$x", "Then \\(x", "Then \\[x", "Then $$x$ so far"],
)
def test_an_unfinished_formula_is_not_a_formula(text: str) -> None:
    assert find_formulas(text) == []


def test_a_formula_never_crosses_a_blank_line() -> None:
    assert find_formulas("$x\n\ny$") == []
    assert find_formulas("$$x\n\ny$$") == []
    assert texs("$x\ny$") == ["x\ny"]


def test_empty_delimiters_are_not_formulas() -> None:
    assert find_formulas("$$$$ and $$ $$ and \\[ \\]") == []


def test_text_without_delimiters_is_not_scanned() -> None:
    assert find_formulas("plain prose " * 1000) == []


def _best_of_three(work: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


HOSTILE: dict[str, Callable[[int], str]] = {
    # Each would be quadratic for a scanner that searches again from every opener.
    "dollar runs": lambda n: "$" * n,
    "openers without closers": lambda n: ("$a " * n)[:n],
    "display openers split by blank lines": lambda n: ("$$a\n\n" * n)[:n],
    "parens never closed": lambda n: ("\\(" * n)[:n],
    "backtick runs of every length": lambda n: "".join("`" * k + "$a" for k in range(1, 700))[:n],
    "backslash runs before dollars": lambda n: ("\\" * 999 + "$$") * (n // 1001),
    "fence lines": lambda n: ("```\n$x$\n" * n)[:n],
    "openers before code spans": lambda n: ("$a `b$` " * n)[:n],
    "backslash runs before backticks": lambda n: ("\\" * 999 + "`$a") * (n // 1002),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_scans_in_linear_time(name: str) -> None:
    make = HOSTILE[name]
    big, small = make(200_000), make(20_000)
    prose = ("The value $x_i$ is `code` and costs $3. " * 5000)[:200_000]
    spans: list[MathSpan] = find_formulas(prose)
    assert len(spans) > 1000  # the yardstick really finds formulas
    t_prose = _best_of_three(lambda: find_formulas(prose))
    t_big = _best_of_three(lambda: find_formulas(big))
    t_small = _best_of_three(lambda: find_formulas(small))
    # Ten times the text costs about ten times the time (a quadratic scan: a hundred times)...
    assert t_big < 30 * t_small + 0.005, (name, t_big, t_small)
    # ...and no more than a few times what real prose of the same size costs.
    assert t_big < 10 * t_prose + 0.005, (name, t_big, t_prose)
