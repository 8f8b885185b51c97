"""Property tests: whatever bytes sit in a conversation file, the store never crashes."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nebula_desktop.store import ConversationStore, LoadError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)

# Near-misses of the real shape hit the validation paths more often than pure noise.
conversation_like = st.fixed_dictionaries(
    {},
    optional={
        "schema_version": st.one_of(st.integers(-2, 3), json_values),
        "id": st.one_of(st.text(max_size=10), json_values),
        "title": json_values,
        "created_at": st.one_of(st.just(10**400), json_values),
        "updated_at": json_values,
        "temperature": json_values,
        "max_tokens": json_values,
        "pinned": json_values,
        "draft": json_values,
        "messages": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "role": json_values,
                        "content": json_values,
                        "text": json_values,
                        "usage": json_values,
                        "complete": json_values,
                        "created_at": json_values,
                    },
                ),
                max_size=3,
            ),
            json_values,
        ),
    },
)


def _check_never_crashes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "conversations").mkdir()
        path = root / "conversations" / "fuzz.json"
        path.write_bytes(data)
        store = ConversationStore(root)
        try:
            rows = store.list()
            try:
                conv = store.load("fuzz")
            except LoadError as exc:
                assert str(exc)
                assert rows == []
                quarantined = list((root / "quarantine").iterdir())
                if quarantined:  # unreadable: kept byte for byte, and the user is told
                    assert quarantined[0].read_bytes() == data
                    assert any("fuzz.json" in p for p in store.problems)
                else:  # a newer-format file we cannot show: left exactly as it was
                    assert path.read_bytes() == data
                    assert store.problems
            else:
                assert [r.id for r in rows] == ["fuzz"]
                assert conv.id == "fuzz"
                store.search("a")
                if not conv.read_only:
                    store.save(conv)
        finally:
            store.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_store(data: bytes) -> None:
    _check_never_crashes(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_json_never_crashes_the_store(value: Any) -> None:
    _check_never_crashes(json.dumps(value).encode())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversation_like)
def test_almost_valid_conversations_load_or_quarantine(value: dict[str, Any]) -> None:
    _check_never_crashes(json.dumps(value).encode())
