"""Hostile documents cost bounded time and memory and end in a sentence (issue 16).

Each attack runs in a child interpreter under a memory ceiling (tests/hardening/limits.py) that
reads the file from disk and calls the real reader, so the peak memory measured is the reader's:
a zip bomb, a zip member lying about its size, a zip listing a quarter of a million parts, the
"billion laughs" and an external entity, PDFs indexing a million objects or a hundred thousand
pages, HTML built to make a parser rescan, and spreadsheets whose repeat counts claim billions.
"""

from __future__ import annotations

import contextlib
import io
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from nebula_desktop.documents import DocumentError, extract
from tests import document_files as files
from tests.hardening.limits import run_limited

W_OPEN = f'<w:document xmlns:w="{files.W}"><w:body>'
W_CLOSE = "</w:body></w:document>"


def run_extract(path: Path, name: str) -> tuple[str, float, float]:
    """(the sentence or the text's last line, seconds, peak MB) of reading ``path`` in a child."""
    result = run_limited(
        f"""
        import time
        from nebula_desktop.documents import DocumentError, extract
        data = open({str(path)!r}, "rb").read()
        start = time.perf_counter()
        try:
            out = extract({name!r}, data).text.splitlines()[-1]
        except DocumentError as exc:
            out = str(exc)
        print(out)
        print(time.perf_counter() - start)
        """,
        timeout=60,
    )
    assert result.ok, result.stderr
    out, seconds = result.stdout.strip().rsplit("\n", 1)
    return out, float(seconds), result.peak_mb


def docx_with_huge_attribute(size: int) -> bytes:
    """A DOCX whose document.xml holds one attribute ``size`` bytes long: expat must hold a
    whole tag in memory, so inflating it is the costly kind of bomb (≈3 bytes per byte)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("_rels/.rels", files.rels(("rId1", "officeDocument", "word/document.xml")))
        with zf.open("word/document.xml", "w") as part:
            part.write(f'{W_OPEN}<w:p w:rsidR="'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(size >> 20):
                part.write(chunk)
            part.write(f'"><w:r><w:t>hidden</w:t></w:r></w:p>{W_CLOSE}'.encode())
    return out.getvalue()


@pytest.mark.timeout(30)
def test_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_with_huge_attribute(512 << 20))  # 512 MB from 0.5 MB
    assert path.stat().st_size < 1 << 20
    out, seconds, peak = run_extract(path, "bomb.docx")
    assert out == (
        "bomb.docx was refused: it unpacks to 512 MB, more than the 64 MB Nebula Desktop reads "
        "from one document."
    )
    assert peak < 100 and seconds < 1


@pytest.mark.timeout(30)
def test_zip_member_lying_about_its_size_is_cut_at_the_size_it_declared(tmp_path: Path) -> None:
    data = bytearray(docx_with_huge_attribute(256 << 20))
    # The central directory (which zipfile believes) now says document.xml unpacks to 4 KB.
    entry = data.find(b"word/document.xml", data.find(b"PK\x01\x02")) - 46
    assert data[entry : entry + 4] == b"PK\x01\x02"
    struct.pack_into("<L", data, entry + 24, 4096)
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    out, seconds, peak = run_extract(path, "liar.docx")
    assert out.startswith("liar.docx could not be read: the file is damaged (")
    assert peak < 100 and seconds < 1


def many_parts_zip(count: int) -> bytes:
    """A zip of ``count`` empty stored parts, written directly (85 bytes a part)."""
    local, central = bytearray(), bytearray()
    crc = zlib.crc32(b"")
    for i in range(count):
        name = b"%x" % i
        head = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, 0, 0, len(name), 0)
        entry = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc, 0, 0, len(name), 0, 0, 0, 0,
            0, len(local),
        )  # fmt: skip
        local += head + name
        central += entry + name
    n = min(count, 0xFFFF)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(central), len(local), 0)
    return bytes(local + central + end)


@pytest.mark.timeout(30)
def test_zip_listing_a_quarter_million_parts_is_refused_before_it_is_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "parts.xlsx"
    path.write_bytes(many_parts_zip(240_000))  # 20 MB; zipfile would build 240,000 objects
    out, seconds, peak = run_extract(path, "parts.xlsx")
    assert out == (
        "parts.xlsx was refused: it lists more parts than a document has (12 MB of zip "
        "directory; the limit is 2 MB)."
    )
    assert peak < 100 and seconds < 1


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)).replace(
        "&lol0;", "&lol;"
    )
    + "]>"
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


@pytest.mark.timeout(20)
@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, EXTERNAL], ids=["laughs", "external"])
@pytest.mark.parametrize("where", ["docx", "xlsx-strings", "epub-container", "relationships"])
def test_xml_entities_are_refused_at_the_declaration(prolog: str, where: str) -> None:
    entity = "&lol9;" if "lolz" in prolog else "&x;"
    if where == "docx":
        name = "laughs.docx"
        data = files.zip_bytes(
            [
                ("_rels/.rels", files.rels(("rId1", "officeDocument", "word/document.xml"))),
                ("word/document.xml", f"{prolog}{W_OPEN}<w:p><w:r><w:t>{entity}</w:t>"
                 f"</w:r></w:p>{W_CLOSE}"),
            ]
        )  # fmt: skip
    else:
        name, base = {
            "xlsx-strings": ("laughs.xlsx", files.xlsx([("S", [["x"]])])),
            "epub-container": ("laughs.epub", files.epub(["<p>x</p>"])),
            "relationships": ("laughs.docx", files.docx(files.paragraphs("x"))),
        }[where]
        part = {
            "xlsx-strings": "xl/sharedStrings.xml",
            "epub-container": "META-INF/container.xml",
            "relationships": "_rels/.rels",
        }[where]
        with zipfile.ZipFile(io.BytesIO(base)) as zf:
            parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
        data = files.zip_bytes(
            (n, prolog.encode() + b.split(b"?>", 1)[1] if n == part else b) for n, b in parts
        )
    started = time.perf_counter()
    with pytest.raises(DocumentError) as caught:
        extract(name, data)
    assert str(caught.value) == (
        f"{name} was refused: it contains an XML document type declaration, which real "
        "documents never need and which can make a reader expand text without end."
    )
    assert time.perf_counter() - started < 1


@pytest.mark.timeout(30)
def test_pdf_indexing_a_million_objects_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "objects.pdf"
    path.write_bytes(files.pdf_with_xref_stream(1_000_000))  # 2 MB
    out, seconds, peak = run_extract(path, "objects.pdf")
    assert out.startswith("objects.pdf was refused: its structure goes past a safety limit (")
    assert peak < 150 and seconds < 2


@pytest.mark.timeout(30)
def test_pdf_listing_half_a_million_objects_is_refused_before_parsing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "objects.pdf"
    path.write_bytes(files.pdf_with_objects(450_000))  # 20 MB, just under the size cap
    out, seconds, peak = run_extract(path, "objects.pdf")
    assert out == ("objects.pdf was refused: it has more internal objects (450,004) than 250,000.")
    assert peak < 150 and seconds < 1


@pytest.mark.timeout(30)
def test_pdf_whose_cross_reference_table_lists_a_million_entries_is_refused_before_parsing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "xref.pdf"
    path.write_bytes(files.pdf_with_xref_table(1_000_000))  # 20 MB: pypdf took 5 s and 235 MB
    out, seconds, peak = run_extract(path, "xref.pdf")
    assert out == "xref.pdf was refused: it has more internal objects (1,000,004) than 250,000."
    assert peak < 150 and seconds < 1


@pytest.mark.timeout(30)
def test_pdf_with_a_hundred_thousand_pages_is_refused_with_bounded_memory(
    tmp_path: Path,
) -> None:
    count = 99_000
    kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        *[b"<< /Type /Page /Parent 2 0 R >>"] * count,
    ]
    path = tmp_path / "pages.pdf"
    path.write_bytes(files._pdf(objects))
    out, seconds, peak = run_extract(path, "pages.pdf")
    assert out.startswith("pages.pdf was refused: its structure goes past a safety limit (")
    assert peak < 150 and seconds < 5


@pytest.mark.timeout(30)
@pytest.mark.parametrize("pattern", ["<a ", "<a b='", "</", "<!--", "<p>x", '<a ="x'])
def test_html_built_to_make_a_parser_rescan_is_read_in_linear_time(pattern: str) -> None:
    # The standard library's parser took 24 s for 25,000 "<a " and 114 s for 40,000.
    def seconds(count: int) -> float:
        data = (pattern * count).encode()
        started = time.perf_counter()
        with contextlib.suppress(DocumentError):
            extract("page.html", data)
        return time.perf_counter() - started

    small = min(seconds(50_000) for _ in range(3))
    large = min(seconds(800_000) for _ in range(3))  # 16 times the input
    assert large < max(small, 0.005) * 40  # quadratic would be 256 times
    assert large < 2


@pytest.mark.timeout(30)
def test_spreadsheet_repeat_counts_of_billions_stop_at_the_cell_cap() -> None:
    sheet = files.odf(
        "spreadsheet",
        "<table:table table:name='S'><table:table-row table:number-rows-repeated='1000000000'>"
        "<table:table-cell table:number-columns-repeated='1000000000'><text:p>x</text:p>"
        "</table:table-cell></table:table-row></table:table>",
    )
    started = time.perf_counter()
    result = extract("repeat.ods", sheet)
    assert time.perf_counter() - started < 2
    assert result.text.endswith("[… truncated: kept the first 50,000 cells, sheets 1–1]")


def test_markup_without_text_stops_at_the_element_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real cap (3,000,000 elements) stops a flood of empty elements after ~2 s.
    monkeypatch.setattr("nebula_desktop.documents.common.MAX_ELEMENTS", 10_000)
    flood = files.docx("<w:p>" + "<w:r/>" * 20_000 + "</w:p>")
    with pytest.raises(DocumentError, match="more than 10,000 elements of markup and no text"):
        extract("flood.docx", flood)
    some_text = files.docx(files.paragraphs("kept") + "<w:p>" + "<w:r/>" * 20_000 + "</w:p>")
    result = extract("flood.docx", some_text)
    assert result.text == "kept\n\n[… truncated: stopped after 10,000 elements of markup]"
