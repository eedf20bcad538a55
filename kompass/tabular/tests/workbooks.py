"""Hand-built XLSX workbooks for tests: a few parts written with zipfile, nothing else.

`shared_strings_bomb` builds the file of the XLSX shared-strings bug: a sheet with good rows whose
texts sit in the shared strings table together with millions of short entries no cell uses. The
table unpacks to well over 50 MB while its compression ratio stays under the zip-bomb limit.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"

Rows = Sequence[Sequence[str]]


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SPREADSHEET}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>{sheets}'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SPREADSHEET}.sharedStrings+xml"/></Types>'
    )


ROOT_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _workbook(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, start=1)
    )
    return f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{OFFICE_RELS}"><sheets>{sheets}</sheets></workbook>'


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )


def workbook(rows: Rows, *, unused_strings: int = 0, unused_first: bool = False) -> bytes:
    """An XLSX whose first sheet holds `rows`, every text a shared string; `unused_strings`
    short entries (`x0`, `x1` …) that no cell uses are added after (or before) the used ones."""
    return workbook_with_sheets([("Personen", rows)], unused_strings=unused_strings, unused_first=unused_first)


def workbook_with_sheets(
    sheets: Sequence[tuple[str, Rows]], *, unused_strings: int = 0, unused_first: bool = False
) -> bytes:
    """As `workbook`, with one sheet per (name, rows); all sheets share one strings table."""
    texts: dict[str, int] = {}
    offset = unused_strings if unused_first else 0
    for _name, rows in sheets:
        for row in rows:
            for value in row:
                texts.setdefault(value, offset + len(texts))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook([name for name, _rows in sheets]))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        for number, (_name, rows) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", "".join(_sheet(rows, texts)))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            for chunk in _shared_strings(list(texts), unused_strings, unused_first):
                part.write(chunk.encode("utf-8"))
    return buffer.getvalue()


def _sheet(rows: Sequence[Sequence[str]], texts: dict[str, int]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
    for number, row in enumerate(rows, start=1):
        yield f'<row r="{number}">'
        for column, value in enumerate(row, start=1):
            yield f'<c r="{get_column_letter(column)}{number}" t="s"><v>{texts[value]}</v></c>'
        yield "</row>"
    yield "</sheetData></worksheet>"


def _shared_strings(used: list[str], unused: int, unused_first: bool) -> Iterator[str]:
    total = len(used) + unused
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN_NS}" count="{total}" uniqueCount="{total}">'
    used_part = "".join(f"<si><t>{escape(text)}</t></si>" for text in used)
    if not unused_first:
        yield used_part
    for start in range(0, unused, 10_000):
        yield "".join(f"<si><t>x{n}</t></si>" for n in range(start, min(start + 10_000, unused)))
    if unused_first:
        yield used_part
    yield "</sst>"


def people_rows(count: int) -> list[list[str]]:
    """A header and `count` good rows of the people import."""
    rows = [["email", "vorname", "nachname"]]
    rows += [[f"person{n}@example.org", f"Vorname{n}", f"Nachname{n}"] for n in range(count)]
    return rows
