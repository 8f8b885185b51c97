"""Seed a data folder with a chat full of formulas (for docs/screenshot-math.png).

python tools/math_demo_data.py DATA_DIR CONFIG_DIR

The answer holds the quadratic formula inline, a display sum, a ``cases`` block, currency text
("costs $3 and $5", which stays text) and a code block containing ``$x$`` (which stays code).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from demo_common import add_turn, demo_chat

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


def main(data: Path, config: Path) -> None:
    now = time.time()
    with demo_chat(data, config, title="Quadratic formula", model=MODEL) as conv:
        usage = {"prompt_tokens": 40, "completion_tokens": 160}
        add_turn(conv, QUESTION, ANSWER, at=now - 60, usage=usage)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
