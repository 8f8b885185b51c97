"""Running an attack in a child Python under a memory ceiling, and reading what it cost.

The pytest process's own high-water mark says nothing about one test (it only ever grows), so a
memory test runs the attack in a fresh interpreter (only the Qt-free core imported) under an
``RLIMIT_AS`` of about 1.5 GB: a regression shows as a ``MemoryError`` or a peak far above the
bound instead of taking the machine down. The child's peak RSS comes back with its output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AS_LIMIT", "Limited", "run_limited"]

AS_LIMIT = 1536 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]

_WRAPPER = """
import resource, sys, traceback
try:
    exec(compile({code!r}, "<attack>", "exec"), {{"__name__": "__main__"}})
except BaseException:
    traceback.print_exc()
    raise
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:  # Linux: ru_maxrss keeps the parent's high-water mark over fork+exec; VmHWM is ours
        with open("/proc/self/status") as status:
            peak = next(int(ln.split()[1]) for ln in status if ln.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    print("\\n__PEAK_RSS_KB__=%d" % peak, file=sys.stderr, flush=True)
"""


@dataclass
class Limited:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _limit(as_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))


def run_limited(
    code: str, *, as_limit: int = AS_LIMIT, timeout: float = 120.0, cwd: Path | None = None
) -> Limited:
    """Run ``code`` (Python source) in a child interpreter capped at ``as_limit`` bytes of
    address space; return its exit code, output and peak resident memory in MB."""
    src = _WRAPPER.format(code=textwrap.dedent(code))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-c", src],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=str(cwd or ROOT),
        preexec_fn=lambda: _limit(as_limit),
    )
    match = re.search(r"__PEAK_RSS_KB__=(\d+)", proc.stderr)
    peak = int(match.group(1)) / 1024 if match else float("nan")
    return Limited(proc.returncode, proc.stdout, proc.stderr, peak)
