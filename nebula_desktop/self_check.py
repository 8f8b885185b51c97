"""``nebula-desktop --check-parts``: load and use every part the app imports only on demand.

Start-up imports as little as it can; Markdown and highlighting, math, the document readers, the
MCP SDK, the keyring's backends and the TLS roots are loaded when a user first needs them. A
frozen bundle (PyInstaller) that lacks one of them would start and pass its smoke test, then
fail in a user's hands. This runs each part once on a small real input, with no window, no
network and no files written, and says which one is missing. No Qt.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

Check = Callable[[], None]


def _markdown() -> None:
    from nebula_desktop.render import render_markdown

    html = render_markdown("# Title\n\n```python\nvalue = 1\n```\n").html
    if "<span style=" not in html:
        raise RuntimeError("code was not highlighted (Pygments' lexers are missing)")


def _math() -> None:
    from nebula_desktop.render.math import render_formula

    svg = render_formula(r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}", display=True)
    if b"<svg" not in svg:
        raise RuntimeError("the formula did not become SVG")


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica (a correct cross-reference table)."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        start,
    )
    return bytes(out)


def _pdf() -> None:
    from nebula_desktop.attachments import extract_text

    if "checked" not in extract_text("check.pdf", _tiny_pdf("checked")):
        raise RuntimeError("the PDF's text was not read")


def _docx() -> None:
    from nebula_desktop.attachments import extract_text

    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{word}"><w:body><w:p><w:r>'
            "<w:t>checked</w:t></w:r></w:p></w:body></w:document>",
        )
    if "checked" not in extract_text("check.docx", buffer.getvalue()):
        raise RuntimeError("the Word document's text was not read")


def _mcp() -> None:
    # What nebula_desktop/tools/sdk.py imports when the first server starts.
    from mcp.client.session import ClientSession
    from mcp.client.sse import sse_client
    from mcp.client.stdio import StdioServerParameters, stdio_client
    from mcp.client.streamable_http import streamable_http_client

    del ClientSession, sse_client, StdioServerParameters, stdio_client, streamable_http_client


def _keyring() -> None:
    import importlib
    import sys

    # The backend the OS has (importable even where no keyring daemon runs, as in CI).
    module = {"win32": "keyring.backends.Windows", "darwin": "keyring.backends.macOS"}.get(
        sys.platform, "keyring.backends.SecretService"
    )
    backend = importlib.import_module(module)
    if not hasattr(backend, "Keyring"):
        raise RuntimeError(f"{module} has no Keyring")
    if sys.platform.startswith("linux"):
        importlib.import_module("secretstorage")  # what the Secret Service backend talks through


def _tls_roots() -> None:
    import os

    import certifi  # what requests verifies TLS against

    if not os.path.isfile(certifi.where()):
        raise RuntimeError(f"the TLS root certificates are missing ({certifi.where()})")


CHECKS: dict[str, Check] = {
    "markdown": _markdown,
    "math": _math,
    "pdf": _pdf,
    "docx": _docx,
    "mcp": _mcp,
    "keyring": _keyring,
    "tls-roots": _tls_roots,
}


def run_checks() -> list[tuple[str, str | None]]:
    """``(part, None)`` for each part that works, ``(part, why)`` for each that does not."""
    results: list[tuple[str, str | None]] = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure is the answer, said in one line
            results.append((name, f"{type(exc).__name__}: {exc}"))
        else:
            results.append((name, None))
    return results


def main() -> int:
    """Print one line per part; 0 when all work, 1 otherwise."""
    results = run_checks()
    for name, why in results:
        print(f"{name}: {'ok' if why is None else 'FAILED - ' + why}")
    return 0 if all(why is None for _, why in results) else 1
