"""Real-world file variants (docs/security.md I3): encodings, delimiters, line ends, XLSX, zip bombs, magic bytes, limits.

Each file goes through a whole import of people (the org app's kind), so that what is asserted is
what a Kommune gets: the stored names, or a German reason and nothing stored.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook

from kompass.org.models import Person
from kompass.tabular.importing import run_import

HEADER = ["email", "vorname", "nachname", "funktion", "organisationseinheit"]
ROWS = [
    ["juergen.gross@teststadt.example", "Jürgen", "Groß", "Sachbearbeitung Straßenverkehr", "32"],
    ["oezlem.aebisser@teststadt.example", "Özlem", "Äbißer", "Leitung; Bürgerbüro", "10"],
]


def csv_text(rows: list[list[str]] = ROWS, delimiter: str = ";", newline: str = "\r\n") -> str:
    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return newline.join(delimiter.join(cell(v) for v in row) for row in [HEADER, *rows]) + newline


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_people(world: Any, data: bytes, filename: str = "personen.csv", dry_run: bool = False) -> Any:
    return run_import(kind="people", kommune=world.kommune, actor=None, filename=filename, data=data, dry_run=dry_run)


def imported(world: Any) -> dict[str, tuple[str, str, str, str]]:
    people = (
        Person.objects.for_kommune(world.kommune)
        .select_related("org_unit")
        .exclude(pk__in=[world.alice.pk, world.bruno.pk])
    )
    return {
        p.email: (p.first_name, p.last_name, p.function_title, p.org_unit.code if p.org_unit else "") for p in people
    }


EXPECTED = {
    "juergen.gross@teststadt.example": ("Jürgen", "Groß", "Sachbearbeitung Straßenverkehr", "32"),
    "oezlem.aebisser@teststadt.example": ("Özlem", "Äbißer", "Leitung; Bürgerbüro", "10"),
}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(csv_text().encode("utf-8"), id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + csv_text().encode("utf-8"), id="utf8-bom"),
        pytest.param(csv_text().encode("cp1252"), id="cp1252-excel"),
        pytest.param(csv_text(newline="\n").encode("utf-8"), id="lf"),
        pytest.param(csv_text(delimiter=",").encode("utf-8"), id="comma"),
        pytest.param(csv_text(delimiter=",").encode("cp1252"), id="comma-cp1252"),
        pytest.param(csv_text(delimiter="\t").encode("utf-16"), id="utf16-bom-tab"),
        pytest.param(xlsx_bytes(ROWS), id="xlsx"),
    ],
)
def test_every_common_variant_imports_umlauts_and_eszett_correctly(world, data):
    report = import_people(world, data)
    assert report.ok, report.issues
    assert report.created == 2
    assert imported(world) == EXPECTED


def test_quoted_line_breaks_stay_in_their_cell_and_row_numbers_follow_the_spreadsheet(world):
    rows = [["a@teststadt.example", "Anna", "Alt", "Leitung\r\nBürgeramt", ""], ["kein-at", "B", "C", "", ""]]
    report = import_people(world, csv_text(rows).encode("utf-8"))
    # The second data record is row 3 as a spreadsheet shows it, although it starts on line 4.
    assert [(i.row, i.column) for i in report.issues] == [(3, "email")]
    report = import_people(world, csv_text(rows[:1]).encode("utf-8"))
    assert report.ok
    assert Person.objects.for_kommune(world.kommune).get(email="a@teststadt.example").function_title == (
        "Leitung\nBürgeramt"
    )


def test_xlsx_numbers_and_mixed_case_headers_are_read_as_text(world):
    data = xlsx_bytes(
        [["Nina.Neu@Teststadt.example", "Nina", "Neu", None, 10]],
        header=["E-Mail".replace("-", ""), "Vorname", "NACHNAME", "Funktion", "Organisationseinheit"],
    )
    report = import_people(world, data, filename="personen.xlsx")
    assert report.ok, report.issues
    person = Person.objects.for_kommune(world.kommune).get(email="nina.neu@teststadt.example")
    assert person.org_unit == world.hauptamt and person.function_title == ""


def test_nul_bytes_are_stripped(world):
    data = csv_text([["n@teststadt.example", "Ni\x00na", "Nu\x00ll", "", ""]]).encode("utf-8")
    assert import_people(world, data).ok
    assert Person.objects.for_kommune(world.kommune).get(email="n@teststadt.example").first_name == "Nina"


def test_a_workbook_is_read_whatever_it_is_called(world):
    for filename in ("personen.csv", "personen.txt", "personen"):
        assert import_people(world, xlsx_bytes(ROWS), filename=filename).ok
    assert import_people(world, csv_text().encode("utf-8"), filename="personen.txt").ok


def test_text_called_xlsx_is_no_valid_excel_file_and_changes_nothing(world):
    text = rejected(world, csv_text().encode("cp1252"), filename="Personen.XLSX")
    assert text.startswith("Datei: Die Datei ist keine gültige Excel-Datei: Ihr Name endet auf „.xlsx“")
    assert "Text, etwa eine umbenannte CSV-Datei" in text


@pytest.mark.parametrize(
    ("filename", "data", "fragments"),
    [
        pytest.param("liste.xlsx", b"%PDF-1.7\n", ("keine gültige Excel-Datei", "erkannt: PDF"), id="pdf-as-xlsx"),
        pytest.param("liste.xlsm", bytes(range(1, 32)) * 10, ("keine gültige Excel-Datei", "Binärdaten"), id="junk"),
        pytest.param("liste.csv", b"%PDF-1.7\n", ("keine gültige CSV-Datei", "erkannt: PDF"), id="pdf-as-csv"),
        pytest.param("liste.csv", b"\x89PNG\r\n\x1a\n", ("keine gültige CSV-Datei", "erkannt: PNG"), id="png-as-csv"),
        pytest.param(
            "liste.csv",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            ("CSV-Datei", "alte Excel"),
            id="xls-as-csv",
        ),
        pytest.param(
            "liste.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ("alte Excel-Format",), id="xls"
        ),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_explained(world, filename, data, fragments):
    text = rejected(world, data, filename=filename)
    assert all(fragment in text for fragment in fragments), text


# --- rejected: with a German reason, nothing stored ----------------------------------------------


def rejected(world: Any, data: bytes, filename: str = "personen.csv") -> str:
    count = Person.objects.for_kommune(world.kommune).count()
    report = import_people(world, data, filename=filename)
    assert not report.ok
    assert Person.objects.for_kommune(world.kommune).count() == count
    return " ".join(str(issue) for issue in report.issues)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(csv_text().encode("cp500"), id="ebcdic"),
        pytest.param(csv_text().encode("utf-16-le"), id="utf16-without-bom"),
        pytest.param(csv_text().encode("utf-8") + "Müller;Groß\r\n".encode("cp1252"), id="utf8-mixed-with-cp1252"),
        pytest.param(b"email;vorname\r\n\x81\x8d\x8f\x90\x9d;x\r\n", id="bytes-undefined-in-cp1252"),
    ],
)
def test_an_unknown_encoding_is_rejected_in_german_and_no_mojibake_is_stored(world, data):
    assert "Zeichenkodierung der Datei ist unbekannt" in rejected(world, data)


def test_a_broken_utf8_bom_file_is_rejected(world):
    assert "UTF-8" in rejected(world, b"\xef\xbb\xbf" + "email;vorname\r\nä".encode("cp1252"))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "erkannt: PDF", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "erkannt: PNG", id="png"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "alte Excel-Format", id="xls"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "erkannt: ELF", id="elf"),
        pytest.param(bytes(range(1, 32)) * 10, "keine Textdatei", id="control-characters"),
    ],
)
def test_wrong_magic_bytes_are_rejected_whatever_the_file_is_called(world, data, fragment):
    for filename in ("personen.xlsx", "personen.csv", "personen"):
        assert fragment in rejected(world, data, filename=filename)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_that_is_no_workbook_is_rejected(world):
    data = zip_bytes({"liste.csv": csv_text().encode()})
    assert "keine gültige Excel-Datei: Sie ist ein ZIP-Archiv" in rejected(world, data, filename="liste.xlsx")
    assert "keine gültige CSV-Datei" in rejected(world, data, filename="liste.csv")
    opendocument = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    assert "OpenDocument-Tabelle" in rejected(world, opendocument, filename="liste.xlsx")


def test_a_corrupt_workbook_is_rejected(world):
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<kaputt"})
    assert "beschädigt" in rejected(world, data)


def test_a_zip_bomb_is_rejected_by_its_compression_ratio(world):
    data = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<x/>",
            "xl/worksheets/sheet1.xml": b"\x00" * (20 * 1024 * 1024),
        }
    )
    assert len(data) < 100_000
    assert "Zip-Bombe" in rejected(world, data)


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with the central directory claiming `size` uncompressed bytes for `name`."""
    raw = bytearray(data)
    position = raw.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", raw, position + 28)[0]
        if raw[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into("<I", raw, position + 24, size)
            return bytes(raw)
        position = raw.find(b"PK\x01\x02", position + 4)
    raise AssertionError(f"{name} not in archive")


def test_a_zip_bomb_is_rejected_on_declared_sizes_before_anything_is_decompressed(world, monkeypatch):
    data = with_declared_size(xlsx_bytes(ROWS), "xl/worksheets/sheet1.xml", 4_000_000_000)

    def no_decompression(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an entry was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_decompression)
    assert "Zip-Bombe" in rejected(world, data)


def test_too_many_zip_entries_are_rejected(world):
    entries = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}
    entries.update({f"xl/media/{n}.bin": b"" for n in range(1001)})
    assert "Zip-Bombe" in rejected(world, zip_bytes(entries))


def test_files_over_the_size_limit_are_rejected(world, settings):
    settings.IMPORT_MAX_BYTES = 200
    assert "zu groß" in rejected(world, csv_text(ROWS * 5).encode("utf-8"))


@pytest.mark.parametrize("maker", [lambda rows: csv_text(rows).encode("utf-8"), xlsx_bytes], ids=["csv", "xlsx"])
def test_files_over_the_row_limit_are_rejected(world, settings, maker):
    settings.IMPORT_MAX_ROWS = 3
    rows = [[f"p{n}@teststadt.example", "P", f"N{n}", "", ""] for n in range(4)]
    assert "mehr als 3 Datenzeilen" in rejected(world, maker(rows))
    assert import_people(world, maker(rows[:3])).ok


def test_an_empty_file_and_a_header_without_data_are_rejected(world):
    assert "leer" in rejected(world, b"")
    assert "keine Daten" in rejected(world, b"\r\n\r\n")
    assert "nur die Kopfzeile" in rejected(world, ";".join(HEADER).encode())


def test_unknown_duplicate_and_missing_columns_are_named(world):
    text = rejected(world, b"email;vorname;geburtstag;Vorname\r\na@b.example;A;1.1.1970;A\r\n")
    assert "Zeile 1, Spalte geburtstag: Unbekannte Spalte „geburtstag“" in text
    assert "Zeile 1, Spalte vorname: Die Spalte „vorname“ kommt mehrfach vor." in text
    assert "Zeile 1, Spalte nachname: Die Pflichtspalte „nachname“ fehlt." in text


def test_broken_quoting_is_rejected_with_its_row(world):
    data = b'email;vorname;nachname\r\na@teststadt.example;Anna;Alt\r\nb@teststadt.example;"Ber"nd;B\r\n'
    assert "Zeile 3: Die CSV-Datei ist fehlerhaft" in rejected(world, data)


def test_control_characters_and_values_without_heading_are_rejected(world):
    data = b"email;vorname;nachname;\r\na@teststadt.example;An\x07na;Alt;zu viel\r\n"
    text = rejected(world, data)
    assert "Zeile 2, Spalte vorname: Der Wert enthält unzulässige Steuerzeichen." in text
    assert "Zeile 2: Spalte 4 hat keine Überschrift" in text


def test_trailing_empty_columns_from_excel_are_ignored(world):
    assert import_people(world, b"email;vorname;nachname;;\r\na@teststadt.example;Anna;Alt;;\r\n").ok
