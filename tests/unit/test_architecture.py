"""Arrows point one way (../shared/STYLE.md): the core imports no Qt and nothing from ui/; inside
ui/, window/ may use every room and every room may use common/, nothing else crosses a room;
and no two modules import each other, however indirectly.

Imports are read from the source with ``ast``: an import inside a function or under
``if TYPE_CHECKING:`` is an arrow like any other. ``from pkg import name`` is an arrow to the
module ``pkg.name`` when there is one, else to ``pkg``. A package ``__init__`` that re-exports
its own modules is not a cycle (its arrows into its own sub-modules are left out of the cycle
search). The runtime test below also checks what importing the core really loads.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nebula_desktop

PACKAGE = "nebula_desktop"
ROOT = Path(nebula_desktop.__file__).resolve().parent
UI = f"{PACKAGE}.ui"
# Above the core and ui: start-up. Nothing imports these.
ENTRY = (f"{PACKAGE}.app", f"{PACKAGE}.__main__")
QT = ("PySide6", "shiboken6")
# The rooms of ui/: window/ wires the others together; common/ is what every room may use.
TOP_ROOM, BOTTOM_ROOM = "window", "common"
ROOMS = ("window", "chat", "compare", "messages", "conversations", "settings", "data", "common")

CORE_PACKAGES = ("api", "store", "render", "exchange", "documents", "tools", "backup")
CORE_MODULES = (
    "atomicfile", "attachments", "logging_setup", "paths", "presets", "profile",
    "secrets", "settings", "settings_reader", "safeio", "credentials", "context", "titles",
    "timefmt", "tokens", "context_windows", "client_factory",
)  # fmt: skip


@dataclass(frozen=True)
class Arrow:
    """``source`` imports ``target`` (both module names) at ``line`` of the source's file."""

    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


def module_files(root: Path = ROOT) -> dict[str, tuple[Path, bool]]:
    """Every module of the package under ``root``: name -> (file, is a package __init__)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if "__pycache__" in parts:
            continue
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _targets(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: Iterable[str]
) -> list[str]:
    """Full names a statement imports: modules where they exist, else the names as written."""
    known = set(known)
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        origin = ".".join([*base, node.module] if node.module else base)
    else:
        origin = node.module or ""
    names = [f"{origin}.{alias.name}" for alias in node.names]
    return [name if name in known else origin for name in names]


def _owner(name: str, known: set[str]) -> str | None:
    """The longest known module that ``name`` is or lies in (None: not ours)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def read_arrows(root: Path = ROOT) -> tuple[list[Arrow], list[Arrow]]:
    """(arrows between our modules, arrows to Qt) for the package under ``root``."""
    files = module_files(root)
    known = set(files)
    ours: list[Arrow] = []
    qt: list[Arrow] = []
    for module, (path, is_package) in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):  # every level: functions, classes, if TYPE_CHECKING
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _targets(node, module, is_package, known):
                if name.split(".")[0] in QT:
                    qt.append(Arrow(module, name, node.lineno))
                target = _owner(name, known)
                if target is not None and target != module:
                    ours.append(Arrow(module, target, node.lineno))
    return sorted(set(ours), key=str), sorted(set(qt), key=str)


def _is_core(module: str) -> bool:
    return not (module == UI or module.startswith(UI + ".") or module in ENTRY)


def room_of(module: str, files: dict[str, tuple[Path, bool]]) -> str | None:
    """The room of a ui module (``nebula_desktop.ui.chat.composer`` -> "chat"); None outside
    ui/ and for a module lying loose in ui/ itself."""
    parts = module.split(".")
    if not module.startswith(UI + ".") or (len(parts) == 3 and not files[module][1]):
        return None
    return parts[2]


def core_problems(root: Path = ROOT) -> list[str]:
    """Arrows from the core to Qt, to ui/ or to start-up."""
    ours, qt = read_arrows(root)
    bad = [f"{a} imports Qt" for a in qt if _is_core(a.source)]
    bad += [f"{a} reaches up" for a in ours if _is_core(a.source) and not _is_core(a.target)]
    return bad


def room_problems(root: Path = ROOT) -> list[str]:
    """ui modules outside a room, and arrows between rooms other than window -> room -> common."""
    files = module_files(root)
    bad = [
        f"{m} is not in a room ({', '.join(ROOMS)})"
        for m in files
        if m.startswith(UI + ".") and room_of(m, files) not in ROOMS
    ]
    ours, _qt = read_arrows(root)
    for arrow in ours:
        if arrow.target in ENTRY and not _is_core(arrow.source) and arrow.source not in ENTRY:
            bad.append(f"{arrow} reaches up to start-up")
        source, target = room_of(arrow.source, files), room_of(arrow.target, files)
        if source is None or target is None or source == target:
            continue
        if source != TOP_ROOM and target != BOTTOM_ROOM:
            way = "up" if target == TOP_ROOM else "down" if source == BOTTOM_ROOM else "sideways"
            bad.append(f"{arrow} goes {way}: {source}/ -> {target}/")
    return bad


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle through the first module of ``component`` (breadth first)."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for child in sorted(graph[node] & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    return component  # not reached: a component always holds a cycle


def cycles(root: Path = ROOT) -> list[list[str]]:
    """Every import cycle between modules, one concrete path each (first module repeated)."""
    files = module_files(root)
    graph: dict[str, set[str]] = {m: set() for m in files}
    ours, _qt = read_arrows(root)
    for arrow in ours:
        if files[arrow.source][1] and arrow.target.startswith(arrow.source + "."):
            continue  # a package __init__ re-exporting its own modules
        graph[arrow.source].add(arrow.target)
    return [_cycle_path(graph, c) for c in _components(graph)]


def test_the_walk_sees_the_whole_package() -> None:
    files = module_files()
    assert len(files) > 80
    assert {room_of(m, files) for m in files} >= set(ROOMS)
    ours, qt = read_arrows()
    assert qt and len(ours) > 200  # the parser really reads imports


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / PACKAGE


def test_the_checks_see_lazy_and_type_checking_arrows(tmp_path: Path) -> None:
    lazy_qt = "def f():\n    from PySide6.QtCore import QObject\n"
    up = "import typing\nif typing.TYPE_CHECKING:\n    from nebula_desktop.ui.chat import a\n"
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "store/__init__.py": "from nebula_desktop.store import disk\n",  # re-export: fine
            "store/disk.py": lazy_qt + "from nebula_desktop.store import index\n",
            "store/index.py": "def g():\n    from nebula_desktop.store import disk\n",
            "core.py": up,
            "ui/__init__.py": "",
            "ui/loose.py": "",
            "ui/chat/__init__.py": "",
            "ui/chat/a.py": "from nebula_desktop.ui.messages import b\n",
            "ui/messages/__init__.py": "",
            "ui/messages/b.py": "from ..window import main\n",
            "ui/common/__init__.py": "",
            "ui/common/c.py": "import nebula_desktop.ui.chat.a\n",
            "ui/window/__init__.py": "",
            "ui/window/main.py": "from nebula_desktop.ui.chat import a\nfrom ..common import c\n",
        },
    )
    assert sorted(core_problems(root)) == [
        "nebula_desktop.core -> nebula_desktop.ui.chat.a (line 3) reaches up",
        "nebula_desktop.store.disk -> PySide6.QtCore (line 2) imports Qt",
    ]
    assert sorted(room_problems(root)) == [
        "nebula_desktop.ui.chat.a -> nebula_desktop.ui.messages.b (line 1) goes sideways: "
        "chat/ -> messages/",
        "nebula_desktop.ui.common.c -> nebula_desktop.ui.chat.a (line 1) goes down: "
        "common/ -> chat/",
        "nebula_desktop.ui.loose is not in a room (" + ", ".join(ROOMS) + ")",
        "nebula_desktop.ui.messages.b -> nebula_desktop.ui.window.main (line 1) goes up: "
        "messages/ -> window/",
    ]
    assert sorted(" -> ".join(c) for c in cycles(root)) == [
        "nebula_desktop.store.disk -> nebula_desktop.store.index -> nebula_desktop.store.disk",
        "nebula_desktop.ui.chat.a -> nebula_desktop.ui.messages.b -> nebula_desktop.ui.window.main"
        " -> nebula_desktop.ui.chat.a",
    ]


def test_core_imports_no_qt_and_nothing_from_ui_at_any_level() -> None:
    bad = core_problems()
    assert not bad, "the core must stay Qt-free and below ui/:\n" + "\n".join(bad)


def test_ui_rooms_point_one_way() -> None:
    bad = room_problems()
    assert not bad, (
        "only window/ may reach into other rooms, and any room into common/; take a callback "
        "or emit a signal instead:\n" + "\n".join(bad)
    )


def test_no_import_cycles_between_modules() -> None:
    found = [" -> ".join(path) for path in cycles()]
    assert not found, "import cycles (lazy and TYPE_CHECKING imports count):\n" + "\n".join(found)


def _core_modules() -> list[str]:
    names = [f"nebula_desktop.{name}" for name in CORE_MODULES]
    for package in CORE_PACKAGES:
        names.append(f"nebula_desktop.{package}")
        names += [
            f"nebula_desktop.{package}.{info.name}"
            for info in pkgutil.iter_modules([str(ROOT / package)])
        ]
    return names


def test_core_modules_import_no_qt_and_no_ui() -> None:
    modules = _core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', "
        "'nebula_desktop.ui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the core pulled in: {out.stdout.strip()}"
    assert len(modules) > 20  # the walk really found the core


MAX_MODULE_LINES = 450


def test_no_module_is_over_450_lines() -> None:
    """A module past 450 lines is doing two jobs (issue 13): split it along a real seam."""
    files = module_files()
    over = []
    for path, _ in files.values():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_MODULE_LINES:
            over.append(f"{path.relative_to(ROOT.parent)}: {count} lines")
    assert len(files) > 100  # the walk really found the package
    assert not over, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(sorted(over))
