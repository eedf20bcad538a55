"""Readable audit changes: field labels and values a Fachbereichsleitung or Rechnungsprüfer understands.

`AuditEntry.changes` stores field names and plain values (ids of referenced objects, booleans,
choice keys, ISO dates, decimals as strings, lists). The presentation layer turns them into
German labels and texts, resolves referenced objects only inside the entry's Kommune and never
shows sensitive fields.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.accounts import services as account_services
from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.presentation import ChangeRow, PresentedEntry, present_entries
from kompass.audit.services import diff, snapshot
from kompass.conftest import World
from kompass.factories import UserFactory, orgunit, person
from kompass.org import services
from kompass.org.models import OrgUnitType
from kompass.roles.models import Assignment
from kompass.tenancy.models import Role as MemberRole

pytestmark = pytest.mark.django_db


def entry(
    world: World, object_type: str, changes: dict[str, list[Any]], action: str = AuditAction.UPDATE
) -> AuditEntry:
    """An unsaved entry of Teststadt, shaped like the ones `audit_record` writes."""
    return AuditEntry(
        kommune=world.kommune,
        actor_name="Test",
        action=action,
        source="ui",
        object_type=object_type,
        object_id="1",
        object_label="x",
        changes=changes,
    )


def rows(presented: PresentedEntry) -> dict[str, ChangeRow]:
    return {row.field: row for row in presented.changes}


def texts(row: ChangeRow) -> tuple[str, str | None, str | None]:
    return (
        row.label,
        row.before.text if row.before is not None else None,
        row.after.text if row.after is not None else None,
    )


def latest(world: World, obj: Any) -> AuditEntry:
    return (
        AuditEntry.objects.for_kommune(world.kommune)
        .filter(object_type=obj._meta.model_name, object_id=str(obj.pk))
        .latest("created_at", "id")
    )


def test_a_moved_unit_shows_the_label_and_the_names_of_its_old_and_new_parent(world: World) -> None:
    services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.sachgebiet, new_parent=world.hauptamt)
    [presented] = present_entries([latest(world, world.sachgebiet)])
    assert texts(rows(presented)["parent"]) == ("Übergeordnete Einheit", "32 Ordnungsamt", "10 Hauptamt")


def test_booleans_read_ja_and_nein_and_choices_their_display_label(world: World) -> None:
    services.orgunit_update(
        kommune=world.kommune,
        actor=world.admin,
        unit=world.sachgebiet,
        data={"is_active": False, "unit_type": OrgUnitType.ABTEILUNG},
    )
    changed = rows(present_entries([latest(world, world.sachgebiet)])[0])
    assert texts(changed["is_active"]) == ("Aktiv", "ja", "nein")
    assert texts(changed["unit_type"]) == ("Typ", "Sachgebiet", "Abteilung")


def test_dates_decimals_and_empty_values_of_an_assignment_read_in_german(world: World) -> None:
    """The values come from `snapshot`, exactly as the role services write them."""
    before = snapshot(
        Assignment(time_share=Decimal("50.0"), valid_from=datetime.date(2026, 3, 1), valid_until=None, mandate=""),
        ["time_share", "valid_from", "valid_until", "mandate"],
    )
    after = {
        "time_share": "12.5",
        "valid_from": "2026-03-01",
        "valid_until": "2026-12-31",
        "mandate": "Ratsbeschluss",
    }
    changed = rows(present_entries([entry(world, "assignment", diff(before, after))])[0])
    assert texts(changed["time_share"]) == ("Zeitanteil (% einer Vollzeitstelle)", "50", "12,5")
    assert texts(changed["valid_until"]) == ("Gültig bis", "–", "31.12.2026")
    assert texts(changed["mandate"]) == ("Grundlage / Mandat", "–", "Ratsbeschluss")
    assert "valid_from" not in changed  # unchanged values are not in the entry


def test_a_datetime_is_shown_in_local_time(world: World) -> None:
    access = entry(
        world,
        "operatoraccess",
        {"expires_at": [None, "2026-03-01T09:30:00+00:00"], "reason": [None, "Fehlersuche"]},
        action=AuditAction.ACCESS,
    )
    changed = rows(present_entries([access])[0])
    assert changed["expires_at"].after is not None and changed["expires_at"].after.text == "01.03.2026 10:30"
    assert texts(changed["reason"]) == ("Begründung", None, "Fehlersuche")


def test_lists_are_joined_and_long_texts_are_shortened_with_the_full_text_kept(world: World) -> None:
    long_text = "Sehr lange Begründung. " * 20
    role = entry(world, "role", {"tasks": [["Planen"], ["Planen", "Steuern"]], "purpose": ["kurz", long_text]})
    changed = rows(present_entries([role])[0])
    assert texts(changed["tasks"]) == ("Aufgaben", "Planen", "Planen, Steuern")
    purpose = changed["purpose"]
    assert purpose.before is not None and purpose.before.full is None
    assert purpose.after is not None and purpose.after.full == long_text.strip()
    assert purpose.after.text.endswith("…") and len(purpose.after.text) <= 201


def test_a_roles_markers_read_by_their_german_names_never_by_their_keys(world: World) -> None:
    role = entry(world, "role", {"markers": [["cdo", "core"], ["cdo", "isb", "lotse", "extern", "unbekannt"]]})
    assert texts(rows(present_entries([role])[0])["markers"]) == (
        "Zählt für die Rollen-Checks als",
        "CDO, Kernrolle",
        "CDO, ISB, Lotsin oder Lotse, Externe Rolle, weitere Markierung aus dem Katalog",
    )


def test_a_list_field_without_registered_item_names_shows_its_items_as_stored(world: World) -> None:
    role = entry(world, "role", {"competences": [["core"], ["core", "Kommunikation"]]})
    assert texts(rows(present_entries([role])[0])["competences"]) == (
        "Erwartete Kompetenzen",
        "core",
        "core, Kommunikation",
    )


def test_a_new_object_shows_only_its_values_and_a_deleted_one_its_last_values(world: World) -> None:
    created = rows(present_entries([latest(world, world.bruno)])[0])
    assert texts(created["org_unit"]) == ("Organisationseinheit", None, "32.1 Gewerbe")
    assert "function_title" not in created and "user" not in created  # empty at creation: nothing to say
    unit = orgunit(world.kommune, "99", "Wegfall")
    services.orgunit_delete(kommune=world.kommune, actor=world.admin, unit=unit)
    deleted = rows(present_entries([latest(world, unit)])[0])
    assert texts(deleted["name"]) == ("Name", "Wegfall", None)


def test_an_unknown_field_or_object_type_keeps_its_raw_name_and_never_fails(world: World) -> None:
    changed = rows(present_entries([entry(world, "orgunit", {"legacy_flag": [None, True]})])[0])
    assert texts(changed["legacy_flag"]) == ("legacy_flag", "–", "ja")
    unknown = rows(present_entries([entry(world, "gibtsnicht", {"parent": [1, 2]})])[0])
    assert texts(unknown["parent"]) == ("parent", "1", "2")
    odd = rows(present_entries([entry(world, "orgunit", {"parent": ["kein-id", 2**70]})])[0])
    assert texts(odd["parent"]) == ("Übergeordnete Einheit", "kein-id", str(2**70))
    broken = rows(
        present_entries([entry(world, "assignment", {"time_share": ["Infinity", "x"], "valid_from": [1, "bald"]})])[0]
    )
    assert texts(broken["time_share"])[1:] == ("Infinity", "x")
    assert texts(broken["valid_from"])[1:] == ("1", "bald")


def test_an_id_of_another_kommunes_object_is_never_resolved(world: World) -> None:
    """SECURITY: tenant isolation — the label of Nachbarort's unit must not appear in Teststadt's log."""
    forged = entry(world, "orgunit", {"parent": [world.hauptamt.pk, world.other_unit.pk]})
    person_ref = entry(world, "person", {"org_unit": [None, world.other_unit.pk]})
    presented = present_entries([forged, person_ref])
    parent = texts(rows(presented[0])["parent"])
    assert parent == ("Übergeordnete Einheit", "10 Hauptamt", f"#{world.other_unit.pk}")
    assert rows(presented[1])["org_unit"].after.text == f"#{world.other_unit.pk}"  # type: ignore[union-attr]


def test_a_deleted_referenced_object_is_marked_as_deleted(world: World) -> None:
    gone = orgunit(world.kommune, "98", "Aufgelöst", OrgUnitType.AMT, world.dezernat)
    services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.sachgebiet, new_parent=gone)
    services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.sachgebiet, new_parent=world.hauptamt)
    gone_id = gone.pk
    services.orgunit_delete(kommune=world.kommune, actor=world.admin, unit=gone)
    moves = AuditEntry.objects.for_kommune(world.kommune).filter(
        object_type="orgunit", object_id=str(world.sachgebiet.pk), action=AuditAction.UPDATE
    )
    texts_after = {texts(rows(p)["parent"])[2] for p in present_entries(list(moves))}
    assert texts_after == {f"98 Aufgelöst (gelöscht, #{gone_id})", "10 Hauptamt"}


def test_user_accounts_are_named_only_for_members_of_the_kommune(world: World) -> None:
    stranger = UserFactory(first_name="Fremde", last_name="GEHEIM-Person")
    member = entry(world, "membership", {"user": [world.reader.pk, stranger.pk]})
    changed = texts(rows(present_entries([member])[0])["user"])
    assert changed == ("Benutzerkonto", "Reader Test", f"#{stranger.pk}")


def test_sensitive_fields_are_never_shown(world: World) -> None:
    leaked = entry(world, "user", {"password": ["alt", "neu"], "token_hash": [None, "abc"], "last_name": ["A", "B"]})
    assert set(rows(present_entries([leaked])[0])) == {"last_name"}


def test_no_service_writes_a_sensitive_field_into_the_log(world: World) -> None:
    user = UserFactory()
    membership = account_services.membership_create(
        kommune=world.kommune, actor=world.admin, user=user, role=MemberRole.READER
    )
    account_services.membership_update(kommune=world.kommune, actor=world.admin, membership=membership, role="editor")
    account_services.api_token_create(user=user, name="Skript")
    account_services.operator_access_grant(
        kommune=world.kommune, operator=UserFactory(is_superuser=True), reason="Fehlersuche im Auftrag"
    )
    from kompass.audit.presentation import SENSITIVE_FIELDS

    written = {key for changes in AuditEntry.objects.unscoped().values_list("changes", flat=True) for key in changes}
    assert written and not written & SENSITIVE_FIELDS


def _queries(entries: list[AuditEntry]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        present_entries(entries)
    return len(ctx.captured_queries)


def test_referenced_objects_are_read_in_a_fixed_number_of_queries(world: World) -> None:
    """One query per referenced kind of object (and one for deleted ones), however many entries."""

    def page() -> list[AuditEntry]:
        return list(AuditEntry.objects.for_kommune(world.kommune))

    gone = orgunit(world.kommune, "97", "Weg", OrgUnitType.AMT, world.dezernat)
    services.orgunit_update(kommune=world.kommune, actor=world.admin, unit=world.hauptamt, data={"head": world.alice})
    services.person_update(kommune=world.kommune, actor=world.admin, person=world.bruno, data={"org_unit": gone})
    services.person_update(
        kommune=world.kommune, actor=world.admin, person=world.bruno, data={"org_unit": world.sachgebiet}
    )
    services.orgunit_delete(kommune=world.kommune, actor=world.admin, unit=gone)
    small = _queries(page())
    for i in range(20):
        unit = orgunit(world.kommune, f"50.{i}", f"Team {i}", OrgUnitType.SACHGEBIET, world.hauptamt)
        staff = person(world.kommune, f"V{i}", f"N{i}", unit)
        services.orgunit_update(kommune=world.kommune, actor=world.admin, unit=unit, data={"head": staff})
    big_page = page()
    assert len(big_page) > 60
    # units, people, deleted objects and their labels kept beside them, the people's personal values,
    # the actors' live names (the selectors read those with the entries: one less)
    assert _queries(big_page) == small == 6


def test_entries_without_references_need_no_query(world: World) -> None:
    names = entry(world, "orgunit", {"name": ["A", "B"], "is_active": [True, False]})
    assert _queries([names]) == 0
