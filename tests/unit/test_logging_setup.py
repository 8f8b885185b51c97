"""The log file never holds a key, however the key reaches the logger."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from nebula_desktop import logging_setup
from nebula_desktop.logging_setup import (
    loggable_text,
    redact,
    register_secret,
    set_log_message_text,
    setup_logging,
    shutdown_logging,
)

KEY = "sk-live0123456789abcdefXYZ_-99"
CUSTOM_TOKEN = "tok_9f8e7d6c5b4a"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(tmp_path / "logs")
    yield path
    shutdown_logging()
    set_log_message_text(False)
    logging_setup._secrets.clear()


def _contents(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_log_file_is_created_in_the_given_folder(log_file: Path) -> None:
    assert log_file.name == "nebula-desktop.log"
    assert log_file.is_file()


def test_key_in_exception_and_formatted_argument_never_reaches_the_file(log_file: Path) -> None:
    log = logging.getLogger("nebula_desktop.api")
    log.warning("request with key %s failed", KEY)
    log.info("headers: %r", {"Authorization": f"Bearer {KEY}", "Accept": "text/event-stream"})
    try:
        raise RuntimeError(f"server rejected Authorization: Bearer {KEY}")
    except RuntimeError:
        log.exception("chat failed for %s", f"key={KEY}")
    text = _contents(log_file)
    assert text.count(KEY) == 0
    assert KEY[:12] not in text
    assert "[REDACTED]" in text
    # The rest of the record is still useful.
    assert "chat failed" in text
    assert "RuntimeError" in text
    assert "Traceback" in text


def test_registered_secret_without_a_known_shape_is_redacted(log_file: Path) -> None:
    register_secret(CUSTOM_TOKEN)
    logging.getLogger("x").error("header X-Token=%s rejected", CUSTOM_TOKEN)
    try:
        raise ValueError(CUSTOM_TOKEN)
    except ValueError:
        logging.getLogger("x").exception("boom")
    assert CUSTOM_TOKEN not in _contents(log_file)


def test_bearer_token_of_any_shape_is_redacted() -> None:
    assert "abc.def.ghi" not in redact("sending Bearer abc.def.ghi to host")
    assert "secretvalue" not in redact("authorization: secretvalue")


def test_key_fields_in_dicts_json_and_query_strings_are_redacted() -> None:
    for text in (
        "params {'api_key': 'abc123def456', 'model': 'gpt-4o'}",
        '{"x-api-key": "abc123def456"}',
        "GET /v1/models?apikey=abc123def456&x=1",
        "password=abc123def456",
    ):
        out = redact(text)
        assert "abc123def456" not in out, text
    assert "gpt-4o" in redact("params {'api_key': 'abc123def456', 'model': 'gpt-4o'}")
    # Ordinary words are left alone.
    assert redact("max_tokens=100 temperature=0.7") == "max_tokens=100 temperature=0.7"


def test_record_keeps_time_level_and_logger_name(log_file: Path) -> None:
    logging.getLogger("nebula_desktop.ui").error("request %s failed with %d", "req-42", 401)
    line = next(ln for ln in _contents(log_file).splitlines() if "req-42" in ln)
    assert "ERROR" in line
    assert "nebula_desktop.ui" in line
    assert "request req-42 failed with 401" in line
    assert line[:4].isdigit()  # starts with the date


def test_calling_setup_twice_does_not_double_lines(log_file: Path) -> None:
    setup_logging(log_file.parent)
    logging.getLogger("y").warning("only once")
    assert _contents(log_file).count("only once") == 1


def test_message_text_is_summarised_unless_the_user_opted_in(log_file: Path) -> None:
    assert loggable_text("my private question") == "<19 chars>"
    set_log_message_text(True)
    assert loggable_text("my private question") == "my private question"
    assert KEY not in loggable_text(f"my key is {KEY}")


def test_bad_format_string_still_logs_something(log_file: Path) -> None:
    logging.getLogger("z").warning("broken %d", "not a number")
    assert "broken" in _contents(log_file)


def test_log_rotates_at_its_size_cap_and_keeps_its_backups_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    monkeypatch.setattr(logging_setup, "BACKUP_COUNT", 3)
    path = setup_logging(tmp_path / "logs")
    try:
        log = logging.getLogger("rotation")
        for n in range(200):
            log.info("line %03d %s", n, "x" * 40)
    finally:
        shutdown_logging()
    files = sorted(path.parent.iterdir())
    # The file and its three newest backups: the oldest ones were dropped, none grew past the cap.
    assert [f.name for f in files] == [
        "nebula-desktop.log",
        "nebula-desktop.log.1",
        "nebula-desktop.log.2",
        "nebula-desktop.log.3",
    ]
    assert all(f.stat().st_size <= 2_000 for f in files)
    # Newest last; no line is lost or cut between a backup and the file after it.
    text = "".join(
        path.with_name(name).read_text(encoding="utf-8")
        for name in ("nebula-desktop.log.3", "nebula-desktop.log.2", "nebula-desktop.log.1")
    ) + path.read_text(encoding="utf-8")
    numbers = [int(line.split("line ")[1][:3]) for line in text.splitlines() if "line " in line]
    assert numbers == list(range(numbers[0], 200))
    assert numbers[0] > 100
