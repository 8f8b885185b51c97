"""Fixtures for store tests: a fresh store in a temporary data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nebula_desktop.store import ConversationStore


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(root: Path) -> Iterator[ConversationStore]:
    s = ConversationStore(root)
    yield s
    s.close()
