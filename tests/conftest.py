"""Shared test set-up: every test gets its own HOME-like folders so nothing touches real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# A copy of ../shared/reference/cases lives in the repo so the suite is self-contained.
CASES_DIR = Path(__file__).resolve().parent / "data" / "cases"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def reference_cases_dir() -> Path:
    """The recorded gateway exchanges (../shared/reference/cases)."""
    if not CASES_DIR.is_dir():
        pytest.fail(f"recorded cases not found at {CASES_DIR}")
    return CASES_DIR
