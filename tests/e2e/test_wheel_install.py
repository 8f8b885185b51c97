"""`pip install .` gives a working app: the wheel holds every module and every resource file.

The editable install (tools/dev.sh) and the PyInstaller bundle read the source tree, so they
hide a sub-package the wheel leaves out. Here the wheel is built from a copy of the checkout,
installed with ``--no-deps`` into a fresh virtual environment that borrows the dev environment's
packages (PySide6, requests ...) through a ``.pth`` file, and run from a temporary folder, so
nothing can come from the checkout: every module of the source tree is imported from the
installed copy, every resource file is found through ``resource_path``, an export is written,
and the installed ``nebula-desktop --smoke-test`` starts the app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What setuptools reads to build the wheel: the metadata and the two package roots (pyproject
# maps resources/ to nebula_desktop.resources). A copy, because an in-tree build reuses
# build/lib, where a module deleted from the source would live on and hide a broken wheel.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "nebula_desktop", "resources")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
# The environment of a user who has nothing but a fresh HOME (and no PYTHONPATH to the checkout).
DROP = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
        "XDG_CACHE_HOME", "XDG_STATE_HOME", "NEBULA_DATA_DIR", "NEBULA_CONFIG_DIR",
        "NEBULA_CACHE_DIR", "NEBULA_LOG_DIR", "PIP_REQUIRE_VIRTUALENV")  # fmt: skip
# setuptools' warnings about the project (SetuptoolsDeprecationWarning, "Package would be
# ignored" ...); not pip's own (a machine's pip.conf is no concern of the project's).
BUILD_WARNING = re.compile(r"[A-Za-z]Warning\b|would be ignored")

CHECK_INSTALLED = r"""
import importlib, importlib.util, json, sys, sysconfig
from pathlib import Path

wanted = json.loads(sys.stdin.read())
home = Path(sysconfig.get_path("purelib")).resolve()
problems = []
for name in wanted["modules"]:
    try:
        if name.endswith(".__main__"):  # runs the app when imported: only look it up
            spec = importlib.util.find_spec(name)
            where = spec.origin if spec else None
        else:
            where = importlib.import_module(name).__file__
    except Exception as error:
        problems.append(f"{name}: {type(error).__name__}: {error}")
        continue
    if where is None or home not in Path(where).resolve().parents:
        problems.append(f"{name}: imported from {where}, not from the installed copy")

from nebula_desktop.resources import resource_path, resources_root

if home not in resources_root().resolve().parents:
    problems.append(f"resources_root() is {resources_root()}, not in the installed copy")
for rel in wanted["resources"]:
    if not resource_path(*rel.split("/")).is_file():
        problems.append(f"resource missing from the wheel: {rel}")

try:
    from nebula_desktop.exchange.exporter import FORMATS, export_sources
    from nebula_desktop.store import Conversation, Message

    chat = Conversation(id="c1", title="Installed", created_at=0.0, updated_at=0.0)
    chat.messages.append(Message(role="user", content="hello from the wheel"))
    for fmt, suffix in FORMATS.items():
        out = Path(wanted["out"]) / f"chat{suffix}"
        export_sources([chat], fmt, out)
        if "hello from the wheel" not in out.read_text(encoding="utf-8"):
            problems.append(f"the {fmt} export lacks the message")
except Exception as error:
    problems.append(f"export: {type(error).__name__}: {error}")
print(json.dumps(problems))
"""


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the wheel, and a folder outside the checkout."""

    python: Path
    scripts: Path
    elsewhere: Path
    env: dict[str, str]
    build_log: str


def _source_modules() -> list[str]:
    """Every module of the source tree, by the name it is imported as once installed."""
    names = []
    for path in sorted((ROOT / "nebula_desktop").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [*names, "nebula_desktop.resources"]  # resources/__init__.py


def _resource_files() -> list[str]:
    """Every data file under resources/ (what resource_path must find in an installed app)."""
    root = ROOT / "resources"
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    )


def _run(
    cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=cwd, env=env)
    assert run.returncode == 0, f"{cmd[2:5]} failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    return run


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from the checkout, installed with --no-deps into a fresh venv."""
    setuptools = version("setuptools")
    if int(setuptools.split(".")[0]) < 77:
        pytest.fail(f"setuptools {setuptools} is too old to build: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("wheel")
    src, dist, env_dir, elsewhere = (work / n for n in ("src", "dist", "venv", "elsewhere"))
    src.mkdir()
    (work / "home").mkdir()
    for name in BUILD_INPUTS:
        if not (ROOT / name).exists():
            continue
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=SKIP)
        else:
            shutil.copy2(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in DROP}
    env.update(HOME=str(work / "home"), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.update(QT_QPA_PLATFORM="offscreen")
    # No build isolation and no index: the dev venv's setuptools builds it, nothing is fetched.
    pip = [sys.executable, "-m", "pip"]
    flags = ["-v", "--no-deps", "--no-build-isolation", "--no-index"]
    build = _run([*pip, "wheel", *flags, "-w", str(dist), str(src)], cwd=work, env=env)
    wheels = list(dist.glob("nebula_desktop-*.whl"))
    assert len(wheels) == 1, f"expected one wheel, got {wheels}"

    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    bindir = "Scripts" if os.name == "nt" else "bin"
    python = env_dir / bindir / ("python.exe" if os.name == "nt" else "python")
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    # The dependencies come from the dev venv, after the fresh venv's own site-packages.
    dev_libs = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    Path(purelib.stdout.strip(), "dev-venv.pth").write_text("\n".join(dev_libs) + "\n")
    install = ["install", "--no-deps", "--no-index", str(wheels[0])]
    _run([*pip, "--python", str(python), *install], cwd=work, env=env)
    elsewhere.mkdir()
    return Installed(python, env_dir / bindir, elsewhere, env, build.stdout + build.stderr)


def test_wheel_builds_without_packaging_warnings(installed: Installed) -> None:
    noisy = [line for line in installed.build_log.splitlines() if BUILD_WARNING.search(line)]
    assert not noisy, "building the wheel warned:\n" + "\n".join(noisy[:40])


def test_installed_wheel_holds_every_module_and_resource(installed: Installed) -> None:
    wanted = {
        "modules": _source_modules(),
        "resources": _resource_files(),
        "out": str(installed.elsewhere / "export"),
    }
    assert "nebula_desktop.exchange.exporter" in wanted["modules"]
    assert "translations/nebula_desktop_zh_CN.qm" in wanted["resources"]
    run = subprocess.run(
        [str(installed.python), "-I", "-c", CHECK_INSTALLED],
        input=json.dumps(wanted),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=installed.elsewhere,
        env=installed.env,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    problems = json.loads(run.stdout.strip().splitlines()[-1])
    assert problems == [], "the installed app is incomplete:\n" + "\n".join(problems)


def test_installed_app_passes_its_smoke_test(installed: Installed) -> None:
    exe = installed.scripts / ("nebula-desktop.exe" if os.name == "nt" else "nebula-desktop")
    assert exe.is_file(), f"pip install did not create {exe}"
    run = subprocess.run(
        [str(exe), "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=installed.elsewhere,
        env=installed.env,
    )
    assert run.returncode == 0 and "ok:" in run.stdout, run.stdout[-4000:] + run.stderr[-4000:]
