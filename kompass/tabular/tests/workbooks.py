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

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Personen" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(rows: Sequence[Sequence[str]], *, unused_strings: int = 0, unused_first: bool = False) -> bytes:
    """An XLSX whose first sheet holds `rows`, every text a shared string; `unused_strings`
    short entries (`x0`, `x1` …) that no cell uses are added after (or before) the used ones."""
    texts: dict[str, int] = {}
    offset = unused_strings if unused_first else 0
    for row in rows:
        for value in row:
            texts.setdefault(value, offset + len(texts))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", "".join(_sheet(rows, texts)))
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
