"""The persistent render cache: same output as rendering, never trusted, bounded, optional."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nebula_desktop.render import cache, render_markdown
from nebula_desktop.render.markdown import render_fragment

MESSAGE = (
    "# Title\n\nSome *text* with `code` and a [link](https://example.com).\n\n"
    "```python\ndef f(x):\n    return x * 2\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("NEBULA_RENDER_CACHE", raising=False)
    where = tmp_path / "render"
    yield where
    cache.disable()


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_a_cached_message_renders_exactly_as_without_the_cache(folder: Path) -> None:
    plain = render_fragment(MESSAGE, True, code_index_base=0)
    store = cache.enable(folder)
    assert store is not None
    first = render_markdown(MESSAGE, dark=True)
    assert store.flush()
    assert len(_entries(folder)) == 1
    # A new session (a fresh cache object) serves it from disk.
    cache.disable()
    again = cache.enable(folder)
    assert again is not None
    second = render_markdown(MESSAGE, dark=True)
    assert first == plain
    assert second == plain
    assert second.code_blocks == ["def f(x):\n    return x * 2\n"]


def test_light_and_dark_renderings_are_kept_apart(folder: Path) -> None:
    store = cache.enable(folder)
    assert store is not None
    light = render_markdown(MESSAGE, dark=False)
    dark = render_markdown(MESSAGE, dark=True)
    assert store.flush()
    assert light.html != dark.html
    assert len(_entries(folder)) == 2
    assert render_markdown(MESSAGE, dark=False) == light


def test_a_corrupt_entry_is_ignored_and_replaced(folder: Path) -> None:
    store = cache.enable(folder)
    assert store is not None
    good = render_markdown(MESSAGE)
    assert store.flush()
    (entry,) = _entries(folder)
    for damage in (b"{not json", b"\xff\xfe", b'{"key": "other", "html": "x", "code_blocks": []}'):
        entry.write_bytes(damage)
        assert render_markdown(MESSAGE) == good
        assert store.flush()
        assert store.get(entry.stem) == (good.html, good.code_blocks, good.formulas)


def test_a_changed_renderer_does_not_reuse_old_entries(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = cache.enable(folder)
    assert store is not None
    old_key = cache.cache_key(MESSAGE, False)
    store.put(old_key, "<p>stale output of an older renderer</p>", [])
    assert store.flush()
    monkeypatch.setattr(cache, "RENDER_VERSION", cache.RENDER_VERSION + 1)
    cache.renderer_stamp.cache_clear()
    try:
        assert cache.cache_key(MESSAGE, False) != old_key
        assert "stale" not in render_markdown(MESSAGE).html
    finally:
        monkeypatch.undo()
        cache.renderer_stamp.cache_clear()


def test_nothing_is_written_when_the_cache_is_disabled(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEBULA_RENDER_CACHE", "0")
    assert cache.enable(folder) is None
    render_markdown(MESSAGE)
    assert not folder.exists()


def test_cache_files_are_readable_by_the_owner_only(folder: Path) -> None:
    store = cache.enable(folder)
    assert store is not None
    render_markdown(MESSAGE)
    assert store.flush()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (entry,) = _entries(folder)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_entries_unused_for_thirty_days_are_pruned(folder: Path) -> None:
    store = cache.enable(folder)
    assert store is not None
    render_markdown("old message")
    render_markdown("recent message")
    assert store.flush()
    old = folder / f"{cache.cache_key('old message', False)}.json"
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    assert store.prune() == 1
    assert not old.exists()
    assert len(_entries(folder)) == 1


def test_the_size_cap_drops_the_least_recently_used_entries(folder: Path) -> None:
    store = cache.enable(folder, max_bytes=10_000)
    assert store is not None
    texts = [f"message {i}\n\n" + "words " * 300 for i in range(8)]  # ~2 KB entries
    now = time.time()
    for i, text in enumerate(texts):
        render_markdown(text)
        assert store.flush()
        path = folder / f"{cache.cache_key(text, False)}.json"
        os.utime(path, (now - 1000 + i, now - 1000 + i))  # text 0 is the least recently used
    store.prune()
    total = sum(p.stat().st_size for p in _entries(folder))
    assert total <= 10_000
    kept = {p.stem for p in _entries(folder)}
    assert cache.cache_key(texts[-1], False) in kept
    assert cache.cache_key(texts[0], False) not in kept


def test_with_a_warm_cache_rendering_imports_neither_markdown_it_nor_pygments(
    folder: Path,
) -> None:
    store = cache.enable(folder)
    assert store is not None
    render_markdown(MESSAGE)
    assert store.flush()
    script = (
        "import sys\n"
        "from nebula_desktop.render import cache, render_markdown\n"
        f"cache.enable({str(folder)!r})\n"
        f"out = render_markdown({MESSAGE!r})\n"
        "assert 'Copy' in out.html and out.code_blocks\n"
        "loaded = [m for m in ('markdown_it', 'pygments') if m in sys.modules]\n"
        "print('loaded:', loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NEBULA_RENDER_CACHE"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert "loaded: []" in done.stdout


def _imported(stderr: str, module: str) -> bool:
    """Whether ``-X importtime`` output shows ``module`` being imported."""
    return any(line.rsplit("|", 1)[-1].strip() == module for line in stderr.splitlines())


def test_the_app_reopens_the_last_chat_without_markdown_it_on_its_second_start(
    tmp_path: Path,
) -> None:
    from nebula_desktop.settings import Profile, SettingsStore
    from nebula_desktop.store import ConversationStore, Message

    data, config = tmp_path / "data", tmp_path / "config"
    with ConversationStore(data) as store:
        conv = store.create(title="code")
        conv.messages.append(Message(role="assistant", content=MESSAGE))
        store.save(conv)
    settings_store = SettingsStore(config)
    settings = settings_store.load()
    settings.profiles = [
        Profile(id="local", name="Local", base_url="http://127.0.0.1:9/v1", needs_key=False)
    ]
    settings.default_profile_id = "local"
    settings.last_conversation_id = conv.id
    settings_store.save(settings)
    env = {
        k: v for k, v in os.environ.items() if k not in ("NEBULA_RENDER_CACHE", "NEBULA_CACHE_DIR")
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    cmd = [sys.executable, "-X", "importtime", "-m", "nebula_desktop", "--data-dir", str(data)]
    cmd += ["--config-dir", str(config), "--smoke-test"]
    runs = [subprocess.run(cmd, capture_output=True, text=True, env=env) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr[-2000:]
    assert _imported(runs[0].stderr, "markdown_it")  # the first start renders
    assert not _imported(runs[1].stderr, "markdown_it")  # the second reads the cache
    assert not _imported(runs[1].stderr, "pygments")  # and builds no lexer either
    entries = list((data / "cache" / "render").glob("*.json"))
    assert entries  # beside the data folder given on the command line
