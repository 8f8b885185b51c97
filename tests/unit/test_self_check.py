"""``nebula-desktop --check-parts``: every part the app loads only on demand loads and works
(CI runs the same flag against the installed bundle, where a part PyInstaller left out would
otherwise only fail in a user's hands)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nebula_desktop import self_check


def test_every_part_used_on_demand_loads_and_works() -> None:
    assert self_check.run_checks() == [(name, None) for name in self_check.CHECKS]


def test_a_missing_part_is_named_and_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing() -> None:
        import nebula_no_such_module  # noqa: F401  # what a bundle without the SDK raises

    monkeypatch.setitem(self_check.CHECKS, "mcp", missing)
    assert self_check.main() == 1
    out = capsys.readouterr().out
    assert "mcp: FAILED - ModuleNotFoundError: No module named 'nebula_no_such_module'" in out
    assert "markdown: ok" in out


def test_the_command_line_flag_runs_the_checks_without_a_window() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nebula_desktop", "--check-parts"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "none-such"},  # no display needed
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"{name}: ok" for name in self_check.CHECKS]
