"""Render the app icon from its SVG: PNGs 16–512 px, a Windows .ico and a macOS .icns.

    python build_scripts/make_icons.py            # committed PNGs + build/icons/*.ico, *.icns
    python build_scripts/make_icons.py --out DIR  # everything into DIR (PNGs, .ico, .icns)

Rendering uses Qt's own SVG renderer offscreen, so it runs on a headless build machine and on
every CI runner without Inkscape or ImageMagick. Both containers are written here with PNG
entries (Windows Vista+ and macOS 10.7+ read those), which keeps them small and exact.

Each PNG records the SHA-256 of the SVG it was rendered from (a ``Source-SHA256`` text chunk):
rasterizers differ by a few levels between CPUs and library builds, so "are the committed PNGs
up to date?" is answered by that hash, not by comparing the bytes of a new render.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "nebula-desktop.svg"
# The PNGs the app and the Linux packages use (hicolor sizes); committed to the repo.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types holding PNG data, by pixel size (several types share a size: @2x variants).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)
# The PNG text chunk holding the SVG's hash (see svg_digest).
SOURCE_KEY = "Source-SHA256"


def svg_digest(svg: Path) -> str:
    """SHA-256 of the SVG's text, line endings normalised (a Windows checkout may add CRs)."""
    return hashlib.sha256(svg.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def render_pngs(svg: Path, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """Render ``svg`` at each size; returns PNG bytes by size, each tagged with the SVG's hash."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot parse {svg}")
    digest = svg_digest(svg)
    out: dict[int, bytes] = {}
    for size in sorted(set(sizes)):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        image.setText(SOURCE_KEY, digest)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
            raise SystemExit(f"make_icons: could not encode the {size}px PNG")
        buffer.close()
        out[size] = bytes(data.data())
    return out


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO container (ICONDIR + ICONDIRENTRY table) whose images are PNG streams."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the one-byte width/height fields
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def build_icns(pngs: dict[int, bytes]) -> bytes:
    """An ICNS container: 'icns' + total length, then (type, length incl. header, PNG) entries."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str] | None = None) -> int:
    """Write the PNGs, the .ico and the .icns; prints what it wrote."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--out", type=Path, help="put every file here (default: see docstring)")
    args = parser.parse_args(argv)

    png_dir = args.out or SVG.parent
    box_dir = args.out or ROOT / "build" / "icons"
    png_dir.mkdir(parents=True, exist_ok=True)
    box_dir.mkdir(parents=True, exist_ok=True)

    all_sizes = tuple(PNG_SIZES) + tuple(s for _, s in ICNS_TYPES)
    pngs = render_pngs(args.svg, all_sizes)
    written = []
    for size in PNG_SIZES:
        path = png_dir / f"nebula-desktop-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    ico = box_dir / "nebula-desktop.ico"
    ico.write_bytes(build_ico({s: pngs[s] for s in ICO_SIZES}))
    icns = box_dir / "nebula-desktop.icns"
    icns.write_bytes(build_icns(pngs))
    written += [ico, icns]
    for path in written:
        print(f"make_icons: {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
