"""What the installers ship besides the bundle: icons, desktop entry, AppStream data.

These run in a second or two; the full build-install-launch check is
build_scripts/ci_check_installers.sh (too slow for the test suite).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QTransform

from nebula_desktop.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Two renders of one SVG on different CPUs or Qt builds move anti-aliased edges by a few levels
# (a 4x-supersampled render of our icon: at most 1.8 levels on average, no pixel off by 64);
# another picture (an edited icon, the wrong size, a mirrored one) differs far more. Whether
# the SVG changed at all is answered exactly by the hash each PNG records.
MEAN_LEVELS = 2.0  # average difference per channel, 0-255
FAR_LEVELS = 64  # a channel this far off ...
FAR_SHARE = 0.01  # ... on at most 1 % of the pixels


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC, "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _make_icons() -> ModuleType:
    sys.path.insert(0, str(ROOT / "build_scripts"))
    try:
        import make_icons
    finally:
        sys.path.remove(str(ROOT / "build_scripts"))
    return make_icons


def _image(png: bytes) -> QImage:
    image = QImage.fromData(png)
    assert not image.isNull(), "not a readable PNG"
    return image


def _png(image: QImage, quality: int = -1) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG", quality)  # type: ignore[call-overload]
    return bytes(data.data())


def _source_digest(png: bytes) -> str:
    return _image(png).text(_make_icons().SOURCE_KEY)


def _pixels(png: bytes) -> tuple[int, int, bytes]:
    # Premultiplied, so the colour of an almost transparent pixel (noise) weighs almost nothing.
    image = _image(png).convertToFormat(QImage.Format.Format_RGBA8888_Premultiplied)
    return image.width(), image.height(), bytes(image.constBits())[: image.sizeInBytes()]


def _picture_difference(a: bytes, b: bytes) -> str | None:
    """None when two PNGs show the same picture up to rasterizer noise, else how they differ."""
    (wa, ha, pa), (wb, hb, pb) = _pixels(a), _pixels(b)
    if (wa, ha) != (wb, hb):
        return f"{wa}x{ha} vs {wb}x{hb} pixels"
    diffs = bytes(abs(x - y) for x, y in zip(pa, pb, strict=True))
    mean = sum(diffs) / len(diffs)
    far = sum(1 for i in range(0, len(diffs), 4) if max(diffs[i : i + 4]) > FAR_LEVELS)
    if mean > MEAN_LEVELS or far > FAR_SHARE * wa * ha:
        return f"{mean:.2f} levels apart on average, {far} pixels off by more than {FAR_LEVELS}"
    return None


def _with_noise(png: bytes) -> bytes:
    """The picture as another rasterizer might draw it: every 7th value a few levels off."""
    image = _image(png).convertToFormat(QImage.Format.Format_RGBA8888)
    values = bytearray(bytes(image.constBits())[: image.sizeInBytes()])
    for i in range(0, len(values), 7):
        values[i] = min(255, values[i] + 3) if values[i] < 128 else values[i] - 3
    buffer = bytes(values)  # must outlive the QImage that reads it
    noisy = QImage(buffer, image.width(), image.height(), QImage.Format.Format_RGBA8888)
    return _png(noisy, quality=0)  # and another compression level


def _mirrored(png: bytes) -> bytes:
    return _png(_image(png).transformed(QTransform().scale(-1, 1)))


@pytest.fixture(scope="module")
def icon_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everything make_icons.py renders, in a temporary folder."""
    out = tmp_path_factory.mktemp("icons")
    subprocess.run(
        [sys.executable, str(ROOT / "build_scripts" / "make_icons.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def test_windows_icon_holds_every_size_from_16_to_256(icon_dir: Path) -> None:
    data = (icon_dir / "nebula-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _, _, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        image = data[offset : offset + length]
        # The directory's size (0 = 256) must match the PNG inside, or Windows picks badly.
        assert _png_size(image) == (w or 256, h or 256)
        assert (planes, bits) == (1, 32)
        sizes.append(w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_macos_icon_holds_retina_sizes_up_to_1024(icon_dir: Path) -> None:
    data = (icon_dir / "nebula-desktop.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries = {}
    pos = 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        entries[kind] = _png_size(data[pos + 8 : pos + length])
        pos += length
    assert pos == len(data)
    assert entries[b"ic10"] == (1024, 1024)  # 512@2x: what Finder and the Dock show on Retina
    assert entries[b"ic07"] == (128, 128)
    assert entries[b"icp4"] == (16, 16)


def test_committed_pngs_are_the_rendered_svg(icon_dir: Path) -> None:
    # A changed SVG must come with re-rendered PNGs (python build_scripts/make_icons.py). Each PNG
    # records the hash of the SVG it came from; its pixels must match this machine's render up
    # to rasterizer noise (never byte for byte: that differs by CPU and library build).
    digest = _make_icons().svg_digest(resource_path("icons", "nebula-desktop.svg"))
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        committed = resource_path("icons", f"nebula-desktop-{size}.png")
        assert committed.is_file(), f"missing {committed}"
        data = committed.read_bytes()
        assert _png_size(data) == (size, size)
        assert _source_digest(data) == digest, (
            f"{committed.name} is stale: run python build_scripts/make_icons.py"
        )
        difference = _picture_difference(data, (icon_dir / committed.name).read_bytes())
        assert difference is None, f"{committed.name} does not show the SVG: {difference}"


def test_icon_check_allows_rasterizer_noise_but_not_another_picture(icon_dir: Path) -> None:
    rendered = (icon_dir / "nebula-desktop-64.png").read_bytes()
    other_machine = _with_noise(rendered)
    assert other_machine != rendered  # other bytes ...
    assert _picture_difference(rendered, other_machine) is None  # ... the same picture
    assert _picture_difference(rendered, _mirrored(rendered)) is not None


def test_resource_path_finds_the_app_icon() -> None:
    svg = resource_path("icons", "nebula-desktop.svg")
    assert svg.is_file()
    assert b"<svg" in svg.read_bytes()


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("needs desktop-file-validate: apt-get install desktop-file-utils")
    entry = ROOT / "resources" / "linux" / "nebula-desktop.desktop"
    run = subprocess.run([tool, str(entry)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "error" not in run.stdout, run.stdout + run.stderr


def test_appstream_metainfo_validates() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("needs appstreamcli: apt-get install appstream")
    meta = ROOT / "resources" / "linux" / "com.ai_nebula.NebulaDesktop.metainfo.xml"
    run = subprocess.run(
        [tool, "validate", "--no-net", str(meta)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_installer_takes_its_version_from_pyproject() -> None:
    sys.path.insert(0, str(ROOT / "build_scripts"))
    try:
        from version import project_version
    finally:
        sys.path.remove(str(ROOT / "build_scripts"))
    from nebula_desktop import __version__

    assert project_version() == __version__, "reinstall: pip install -e ."
    meta = (ROOT / "resources" / "linux" / "com.ai_nebula.NebulaDesktop.metainfo.xml").read_text()
    assert f'<release version="{project_version()}"' in meta, (
        "add a <release> for this version to the AppStream metainfo"
    )
