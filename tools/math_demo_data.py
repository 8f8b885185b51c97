"""Seed a data folder with a chat full of formulas (for docs/screenshot-math.png).

python tools/math_demo_data.py DATA_DIR CONFIG_DIR

The answer holds the quadratic formula inline, a display sum, a ``cases`` block, currency text
("costs $3 and $5", which stays text) and a code block containing ``$x$`` (which stays code);
a second answer carries a generated picture (a plot drawn here, stored as the app stores an
image that arrives inside an answer).
"""

from __future__ import annotations

import struct
import sys
import time
import zlib
from pathlib import Path

from demo_common import add_turn, demo_chat

from nebula_desktop.attachments import image_attachment

MODEL = "gpt-4o"
QUESTION = "Solve ax² + bx + c = 0, and show me a sum and a piecewise function."
ANSWER = (
    r"The roots of $ax^2 + bx + c = 0$ are $x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}$, "
    r"real when $b^2 - 4ac \ge 0$."
    r"""

The sum of the first $n$ squares:

$$\sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}$$

The absolute value, piece by piece:

$$|x| = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}$$

Prices are not math: the notebook costs $3 and the pen $5.

In code, dollars stay code:

```python
template = "Total: $x$"
```
"""
)


PLOT_QUESTION = "Plot y = x² − 1 for me."
PLOT_ANSWER = "Here is the parabola, crossing the x-axis at ±1:\n\n[image 1: y = x² − 1]"


def _png(width: int, height: int, pixels: list[bytearray]) -> bytes:
    """RGB rows as a PNG file (what an image model sends, here drawn by hand)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\x00" + bytes(row) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + (chunk(b"IEND", b""))
    )


def parabola_png(width: int = 240, height: int = 180) -> bytes:
    """y = x² − 1 on -2..2, with axes, in a light figure."""
    rows = [bytearray(b"\xf6\xf8\xfa" * width) for _ in range(height)]

    def dot(x: int, y: int, rgb: tuple[int, int, int]) -> None:
        if 0 <= x < width and 0 <= y < height:
            rows[y][3 * x : 3 * x + 3] = bytes(rgb)

    ox, oy, scale = width // 2, height * 2 // 3, width / 4.5
    for x in range(width):
        dot(x, oy, (140, 149, 159))
    for y in range(height):
        dot(ox, y, (140, 149, 159))
    for step in range(4000):
        vx = -2 + 4 * step / 3999
        px, py = ox + vx * scale, oy - (vx * vx - 1) * scale
        for dx in (0, 1):
            for dy in (0, 1):
                dot(int(px) + dx, int(py) + dy, (9, 105, 218))
    return _png(width, height, rows)


def main(data: Path, config: Path) -> None:
    now = time.time()
    with demo_chat(data, config, title="Quadratic formula", model=MODEL) as conv:
        usage = {"prompt_tokens": 40, "completion_tokens": 160}
        add_turn(conv, QUESTION, ANSWER, at=now - 120, usage=usage)
        add_turn(conv, PLOT_QUESTION, PLOT_ANSWER, at=now - 60, usage=usage)
        picture = image_attachment("y = x² − 1.png", "image/png", parabola_png(), 240, 180)
        conv.messages[-1].attachments.append(picture)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
