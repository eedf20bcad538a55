"""The all-or-nothing import pipeline, with a kind that belongs to no domain app."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kompass.tabular.importing import run_import
from kompass.tabular.report import FILE_ROW
from kompass.tabular.tests.conftest import TEST_KEY

pytestmark = pytest.mark.django_db


def run(kommune, data: bytes, *, kind: str = TEST_KEY, dry_run: bool = False):
    return run_import(kind=kind, kommune=kommune, actor=None, filename="t.csv", data=data, dry_run=dry_run)


def test_the_kind_gets_the_rows_by_column_name_inside_an_import_change_context(world, test_kind):
    report = run(world.kommune, b"Notiz;NAME\r\nx;Anna\r\n\r\n;Bruno\r\n")
    assert report.ok and report.created == 2
    [(rows, ctx, dry_run)] = test_kind.calls
    assert [(r.row, r.values) for r in rows] == [
        (2, {"name": "Anna", "notiz": "x"}),
        (4, {"name": "Bruno", "notiz": ""}),
    ]
    assert (ctx.source, ctx.request_id, dry_run) == ("import", report.import_id, False)
    assert len(report.import_id) == 32


def test_an_unknown_kind_is_reported_in_german_and_reads_nothing(world, test_kind):
    report = run(world.kommune, b"name\r\nA\r\n", kind="rollen")
    assert [str(i) for i in report.issues] == ["Datei: Unbekannte Importart „rollen“."]
    assert test_kind.calls == []


def test_a_header_without_data_and_a_bad_header_never_reach_the_kind(world, test_kind):
    report = run(world.kommune, b"name;notiz\r\n")
    assert [i.message for i in report.issues] == ["Die Datei enthält nur die Kopfzeile, aber keine Daten."]
    report = run(world.kommune, b"notiz\r\nx\r\n")
    assert [(i.row, i.column) for i in report.issues] == [(1, "name")]
    assert test_kind.calls == []


def test_issues_found_by_the_kind_clear_the_counts_and_are_sorted_by_row(world, test_kind):
    test_kind.step = lambda report: (report.add(3, "name", "später"), report.add(2, "name", "früher"))
    report = run(world.kommune, b"name\r\nA\r\nB\r\n")
    assert [i.row for i in report.issues] == [2, 3]
    assert (report.created, report.rows) == (0, [])


def test_a_database_error_rolls_back_and_is_reported_in_german(world, test_kind):
    def fail(report):
        raise DatabaseError("deadlock")

    test_kind.step = fail
    report = run(world.kommune, b"name\r\nA\r\n")
    assert not report.ok and report.total == 0 and report.rows == []
    assert report.issues[0].row == FILE_ROW
    assert "gleichzeitig geändert. Es wurde nichts übernommen" in report.issues[0].message


def test_a_rejected_file_never_reaches_the_kind(world, test_kind):
    report = run(world.kommune, b"%PDF-1.7\n")
    assert "erkannt: PDF" in str(report.issues[0])
    assert test_kind.calls == []
