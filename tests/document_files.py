"""Small real documents written by hand for the document-reader tests: PDF, DOCX, XLSX, PPTX,
OpenDocument and EPUB, each with only the parts its reader (and a real office suite) needs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def zip_bytes(parts: Iterable[tuple[str, bytes | str]]) -> bytes:
    """A zip (Deflate) holding ``parts`` in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts:
            zf.writestr(name, body.encode() if isinstance(body, str) else body)
    return out.getvalue()


def rels(*targets: tuple[str, str, str]) -> str:
    """A relationships part: (id, type suffix, target) each."""
    items = "".join(
        f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"/>'
        for rid, kind, target in targets
    )
    return f'{XML}<Relationships xmlns="{PR}">{items}</Relationships>'


def docx(body_xml: str, *, main: str = "word/document.xml", root: str = "document") -> bytes:
    """A Word document whose ``w:body`` holds ``body_xml`` (``w:`` prefix bound)."""
    document = f'{XML}<w:{root} xmlns:w="{W}"><w:body>{body_xml}</w:body></w:{root}>'
    return zip_bytes(
        [
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", rels(("rId1", "officeDocument", main))),
            (main, document),
        ]
    )


def paragraphs(*texts: str) -> str:
    """``w:p`` elements, one run each."""
    return "".join(f"<w:p><w:r><w:t>{escape(t)}</w:t></w:r></w:p>" for t in texts)


def xlsx(
    sheets: list[tuple[str, list[list[object]]]],
    *,
    date_cells: Iterable[tuple[int, int, int]] = (),
) -> bytes:
    """An Excel workbook. Strings go to the shared-string table, numbers stay numbers, ``None``
    leaves a cell out; ``date_cells`` are (sheet, row, column) indexes given a date style."""
    dates = set(date_cells)
    strings: list[str] = []
    parts: list[tuple[str, bytes | str]] = [("[Content_Types].xml", "<Types/>")]
    sheet_list, sheet_rels = [], []
    for number, (title, rows) in enumerate(sheets, start=1):
        sheet_list.append(f'<sheet name="{escape(title)}" sheetId="{number}" r:id="rId{number}"/>')
        sheet_rels.append((f"rId{number}", "worksheet", f"worksheets/sheet{number}.xml"))
        xml_rows = []
        for r, row in enumerate(rows, start=1):
            cells = []
            for c, value in enumerate(row):
                if value is None:
                    continue
                ref = f"{chr(65 + c)}{r}"
                style = ' s="1"' if (number - 1, r - 1, c) in dates else ""
                if isinstance(value, str):
                    strings.append(value)
                    cells.append(f'<c r="{ref}" t="s"{style}><v>{len(strings) - 1}</v></c>')
                else:
                    cells.append(f'<c r="{ref}"{style}><v>{value}</v></c>')
            xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        parts.append(
            (
                f"xl/worksheets/sheet{number}.xml",
                f'{XML}<worksheet xmlns="{S}"><sheetData>{"".join(xml_rows)}</sheetData>'
                "</worksheet>",
            )
        )
    n = len(sheets)
    sheet_rels += [
        (f"rId{n + 1}", "sharedStrings", "sharedStrings.xml"),
        (f"rId{n + 2}", "styles", "styles.xml"),
    ]
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    parts += [
        ("_rels/.rels", rels(("rId1", "officeDocument", "xl/workbook.xml"))),
        (
            "xl/workbook.xml",
            f'{XML}<workbook xmlns="{S}" xmlns:r="{R}"><sheets>{"".join(sheet_list)}</sheets>'
            "</workbook>",
        ),
        ("xl/_rels/workbook.xml.rels", rels(*sheet_rels)),
        ("xl/sharedStrings.xml", f'{XML}<sst xmlns="{S}">{sst}</sst>'),
        (
            "xl/styles.xml",
            f'{XML}<styleSheet xmlns="{S}"><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
        ),
    ]
    return zip_bytes(parts)


def pptx(slides: list[list[str]]) -> bytes:
    """A PowerPoint presentation: each slide a list of paragraphs in one text box."""
    ids = "".join(f'<p:sldId id="{256 + i}" r:id="rId{i + 1}"/>' for i in range(len(slides)))
    parts: list[tuple[str, bytes | str]] = [
        ("[Content_Types].xml", "<Types/>"),
        ("_rels/.rels", rels(("rId1", "officeDocument", "ppt/presentation.xml"))),
        (
            "ppt/presentation.xml",
            f'{XML}<p:presentation xmlns:p="{P}" xmlns:r="{R}"><p:sldIdLst>{ids}</p:sldIdLst>'
            "</p:presentation>",
        ),
        (
            "ppt/_rels/presentation.xml.rels",
            rels(
                *[(f"rId{i + 1}", "slide", f"slides/slide{i + 1}.xml") for i in range(len(slides))]
            ),
        ),
    ]
    for i, texts in enumerate(slides, start=1):
        body = "".join(f"<a:p><a:r><a:t>{escape(t)}</a:t></a:r></a:p>" for t in texts)
        parts.append(
            (
                f"ppt/slides/slide{i}.xml",
                f'{XML}<p:sld xmlns:p="{P}" xmlns:a="{A}"><p:cSld><p:spTree><p:sp><p:txBody>'
                f"{body}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>",
            )
        )
    return zip_bytes(parts)


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
)


def odf(kind: str, body_xml: str) -> bytes:
    """An OpenDocument file of ``kind`` (``text``, ``spreadsheet``, ``presentation``)."""
    content = (
        f"{XML}<office:document-content {ODF_NS}><office:body><office:{kind}>{body_xml}"
        f"</office:{kind}></office:body></office:document-content>"
    )
    return zip_bytes(
        [
            ("mimetype", f"application/vnd.oasis.opendocument.{kind}"),
            ("content.xml", content),
        ]
    )


def epub(chapters: list[str], *, doctype: bool = True) -> bytes:
    """An EPUB with one XHTML chapter per body (EPUB 2 style, with an XHTML DOCTYPE)."""
    dt = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
        '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'
        if doctype
        else ""
    )
    items = "".join(
        f'<item id="c{i}" href="text/ch{i}.xhtml" media-type="application/xhtml+xml"/>'
        for i in range(len(chapters))
    )
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    parts: list[tuple[str, bytes | str]] = [
        ("mimetype", "application/epub+zip"),
        (
            "META-INF/container.xml",
            f'{XML}<container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>',
        ),
        (
            "OEBPS/content.opf",
            f'{XML}<package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
            f"<manifest>{items}</manifest><spine>{spine}</spine></package>",
        ),
    ]
    for i, body in enumerate(chapters):
        parts.append(
            (
                f"OEBPS/text/ch{i}.xhtml",
                f'{XML}{dt}<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>'
                f"</head><body>{body}</body></html>",
            )
        )
    return zip_bytes(parts)


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf(pages: list[str | None], *, content: bytes | None = None) -> bytes:
    """A PDF with one Helvetica line per page (``None``: a page with no text layer, as a scan
    has). ``content`` replaces every page's content stream (all pages share that one)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    shared = 0
    if content is not None:
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        shared = len(objects)
    kids = []
    for text in pages:
        number = len(objects) + 1
        kids.append(b"%d 0 R" % number)
        page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        if text is None and not shared:
            objects.append(page + b" >>")
            continue
        stream_ref = shared or number + 1
        objects.append(
            page + b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % stream_ref
        )
        if not shared:
            escaped = (text or "").replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            body = b"BT /F1 12 Tf 72 720 Td (" + escaped.encode("latin-1") + b") Tj ET"
            objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages))
    return _pdf(objects)


def pdf_with_objects(count: int) -> bytes:
    """A one-page PDF (no text) that also lists ``count`` null objects."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R >>",
            *([b"null"] * count),
        ]
    )


def pdf_with_xref_table(count: int) -> bytes:
    """A one-page PDF whose cross-reference table lists ``count`` entries (20 bytes each)."""
    data = pdf_with_objects(0)
    table = data.index(b"xref\n0 4\n")
    head, tail = data[:table], data[table:]
    tail = tail.replace(b"xref\n0 4\n", b"xref\n0 %d\n" % (4 + count))
    return head + tail.replace(b"trailer", b"0000000100 00000 n \n" * count + b"trailer")


def pdf_with_xref_stream(count: int) -> bytes:
    """A small PDF whose compressed cross-reference stream lists ``count`` objects packed in
    object streams: a few MB that index into a million objects."""
    import struct
    import zlib

    head = bytearray(b"%PDF-1.5\n")
    offsets = []
    for number, body in enumerate(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R >>",
        ],
        start=1,
    ):
        offsets.append(len(head))
        head += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(head)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets]
    rows.append(struct.pack(">BIH", 1, xref_at, 0))
    rows += [struct.pack(">BIH", 2, 1000 + i // 60000, i % 60000) for i in range(count)]
    data = zlib.compress(b"".join(rows), 1)
    head += (
        b"4 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d "
        b"/Filter /FlateDecode >>\nstream\n" % (5 + count, len(data))
    )
    head += data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(head)
