"""Imports and backup restores are bounded by design, whatever the file holds (issue 11).

A 64 KiB ChatGPT zip used to inflate to 64 MiB of ``[{},…]`` and take 1.7 GB; a 33 KiB backup of
repeated ``{"role":"user"},`` took 620 MB before the confirmation appeared; 450 forks raised
RecursionError and lost the whole import; absurd timestamps, a Deflate64 member, a FIFO or
``/dev/zero`` crashed or hung it. Now each is refused or clamped with a sentence, within
300 MB, and one bad conversation (or zip member) is skipped and named while the rest comes in.
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nebula_desktop.backup import read_backup
from nebula_desktop.exchange import ExchangeError, add_to_store
from nebula_desktop.exchange.exporter import read_import, render
from nebula_desktop.store import ConversationStore
from nebula_desktop.store.model import MAX_TIMESTAMP
from tests.gui.helpers import wait_job
from tests.hardening.exports import with_method, write_chatgpt_export, zip_bytes
from tests.hardening.limits import run_limited
from tests.unit.exchange.chatgpt_fixture import chatgpt_export

PEAK_MB = 300
MIB = 1024 * 1024
MANIFEST = json.dumps({"format": "nebula-desktop-backup", "version": 1, "created_at": 1e9})


def _attack(call: str, path: Path, timeout: float = 60.0) -> tuple[str, float]:
    """Run ``call(path)`` in a child under the memory ceiling; its outcome line and peak MB."""
    result = run_limited(
        f"""
        from pathlib import Path
        from nebula_desktop.backup import read_backup
        from nebula_desktop.exchange.exporter import read_import
        try:
            {call}(Path({str(path)!r}))
            print("read without error")
        except Exception as exc:
            print(f"{{type(exc).__name__}}: {{exc}}")
        """,
        timeout=timeout,
    )
    assert result.ok, result.stderr[-2000:]
    return result.stdout.strip(), result.peak_mb


def _conv(conv_id: str, title: str = "Chat", **fields: Any) -> dict[str, Any]:
    """One of our conversation files, as a dict."""
    d: dict[str, Any] = {
        "schema_version": 2,
        "id": conv_id,
        "title": title,
        "created_at": 1_700_000_000.0,
        "updated_at": 1_700_000_000.0,
        "messages": [{"role": "user", "content": f"hello from {title}"}],
    }
    d.update(fields)
    return d


def _nebula_export(conversations: list[Any]) -> str:
    return json.dumps(
        {"format": "nebula-desktop-export", "version": 1, "conversations": conversations}
    )


def _backup(path: Path, members: dict[str, bytes]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we want
        path.write_bytes(zip_bytes({"manifest.json": MANIFEST.encode(), **members}))
    return path


def _message_node(node_id: str, parent: str | None, children: list[str], text: str) -> Any:
    return {
        "id": node_id,
        "parent": parent,
        "children": children,
        "message": {
            "id": node_id,
            "author": {"role": "user" if text.startswith("q") else "assistant"},
            "content": {"content_type": "text", "parts": [text]},
        },
    }


def _fork_chain(forks: int) -> dict[str, Any]:
    """A ChatGPT chat where every answer was regenerated once: ``forks`` forks in a row."""
    mapping: dict[str, Any] = {"root": {"id": "root", "parent": None, "children": ["q0"]}}
    parent = "root"
    for i in range(forks):
        nxt = [f"q{i + 1}"] if i + 1 < forks else []
        mapping[f"q{i}"] = _message_node(f"q{i}", parent, [f"old{i}", f"new{i}"], f"q{i}")
        mapping[f"old{i}"] = _message_node(f"old{i}", f"q{i}", [], f"old answer {i}")
        mapping[f"new{i}"] = _message_node(f"new{i}", f"q{i}", nxt, f"new answer {i}")
        parent = f"new{i}"
    return {"title": "Many forks", "mapping": mapping, "current_node": parent, "id": "forks"}


# -- memory: refused with a sentence, never built --------------------------------------------------


def _empties(path: Path) -> None:
    path.write_bytes(b"[" + b"{}," * (64 * MIB // 3) + b"{}]")


def _empties_zip(path: Path) -> None:
    path.write_bytes(zip_bytes({"conversations.json": b"[" + b"{}," * (64 * MIB // 3) + b"{}]"}))
    assert path.stat().st_size < 80 * 1024  # the 64 KiB zip of the issue


def _one_huge_chat(path: Path) -> None:
    path.write_bytes(b'[{"mapping": {}, "junk": [' + b"{}," * (64 * MIB // 3) + b"{}]}]")


def _empty_chats(path: Path) -> None:
    path.write_bytes(b"[" + b'{"mapping":{}},' * (64 * MIB // 15) + b'{"mapping":{}}]')


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (_empties_zip, "unpacks to 1,0"),
        (_empties, "is neither a Nebula Desktop export nor a ChatGPT conversations.json"),
        (_one_huge_chat, "A conversation in the file is too large to read"),
        (_empty_chats, "holds more than 50,000 conversations"),
    ],
    ids=["64k-zip-of-empty-objects", "64m-of-empty-objects", "one-huge-chat", "many-empty-chats"],
)
def test_64_mib_of_tiny_json_objects_is_refused_within_300_mb(
    tmp_path: Path, make: Any, sentence: str
) -> None:
    path = tmp_path / ("export.zip" if make is _empties_zip else "conversations.json")
    make(path)
    outcome, peak = _attack("read_import", path)
    assert outcome.startswith(("ExchangeError", "LimitError")) and sentence in outcome
    assert peak < PEAK_MB


def test_33_kib_backup_of_repeated_user_messages_is_refused_before_the_confirmation(
    tmp_path: Path,
) -> None:
    body = b'{"role":"user"},' * 65_000 + b'{"role":"user"}]}'
    members = {
        f"conversations/c{i}.json": b'{"schema_version":2,"id":"c%d","title":"t","messages":[' % i
        + body
        for i in range(16)
    }
    path = _backup(tmp_path / "small.zip", members)
    assert path.stat().st_size < 40 * 1024
    outcome, peak = _attack("read_backup", path)
    assert outcome == (
        "BackupError: small.zip holds more than 250,000 messages, more than one restore can "
        "take; nothing was restored."
    )
    assert peak < PEAK_MB


@pytest.mark.slow
def test_a_real_sized_chatgpt_export_of_100_mb_still_imports_within_300_mb(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conversations.json"
    write_chatgpt_export(path, conversations=3300, turns=8, text_size=1500)
    assert path.stat().st_size > 100 * MIB
    result = run_limited(
        f"""
        from pathlib import Path
        from nebula_desktop.exchange.exporter import read_import
        result = read_import(Path({str(path)!r}))
        print(len(result.conversations), sum(len(c.messages) for c in result.conversations),
              result.notices)
        """,
        timeout=120,
    )
    assert result.ok, result.stderr[-2000:]
    assert result.stdout.split() == ["3300", "52800", "[]"]
    assert result.peak_mb < PEAK_MB


# -- one bad conversation never stops the others ---------------------------------------------------


def test_chatgpt_chain_with_450_forks_imports_every_version(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([chatgpt_export()[0], _fork_chain(450)]), encoding="utf-8")
    result = read_import(path)
    _monads, forks = result.conversations
    assert len(forks.messages) == 900 and result.notices == []
    assert forks.messages[-1].content == "new answer 449"
    assert forks.messages[-1].alternatives[0][0].content == "old answer 449"
    with ConversationStore(tmp_path / "data") as store:
        added = add_to_store(store, result.conversations).added
    with ConversationStore(tmp_path / "data") as store:
        again = store.load(added[1])
    assert again.switch_branch(899, 0)
    assert again.messages[-1].content == "old answer 449"


def test_a_bad_conversation_never_stops_the_others(tmp_path: Path) -> None:
    ours = tmp_path / "export.json"
    broken = _conv("b" * 32, "Broken", messages=[{"role": 5, "content": "?"}])
    ours.write_text(_nebula_export([_conv("a" * 32, "One"), broken, _conv("c" * 32, "Two")]))
    result = read_import(ours)
    assert [c.title for c in result.conversations] == ["One", "Two"]
    assert result.notices == [
        "Conversation 2 (“Broken”) was skipped: it is damaged: 'role' must be text."
    ]

    chatgpt = tmp_path / "conversations.json"
    good, other = chatgpt_export()
    huge = {"title": "Huge", "mapping": {}, "junk": [{}] * 600_000}
    chatgpt.write_text(json.dumps([good, huge, other]), encoding="utf-8")
    result = read_import(chatgpt)
    assert [c.title for c in result.conversations] == ["Monads", "ChatGPT chat"]
    assert result.notices == [
        "Conversation 2 was skipped: too large to read (it would take over 96 MB)."
    ]


def test_chatgpt_chain_over_100000_nodes_is_cut_and_says_so(tmp_path: Path) -> None:
    count = 100_500
    shown = {1: "q first", 50_000: "q middle", 99_998: "q last kept", 100_400: "q beyond"}
    mapping: dict[str, Any] = {}
    for i in range(count):
        children = [f"n{i + 1}"] if i + 1 < count else []
        node: dict[str, Any] = {"id": f"n{i}", "children": children}
        if i in shown:
            node = _message_node(f"n{i}", f"n{i - 1}", children, shown[i])
        mapping[f"n{i}"] = node
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([{"title": "Endless", "mapping": mapping}]), encoding="utf-8")
    result = read_import(path)
    (conv,) = result.conversations
    assert [m.content for m in conv.messages] == ["q first", "q middle", "q last kept"]
    assert result.notices == [
        "“Endless” has more than 100,000 entries; only the first 100,000 were imported."
    ]


# -- absurd timestamps are clamped ----------------------------------------------------------------

ABSURD = ["1" + "0" * 400, "1e300", "NaN", "Infinity", "-Infinity", "-1e300"]


def _sane(t: float) -> bool:
    time.localtime(t)  # what the list, the exports and the restore dialog call
    return math.isfinite(t) and 0 <= t <= MAX_TIMESTAMP


def test_absurd_timestamps_are_clamped_in_imports_and_backups(tmp_path: Path) -> None:
    chatgpt = []
    for i, token in enumerate(ABSURD):
        node = json.dumps(_message_node("q", "r", [], "q hello"))
        node = node.replace('"message": {', f'"message": {{"create_time": {token}, ', 1)
        chatgpt.append(
            f'{{"title": "T{i}", "create_time": {token}, "update_time": {token}, '
            f'"mapping": {{"r": {{"id": "r", "children": ["q"]}}, "q": {node}}}}}'
        )
    path = tmp_path / "conversations.json"
    path.write_text("[" + ", ".join(chatgpt) + "]", encoding="utf-8")
    imported = read_import(path).conversations

    ours = [
        json.dumps(_conv(f"c{i}", f"N{i}", messages=[{"role": "user", "content": "x"}]))
        .replace('"created_at": 1700000000.0', f'"created_at": {token}')
        .replace('"updated_at": 1700000000.0', f'"updated_at": {token}')
        .replace('"content": "x"', f'"content": "x", "created_at": {token}')
        for i, token in enumerate(ABSURD)
    ]
    path = tmp_path / "export.json"
    path.write_text(_nebula_export([]).replace("[]", "[" + ", ".join(ours) + "]"))
    imported += read_import(path).conversations
    assert len(imported) == 2 * len(ABSURD)

    for i, token in enumerate(ABSURD):
        manifest = MANIFEST.replace("1000000000.0", token)
        zip_path = tmp_path / f"b{i}.zip"
        zip_path.write_bytes(
            zip_bytes({"manifest.json": manifest.encode(), "conversations/c0.json": ours[i]})
        )
        contents = read_backup(zip_path)
        assert _sane(contents.created_at)
        imported += contents.conversations

    for conv in imported:
        assert _sane(conv.created_at) and _sane(conv.updated_at)
        assert all(_sane(m.created_at) for m in conv.messages)
    assert render(imported, "markdown")  # formats every date


# -- zips: an unsupported member is skipped, a duplicate read once ---------------------------------


def test_a_deflate64_member_is_skipped_with_a_notice_and_the_others_restore(
    tmp_path: Path,
) -> None:
    one, two = "a" * 32, "b" * 32
    data = zip_bytes(
        {
            "manifest.json": MANIFEST.encode(),
            f"conversations/{one}.json": json.dumps(_conv(one, "Kept")).encode(),
            f"conversations/{two}.json": json.dumps(_conv(two, "Windows")).encode(),
        }
    )
    path = tmp_path / "backup.zip"
    path.write_bytes(with_method(data, f"conversations/{two}.json", 9))
    contents = read_backup(path)
    assert [c.title for c in contents.conversations] == ["Kept"]
    assert contents.skipped == [f"conversations/{two}.json"]
    assert contents.notices == [
        f"conversations/{two}.json was skipped: conversations/{two}.json in the zip uses a "
        "compression method this app cannot read (method 9); re-create the zip with ordinary "
        "Deflate."
    ]

    export = tmp_path / "chatgpt.zip"
    data = zip_bytes({"conversations.json": json.dumps(chatgpt_export()).encode()})
    export.write_bytes(with_method(data, "conversations.json", 9))
    with pytest.raises(ExchangeError, match=r"compression method this app cannot read"):
        read_import(export)


def test_a_member_listed_twice_is_restored_once_and_said(tmp_path: Path) -> None:
    conv_id = "d" * 32
    name = f"conversations/{conv_id}.json"
    path = tmp_path / "twice.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("manifest.json", MANIFEST)
            zf.writestr(name, json.dumps(_conv(conv_id, "First copy")))
            zf.writestr(name, json.dumps(_conv(conv_id, "Second copy")))
    contents = read_backup(path)
    assert [c.title for c in contents.conversations] == ["Second copy"]
    assert contents.notices == [f"{name} is in the backup 2 times; it is restored once."]


# -- special files ---------------------------------------------------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")
@pytest.mark.parametrize("call", ["read_import", "read_backup"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_is_refused_at_once(tmp_path: Path, call: str, kind: str) -> None:
    path = tmp_path / "conversations.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    outcome, peak = _attack(call, path, timeout=8)
    what = "a pipe (FIFO)" if kind == "fifo" else "a device"
    error = "ExchangeError" if call == "read_import" else "BackupError"
    assert outcome == f"{error}: conversations.json is {what}, not a regular file."
    assert peak < PEAK_MB


# -- what the user sees ----------------------------------------------------------------------------


def test_skipped_conversations_reach_the_import_summary(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window()
    path = tmp_path / "export.json"
    broken = _conv("b" * 32, "Broken", created_at="yesterday")
    path.write_text(_nebula_export([_conv("a" * 32, "One"), broken]), encoding="utf-8")
    with qtbot.waitSignal(window.data.import_finished, timeout=10000):
        window.data.import_path(str(path))
    assert [s.title for s in window.ctx.store.list()] == ["One"]
    assert window.notices.error_box is not None
    assert window.notices.error_box.text() == (
        "Imported 1 chat(s).\n"
        "Conversation 2 (“Broken”) was skipped: it is damaged: 'created_at' must be a number."
    )


def test_the_restore_confirmation_names_skipped_and_duplicate_members(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(offline=True)
    one, two = "a" * 32, "b" * 32
    data = zip_bytes(
        {
            "manifest.json": MANIFEST.encode(),
            f"conversations/{one}.json": json.dumps(_conv(one, "Kept")).encode(),
            f"conversations/{two}.json": json.dumps(_conv(two, "Windows")).encode(),
        }
    )
    path = tmp_path / "backup.zip"
    path.write_bytes(with_method(data, f"conversations/{two}.json", 9))
    wait_job(qtbot, window.data.backups.restore_path(str(path)))  # read, then the question
    box = window.data.backups.confirm_box
    assert box.text().startswith("Restore 1 conversation(s)")
    assert "1 damaged file(s)" in box.informativeText()
    assert "compression method this app cannot read (method 9)" in box.informativeText()
    box.reject()


def test_a_backup_too_large_to_hold_is_refused_without_a_confirmation(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(offline=True)
    body = b'{"role":"user"},' * 65_000 + b'{"role":"user"}]}'
    members = {
        f"conversations/c{i}.json": b'{"schema_version":2,"id":"c%d","messages":[' % i + body
        for i in range(4)
    }
    path = _backup(tmp_path / "many.zip", members)
    with qtbot.waitSignal(window.data.backups.restore_path(str(path)).done, timeout=20000):
        pass
    assert window.data.backups.confirm_box is None
    assert window.notices.error_box is not None
    assert "more than 250,000 messages" in window.notices.error_box.text()
    assert window.ctx.store.list() == []
