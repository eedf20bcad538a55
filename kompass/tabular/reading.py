"""Turning an uploaded file into rows of text cells, whatever spreadsheet program made it.

Accepted: CSV in UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252 (Excel's
"CSV (Trennzeichen-getrennt)"), separated by `;`, `,` or tab, with CRLF or LF line ends and
quoted line breaks; and XLSX workbooks (one sheet, picked by the caller when there are several).
The file type is decided by the content's magic bytes; the file name only decides the message
when the content is not what the name promises (an ".xlsx" that holds text or a PDF, a ".csv" that
holds a PDF or an archive). Everything that cannot be read safely is rejected with a German reason before any data
is looked at (docs/security.md I3, S6).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from kompass.core.formulas import ESCAPED_AFTER_APOSTROPHE
from kompass.tabular.report import FILE_ROW, ImportIssue, SheetHeader

logger = logging.getLogger(__name__)

# SECURITY: limits against zip bombs; checked on the declared sizes in the central
# directory, before anything is decompressed. Python's zipfile never inflates an entry
# beyond its declared size (it stops and fails the CRC check), so the declaration binds.
XLSX_MAX_ENTRIES = 1_000
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_RATIO_MIN_SIZE = 1024 * 1024
MAX_HEADER_COLUMNS = 64
# SECURITY: a shared strings table of millions of short entries that no cell uses compresses
# well below the ratio limit and yet cost 20 s and 600 MB when openpyxl read it in full. Only the
# entries the first sheet uses are kept, reading stops after the last of them, and at most this
# many entries and characters are read (a 50,000-row import uses a few hundred thousand at most).
XLSX_MAX_SHARED_STRINGS = 1_000_000
XLSX_MAX_SHARED_CHARACTERS = 50_000_000

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"GIF8": "GIF",
    b"\xff\xd8\xff": "JPEG",
    b"\x1f\x8b": "GZIP",
    b"BZh": "BZIP2",
    b"7z\xbc\xaf": "7-Zip",
    b"Rar!": "RAR",
    b"\x7fELF": "ELF",
    b"MZ": "EXE",
    b"PK\x05\x06": "ZIP",
    b"PK\x07\x08": "ZIP",
    b"{\\rtf": "RTF",
}
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# A byte sequence that is valid multi-byte UTF-8; in a file that is not UTF-8 as a whole it
# means two encodings were mixed (a reliable sign of mojibake).
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Characters a German administration's CSV in Windows-1252 plausibly contains.
CP1252_PLAUSIBLE = re.compile(r"[\t\n\r\x20-\x7e\xa0-\xff€„“”‚‘’–—…•§°·]")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DELIMITERS = (";", ",", "\t")
# What a file name promises; other names (".txt", ".xls", none) leave the decision to the content.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv")

# Given every sheet of a workbook with several, returns the one to read (or raises FileRejected).
SheetPicker = Callable[[list[SheetHeader]], SheetHeader]


class FileRejected(Exception):
    """The file as a whole cannot be imported; `issues` say why (in German)."""

    def __init__(self, message: str, row: int = FILE_ROW, column: str = "") -> None:
        super().__init__(message)
        self.issue = ImportIssue(row, column, message)


@dataclass
class Table:
    """The cells of a file: the header row and every non-empty data row with its row number."""

    header: list[str]
    header_row: int
    records: list[tuple[int, list[str]]] = field(default_factory=list)
    sheet: str = ""  # the name of the sheet that was read, for a workbook with several


def clean_cell(value: Any) -> str:
    """A cell as text: NUL bytes and surrounding blanks removed, line ends unified, and the
    apostrophe our exports put before formula characters (docs/security.md I4) taken off again."""
    text = _as_text(value).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if text[:1] == "'" and text[1:2] and text[1] in ESCAPED_AFTER_APOSTROPHE:
        text = text[1:].strip()
    return text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def read_table(
    data: bytes, *, filename: str = "", pick_sheet: SheetPicker | None = None, max_rows: int | None = None
) -> Table:
    """The table in `data`, or `FileRejected` with the reason.

    `filename` only sharpens the message for a file whose content is not what its name says.
    `pick_sheet` chooses among the sheets of a workbook with several (default: the first).
    `max_rows` raises or lowers the row limit for this file (default: `settings.IMPORT_MAX_ROWS`):
    a long-format import (one row per KPI and day) has more rows than a list of people.
    """
    token = _ROW_LIMIT.set(max_rows)
    try:
        return _read_table(data, filename, pick_sheet)
    finally:
        _ROW_LIMIT.reset(token)


# The row limit of the file being read (None: the setting); set only by `read_table`.
_ROW_LIMIT: ContextVar[int | None] = ContextVar("tabular_row_limit", default=None)


def _max_rows() -> int:
    limit = _ROW_LIMIT.get()
    return limit if limit is not None else int(settings.IMPORT_MAX_ROWS)


def _read_table(data: bytes, filename: str, pick_sheet: SheetPicker | None) -> Table:
    if not data:
        raise FileRejected(_("Die Datei ist leer."))
    max_bytes = settings.IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise FileRejected(
            _("Die Datei ist zu groß (%(size)s). Erlaubt sind höchstens %(max)s.")
            % {"size": _megabytes(len(data)), "max": _megabytes(max_bytes)}
        )
    suffix = _suffix(filename)
    if data.startswith(ZIP_MAGIC):
        # A real workbook is read whatever it is called; another archive named ".csv" is explained as such.
        if suffix in CSV_SUFFIXES and not _is_workbook(data):
            raise _not_csv(suffix, _("ein ZIP-Archiv"))
        return _read_xlsx(data, pick_sheet)
    if suffix in EXCEL_SUFFIXES and not data.startswith(OLE2_MAGIC):
        raise FileRejected(
            _(
                "Die Datei ist keine gültige Excel-Datei: Ihr Name endet auf „%(suffix)s“, ihr Inhalt ist aber "
                "%(content)s. Bitte speichern Sie die Tabelle in Excel als „Excel-Arbeitsmappe (*.xlsx)“ oder "
                "als CSV und laden Sie sie erneut hoch. Es wurde nichts geändert."
            )
            % {"suffix": suffix, "content": _what_it_is(data)}
        )
    if suffix in CSV_SUFFIXES and _binary_type(data):
        raise _not_csv(suffix, _what_it_is(data))
    _reject_binary(data)
    return _read_csv(decode_text(data))


def _suffix(filename: str) -> str:
    name = filename.strip().lower()
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _is_workbook(data: bytes) -> bool:
    """The archive's directory names the parts of an XLSX workbook (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    return {"[Content_Types].xml", "xl/workbook.xml"} <= names


def _binary_type(data: bytes) -> str:
    """A short name of what the bytes are when they are no text, else ""."""
    if data.startswith(OLE2_MAGIC):
        return _("das alte Excel-Format (.xls) oder eine kennwortgeschützte Arbeitsmappe")
    for magic, label in BINARY_MAGIC.items():
        if data.startswith(magic):
            return _("eine andere Dateiart (erkannt: %(type)s)") % {"type": label}
    return ""


def _what_it_is(data: bytes) -> str:
    if kind := _binary_type(data):
        return kind
    # NUL bytes are left out: UTF-16 text has one in every other byte.
    if len(CONTROL_CHARS.findall(data[:4096].replace(b"\x00", b"").decode("latin-1"))) > 20:
        return _("Binärdaten (keine Textdatei)")
    return _("Text, etwa eine umbenannte CSV-Datei")


def _not_csv(suffix: str, content: str) -> FileRejected:
    return FileRejected(
        _(
            "Die Datei ist keine gültige CSV-Datei: Ihr Name endet auf „%(suffix)s“, ihr Inhalt ist aber "
            "%(content)s. Bitte speichern Sie die Tabelle als „CSV UTF-8“ oder als Excel-Arbeitsmappe (XLSX) und "
            "laden Sie sie erneut hoch. Es wurde nichts geändert."
        )
        % {"suffix": suffix, "content": content}
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _reject_binary(data: bytes) -> None:
    if data.startswith(OLE2_MAGIC):
        raise FileRejected(
            _(
                "Das alte Excel-Format (.xls) und kennwortgeschützte Arbeitsmappen können nicht gelesen werden. "
                "Bitte speichern Sie die Datei als XLSX ohne Kennwort oder als CSV."
            )
        )
    for magic, label in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise FileRejected(_("Der Dateiinhalt ist weder CSV noch XLSX (erkannt: %(type)s).") % {"type": label})


# --- text and CSV ------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode a CSV file: BOM first, then UTF-8, then Windows-1252 if the result is plausible."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding).replace("\x00", "")
            except UnicodeDecodeError:
                raise FileRejected(
                    _("Die Datei ist als %(encoding)s gekennzeichnet, enthält aber ungültige Zeichen.")
                    % {"encoding": encoding.upper()}
                ) from None
    if data.count(0) * 10 > len(data):
        raise _unknown_encoding()  # e.g. UTF-16 without BOM: every other byte is NUL
    data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if UTF8_SEQUENCE.search(data):
        raise _unknown_encoding()
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _unknown_encoding() from None
    implausible = len(text) - len(CP1252_PLAUSIBLE.findall(text))
    if implausible > len(text) // 50:
        raise _unknown_encoding()
    return text


def _unknown_encoding() -> FileRejected:
    return FileRejected(
        _(
            "Die Zeichenkodierung der Datei ist unbekannt. Bitte speichern Sie die Datei als "
            "„CSV UTF-8“ oder als XLSX. Es wurde nichts übernommen."
        )
    )


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(first, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _read_csv(text: str) -> Table:
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(CONTROL_CHARS.findall(text[:4096])) > 20:
        raise FileRejected(_("Der Dateiinhalt ist keine Textdatei (CSV) und keine XLSX-Arbeitsmappe."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), quotechar='"', strict=True)
    numbered = _NumberedRows(reader)
    try:
        return _collect(numbered)
    except csv.Error as exc:
        raise FileRejected(
            _(
                "Die CSV-Datei ist fehlerhaft aufgebaut: ein Anführungszeichen ist nicht geschlossen oder steht an "
                "falscher Stelle, oder ein Wert ist zu lang."
            ),
            row=numbered.number + 1,
        ) from exc


class _NumberedRows:
    """Records with the row number a spreadsheet shows (a quoted line break stays in its row)."""

    def __init__(self, rows: Any) -> None:
        self.rows, self.number = rows, 0

    def __iter__(self) -> Any:
        for row in self.rows:
            self.number += 1
            yield self.number, row


def _collect(numbered_rows: Any) -> Table:
    """Header = first non-empty row; then every non-empty row, counting empty ones for the row number."""
    max_rows = _max_rows()
    table: Table | None = None
    for number, raw in numbered_rows:
        cells = [clean_cell(v) for v in raw]
        if table is None:
            if any(cells):
                table = Table(header=[c.lower() for c in cells], header_row=number)
            continue
        if number - table.header_row > max_rows:
            raise FileRejected(
                _("Die Datei hat mehr als %(max)d Datenzeilen. Bitte teilen Sie sie auf.") % {"max": max_rows}
            )
        if any(cells):
            table.records.append((number, cells))
    if table is None:
        raise FileRejected(_("Die Datei enthält keine Kopfzeile und keine Daten."))
    return table


# --- XLSX --------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    """Refuse the archive on its declared sizes and names, before any decompression."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected(_("Die XLSX-Datei ist beschädigt und kann nicht gelesen werden.")) from exc
    total = sum(info.file_size for info in infos)
    too_dense = any(
        info.file_size > XLSX_RATIO_MIN_SIZE and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if len(infos) > XLSX_MAX_ENTRIES or total > XLSX_MAX_UNCOMPRESSED or too_dense:
        raise FileRejected(
            _(
                "Die XLSX-Datei würde entpackt unverhältnismäßig groß (Verdacht auf eine „Zip-Bombe“). Sie wurde nicht "
                "geöffnet."
            )
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise FileRejected(
                _(
                    "Die Datei ist keine gültige Excel-Datei, sondern eine OpenDocument-Tabelle (etwa aus LibreOffice "
                    "Calc). Bitte speichern Sie sie als „Excel 2007-365 (.xlsx)“ oder als CSV."
                )
            )
        raise FileRejected(
            _("Die Datei ist keine gültige Excel-Datei: Sie ist ein ZIP-Archiv, aber keine XLSX-Arbeitsmappe.")
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileRejected(_("Die XLSX-Datei ist verschlüsselt und kann nicht gelesen werden."))


def _read_xlsx(data: bytes, pick_sheet: SheetPicker | None) -> Table:
    _check_zip(data)
    try:
        reader = _SparseStringsReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read()
        workbook = reader.wb
    except Exception as exc:  # a third-party parser on untrusted input: any failure means a bad file
        logger.info("XLSX import rejected: %s", type(exc).__name__)
        raise FileRejected(_("Die XLSX-Datei ist beschädigt und kann nicht gelesen werden.")) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise FileRejected(_("Die XLSX-Datei enthält kein Tabellenblatt."))
        sheet = sheets[0]
        if len(sheets) > 1 and pick_sheet is not None:
            chosen = pick_sheet(sheet_headers(reader, sheets))
            sheet = sheets[chosen.position - 1]
        reader.attach_strings(sheet)
        table = _xlsx_table(sheet)
        table.sheet = sheet.title if len(sheets) > 1 else ""
        return table
    except FileRejected:
        raise
    except Exception as exc:  # as above, for cells read lazily from the sheet
        logger.info("XLSX import rejected while reading cells: %s", type(exc).__name__)
        raise FileRejected(_("Die XLSX-Datei ist beschädigt und kann nicht gelesen werden.")) from exc
    finally:
        workbook.close()


class _SparseStringsReader(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader, but the shared strings are read only for the cells of the sheet that is
    imported (openpyxl reads the whole table into a list before it looks at any sheet)."""

    def read_strings(self) -> None:
        self.shared_strings: dict[int, str] = {}

    def strings(self, used: set[int]) -> dict[int, str]:
        """The shared strings at the `used` indices (bounded as `read_shared_strings` is)."""
        part = self.package.find(SHARED_STRINGS)
        if part is None or not used:
            return {}
        with self.archive.open(part.PartName[1:]) as source:
            return read_shared_strings(source, used)

    def attach_strings(self, sheet: Any) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is None or not hasattr(sheet, "_worksheet_path"):
            sheet._shared_strings = {}
            return
        # The header may be in any of the first IMPORT_MAX_ROWS rows, followed by at most as many data rows.
        max_row = 2 * _max_rows() + 2
        with self.archive.open(sheet._worksheet_path) as source:
            used = shared_string_indices(source, max_row)
        with self.archive.open(part.PartName[1:]) as source:
            sheet._shared_strings = read_shared_strings(source, used)


# The parts are scanned with expat and small handlers (no element tree): a million entries take
# about two seconds instead of twelve. SECURITY: an XLSX part has no DTD; one with a DTD or an
# entity declaration is refused, so no entity can expand.
_NS = f"{SHEET_MAIN_NS}}}"
_CHUNK = 64 * 1024


class _Enough(Exception):
    """Raised by a handler: everything needed has been read."""


def _scan(source: Any, parser: Any) -> None:
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Enough:
        pass


def _refuse_dtd(*args: Any) -> None:
    raise ValueError("DTD in an XLSX part")


def shared_string_indices(sheet_xml: Any, max_row: int | None = None) -> set[int]:
    """The indices of the shared strings the sheet's cells use up to row `max_row` (the last row
    the reader may get to before the row limit stops it); one past the budget refuses the file."""
    used: set[int] = set()
    state = {"shared": False, "value": False, "row": 0}
    digits: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == _NS + "row":
            # Numbered as openpyxl numbers rows: by their `r` attribute, else one after the last.
            state["row"] = int(attrs.get("r") or state["row"] + 1)
            if max_row is not None and state["row"] > max_row:
                raise _Enough
        elif name == _NS + "c":
            state["shared"] = attrs.get("t") == "s"
        elif name == _NS + "v" and state["shared"]:
            state["value"] = True
            digits.clear()

    def end(name: str) -> None:
        if name == _NS + "v" and state["value"]:
            state["value"] = False
            index = int("".join(digits))
            if not 0 <= index < XLSX_MAX_SHARED_STRINGS:
                raise _too_many_strings()
            used.add(index)

    def text(data: str) -> None:
        if state["value"]:
            digits.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    _scan(sheet_xml, parser)
    return used


def read_shared_strings(strings_xml: Any, used: set[int]) -> dict[int, str]:
    """The shared strings at the `used` indices, read up to the last of them and never past the
    character budget; the rest of the table is not even decompressed."""
    strings: dict[int, str] = {}
    if not used:
        return strings
    last = max(used)
    path: list[str] = []
    parts: list[str] = []
    counts = {"index": 0, "characters": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        path.append(name)
        if name == _NS + "si":
            parts.clear()

    def end(name: str) -> None:
        path.pop()
        if name == _NS + "si":
            index = counts["index"]
            if index in used:
                # As openpyxl's `read_string_table`: plain text and rich-text runs, no phonetic hints.
                strings[index] = "".join(parts).replace("x005F_", "")
            counts["index"] = index + 1
            if index >= last:
                raise _Enough

    def text(data: str) -> None:
        counts["characters"] += len(data)
        if counts["characters"] > XLSX_MAX_SHARED_CHARACTERS:
            raise _too_many_strings()
        if path[-1:] == [_NS + "t"] and (len(path) == 3 or path[-2] == _NS + "r"):
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.buffer_text = True
    _scan(strings_xml, parser)
    return strings


def _too_many_strings() -> FileRejected:
    return FileRejected(
        _(
            "Die XLSX-Datei enthält zu viele oder zu lange Texteinträge (höchstens %(count)s Einträge und "
            "%(chars)s Zeichen). Sie wurde nicht eingelesen; bitte speichern Sie nur die Tabelle in einer "
            "neuen Arbeitsmappe oder als CSV."
        )
        % {
            "count": f"{XLSX_MAX_SHARED_STRINGS:,}".replace(",", "."),
            "chars": f"{XLSX_MAX_SHARED_CHARACTERS:,}".replace(",", "."),
        }
    )


@dataclass(frozen=True)
class _SharedRef:
    """A shared string cell seen while only the headers are read; resolved afterwards."""

    index: int


class _RecordingStrings(dict[int, Any]):
    """Stands in for the shared strings while the first row of every sheet is looked for: each
    lookup answers a reference, so the table itself is read only once, for the used entries."""

    def __missing__(self, index: int) -> _SharedRef:
        if not 0 <= index < XLSX_MAX_SHARED_STRINGS:
            raise _too_many_strings()
        return _SharedRef(index)


def sheet_headers(reader: _SparseStringsReader, sheets: list[Any]) -> list[SheetHeader]:
    """Every sheet's name and the cells of its first non-empty row (at most MAX_HEADER_COLUMNS);
    the shared strings of all these rows are read in one pass, within the table's budgets."""
    firsts: list[tuple[Any, ...]] = []
    for sheet in sheets:
        sheet._shared_strings = _RecordingStrings()
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # SECURITY: as in _xlsx_table
        firsts.append(_first_row(sheet))
    used = {cell.index for row in firsts for cell in row if isinstance(cell, _SharedRef)}
    strings = reader.strings(used)

    def text(cell: Any) -> str:
        return clean_cell(strings.get(cell.index, "") if isinstance(cell, _SharedRef) else cell).lower()

    headers = []
    for position, (sheet, row) in enumerate(zip(sheets, firsts, strict=True), start=1):
        cells = [text(cell) for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        headers.append(SheetHeader(position=position, name=str(sheet.title), header=tuple(cells)))
    return headers


def _first_row(sheet: Any) -> tuple[Any, ...]:
    max_rows = _max_rows()
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_HEADER_COLUMNS, values_only=True), start=1):
        if any(isinstance(v, _SharedRef) or clean_cell(v) for v in values):
            return tuple(values)
        if number > max_rows:
            break
    return ()


def _xlsx_table(sheet: Any) -> Table:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # SECURITY: do not trust the declared dimension; read what is there
    header = _xlsx_header(sheet)
    if header is None:
        raise FileRejected(_("Die Datei enthält keine Kopfzeile und keine Daten."))
    number, width = header
    # One column more than the header, so a value without a heading is noticed.
    rows = sheet.iter_rows(min_row=number, max_col=width + 1, values_only=True)
    return _collect(enumerate(rows, start=number))


def _xlsx_header(sheet: Any) -> tuple[int, int] | None:
    """Row number and width of the first non-empty row (width: up to its last filled cell)."""
    max_rows = _max_rows()
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_HEADER_COLUMNS, values_only=True), start=1):
        filled = [i for i, v in enumerate(values) if clean_cell(v)]
        if filled:
            return number, filled[-1] + 1
        if number > max_rows:
            break
    return None
