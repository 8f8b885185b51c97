"""Data class methods compiled once and kept between runs (``nebula_desktop.code_cache``).

Each check runs in a child process: installing the cache changes how the ``dataclasses``
module compiles for the rest of a process.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import json, sys
compiled = []
sys.addaudithook(
    lambda event, args: compiled.append(1)
    if event == "compile" and "__create_fn__" in str(args[0])
    else None
)
from pathlib import Path
if sys.argv[1] != "-":
    from nebula_desktop import code_cache
    code_cache.install(Path(sys.argv[1]))
import dataclasses, typing

@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    tags: list[str] = dataclasses.field(default_factory=list, compare=False)

@dataclasses.dataclass
class Box:
    items: "list[Point]"
    label: str = "box"

p = Point(1)
try:
    p.x = 5
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
facts = {
    "repr": repr(Box([p])),
    "eq": Point(1, 2, ["a"]) == Point(1, 2, ["b"]),
    "ne": Point(1) != Point(2),
    "hash": hash(Point(1)) == hash(Point(1, 2)),
    "frozen": frozen,
    "init_annotations": {k: str(v) for k, v in Box.__init__.__annotations__.items()},
    "compiled": len(compiled),
}
if sys.argv[1] != "-":
    facts["saved"] = code_cache.save()
print(json.dumps(facts))
"""


def _child(cache: Path | str, timeout: float = 30) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    facts: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return facts


def _same_behaviour(facts: dict[str, object], plain: dict[str, object]) -> None:
    for key in ("repr", "eq", "ne", "hash", "frozen", "init_annotations"):
        assert facts[key] == plain[key], key


def test_a_second_start_compiles_no_data_class_method_and_the_classes_behave_the_same(
    tmp_path: Path,
) -> None:
    plain = _child("-")  # no cache: how dataclasses behave on their own
    assert plain["compiled"] > 0 and plain["frozen"] and plain["eq"]
    cache = tmp_path / "code" / "dataclasses.bin"
    first = _child(cache)
    assert first["compiled"] == plain["compiled"] and first["saved"] is True
    assert cache.is_file()
    second = _child(cache)
    assert second["compiled"] == 0  # every method came from the cache
    assert second["saved"] is False  # nothing new: the file is not written again
    _same_behaviour(first, plain)
    _same_behaviour(second, plain)


def test_a_damaged_or_foreign_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    plain = _child("-")
    cache = tmp_path / "dataclasses.bin"
    for content in (
        b"\x00garbage" * 10,  # not marshal data
        marshal.dumps(("another python", {"def f(): pass": compile("1", "x", "eval")})),
        marshal.dumps(["not", "a", "tuple"]),
        b"",
    ):
        cache.write_bytes(content)
        facts = _child(cache)
        _same_behaviour(facts, plain)
        assert facts["compiled"] == plain["compiled"] and facts["saved"] is True
        assert _child(cache)["compiled"] == 0  # the replacement is a good cache


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_folder_in_place_of_the_cache_never_hangs_the_start(tmp_path: Path) -> None:
    plain = _child("-")
    fifo = tmp_path / "fifo.bin"
    os.mkfifo(fifo)
    facts = _child(fifo, timeout=20)  # reading it would block forever
    _same_behaviour(facts, plain)
    folder = tmp_path / "folder.bin"
    folder.mkdir()
    facts = _child(folder, timeout=20)
    _same_behaviour(facts, plain)
    assert facts["saved"] is False  # a folder is not replaced


def test_an_oversized_cache_file_is_not_read(tmp_path: Path) -> None:
    from nebula_desktop import code_cache

    plain = _child("-")
    cache = tmp_path / "big.bin"
    with open(cache, "wb") as file:
        file.truncate(code_cache.MAX_BYTES + 1)  # sparse: cheap to make, refused unread
    facts = _child(cache)
    _same_behaviour(facts, plain)
    assert facts["compiled"] == plain["compiled"]
