"""Shared test set-up: every test gets its own HOME-like folders so nothing touches real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# A copy of ../shared/reference/cases lives in the repo so the suite is self-contained.
CASES_DIR = Path(__file__).resolve().parent / "data" / "cases"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The tests read the app's English texts; a developer's own language (LANG=zh_CN.UTF-8) must not
# translate them, in this process or in an app the tests start. tests/gui/test_i18n.py sets the
# languages it checks explicitly.
for _name in [n for n in os.environ if n.startswith("LC_")] + ["LANGUAGE"]:
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture
def reference_cases_dir() -> Path:
    """The recorded gateway exchanges (../shared/reference/cases)."""
    if not CASES_DIR.is_dir():
        pytest.fail(f"recorded cases not found at {CASES_DIR}")
    return CASES_DIR
