"""Org-unit import: rows in any order, tree rules, all-or-nothing (docs/security.md I1) and idempotence (docs/security.md I2)."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pytest

from kompass.audit.models import AuditEntry
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.tabular.importing import run_import

HEADER = "kennung;name;typ;uebergeordnet;leitung_email"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8")


def run(world: Any, data: bytes, *, dry_run: bool = False, actor: Any = None) -> Any:
    return run_import(
        kind="orgunits", kommune=world.kommune, actor=actor, filename="einheiten.csv", data=data, dry_run=dry_run
    )


def units_by_code(world: Any) -> dict[str, OrgUnit]:
    return {u.code: u for u in OrgUnit.objects.for_kommune(world.kommune)}


def tenant_checksum(world: Any) -> str:
    """Counts and a hash of every org unit, person and audit row of the Kommune."""
    digest = hashlib.sha256()
    for model in (OrgUnit, Person, AuditEntry):
        rows = model.objects.for_kommune(world.kommune).order_by("pk").values_list()
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def test_new_units_are_created_with_parents_defined_later_in_the_file(world):
    data = csv_bytes("62.1;Vermessung;Sachgebiet;62;", "62;Vermessungsamt;Amt;D1;alice.amtsleiterin@teststadt.example")
    report = run(world, data)
    assert report.ok, report.issues
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    units = units_by_code(world)
    amt, sachgebiet = units["62"], units["62.1"]
    assert amt.parent == world.dezernat and amt.head == world.alice
    assert amt.unit_type == OrgUnitType.AMT
    assert amt.path == f"{world.dezernat.path}{amt.pk}/" and amt.depth == 2
    assert sachgebiet.parent == amt and sachgebiet.path == f"{amt.path}{sachgebiet.pk}/" and sachgebiet.depth == 3


def test_type_accepts_german_labels_and_internal_values_in_any_case(world):
    report = run(world, csv_bytes("70;Stabsstelle Digitales;STABSSTELLE;VV;", "71;Bäder;eigenbetrieb;;"))
    assert report.ok, report.issues
    units = units_by_code(world)
    assert units["70"].unit_type == OrgUnitType.STABSSTELLE and units["71"].unit_type == OrgUnitType.EIGENBETRIEB
    assert units["71"].parent is None and units["71"].depth == 0


def test_columns_may_come_in_any_order_and_any_case(world):
    data = csv_bytes("Amt;VV;80;Kulturamt", header="TYP;Uebergeordnet;KENNUNG;Name")
    report = run(world, data)
    assert report.ok, report.issues
    assert units_by_code(world)["80"].name == "Kulturamt"


def test_each_audit_entry_of_a_run_says_import_and_carries_one_import_id(world):
    report = run(world, csv_bytes("62;Vermessungsamt;Amt;D1;", "63;Bauordnungsamt;Amt;D1;"), actor=world.admin)
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(request_id=report.import_id)
    assert entries.count() == 2
    assert {e.source for e in entries} == {"import"}
    assert {(e.actor_id, e.actor_name) for e in entries} == {(world.admin.pk, "")}  # no name in the row
    created = entries.get(object_id=str(units_by_code(world)["62"].pk))
    assert created.action == "create"
    assert created.changes["name"] == [None, "Vermessungsamt"]
    assert created.changes["parent"] == [None, world.dezernat.pk]


def test_an_import_without_actor_is_recorded_as_system(world):
    report = run(world, csv_bytes("62;Vermessungsamt;Amt;D1;"))
    entry = AuditEntry.objects.for_kommune(world.kommune).get(request_id=report.import_id)
    assert entry.actor is None and entry.actor_name == "System"


# --- I2: idempotent, keyed on the Kennung ----------------------------------------------------


def export_like_file(world: Any) -> list[str]:
    return [
        "VV;Verwaltungsvorstand;Verwaltungsvorstand;;",
        "D1;Dezernat I;Dezernat;VV;",
        "10;Hauptamt;Amt;D1;",
        "32;Ordnungsamt;Amt;D1;",
        "32.1;Gewerbe;Sachgebiet;32;",
        "33;Bürgeramt;Amt;D1;",
    ]


def test_reimporting_the_same_file_changes_nothing_and_writes_no_audit_entries(world):
    lines = export_like_file(world)
    first = run(world, csv_bytes(*lines))
    assert (first.created, first.updated, first.unchanged) == (1, 0, 5)
    before = tenant_checksum(world)
    second = run(world, csv_bytes(*lines))
    assert second.ok and (second.created, second.updated, second.unchanged) == (0, 0, 6)
    assert {r.action for r in second.rows} == {"unverändert"}
    assert tenant_checksum(world) == before


def test_one_changed_cell_updates_exactly_one_unit_with_one_audit_entry(world):
    lines = export_like_file(world)
    run(world, csv_bytes(*lines))
    audit_count = AuditEntry.objects.for_kommune(world.kommune).count()
    version = world.hauptamt.version
    lines[2] = "10;Haupt- und Personalamt;Amt;D1;"
    report = run(world, csv_bytes(*lines))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    changed = [r for r in report.rows if r.action == "geändert"]
    assert [(r.row, r.key, r.changed) for r in changed] == [(4, "10", ["name"])]
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(request_id=report.import_id)
    assert AuditEntry.objects.for_kommune(world.kommune).count() == audit_count + 1
    entry = entries.get()
    assert entry.action == "update" and entry.object_id == str(world.hauptamt.pk)
    assert entry.changes == {"name": ["Hauptamt", "Haupt- und Personalamt"]}
    world.hauptamt.refresh_from_db()
    assert world.hauptamt.name == "Haupt- und Personalamt" and world.hauptamt.version == version + 1


def test_reordered_rows_change_nothing(world):
    lines = export_like_file(world)
    run(world, csv_bytes(*lines))
    before = tenant_checksum(world)
    report = run(world, csv_bytes(*reversed(lines)))
    assert report.ok and report.unchanged == 6 and report.updated == 0
    assert tenant_checksum(world) == before


def test_dry_run_reports_the_same_as_the_real_run_without_writing(world):
    data = csv_bytes("62;Vermessungsamt;Amt;D1;", "10;Hauptamt neu;Amt;D1;", "32;Ordnungsamt;Amt;D1;")
    before = tenant_checksum(world)
    preview = run(world, data, dry_run=True)
    assert tenant_checksum(world) == before
    real = run(world, data)
    assert preview.dry_run and not real.dry_run
    assert (preview.created, preview.updated, preview.unchanged) == (real.created, real.updated, real.unchanged)
    assert [(r.row, r.key, r.action, r.changed) for r in preview.rows] == [
        (r.row, r.key, r.action, r.changed) for r in real.rows
    ]


# --- moving subtrees ---------------------------------------------------------------------------


def test_changing_a_parent_moves_the_whole_subtree(world):
    report = run(world, csv_bytes("D2;Dezernat II;Dezernat;VV;", "32;Ordnungsamt;Amt;D2;"))
    assert report.ok, report.issues
    units = units_by_code(world)
    d2, amt, sachgebiet = units["D2"], units["32"], units["32.1"]
    assert amt.parent == d2 and amt.path == f"{d2.path}{amt.pk}/" and amt.depth == 2
    assert sachgebiet.path == f"{amt.path}{sachgebiet.pk}/" and sachgebiet.depth == 3
    assert [r.changed for r in report.rows if r.key == "32"] == [["uebergeordnet"]]
    # The sub-unit moved along but was not itself changed: no version bump, no audit entry.
    assert sachgebiet.version == world.sachgebiet.version
    assert (
        not AuditEntry.objects.for_kommune(world.kommune)
        .filter(request_id=report.import_id, object_id=str(sachgebiet.pk))
        .exists()
    )


def test_an_empty_head_cell_removes_the_head_and_a_missing_head_column_keeps_it(world):
    run(world, csv_bytes("10;Hauptamt;Amt;D1;alice.amtsleiterin@teststadt.example"))
    assert units_by_code(world)["10"].head == world.alice
    run(world, csv_bytes("10;Hauptamt;Amt;D1", header="kennung;name;typ;uebergeordnet"))
    assert units_by_code(world)["10"].head == world.alice
    report = run(world, csv_bytes("10;Hauptamt;Amt;D1;"))
    assert report.rows[0].changed == ["leitung_email"]
    assert units_by_code(world)["10"].head is None


# --- rejected files: nothing changes, every problem named ---------------------------------------


def issues(report: Any) -> list[tuple[int, str]]:
    return [(i.row, i.column) for i in report.issues]


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        (";Ohne Kennung;Amt;;", "kennung", "Kennung"),
        ("a b c d e f g h i j k l m n o p q r s t;Zu lang;Amt;;", "kennung", "1–30 Zeichen"),
        ("#1;Sonderzeichen;Amt;;", "kennung", "1–30 Zeichen"),
        ("62;;Amt;;", "name", "Namen"),
        ("62;" + "x" * 201 + ";Amt;;", "name", "Höchstens 200 Zeichen"),
        ("62;Vermessung;Referat;;", "typ", "Unbekannter Typ „Referat“"),
        ("62;Vermessung;Amt;99;", "uebergeordnet", "weder in dieser Datei noch in der Kommune"),
        ("62;Vermessung;Amt;62;", "uebergeordnet", "Zirkelbezug"),
        ("62;Vermessung;Amt;;niemand@teststadt.example", "leitung_email", "Keine Person dieser Kommune"),
        ("62;Vermessung;Amt;;gudrun.geheim-nachbar@nachbarort.example", "leitung_email", "Keine Person"),
    ],
)
def test_a_bad_cell_is_reported_with_row_and_column_and_nothing_changes(world, line, column, fragment):
    before = tenant_checksum(world)
    report = run(world, csv_bytes("61;Stadtplanungsamt;Amt;D1;", line))
    assert not report.ok
    assert issues(report) == [(3, column)]
    assert fragment in report.issues[0].message
    assert (report.created, report.updated, report.unchanged, report.rows) == (0, 0, 0, [])
    assert tenant_checksum(world) == before


def test_a_cycle_through_existing_units_is_rejected(world):
    report = run(world, csv_bytes("D1;Dezernat I;Dezernat;32.1;"))
    assert issues(report) == [(2, "uebergeordnet")]
    assert "Zirkelbezug" in report.issues[0].message and "D1 → 32.1 → 32 → D1" in report.issues[0].message


def test_a_cycle_inside_the_file_is_reported_on_every_row_in_it(world):
    report = run(world, csv_bytes("X1;Eins;Amt;X2;", "X2;Zwei;Amt;X3;", "X3;Drei;Amt;X1;", "X4;Vier;Amt;X3;"))
    assert issues(report) == [(2, "uebergeordnet"), (3, "uebergeordnet"), (4, "uebergeordnet")]


def test_duplicate_kennung_in_the_file_is_reported_on_the_second_row(world):
    report = run(world, csv_bytes("62;Vermessung;Amt;;", "63;Bauamt;Amt;;", "62;Nochmal;Amt;;"))
    assert issues(report) == [(4, "kennung")]
    assert "zuerst in Zeile 2" in report.issues[0].message


def test_a_tree_deeper_than_the_limit_is_rejected(world):
    lines = ["L0;Ebene 0;Amt;;"] + [f"L{i};Ebene {i};Abteilung;L{i - 1};" for i in range(1, 13)]
    report = run(world, csv_bytes(*lines))
    assert issues(report) == [(14, "uebergeordnet")]
    assert "höchstens 12 Ebenen" in report.issues[0].message


def test_a_unit_of_another_kommune_cannot_be_named_as_parent(world):
    OrgUnit.objects.for_kommune(world.other).filter(pk=world.other_unit.pk).update(code="GEHEIM1")
    report = run(world, csv_bytes("62;Vermessung;Amt;GEHEIM1;"))
    assert issues(report) == [(2, "uebergeordnet")]
    assert OrgUnit.objects.for_kommune(world.other).count() == 1


# --- I1: 10,000 rows, one bad row at 7,345 --------------------------------------------------------


def ten_thousand_units() -> list[str]:
    """A valid file: 10 Dezernate, 100 Ämter each under a Dezernat, the rest Sachgebiete under Ämter."""
    lines = []
    for n in range(1, 10_000):
        if n <= 10:
            lines.append(f"D{n};Dezernat {n};Dezernat;VV;")
        elif n <= 1000:
            lines.append(f"A{n};Amt {n} für Straßen und Gewässer;Amt;D{n % 10 + 1};")
        else:
            lines.append(f"S{n};Sachgebiet {n} Größenordnung;Sachgebiet;A{n % 990 + 11};")
    return ["VV;Verwaltungsvorstand;Verwaltungsvorstand;;", *lines]


def test_ten_thousand_rows_with_one_unknown_parent_at_row_7345_change_nothing(world):
    lines = ten_thousand_units()
    lines[7343] = lines[7343].rsplit(";", 2)[0] + ";GIBT-ES-NICHT;"  # file row 7,345 (header = row 1)
    data = csv_bytes(*lines)
    before_count = OrgUnit.objects.for_kommune(world.kommune).count()
    before = tenant_checksum(world)
    started = time.perf_counter()
    report = run(world, data)
    elapsed = time.perf_counter() - started
    assert issues(report) == [(7345, "uebergeordnet")]
    assert "GIBT-ES-NICHT" in report.issues[0].message
    assert str(report.issues[0]).startswith("Zeile 7345, Spalte uebergeordnet: ")
    assert OrgUnit.objects.for_kommune(world.kommune).count() == before_count
    assert tenant_checksum(world) == before
    preview = run(world, data, dry_run=True)
    assert [(i.row, i.column, i.message) for i in preview.issues] == [
        (i.row, i.column, i.message) for i in report.issues
    ]
    assert elapsed < 60


def test_a_bad_row_that_would_otherwise_be_unchanged_still_rejects_the_file(world):
    """Regression for the skip-unchanged pitfall: a row equal to the database but invalid is not skipped."""
    report = run(world, csv_bytes("10;Hauptamt;Amt;D1;", "32;Ordnungsamt;Amt;D1;nicht-da@teststadt.example"))
    assert issues(report) == [(3, "leitung_email")]


def test_ten_thousand_valid_rows_are_imported_with_correct_paths(world):
    lines = ten_thousand_units()
    report = run(world, csv_bytes(*lines))
    assert report.ok, report.issues[:3]
    # VV exists unchanged; D1 exists and gets the new name "Dezernat 1".
    assert (report.created, report.updated, report.unchanged) == (9_998, 1, 1)
    units = units_by_code(world)
    by_pk = {u.pk: u for u in units.values()}
    for unit in units.values():
        parent = by_pk.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "") + f"{unit.pk}/"
        assert unit.depth == (parent.depth + 1 if parent else 0)
