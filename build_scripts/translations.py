"""Extract, check and compile the interface translations (Qt Linguist).

    python build_scripts/translations.py           # lupdate the .ts files, then lrelease them
                                                   # (zh_CN complete; en: plural forms only)
    python build_scripts/translations.py --check   # fail if a .ts is stale or unfinished, or a
                                                   # .qm does not match its .ts (CI, tests)

The sources are every ``nebula_desktop/ui/**/*.py`` and ``nebula_desktop/app.py`` (only Qt code
shows text; core's product messages stay English by design). The ``.ts`` files keep no source
locations, so moving a line in the code does not make them stale; strings that vanished from the
code are dropped rather than kept as obsolete. After an update, translate the entries Qt Linguist
shows as unfinished (``pyside6-linguist resources/translations/nebula_desktop_zh_CN.ts``) and run
the script again to compile them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
# English is the source language: its catalogue holds only the plural forms ("1 file",
# "3 files" for "%n file(s)"), which the source text cannot spell for every number.
LANGUAGES = ("zh_CN", "en")
PLURAL_ONLY = {"en"}

Message = tuple[str, str, str]  # (context, source, disambiguation comment)


def source_files() -> list[Path]:
    """The Python files lupdate reads (sorted, so runs are reproducible)."""
    package = ROOT / "nebula_desktop"
    return [*sorted((package / "ui").rglob("*.py")), package / "app.py"]


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"nebula_desktop_{language}.ts"


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"nebula_desktop_{language}.qm"


def _tool(name: str) -> str:
    """``pyside6-<name>`` from the running interpreter's environment, else from PATH."""
    scripts = Path(sys.executable).parent
    for candidate in (scripts / f"pyside6-{name}", scripts / f"pyside6-{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: install PySide6 in this environment")
    return found


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{Path(args[0]).name} failed:\n{done.stdout}{done.stderr}")


def lupdate(ts: Path, plural_only: bool = False) -> None:
    """Merge the code's current strings into ``ts`` (created if missing)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    files = [str(p) for p in source_files()]
    extra = ["-pluralonly"] if plural_only else []
    _run([_tool("lupdate"), *files, "-locations", "none", "-no-obsolete", *extra, "-ts", str(ts)])


def lrelease(ts: Path, qm: Path) -> None:
    """Compile ``ts`` to ``qm`` (only finished translations are compiled)."""
    _run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)])


def read_messages(ts: Path) -> dict[Message, ET.Element]:
    """Every message of ``ts`` by (context, source, comment), with its <translation> element."""
    messages: dict[Message, ET.Element] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""), message.findtext("comment", ""))
            translation = message.find("translation")
            messages[key] = translation if translation is not None else ET.Element("translation")
    return messages


def problems(language: str) -> list[str]:
    """What is wrong with ``language``'s catalogue, one line each (empty: all good)."""
    ts, qm = ts_path(language), qm_path(language)
    if not ts.exists():
        return [f"{ts.relative_to(ROOT)} is missing: run build_scripts/translations.py"]
    found: list[str] = []
    current = read_messages(ts)
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / ts.name
        shutil.copyfile(ts, fresh_ts)
        lupdate(fresh_ts, language in PLURAL_ONLY)
        fresh = read_messages(fresh_ts)
        fresh_qm = Path(tmp) / qm.name
        lrelease(ts, fresh_qm)
        qm_matches = qm.exists() and qm.read_bytes() == fresh_qm.read_bytes()
    for context, source, _comment in sorted(fresh.keys() - current.keys()):
        found.append(f"new in the code, not in {ts.name}: [{context}] {source!r}")
    for context, source, _comment in sorted(current.keys() - fresh.keys()):
        found.append(f"in {ts.name} but gone from the code: [{context}] {source!r}")
    for (context, source, _comment), translation in sorted(current.items()):
        kind = translation.get("type")
        forms = [f.text or "" for f in translation.iter("numerusform")] or [
            "".join(translation.itertext())
        ]
        if kind in ("unfinished", "obsolete", "vanished") or not all(forms):
            found.append(f"{kind or 'empty'} translation: [{context}] {source!r}")
    if not qm_matches:
        found.append(f"{qm.relative_to(ROOT)} does not match {ts.name}: run the script to rebuild")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; fail if a catalogue needs work"
    )
    args = parser.parse_args(argv)
    failed = False
    for language in LANGUAGES:
        if args.check:
            found = problems(language)
            for line in found:
                print(f"{language}: {line}")
            failed |= bool(found)
            continue
        lupdate(ts_path(language), language in PLURAL_ONLY)
        lrelease(ts_path(language), qm_path(language))
        left = [
            key for key, t in read_messages(ts_path(language)).items() if t.get("type") is not None
        ]
        print(f"{language}: {len(left)} string(s) still to translate in {ts_path(language).name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
