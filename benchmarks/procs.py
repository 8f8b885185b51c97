"""Run a child process, timing it from spawn to exit and reading its peak RSS."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float  # user + system of the child: steadier than wall time on a busy box


def child_env(pycache: Path | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every timed child process.

    An installed app runs from compiled bytecode (pip and PyInstaller write ``.pyc`` files), so
    the children must too: with ``PYTHONDONTWRITEBYTECODE`` (set in some shells and CI) every
    start would recompile our ~60 modules while the baseline, being almost all PySide6, would
    not — a handicap no user has. ``pycache`` keeps that bytecode out of the source tree.
    """
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if extra:
        env.update(extra)
    return env


def run_once(cmd: list[str], env: dict[str, str], timeout: float = 120.0) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            raise RuntimeError(f"timed out: {' '.join(cmd)}")
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}:\n{out[-2000:]}\n{err[-2000:]}")
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(elapsed, rss, usage.ru_utime + usage.ru_stime)


def median_runs(
    cmd: list[str], env: dict[str, str], runs: int, warmup: int = 1
) -> dict[str, float]:
    for _ in range(warmup):
        run_once(cmd, env)
    results = [run_once(cmd, env) for _ in range(runs)]
    return {
        "seconds": statistics.median(r.seconds for r in results),
        "cpu_seconds": statistics.median(r.cpu_seconds for r in results),
        "peak_rss_mb": statistics.median(r.peak_rss_mb for r in results),
        "runs": float(runs),
    }


def interleaved(
    cmds: dict[str, tuple[list[str], dict[str, str]]], runs: int, warmup: int = 1
) -> dict[str, dict[str, float]]:
    """Run several commands alternately (A B A B …) so machine noise hits all of them alike."""
    for cmd, env in cmds.values():
        for _ in range(warmup):
            run_once(cmd, env)
    samples: dict[str, list[Run]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, (cmd, env) in cmds.items():
            samples[name].append(run_once(cmd, env))
    return {
        name: {
            "seconds": statistics.median(r.seconds for r in rs),
            "cpu_seconds": statistics.median(r.cpu_seconds for r in rs),
            "peak_rss_mb": statistics.median(r.peak_rss_mb for r in rs),
            "runs": float(len(rs)),
        }
        for name, rs in samples.items()
    }
