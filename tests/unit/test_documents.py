"""Documents attached to a message arrive as their text: what a reader of each kind of file sees,
in order, and a sentence for every file that cannot be read (issue 16). Every file here is a
real, minimal document written by tests/document_files.py."""

from __future__ import annotations

import codecs
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from nebula_desktop import documents
from nebula_desktop.attachments import TEXT_EXTENSIONS, AttachmentError, extract_text
from nebula_desktop.documents import DocumentError, extract
from nebula_desktop.documents.common import MAX_CHARS, MAX_DOCUMENT_BYTES
from nebula_desktop.documents.sheets import date_text
from tests import document_files as files

W_TABLE = (
    "<w:tbl><w:tr>"
    "<w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>Two</w:t></w:r></w:p><w:p><w:r><w:t>lines</w:t></w:r></w:p></w:tc>"
    "</w:tr><w:tr>"
    "<w:tc><w:p><w:r><w:t>Tea</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc>"
    "</w:tr></w:tbl>"
)


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(DocumentError) as caught:
        extract(name, data)
    return str(caught.value)


# --- what each kind of document gives -------------------------------------------------------


def test_word_document_gives_its_paragraphs_and_table_rows() -> None:
    body = files.paragraphs("Quarterly report", "Sales & costs <rose>.")
    body += W_TABLE + '<w:p><w:r><w:t xml:space="preserve">Tab</w:t><w:tab/><w:t>bed</w:t>'
    body += "<w:br/><w:t>next line</w:t></w:r></w:p>"
    result = extract("report.docx", files.docx(body))
    assert result.text == (
        "Quarterly report\nSales & costs <rose>.\nName\tTwo lines\nTea\t3\n\nTab\tbed\nnext line"
    )
    assert (result.kind, result.pages, result.truncated) == ("docx", 0, False)


def test_word_text_box_deleted_text_and_field_codes_appear_once_or_not_at_all() -> None:
    # Word stores every text box twice (DrawingML and a VML fallback for old readers), keeps
    # deleted tracked text, and writes field instructions next to their result.
    box = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/'
        '2006"><mc:Choice Requires="wps"><w:p><w:r><w:t>In the box</w:t></w:r></w:p>'
        "</mc:Choice><mc:Fallback><w:p><w:r><w:t>In the box</w:t></w:r></w:p></mc:Fallback>"
        "</mc:AlternateContent>"
    )
    body = box + "<w:p><w:r><w:delText>removed </w:delText></w:r><w:r><w:instrText>PAGE"
    body += "</w:instrText></w:r><w:r><w:t>kept</w:t></w:r></w:p>"
    assert extract("box.docx", files.docx(body)).text == "In the box\nkept"


def test_word_tab_stops_and_formatting_add_nothing_to_the_text() -> None:
    body = (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/><w:tab w:val="right" '
        'w:pos="9000"/></w:tabs></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>Name</w:t><w:tab/>'
        "<w:t>Value</w:t></w:r></w:p>"
    )
    assert extract("tabs.docx", files.docx(body)).text == "Name\tValue"


def test_word_main_part_is_found_through_the_package_relationships() -> None:
    data = files.docx(files.paragraphs("elsewhere"), main="word/document2.xml")
    assert extract("renamed.docx", data).text == "elsewhere"


def test_excel_sheets_are_tab_separated_rows_under_sheet_headings() -> None:
    data = files.xlsx(
        [
            ("Budget", [["Item", "Cost", None, "Paid on"], ["Tea\nleaves", 3.5, None, 45413]]),
            ("Notes", [[None, "only B1"]]),
        ],
        date_cells=[(0, 1, 3)],
    )
    result = extract("budget.xlsx", data)
    assert result.text == (
        "Sheet: Budget\nItem\tCost\t\tPaid on\nTea leaves\t3.5\t\t2024-05-01\n\n"
        "Sheet: Notes\n\tonly B1"
    )
    assert (result.kind, result.pages) == ("xlsx", 2)


def test_excel_date_serials_read_as_dates_and_times() -> None:
    assert date_text("45413", date1904=False) == "2024-05-01"
    assert date_text("45413.5625", date1904=False) == "2024-05-01 13:30"
    assert date_text("0.75", date1904=False) == "18:00"
    assert date_text("1", date1904=True) == "1904-01-02"
    assert date_text("59", date1904=False) == "1900-02-28"  # before Excel's phantom leap day
    assert date_text("not a number", date1904=False) == "not a number"


def test_powerpoint_slides_come_in_presentation_order_with_headings() -> None:
    data = files.pptx([["Welcome", "Agenda"], ["Numbers"], ["Thanks"]])
    # Reorder the slides in the presentation (slide 3 first), not in the file names.
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    reordered = [
        (
            n,
            b.replace(b'r:id="rId1"/>', b'r:id="rIdX"/>')
            .replace(b'r:id="rId3"/>', b'r:id="rId1"/>')
            .replace(b'r:id="rIdX"/>', b'r:id="rId3"/>')
            if n == "ppt/presentation.xml"
            else b,
        )
        for n, b in parts
    ]
    result = extract("deck.pptx", files.zip_bytes(reordered))
    assert result.text == "Slide 1\nThanks\n\nSlide 2\nNumbers\n\nSlide 3\nWelcome\nAgenda"
    assert (result.kind, result.pages) == ("pptx", 3)


def test_powerpoint_without_a_slide_list_reads_the_slides_by_number_not_the_notes() -> None:
    data = files.pptx([["first"], ["second"]])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    parts = [(n, b) for n, b in parts if n != "ppt/_rels/presentation.xml.rels"]
    notes = parts[-1][1].replace(b"second", b"speaker notes")
    parts.append(("ppt/notesSlides/notesSlide1.xml", notes))
    result = extract("deck.pptx", files.zip_bytes(parts))
    assert result.text == "Slide 1\nfirst\n\nSlide 2\nsecond"


def test_opendocument_text_sheet_and_slides() -> None:
    text = files.odf(
        "text",
        "<text:h>Title</text:h><text:p>Two<text:s text:c='2'/>spaces<text:tab/>and a tab"
        "<text:line-break/>broken</text:p><office:annotation><text:p>a comment</text:p>"
        "</office:annotation>",
    )
    assert extract("letter.odt", text).text == "Title\nTwo  spaces\tand a tab\nbroken"
    sheet = files.odf(
        "spreadsheet",
        "<table:table table:name='Prices'><table:table-row>"
        "<table:table-cell><text:p>Tea</text:p></table:table-cell>"
        "<table:table-cell table:number-columns-repeated='2'/>"
        "<table:table-cell><text:p>3</text:p></table:table-cell>"
        "<table:table-cell table:number-columns-repeated='16000'/></table:table-row>"
        "<table:table-row table:number-rows-repeated='2'><table:table-cell>"
        "<text:p>same</text:p></table:table-cell></table:table-row>"
        # LibreOffice ends every sheet with a million empty rows stored as one.
        "<table:table-row table:number-rows-repeated='1048000'>"
        "<table:table-cell table:number-columns-repeated='1024'/></table:table-row>"
        "</table:table>",
    )
    result = extract("prices.ods", sheet)
    assert result.text == "Sheet: Prices\nTea\t\t\t3\nsame\nsame"
    slides = files.odf(
        "presentation",
        "<draw:page><draw:frame><draw:text-box><text:p>Hello</text:p></draw:text-box>"
        "</draw:frame></draw:page><draw:page><text:p>Bye</text:p></draw:page>",
    )
    result = extract("talk.odp", slides)
    assert (result.text, result.pages) == ("Slide 1\nHello\n\nSlide 2\nBye", 2)


def test_epub_chapters_come_in_reading_order_without_scripts_or_repeated_titles() -> None:
    data = files.epub(
        [
            "<h1>Chapter 1</h1><p>It was a dark &amp; stormy night.</p>",
            "<p>Then <i>morning</i>.</p><script>alert('no')</script>",
        ]
    )
    result = extract("novel.epub", data)
    assert result.text == "Chapter 1\n\nIt was a dark & stormy night.\n\nThen morning."
    assert (result.kind, result.pages) == ("epub", 2)


def test_drm_protected_epub_is_refused_with_a_sentence() -> None:
    data = files.epub(["<p>secret</p>"])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:CipherData>'
        '<enc:CipherReference URI="OEBPS/text/ch0.xhtml"/></enc:CipherData></enc:EncryptedData>'
        "</encryption>"
    )
    data = files.zip_bytes([*parts, ("META-INF/encryption.xml", encryption)])
    assert refusal("locked.epub", data) == (
        "locked.epub is protected by DRM (copy protection), so its text cannot be read."
    )


def test_html_page_gives_its_readable_text() -> None:
    page = (
        '<!DOCTYPE html><html><head><meta charset="gbk"><title>页面</title>'
        "<style>p { color: red }</style><script>if (a < b) { x = '</p>' }</script></head>"
        "<body><!-- hidden --><p>你好,&nbsp;<b>world</b> &lt;3</p>"
        '<a href="x" title="a > b">link</a><pre>keep\n   indent</pre>'
        "<table><tr><td>1</td><td>2</td></tr></table></body></html>"
    ).encode("gbk")
    result = extract("page.html", page)
    assert result.text == "页面\n\n你好, world <3\nlink\nkeep\n   indent\n\n1\t2"
    assert result.kind == "html"


def test_text_and_code_files_keep_their_content_exactly() -> None:
    code = b"def f():\r\n    return 1\r\n\r\n\r\n\r\nx = f()  \r\n"
    assert extract("tool.py", code).text == "def f():\n    return 1\n\n\n\nx = f()  \n"
    for encoding in ("utf-8-sig", "utf-16", "utf-16-be", "utf-32"):
        data = "a,b\n1,é\n".encode(encoding)
        if encoding == "utf-16-be":
            data = codecs.BOM_UTF16_BE + data
        assert extract("table.csv", data).text == "a,b\n1,é\n", encoding
    assert extract("Makefile", b"all:\n\techo hi\n").text == "all:\n\techo hi\n"


def test_text_in_an_older_encoding_is_refused_rather_than_garbled() -> None:
    assert refusal("notes.txt", "café".encode("cp1252")) == (
        "notes.txt is not UTF-8 or UTF-16 text (perhaps an older encoding such as "
        "Windows-1252 or GBK); save it as UTF-8 and attach it again."
    )


def test_unsupported_and_old_office_files_are_refused_with_a_sentence() -> None:
    assert refusal("setup.exe", b"MZ\x90\x00\x03") == (
        "setup.exe is not a kind of file Nebula Desktop can read text from. It reads PDF, "
        "Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument, EPUB, HTML, CSV and "
        "text or code files."
    )
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert refusal("old.doc", old) == (
        "old.doc is in the old Office format; save it as .docx and attach it again."
    )
    assert "save it as .xlsx" in refusal("old.xls", old)


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("report.pdf", b"<html>not a pdf</html>", "PDF"),
        ("report.docx", b"%PDF-1.4 a pdf renamed", "Word (.docx)"),
        ("report.docx", files.xlsx([("S", [["x"]])]), "Word (.docx)"),
        ("report.docx", files.zip_bytes([("hello.txt", "just a zip")]), "Word (.docx)"),
        ("sheet.xlsx", files.docx(files.paragraphs("a letter")), "Excel (.xlsx)"),
        ("deck.pptx", files.docx(files.paragraphs("a letter")), "PowerPoint (.pptx)"),
        ("letter.odt", files.odf("spreadsheet", ""), "OpenDocument text (.odt)"),
        ("book.epub", files.zip_bytes([("mimetype", "application/epub+zip")]), "EPUB"),
        ("notes.txt", files.docx(files.paragraphs("a letter")), "text"),
        ("notes.md", b"%PDF-1.4\n1 0 obj", "text"),
        ("page.html", b"\x89PNG\r\n\x1a\n\x00\x00", "HTML"),
    ],
)
def test_content_that_does_not_match_its_extension_is_refused(
    name: str, data: bytes, label: str
) -> None:
    assert refusal(name, data) == (
        f"{name} is not a real {label} file: its content does not match its extension."
    )


def test_pdf_text_comes_page_by_page() -> None:
    result = extract("paper.pdf", files.pdf(["Abstract (short)", "Results: 42"]))
    assert result.text == "--- Page 1 ---\nAbstract (short)\n\n--- Page 2 ---\nResults: 42"
    assert (result.kind, result.pages, result.truncated) == ("pdf", 2, False)


def test_scanned_pdf_says_there_is_no_text_to_extract() -> None:
    assert refusal("scan.pdf", files.pdf([None, None, None])) == (
        "scan.pdf looks scanned: no text to extract (its pages are images, not text)."
    )


def encrypted_pdf(user_password: str, algorithm: str) -> bytes:
    """A one-page PDF saying "Confidential", encrypted by pypdf's writer."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf(["Confidential"]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_with_a_password_is_refused_and_one_only_restricted_opens(algorithm: str) -> None:
    if algorithm.startswith("AES"):
        pytest.importorskip("cryptography")
    assert refusal("locked.pdf", encrypted_pdf("secret", algorithm)) == (
        "locked.pdf is protected by a password; remove the password and attach it again."
    )
    # Only printing or copying restricted: every viewer opens it, so do we.
    assert extract("restricted.pdf", encrypted_pdf("", algorithm)).text == "Confidential"


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_pdf_in_an_encryption_without_its_library_is_refused_with_a_sentence(
    algorithm: str, tmp_path: Path
) -> None:
    # AES needs the optional "cryptography" package; a build without it says so (the child
    # hides the package from pypdf, which picks its AES provider when imported).
    pytest.importorskip("cryptography")
    path = tmp_path / "aes.pdf"
    path.write_bytes(encrypted_pdf("", algorithm))
    code = (
        "import sys\n"
        "sys.modules['cryptography'] = sys.modules['Crypto'] = None\n"
        "from nebula_desktop.documents import DocumentError, extract\n"
        "try:\n"
        f"    extract('aes.pdf', open({str(path)!r}, 'rb').read())\n"
        "except DocumentError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "aes.pdf is encrypted in a way this copy of Nebula Desktop cannot open; "
        "save an unprotected copy and attach that."
    )


def test_pdf_over_the_page_cap_ends_with_the_pages_kept() -> None:
    result = extract("long.pdf", files.pdf([f"page {n}" for n in range(1, 306)]))
    assert result.text.endswith(
        "--- Page 300 ---\npage 300\n\n[… truncated: kept pages 1–300 of 305]"
    )
    assert (result.pages, result.truncated) == (305, True)


def test_pdf_over_the_character_cap_keeps_the_start_of_the_cut_page() -> None:
    result = extract("dense.pdf", files.pdf(["x" * 3000] * 100))
    assert result.truncated
    assert result.text.endswith("xxx\n\n[… truncated: kept pages 1–67 of 100]")
    assert MAX_CHARS < result.chars < MAX_CHARS + 100


def test_pdf_reading_stops_at_the_time_limit_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every page shares one content stream that costs ~0.1 s to read: 300 pages would take 30 s.
    heavy = b"BT /F1 12 Tf " + b"(word) Tj " * 15_000 + b"ET"
    monkeypatch.setattr("nebula_desktop.documents.pdf.MAX_PDF_SECONDS", 0.3)
    result = extract("slow.pdf", files.pdf([""] * 300, content=heavy))
    assert result.text.endswith("of 300; the rest took too long to read]")
    assert result.truncated


def test_long_text_is_cut_at_the_character_cap_on_a_whole_line() -> None:
    rows = "".join(f"{n},item {n},{n * 3}\n" for n in range(20_000)).encode()
    result = extract("big.csv", rows)
    kept, note = result.text.rsplit("\n\n", 1)
    assert note == f"[… truncated: kept the first 200,000 characters of {len(rows):,}]"
    assert len(kept) <= MAX_CHARS and kept.endswith(kept.splitlines()[-1])
    last = kept.splitlines()[-1].split(",")
    assert len(last) == 3 and int(last[2]) == int(last[0]) * 3  # the last row is whole
    assert result.truncated


def test_long_word_document_is_cut_at_the_character_cap() -> None:
    body = files.paragraphs(*[f"Paragraph {n} " + "word " * 40 for n in range(2000)])
    result = extract("book.docx", files.docx(body))
    assert result.text.endswith("\n\n[… truncated: kept the first 200,000 characters]")
    assert result.truncated and result.chars <= MAX_CHARS + 60


def test_excel_over_the_cell_cap_says_what_was_kept() -> None:
    rows: list[list[object]] = [[n % 10] * 10 for n in range(3000)]
    sheets = [("Data", rows), ("More", rows), ("Last", [["x"]])]
    result = extract("numbers.xlsx", files.xlsx(sheets))
    assert result.text.endswith("[… truncated: kept the first 50,000 cells, sheets 1–2 of 3]")
    assert result.text.count("\n") < 5010


def test_result_reports_characters_and_estimated_tokens() -> None:
    result = extract("n.txt", b"0123456789")
    assert (result.chars, result.tokens, result.truncated) == (10, 4, False)
    chinese = extract("zh.txt", ("你好世界" * 100).encode())
    assert chinese.chars == 400 and chinese.tokens > 400  # not characters / 4 (100)


def test_document_without_text_is_refused() -> None:
    assert refusal("empty.docx", files.docx("<w:p/>")) == "empty.docx contains no text to extract."


def test_file_over_the_size_cap_is_refused_before_it_is_read() -> None:
    data = b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES
    assert refusal("huge.pdf", data) == "huge.pdf is too large to read (20 MB; the limit is 20 MB)."


def test_damaged_document_is_refused_with_a_sentence() -> None:
    data = bytearray(files.docx(files.paragraphs("text " * 500)))
    start = data.find(b"word/document.xml") + len("word/document.xml")
    data[start + 10 : start + 40] = b"\xff" * 30  # corrupt the deflated stream
    message = refusal("broken.docx", bytes(data))
    assert message.startswith("broken.docx could not be read: the file is damaged (")


def test_extract_text_is_the_contract_and_raises_attachment_error() -> None:
    assert extract_text("a.docx", files.docx(files.paragraphs("hi"))) == "hi"
    with pytest.raises(AttachmentError, match="looks scanned"):
        extract_text("scan.pdf", files.pdf([None]))


def test_refusal_sentences_can_be_translated() -> None:
    with pytest.raises(DocumentError) as caught:
        extract("scan.pdf", files.pdf([None]), tr=lambda s: "【" + s + "】")
    assert str(caught.value).startswith("【scan.pdf looks scanned")


def test_attaching_a_document_loads_only_its_reader_and_start_up_loads_none() -> None:
    code = (
        "import sys\n"
        "import nebula_desktop.attachments as a\n"
        "print(sorted(m for m in sys.modules if m.startswith(('nebula_desktop.documents', "
        "'pypdf'))))\n"
        "from tests import document_files as f\n"
        "a.extract_text('x.docx', f.docx(f.paragraphs('x')))\n"
        "print('pypdf' in sys.modules, any(m.startswith('PySide6') for m in sys.modules))\n"
        "a.extract_text('x.pdf', f.pdf(['x']))\n"
        "a.extract_text('x.epub', f.epub(['<p>x</p>']))\n"
        "a.extract_text('x.xlsx', f.xlsx([('S', [['x']])]))\n"
        "print('pypdf' in sys.modules, any(m.startswith(('PySide6', 'nebula_desktop.ui')) "
        "for m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:3] == ["[]", "False False", "True False"]


def test_every_file_attachments_inline_as_text_is_read_as_a_document_too() -> None:
    assert documents.kind_of("A.PDF") == "pdf"
    assert documents.kind_of("notes.md") == documents.kind_of("main.kt") == "text"
    assert documents.kind_of("photo.png") == ""
    for suffix in TEXT_EXTENSIONS:
        assert documents.kind_of(f"file{suffix}") in ("text", "html"), suffix
