"""The memory a hardening test reads is the attack's own, whatever the test run did before."""

from __future__ import annotations

import sys

import pytest

from tests.hardening.limits import run_limited


@pytest.mark.skipif(sys.platform != "linux", reason="Linux carries the peak over fork and exec")
def test_a_child_reports_its_own_peak_not_the_test_processs() -> None:
    # A long test run grows the pytest process (the whole GUI suite: ~400 MB). Linux hands a
    # child's ru_maxrss the parent's high-water mark across fork and exec, so every memory
    # bound would fail after it; the child must report only what it used itself.
    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(range(0, len(ballast), 4096))  # make every page resident
    try:
        result = run_limited("pass")
    finally:
        del ballast
    assert result.ok, result.stderr
    assert result.peak_mb < 100, f"an empty child reported {result.peak_mb:.0f} MB"
