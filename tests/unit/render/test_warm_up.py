"""Warming the renderer up after start-up loads what a first render needs and stores nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

_CHILD = """
import json, sys
from pathlib import Path
from nebula_desktop.render import cache
store = cache.enable(Path(sys.argv[1]))
from nebula_desktop.render.markdown import warm_up
early = ("markdown_it", "pygments", "nebula_desktop.render.parser")
before = sorted(m for m in early if m in sys.modules)
warm_up()
after = sorted(m for m in ("markdown_it", "pygments.lexers.python", "nebula_desktop.render.parser",
    "nebula_desktop.render.html_writer", "nebula_desktop.render.math_scan") if m in sys.modules)
store.close(timeout=5.0)
print(json.dumps({"before": before, "after": after}))
"""


def test_warming_up_loads_the_renderer_and_stores_nothing_in_the_render_cache(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "render"
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == []  # nothing of it loaded before
    assert seen["after"] == [
        "markdown_it",
        "nebula_desktop.render.html_writer",
        "nebula_desktop.render.math_scan",
        "nebula_desktop.render.parser",
        "pygments.lexers.python",
    ]
    entries = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    assert entries == []  # the warm-up text is not kept
