"""Backups: a zip of every chat and the settings (never a key), kept N deep, restored by id."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nebula_desktop import backup
from nebula_desktop.backup import BackupError, daily_backup, make_backup, read_backup, restore_into
from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import ConversationStore, Message

KEY = "sk-live-abcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        for title in ("One", "Two"):
            conv = store.create(title=title)
            conv.messages.append(Message("user", f"hello {title}"))
            store.save(conv)
    return root


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    settings_store = SettingsStore(tmp_path / "config")
    settings = settings_store.load()
    settings.profiles[0].extra_headers = {"Authorization": f"Bearer {KEY}", "X-Team": "blue"}
    settings_store.save(settings)
    # Even a hand-edited file with a key in it must not carry it into a backup.
    d = json.loads(settings_store.path.read_text(encoding="utf-8"))
    d["api_key"] = KEY
    settings_store.path.write_text(json.dumps(d), encoding="utf-8")
    return settings_store.path


def _all_bytes(zip_path: Path) -> bytes:
    with zipfile.ZipFile(zip_path) as zf:
        return b"".join(zf.read(name) for name in zf.namelist())


def test_backup_holds_every_conversation_and_the_settings_but_no_key(
    tmp_path: Path, data: Path, settings_path: Path
) -> None:
    zip_path = make_backup(data, tmp_path / "b.zip", settings_path)
    with zipfile.ZipFile(zip_path) as zf:
        names = sorted(zf.namelist())
        settings = json.loads(zf.read("settings.json"))
    assert len([n for n in names if n.startswith("conversations/")]) == 2
    assert "manifest.json" in names and "settings.json" in names
    assert KEY.encode() not in _all_bytes(zip_path)
    assert b"sk-" not in _all_bytes(zip_path)
    assert settings["profiles"][0]["extra_headers"] == {"X-Team": "blue"}


def test_restore_replaces_same_id_and_keeps_the_others(tmp_path: Path, data: Path) -> None:
    zip_path = make_backup(data, tmp_path / "b.zip")
    with ConversationStore(data) as store:
        rows = {s.title: s.id for s in store.list()}
        one = store.load(rows["One"])
        one.messages.append(Message("user", "written after the backup"))
        store.save(one)
        new = store.create(title="Made after the backup")
        contents = read_backup(zip_path)
        assert len(contents.conversations) == 2 and contents.created_at > 0
        restore_into(store, contents.conversations)
        assert [m.content for m in store.load(rows["One"]).messages] == ["hello One"]
        assert store.load(new.id).title == "Made after the backup"
        assert len(store.list()) == 3


def test_restore_into_an_empty_folder_brings_everything_back(tmp_path: Path, data: Path) -> None:
    zip_path = make_backup(data, tmp_path / "b.zip")
    with ConversationStore(data) as store:
        before = {s.id: store.load(s.id).to_dict() for s in store.list()}
    with ConversationStore(tmp_path / "fresh") as fresh:
        restore_into(fresh, read_backup(zip_path).conversations)
        after = {s.id: fresh.load(s.id).to_dict() for s in fresh.list()}
    assert after == before


def test_daily_backup_runs_at_most_once_a_day_and_keeps_the_last_seven(data: Path) -> None:
    backups_dir = data / "backups"
    first = daily_backup(data, None)
    assert first is not None and first.exists()
    assert daily_backup(data, None) is None  # made today already
    # Nine old backups from earlier days: only the newest seven survive the next one.
    old = time.time() - 3 * 86400
    for day in range(1, 10):
        p = backups_dir / f"nebula-backup-202401{day:02d}-120000-daily.zip"
        p.write_bytes(b"old")
        os.utime(p, (old, old))
    os.utime(first, (old, old))
    manual = make_backup(data, backups_dir / "nebula-backup-20230101-120000.zip")
    newest = daily_backup(data, None)
    assert newest is not None
    zips = backup.automatic_backups(backups_dir)
    assert len(zips) == 8 and newest in zips
    assert manual.exists()  # one the user asked for is never pruned
    assert not (backups_dir / "nebula-backup-20240101-120000-daily.zip").exists()


def test_a_migration_makes_a_zip_of_the_old_files_first(tmp_path: Path) -> None:
    root = tmp_path / "data"
    (root / "conversations").mkdir(parents=True)
    raw = json.dumps({"id": "legacy", "title": "Old", "messages": [{"role": "user", "text": "q"}]})
    (root / "conversations" / "legacy.json").write_text(raw, encoding="utf-8")
    with ConversationStore(root, backup_before_migration=backup.pre_migration_backup) as store:
        assert store.load("legacy").messages[0].content == "q"
    (zip_path,) = (root / backup.MIGRATION_DIR).iterdir()
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.read("conversations/legacy.json").decode() == raw  # the pre-migration bytes


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_hostile_zip_members_are_ignored_never_extracted(tmp_path: Path, data: Path) -> None:
    good = make_backup(data, tmp_path / "good.zip")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    conv_name = next(n for n in members if n.startswith("conversations/"))
    members["../../evil.json"] = members[conv_name]
    members["conversations/../../evil2.json"] = members[conv_name]
    members["/etc/passwd"] = b"x"
    members["conversations/bad id.json"] = members[conv_name]
    members["conversations/broken.json"] = b"{not json"
    evil = tmp_path / "evil.zip"
    evil.write_bytes(_zip(members))
    contents = read_backup(evil)
    assert len(contents.conversations) == 2
    assert contents.skipped == ["conversations/broken.json"]
    assert not (tmp_path.parent / "evil.json").exists()


def test_zip_without_our_manifest_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.zip"
    other.write_bytes(_zip({"readme.txt": b"hi"}))
    with pytest.raises(BackupError, match="not a Nebula Desktop backup"):
        read_backup(other)
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"plain text")
    with pytest.raises(BackupError, match="not a readable zip"):
        read_backup(not_zip)


def test_oversized_members_are_skipped_not_read_whole(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zip_path = make_backup(data, tmp_path / "b.zip")
    with zipfile.ZipFile(zip_path) as zf:
        manifest_size = zf.getinfo("manifest.json").file_size
        conv_sizes = [i.file_size for i in zf.infolist() if i.filename.startswith("conv")]
    assert manifest_size < min(conv_sizes)
    monkeypatch.setattr(backup.reading, "MAX_MEMBER_BYTES", manifest_size)
    contents = read_backup(zip_path)
    assert contents.conversations == [] and len(contents.skipped) == 2


def test_conflict_copies_and_temp_files_are_not_backed_up(tmp_path: Path, data: Path) -> None:
    conv_dir = data / "conversations"
    some = next(conv_dir.iterdir())
    (conv_dir / f"{some.stem} (conflicted copy 2024-01-01).json").write_bytes(some.read_bytes())
    (conv_dir / f"{some.stem}-LAPTOP.json").write_bytes(some.read_bytes())  # OneDrive
    (conv_dir / ".x.json.tmp").write_bytes(b"partial")
    with zipfile.ZipFile(make_backup(data, tmp_path / "b.zip")) as zf:
        assert len([n for n in zf.namelist() if n.startswith("conversations/")]) == 2


def test_no_credential_shape_reaches_a_backup_but_the_users_text_does(
    tmp_path: Path, data: Path
) -> None:
    from tests.hardening.leaks import find_in_text
    from tests.unit.test_settings import CREDENTIAL_SHAPES, SHAPE_KEY

    # A settings file edited by hand after the app last read it: every shape at once.
    profiles: list[Any] = []
    hand_edited: dict[str, Any] = {"profiles": profiles}
    for shape, _name in CREDENTIAL_SHAPES.values():
        for key, value in shape.items():
            if key == "profiles":
                profiles += [{**p, "id": f"p{len(profiles)}"} for p in value]  # type: ignore[attr-defined]
            else:
                hand_edited[key] = value
    profiles[0]["proxy"] = f"http://alice:{SHAPE_KEY}@proxy:3128"
    preset = {"name": "Support", "text": f"The demo key is {SHAPE_KEY}."}
    hand_edited["prompt_presets"] = [preset]
    settings_path = tmp_path / "config" / "settings.json"
    settings_path.parent.mkdir()
    settings_path.write_text(json.dumps(hand_edited), encoding="utf-8")
    zip_path = make_backup(data, tmp_path / "b.zip", settings_path)
    with zipfile.ZipFile(zip_path) as zf:
        settings = json.loads(zf.read("settings.json"))
        others = b"".join(zf.read(n) for n in zf.namelist() if n != "settings.json")
    assert find_in_text(others, SHAPE_KEY) == []
    assert find_in_text(zip_path.read_bytes(), SHAPE_KEY) == []
    # Only the preset holds it: the user's own text, kept (loading it shows a notice).
    assert settings["prompt_presets"] == [preset]
    settings["prompt_presets"] = []
    assert find_in_text(json.dumps(settings).encode(), SHAPE_KEY) == []
    assert "https://llm.example.com/v1" in [p["base_url"] for p in settings["profiles"]]
    assert settings["profiles"][0]["proxy"] == "http://proxy:3128"
