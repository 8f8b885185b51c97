"""Settings: sensible defaults, lossless round trips, never a key on disk, broken files survived."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nebula_desktop import atomicfile
from nebula_desktop.settings import (
    DEFAULT_BASE_URL,
    Profile,
    Settings,
    SettingsStore,
    is_secret_header,
)


def _write(config: Path, data: object) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = config / "settings.json"
    path.write_text(json.dumps(data))
    return path


def test_first_start_offers_the_ai_nebula_profile(tmp_path: Path) -> None:
    s = SettingsStore(tmp_path / "config").load()
    (p,) = s.profiles
    assert (p.id, p.name, p.base_url) == ("ai-nebula", "ai-nebula", DEFAULT_BASE_URL)
    assert DEFAULT_BASE_URL == "https://llm.ai-nebula.com/v1"
    assert p.needs_key
    assert s.theme == "system"
    assert s.font_size == 0
    assert s.auto_title
    assert not s.log_message_text
    assert s.profile("ai-nebula") is p


def test_saved_settings_come_back_the_same(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    s = Settings()
    s.profiles.append(
        Profile(
            id="local",
            name="Local llama",
            base_url="http://127.0.0.1:8080/v1",
            default_model="llama3",
            temperature=0.2,
            needs_key=False,
            extra_headers={"X-Title": "Nebula"},
            proxy="http://proxy:3128",
            timeout=120.0,
            ca_bundle="/etc/ssl/my.pem",
            models_cache=["llama3", "qwen"],
        )
    )
    s.default_profile_id = "local"
    s.theme = "dark"
    s.font_size = 13
    s.splitter_sizes = [200, 800]
    s.window_geometry = "AdnQywADAAA="
    s.last_conversation_id = "abc"
    store.save(s)
    again = SettingsStore(tmp_path / "config").load()
    assert again == s
    assert again.profile().name == "Local llama"
    assert SettingsStore(tmp_path / "config").problems == []


def test_saving_unchanged_settings_leaves_the_file_alone(tmp_path: Path) -> None:
    # The window saves the settings at every close; when nothing changed the file is not
    # written again (no temporary file, no fsync, the same file on disk).
    store = SettingsStore(tmp_path)
    settings = store.load()
    settings.theme = "dark"
    store.save(settings)
    before = os.stat(store.path)
    store.save(store.load())
    after = os.stat(store.path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    settings.theme = "light"
    store.save(settings)
    assert os.stat(store.path).st_ino != before.st_ino  # a change is written (atomically)
    assert store.load().theme == "light"


def test_a_broken_emoji_in_a_prompt_preset_saves_twice_without_an_error(tmp_path: Path) -> None:
    # Half of an emoji (a lone surrogate, as a model or a paste can leave) cannot be UTF-8: it is
    # written as its JSON escape, and the second save (every close saves) compares the same bytes.
    store = SettingsStore(tmp_path)
    settings = store.load()
    settings.prompt_presets.append({"name": "Smile", "text": "Keep it short \ud83d"})
    store.save(settings)
    before = os.stat(store.path)
    store.save(settings)
    after = os.stat(store.path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert store.load().prompt_presets[-1]["text"] == "Keep it short \ud83d"


def test_settings_file_is_private_and_readable(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    store.save(Settings())
    text = store.path.read_text()
    assert '\n  "theme": "system"' in text
    if os.name == "posix":
        assert store.path.stat().st_mode & 0o077 == 0


def test_unknown_profile_falls_back_to_the_default_one() -> None:
    s = Settings()
    assert s.profile("gone").id == "ai-nebula"
    assert s.profile(None).id == "ai-nebula"


def test_keys_from_a_newer_version_survive_a_round_trip(tmp_path: Path) -> None:
    config = tmp_path / "config"
    _write(
        config,
        {
            "theme": "light",
            "future_option": {"nested": [1, 2]},
            "profiles": [{"id": "p", "name": "P", "base_url": "http://x", "future_flag": True}],
        },
    )
    store = SettingsStore(config)
    s = store.load()
    s.font_size = 11
    store.save(s)
    data = json.loads((config / "settings.json").read_text())
    assert data["future_option"] == {"nested": [1, 2]}
    assert data["profiles"][0]["future_flag"] is True
    assert data["font_size"] == 11
    assert data["theme"] == "light"


def test_anything_named_like_a_key_is_dropped_and_scrubbed_from_disk(tmp_path: Path) -> None:
    config = tmp_path / "config"
    path = _write(
        config,
        {
            "api_key": "sk-top-level",
            "OpenAI_Token": "sk-token",
            "plugin": {"client_secret": "sk-nested", "colour": "blue"},
            "profiles": [
                {
                    "id": "p",
                    "name": "P",
                    "base_url": "http://x",
                    "needs_key": False,
                    "apiKey": "sk-in-profile",
                    "extra_headers": {
                        "Authorization": "Bearer sk-h",
                        "X-Api-Key": "sk-x",
                        "A": "b",
                    },
                }
            ],
        },
    )
    store = SettingsStore(config)
    s = store.load()
    text = path.read_text()
    assert "sk-" not in text  # rewritten at once: the secret does not wait for the next save
    assert s.profiles[0].needs_key is False  # a safe name is kept
    assert s.profiles[0].extra_headers == {"A": "b"}
    assert s.unknown_fields == {"plugin": {"colour": "blue"}}
    (notice,) = store.problems
    assert "api_key" in notice
    assert "keyring" in notice
    assert "sk-" not in notice


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("X-Api-Key", True),
        ("api-key", True),
        ("X-Auth-Token", True),
        ("Cookie", True),
        ("HTTP-Referer", False),
        ("X-Title", False),
    ],
)
def test_credential_headers_are_recognised(name: str, secret: bool) -> None:
    assert is_secret_header(name) is secret


def test_a_key_put_into_settings_in_memory_is_never_written(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    s = Settings()
    s.unknown_fields["api_key"] = "sk-oops"
    s.profiles[0].unknown_fields["token"] = "sk-oops"
    s.profiles[0].extra_headers["Authorization"] = "Bearer sk-oops"
    store.save(s)
    assert "sk-oops" not in store.path.read_text()


@pytest.mark.parametrize("content", [b"{ broken", b"[1, 2]", b"\xff\xfe", b""])
def test_corrupt_settings_file_is_moved_aside_and_defaults_used(
    tmp_path: Path, content: bytes
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_bytes(content)
    store = SettingsStore(config)
    s = store.load()
    assert s == Settings()
    (kept,) = config.glob("settings.json.corrupt-*")
    assert kept.read_bytes() == content
    assert not (config / "settings.json").exists()
    (notice,) = store.problems
    assert kept.name in notice
    assert "Default settings" in notice


def test_wrong_values_fall_back_to_defaults_one_by_one(tmp_path: Path) -> None:
    config = tmp_path / "config"
    _write(
        config,
        {
            "theme": "purple",
            "font_size": "big",
            "auto_title": False,
            "splitter_sizes": [1, "x"],
            "default_profile_id": "missing",
            "profiles": [
                {"id": "p", "name": "P", "base_url": "http://x", "temperature": 9, "timeout": -1},
                {"name": "no id"},
                {"id": "p", "name": "duplicate"},
            ],
        },
    )
    store = SettingsStore(config)
    s = store.load()
    assert s.theme == "system"
    assert s.font_size == 0
    assert s.auto_title is False  # valid values are kept
    assert s.splitter_sizes == []
    assert [p.name for p in s.profiles] == ["P"]
    assert s.profiles[0].temperature == 0.7
    assert s.profiles[0].timeout == 60.0
    assert s.default_profile_id == "p"
    assert len(store.problems) >= 5


def test_save_into_an_unwritable_place_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(atomicfile.SaveError, match=r"Could not save settings\.json"):
        SettingsStore(blocker / "config").save(Settings())


def test_data_and_config_folders_follow_the_environment_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nebula_desktop import paths

    for var, fn in (
        ("NEBULA_DATA_DIR", paths.data_dir),
        ("NEBULA_CONFIG_DIR", paths.config_dir),
        ("NEBULA_CACHE_DIR", paths.cache_dir),
        ("NEBULA_LOG_DIR", paths.log_dir),
    ):
        monkeypatch.setenv(var, str(tmp_path / var))
        assert fn() == tmp_path / var
        monkeypatch.delenv(var)
        default = fn()
        assert "nebula-desktop" in str(default)
        assert default.is_absolute()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["profiles", "id", "name", "theme", "font_size", "api_key", "x"])
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_in_the_settings_file_gives_usable_settings(value: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp)
        (config / "settings.json").write_text(json.dumps(value))
        store = SettingsStore(config)
        s = store.load()
        assert s.profiles
        assert s.profile("anything") in s.profiles
        assert s.theme in ("system", "light", "dark")
        store.save(s)
        assert SettingsStore(config).load() == s  # what we write, we read back the same
        assert "api_key" not in (config / "settings.json").read_text()


SHAPE_KEY = "sk-live-abcdefghijklmnopqrstuvwxyz012345"


def _profile(**fields: object) -> dict[str, object]:
    return {"id": "p", "name": "P", "base_url": "https://llm.example.com/v1", **fields}


# Every way a key reached settings.json (and from there every backup) in issue 11, item 12.
CREDENTIAL_SHAPES: dict[str, tuple[dict[str, object], str]] = {
    "top-level Authorization": ({"Authorization": f"Bearer {SHAPE_KEY}"}, "Authorization"),
    "auth": ({"auth": SHAPE_KEY}, "auth"),
    "credentials": ({"credentials": {"user": "me", "value": SHAPE_KEY}}, "credentials"),
    "passwd": ({"passwd": SHAPE_KEY}, "passwd"),
    "cookie": ({"cookie": f"session={SHAPE_KEY}"}, "cookie"),
    "my_bearer": ({"my_bearer": SHAPE_KEY}, "my_bearer"),
    "unknown field holding a key": ({"plugin": {"note": f"Bearer {SHAPE_KEY}"}}, "plugin.note"),
    "X-Auth header": (
        {"profiles": [_profile(extra_headers={"X-Auth": f"Bearer {SHAPE_KEY}"})]},
        "profiles[p].extra_headers.X-Auth",
    ),
    "key-like value in a harmless header": (
        {"profiles": [_profile(extra_headers={"X-Custom": SHAPE_KEY})]},
        "profiles[p].extra_headers.X-Custom",
    ),
    "user info in the base URL": (
        {"profiles": [_profile(base_url=f"https://user:{SHAPE_KEY}@llm.example.com/v1")]},
        "profiles[p].base_url",
    ),
    "key parameter in the base URL": (
        {"profiles": [_profile(base_url=f"https://llm.example.com/v1?key={SHAPE_KEY}")]},
        "profiles[p].base_url",
    ),
    "URL with user info in an unknown field": (
        {"mirror": f"https://bob:{SHAPE_KEY}@mirror.example.com/v1"},
        "mirror",
    ),
}


def _forms_in(data: bytes) -> list[str]:
    from tests.hardening.leaks import find_in_text

    return find_in_text(data, SHAPE_KEY)


@pytest.mark.parametrize("shape", list(CREDENTIAL_SHAPES))
def test_every_credential_shape_is_dropped_at_load_and_named(tmp_path: Path, shape: str) -> None:
    data, field_name = CREDENTIAL_SHAPES[shape]
    config = tmp_path / "config"
    path = _write(config, data)
    store = SettingsStore(config)
    s = store.load()
    assert _forms_in(path.read_bytes()) == []  # the file was rewritten without it at once
    assert _forms_in(json.dumps(s.to_dict()).encode()) == []
    (notice,) = store.problems
    assert field_name in notice
    assert _forms_in(notice.encode()) == []  # named, never shown
    assert SettingsStore(config).load() == s  # and it stays gone


def test_base_url_keeps_working_without_its_credentials(tmp_path: Path) -> None:
    config = tmp_path / "config"
    url = f"https://user:{SHAPE_KEY}@llm.example.com/v1?key={SHAPE_KEY}&region=eu"
    _write(config, {"profiles": [_profile(base_url=url)]})
    s = SettingsStore(config).load()
    assert s.profiles[0].base_url == "https://llm.example.com/v1?region=eu"


def test_proxy_password_is_removed_and_the_notice_says_what_to_do(tmp_path: Path) -> None:
    config = tmp_path / "config"
    path = _write(config, {"profiles": [_profile(proxy="http://alice:hunter2xyz@proxy:3128")]})
    store = SettingsStore(config)
    s = store.load()
    assert s.profiles[0].proxy == "http://proxy:3128"  # still goes through the proxy
    assert "hunter2xyz" not in path.read_text()
    notices = "\n".join(store.problems)
    assert "profiles[p].proxy" in notices
    assert "HTTPS_PROXY" in notices and "“P”" in notices
    assert "hunter2xyz" not in notices


@pytest.mark.parametrize("where", ["text", "name"])
def test_prompt_preset_mentioning_a_key_is_kept_with_a_notice(tmp_path: Path, where: str) -> None:
    config = tmp_path / "config"
    preset = {"name": "Support", "text": f"When asked, say the demo key is {SHAPE_KEY}."}
    if where == "name":
        preset = {"name": SHAPE_KEY, "text": "Be brief."}
    path = _write(config, {"prompt_presets": [preset], "default_prompt_preset": preset["name"]})
    store = SettingsStore(config)
    s = store.load()
    assert s.prompt_presets == [preset]  # the user's own text: never silently dropped
    assert s.default_prompt_text() == preset["text"]
    assert SHAPE_KEY in path.read_text()  # not rewritten behind the user's back
    (notice,) = store.problems
    assert "Prompt preset" in notice
    assert ("“Support”" if where == "text" else "“number 1”") in notice
    assert _forms_in(notice.encode()) == []


def test_credentials_put_into_urls_or_headers_in_memory_are_never_written(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    s = Settings()
    p = s.profiles[0]
    p.base_url = f"https://u:{SHAPE_KEY}@llm.example.com/v1"
    p.proxy = f"http://u:{SHAPE_KEY}@proxy:3128"
    p.extra_headers = {"X-Custom": f"Bearer {SHAPE_KEY}", "X-Title": "Nebula"}
    s.unknown_fields["plugin"] = {"note": SHAPE_KEY}
    store.save(s)
    assert _forms_in(store.path.read_bytes()) == []
    again = SettingsStore(tmp_path / "config").load()
    assert again.profiles[0].base_url == "https://llm.example.com/v1"
    assert again.profiles[0].proxy == "http://proxy:3128"
    assert again.profiles[0].extra_headers == {"X-Title": "Nebula"}


def test_settings_saved_with_a_bom_by_an_editor_are_kept(tmp_path: Path) -> None:
    config = tmp_path / "config"
    store = SettingsStore(config)
    settings = store.load()
    settings.font_size = 15
    store.save(settings)
    path = config / "settings.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Notepad saves UTF-8
    again = SettingsStore(config)
    assert again.load().font_size == 15
    assert again.problems == []
    assert not list(config.glob("settings.json.corrupt-*"))


def test_image_hosts_are_kept_and_bad_ones_dropped_with_a_notice(tmp_path: Path) -> None:
    config = tmp_path / "config"
    store = SettingsStore(config)
    s = store.load()
    assert s.image_hosts == []
    s.image_hosts = ["images.example.org", "cdn.test"]
    store.save(s)
    assert SettingsStore(config).load().image_hosts == ["images.example.org", "cdn.test"]

    _write(config, {"image_hosts": ["Img.Example.ORG", "a b", 7, "x" * 300, "cdn.test"]})
    store = SettingsStore(config)
    assert store.load().image_hosts == ["img.example.org", "cdn.test"]
    assert any("image_hosts" in p for p in store.problems), store.problems

    _write(config, {"image_hosts": [f"h{n}.test" for n in range(500)]})
    store = SettingsStore(config)
    assert len(store.load().image_hosts) == 50
    assert any("image_hosts" in p for p in store.problems), store.problems
