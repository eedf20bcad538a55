"""Property tests (docs/security.md I3, S2): whatever bytes arrive, the importer never raises and never half-writes."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kompass.audit.models import AuditEntry
from kompass.org.models import OrgUnit, Person
from kompass.tabular.importing import run_import
from kompass.tabular.report import ImportReport

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
COLUMNS = [
    "kennung",
    "name",
    "typ",
    "uebergeordnet",
    "leitung_email",
    "email",
    "vorname",
    "nachname",
    "funktion",
    "organisationseinheit",
    "Kennung",
    "unbekannt",
    "",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "VV",
            "D1",
            "10",
            "32",
            "32.1",
            "Amt",
            "Sachgebiet",
            "amt",
            "=1+1",
            "'-x",
            "Straße",
            "alice.amtsleiterin@teststadt.example",
            "a@b",
            '"',
            ";",
            "\r\n",
            "\x00",
            "\t",
        ]
    ),
    st.text(max_size=40),
)


def checksum(world: Any) -> str:
    digest = hashlib.sha256()
    for model in (OrgUnit, Person, AuditEntry):
        digest.update(repr(list(model.objects.for_kommune(world.kommune).order_by("pk").values_list())).encode())
    return digest.hexdigest()


def check(world: Any, kind: str, data: bytes, dry_run: bool) -> None:
    before = checksum(world)
    report = run_import(kind=kind, kommune=world.kommune, actor=None, filename="zufall", data=data, dry_run=dry_run)
    assert isinstance(report, ImportReport)
    event("accepted" if report.ok else "rejected")
    if dry_run or not report.ok:
        assert checksum(world) == before
    if not report.ok:
        assert (report.created, report.updated, report.unchanged, report.rows) == (0, 0, 0, [])
        assert all(issue.message for issue in report.issues)
    else:
        assert report.created + report.updated + report.unchanged == len(report.rows) > 0


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=3000), kind=st.sampled_from(["orgunits", "people"]), dry_run=st.booleans())
def test_random_bytes_never_raise_and_never_write(world, data, kind, dry_run):
    check(world, kind, data, dry_run)


@st.composite
def csv_files(draw: Any) -> bytes:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=7), max_size=8))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    quote = draw(st.booleans())

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote else value

    text = newline.join(delimiter.join(cell(v) for v in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


@PROPERTY_SETTINGS
@given(data=csv_files(), kind=st.sampled_from(["orgunits", "people"]), dry_run=st.booleans())
def test_csv_like_text_never_raises_and_writes_only_when_the_whole_file_is_valid(world, data, kind, dry_run):
    check(world, kind, data, dry_run)


def workbook_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VALID_XLSX = workbook_bytes([["kennung", "name", "typ", "uebergeordnet"], ["62", "Vermessung", "Amt", "D1"]])


@PROPERTY_SETTINGS
@given(
    flips=st.lists(st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=20),
    cut=st.integers(0, len(VALID_XLSX)),
)
def test_damaged_xlsx_files_never_raise(world, flips, cut):
    raw = bytearray(VALID_XLSX)
    for position, value in flips:
        raw[position] = value
    check(world, "orgunits", bytes(raw[: max(cut, 4)]), dry_run=False)


@PROPERTY_SETTINGS
@given(
    rows=st.lists(
        st.lists(st.one_of(CELLS, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()), max_size=6),
        max_size=6,
    ),
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6),
)
def test_random_workbooks_never_raise(world, rows, header):
    try:
        data = workbook_bytes([header, *rows])
    except Exception:  # openpyxl refuses some cell values itself; nothing to import then
        return
    check(world, "people", data, dry_run=False)
