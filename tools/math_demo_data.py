"""Seed a data folder with a chat full of formulas (for docs/screenshot-math.png).

python tools/math_demo_data.py DATA_DIR CONFIG_DIR

The answer holds the quadratic formula inline, a display sum, a ``cases`` block, currency text
("costs $3 and $5", which stays text) and a code block containing ``$x$`` (which stays code).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import ConversationStore, Message

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
    settings_store = SettingsStore(config)
    settings = settings_store.load()
    profile = settings.profile(settings.default_profile_id)
    profile.default_model = MODEL
    profile.needs_key = False  # a demo must not stop at the first-run dialog
    settings.auto_title = False
    now = time.time()
    with ConversationStore(data) as store:
        conv = store.create(title="Quadratic formula", model=MODEL, profile_id=profile.id)
        conv.messages.append(Message(role="user", content=QUESTION, created_at=now - 60))
        conv.messages.append(
            Message(
                role="assistant",
                content=ANSWER,
                model=MODEL,
                created_at=now - 55,
                usage={"prompt_tokens": 40, "completion_tokens": 160},
            )
        )
        store.save(conv, touch=False)
        settings.last_conversation_id = conv.id
    settings_store.save(settings)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
