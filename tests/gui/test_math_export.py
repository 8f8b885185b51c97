"""Issue 15, export: HTML embeds each formula drawn as inline SVG (its TeX as the name), one
that cannot be drawn as its source in code; Markdown and JSON keep the TeX as written."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from nebula_desktop.exchange.exporter import render
from nebula_desktop.store import Conversation, Message

QUADRATIC = r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}"
SUM = r"\sum_{i=1}^{n} i^2"
ANSWER = (
    f"Roots: ${QUADRATIC}$.\n\n$${SUM}$$\n\n"
    "Speed $v = \\text{速度}$ is not drawable. It costs $3 and $5.\n\n"
    "```\n$x$ in code\n```\n"
)


def _conv() -> Conversation:
    return Conversation(
        id="c1",
        title="Math",
        created_at=1_700_000_000.0,
        updated_at=1_700_000_500.0,
        messages=[
            Message(role="user", content="Formulas please"),
            Message(role="assistant", model="m", content=ANSWER),
        ],
    )


def test_html_export_embeds_formulas_as_svg_and_the_others_keep_the_tex() -> None:
    page = render([_conv()], "html")
    svgs = re.findall(r"<svg .*?</svg>", page, re.DOTALL)
    assert len(svgs) == 2
    for svg, tex in zip(svgs, (QUADRATIC, SUM), strict=True):
        root = ET.fromstring(svg)  # well-formed, drawn paths
        assert root.get("role") == "img"
        assert root.get("aria-label") == tex
        assert root.find("{http://www.w3.org/2000/svg}title").text == tex  # type: ignore[union-attr]
        assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 3
    # The inline one is lowered onto the baseline; nothing is fetched.
    assert 'style="vertical-align:-' in svgs[0]
    assert "nebula-formula" not in page and "<img" not in page
    # Not drawable: its source, in code; currency and code stay text.
    assert "<code>$v = \\text{速度}$</code>" in page
    assert "costs $3 and $5" in page and "$x$ in code" in page
    # Markdown and JSON keep the TeX as written.
    markdown = render([_conv()], "markdown")
    assert ANSWER.strip() in markdown
    data = json.loads(render([_conv()], "json"))
    contents = [m["content"] for c in data["conversations"] for m in c["messages"]]
    assert ANSWER in contents
