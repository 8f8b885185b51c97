"""Text of spreadsheets: Excel (.xlsx) and OpenDocument (.ods), as tab-separated rows.

Each sheet comes under a ``Sheet: <name>`` heading, then one line per row with a value, cells
separated by tabs and kept in their columns (an empty cell between two values is an empty
field). Shared strings, inline strings, numbers as stored, booleans and errors are shown;
Excel dates (numbers with a date format) are written as ``2024-05-01`` or
``2024-05-01 13:30``; formulas show their last computed value. A cell's line breaks and tabs
become spaces so each row stays one line. Reading stops at :data:`MAX_CELLS` cells with a value.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from nebula_desktop.documents.common import (
    MAX_CELLS,
    MAX_CHARS,
    MAX_PAGES,
    Budget,
    Extracted,
    Full,
    TooManyElements,
    Translate,
    elements_note,
    finish,
)
from nebula_desktop.documents.office import main_part, open_odf
from nebula_desktop.documents.package import Package, attr

MAX_COLUMNS = 16_384  # Excel's and LibreOffice's last column; a gap is never padded past it
MAX_SHARED_STRINGS = 300_000  # a workbook's distinct strings kept (about 20 MB at most)
_COLUMN = re.compile(r"([A-Za-z]{1,3})")
_CELL_SPACE = re.compile(r"[\t\r\n]+")
# Built-in number formats that are dates or times (14-22, 45-47; 27-36 and 50-58 in East
# Asian locales).
_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


class CellCap(Exception):
    """:data:`MAX_CELLS` cells were read."""


class _Rows:
    """One sheet's rows written as tab-separated lines into the budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.cells = 0
        self.column = 0  # the column after the last value written in this row
        self.row_started = False

    def cell(self, column: int, text: str, repeat: int = 1) -> None:
        """Write ``text`` at ``column`` (0-based), ``repeat`` times in a row."""
        text = _CELL_SPACE.sub(" ", text).strip()
        if not text:
            return
        column = max(column, self.column)
        gap = min(column - self.column, MAX_COLUMNS) + (1 if self.row_started else 0)
        for _ in range(max(1, repeat)):
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise CellCap
            self.budget.add("\t" * gap + text)
            gap = 1
        self.column = column + max(1, repeat)
        self.row_started = True

    def end_row(self) -> None:
        if self.row_started:
            self.budget.add("\n")
        self.column = 0
        self.row_started = False


def column_index(ref: str) -> int | None:
    """``"C7"`` → 2; ``None`` when the reference has no column letters."""
    match = _COLUMN.match(ref)
    if not match:
        return None
    index = 0
    for letter in match.group(1).upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def is_date_format(format_id: int, code: str | None) -> bool:
    """Whether Excel number format ``format_id`` (custom ``code``) shows a date or time."""
    if code is None:
        return format_id in _DATE_FORMATS
    bare = _FORMAT_NOISE.sub("", code).lower()
    return any(letter in bare for letter in "dmyhs") and "general" not in bare


def date_text(value: str, date1904: bool) -> str:
    """An Excel date serial as ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM[:SS]`` or ``HH:MM[:SS]``."""
    try:
        serial = float(value)
    except ValueError:
        return value
    if not 0 <= serial < 2_958_466:  # beyond 9999-12-31: not a date, show the number
        return value
    if date1904:
        base = datetime(1904, 1, 1)
    else:  # Excel counts 1900-02-29, which never was; serials before it start a day later
        base = datetime(1899, 12, 30) if serial >= 61 else datetime(1899, 12, 31)
    moment = base + timedelta(seconds=round(serial * 86400))
    clock = moment.strftime("%H:%M:%S" if moment.second else "%H:%M")
    if serial < 1:
        return clock
    day = moment.strftime("%Y-%m-%d")
    return day if moment.hour == moment.minute == moment.second == 0 else f"{day} {clock}"


class _Workbook:
    def __init__(self) -> None:
        self.root = ""
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.date1904 = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.root = self.root or tag
        if tag == "sheet" and len(self.sheets) < 10_000:
            self.sheets.append((attrs.get("name", ""), attr(attrs, "id", "relationships")))
        elif tag == "workbookPr":
            self.date1904 = attrs.get("date1904", "") in ("1", "true")

    def end(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _SharedStrings:
    """``xl/sharedStrings.xml``: the workbook's strings, phonetic guides left out."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._parts: list[str] = []
        self._size = 0
        self._in_text = False
        self._phonetic = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            self._parts, self._size = [], 0
        elif tag == "rPh":
            self._phonetic += 1
        elif tag == "t" and not self._phonetic:
            self._in_text = True

    def end(self, tag: str) -> None:
        if tag == "si" and len(self.strings) < MAX_SHARED_STRINGS:
            self.strings.append("".join(self._parts))
        elif tag == "rPh":
            self._phonetic -= 1
        elif tag == "t":
            self._in_text = False

    def text(self, data: str) -> None:
        if self._in_text and self._size < MAX_CHARS:
            self._parts.append(data[: MAX_CHARS - self._size])
            self._size += len(data)


class _Styles:
    """``xl/styles.xml``: which cell styles show numbers as dates."""

    def __init__(self) -> None:
        self.codes: dict[int, str] = {}
        self.formats: list[int] = []
        self._in_cell_formats = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt" and attrs.get("numFmtId", "").isdigit():
            self.codes[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            self._in_cell_formats = True
        elif tag == "xf" and self._in_cell_formats and len(self.formats) < 100_000:
            format_id = attrs.get("numFmtId", "0")
            self.formats.append(int(format_id) if format_id.isdigit() else 0)

    def end(self, tag: str) -> None:
        if tag == "cellXfs":
            self._in_cell_formats = False

    def text(self, data: str) -> None:
        pass

    def date_styles(self) -> frozenset[int]:
        return frozenset(
            index
            for index, format_id in enumerate(self.formats)
            if is_date_format(format_id, self.codes.get(format_id))
        )


class _Sheet:
    """One worksheet's cells in order, written through :class:`_Rows`."""

    def __init__(
        self, rows: _Rows, strings: list[str], dates: frozenset[int], date1904: bool
    ) -> None:
        self.rows = rows
        self.strings = strings
        self.dates = dates
        self.date1904 = date1904
        self._column = 0
        self._type = ""
        self._style = 0
        self._parts: list[str] = []
        self._size = 0
        self._collect = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "c":
            found = column_index(attrs.get("r", ""))
            self._column = self.rows.column if found is None else found
            self._type = attrs.get("t", "")
            style = attrs.get("s", "0")
            self._style = int(style) if style.isdigit() else 0
            self._parts, self._size = [], 0
        elif tag == "v" or (tag == "t" and self._type == "inlineStr"):
            self._collect = True

    def end(self, tag: str) -> None:
        if tag in ("v", "t"):
            self._collect = False
        elif tag == "c":
            self.rows.cell(self._column, self._display("".join(self._parts)))
        elif tag == "row":
            self.rows.end_row()

    def text(self, data: str) -> None:
        if self._collect and self._size < MAX_CHARS:
            self._parts.append(data)
            self._size += len(data)

    def _display(self, value: str) -> str:
        kind = self._type
        if kind == "s":
            index = int(value) if value.strip().isdigit() else -1
            return self.strings[index] if 0 <= index < len(self.strings) else ""
        if kind == "b":
            return "TRUE" if value.strip() == "1" else "FALSE"
        if kind in ("", "n") and self._style in self.dates:
            return date_text(value, self.date1904)
        return value


def read_xlsx(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of an Excel workbook, sheet by sheet."""
    package = Package(name, data, "Excel (.xlsx)", tr)
    budget = Budget()
    try:
        path = main_part(package, budget, "xl/workbook.xml")
        book = _Workbook()
        if not package.xml_part(path, book, budget) or book.root != "workbook":
            raise package.mismatch()
        rels = package.relationships(path, budget)
    except TooManyElements:
        return finish(name, budget, "xlsx", note=elements_note(budget), tr=tr)
    sheets = [(title, rels[rid][1]) for title, rid in book.sheets if rid in rels]
    infos = [(title, info) for title, part in sheets[:MAX_PAGES] if (info := package.find(part))]
    by_type = {kind.rpartition("/")[2]: part for kind, part in rels.values()}
    strings_info = package.find(by_type.get("sharedStrings", "xl/sharedStrings.xml"))
    styles_info = package.find(by_type.get("styles", "xl/styles.xml"))
    extra = [info for info in (strings_info, styles_info) if info is not None]
    package.reserve([*extra, *(info for _, info in infos)])
    strings, styles = _SharedStrings(), _Styles()
    kept, done, cells = 0, True, False
    try:
        if strings_info is not None:
            package.walk(strings_info, strings, budget)
        if styles_info is not None:
            package.walk(styles_info, styles, budget)
        dates = styles.date_styles()
        rows = _Rows(budget)  # one count of cells for the whole workbook
        for title, info in infos:
            kept += 1
            rows.end_row()
            budget.add(f"\n\nSheet: {title}\n")
            package.walk(info, _Sheet(rows, strings.strings, dates, book.date1904), budget)
    except (Full, TooManyElements, CellCap) as exc:
        done, cells = False, isinstance(exc, CellCap)
    note = ""
    if not done or kept < len(sheets):
        note = f"[… truncated: kept {_cells(cells)}sheets 1–{kept} of {len(sheets)}]"
    return finish(name, budget, "xlsx", pages=len(sheets), note=note, tr=tr, whole_lines=True)


def _cells(capped: bool) -> str:
    return f"the first {MAX_CELLS:,} cells, " if capped else ""


class _OdsTables:
    """OpenDocument spreadsheet content: tables, rows and cells with their repeat counts."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.rows = _Rows(budget)
        self.tables = 0
        self._skipping = 0
        self._row_repeat = 1
        self._row: list[tuple[int, str, int]] = []  # (column, text, repeat)
        self._row_size = 0
        self._column = 0
        self._cell: list[str] | None = None
        self._cell_repeat = 1
        self._cell_size = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self._skipping:
            self._skipping += 1
        elif tag == "table":
            self.tables += 1
            if self.tables > MAX_PAGES:  # counted, not read
                self._skipping = 1
                return
            self.budget.add(f"\n\nSheet: {attr(attrs, 'name', 'opendocument')}\n")
        elif tag == "table-row":
            self._row, self._column, self._row_size = [], 0, 0
            self._row_repeat = _repeat(attr(attrs, "number-rows-repeated", "opendocument"))
        elif tag in ("table-cell", "covered-table-cell"):
            self._cell, self._cell_size = [], 0
            self._cell_repeat = _repeat(attr(attrs, "number-columns-repeated", "opendocument"))
        elif self._cell is not None and (
            (tag == "p" and self._cell) or tag in ("s", "tab", "line-break")
        ):
            self._cell.append(" ")
        elif tag == "annotation":
            self._skipping = 1

    def end(self, tag: str) -> None:
        if self._skipping:
            self._skipping -= 1
        elif tag in ("table-cell", "covered-table-cell") and self._cell is not None:
            text = "".join(self._cell).strip()
            if text and self._row_size < MAX_CHARS:  # more would not fit in the text anyway
                self._row.append((self._column, text, self._cell_repeat))
                self._row_size += len(text)
            self._column += self._cell_repeat
            self._cell = None
        elif tag == "table-row":
            # Identical rows are stored once with a count; only rows with a value are written.
            for _ in range(self._row_repeat if self._row else 0):
                for column, text, repeat in self._row:
                    self.rows.cell(column, text, repeat)
                self.rows.end_row()

    def text(self, data: str) -> None:
        if self._cell is not None and not self._skipping and self._cell_size < MAX_CHARS:
            self._cell.append(data)
            self._cell_size += len(data)


def _repeat(value: str) -> int:
    return min(int(value), MAX_CELLS + 1) if value.isdigit() and value != "0" else 1


def read_ods(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of an OpenDocument spreadsheet (LibreOffice Calc), sheet by sheet."""
    package: Package = open_odf(name, data, "ods", tr)
    budget = Budget()
    tables = _OdsTables(budget)
    done, cells = True, False
    try:
        package.xml_part("content.xml", tables, budget)
    except (Full, TooManyElements, CellCap) as exc:
        done, cells = False, isinstance(exc, CellCap)
    kept = min(tables.tables, MAX_PAGES)
    note = ""
    if not done:
        note = f"[… truncated: kept {_cells(cells)}sheets 1–{kept}]"
    elif tables.tables > MAX_PAGES:
        note = f"[… truncated: kept sheets 1–{kept} of {tables.tables}]"
    return finish(name, budget, "ods", pages=tables.tables, note=note, tr=tr, whole_lines=True)
