"""Audit integrity (docs/security.md, L1 and L2): entries name people only by id and pseudonym,
an erasure removes names without changing a row, and the database refuses changes and deletions
of entries except in the explicit deletion of a whole Kommune."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from kompass.audit import services as audit
from kompass.audit.models import AuditAction, AuditEntry, AuditPersonalValue, AuditSubject
from kompass.audit.presentation import present_entries
from kompass.audit.selectors import entry_changes
from kompass.conftest import World
from kompass.factories import KommuneFactory, UserFactory
from kompass.org import services as org
from kompass.org.models import Person
from kompass.tabular.importing import run_import
from kompass.trash.services import erase_refs

pytestmark = pytest.mark.django_db

NAME, SURNAME, EMAIL = "Zoraida", "Quellenbrink", "zoraida.quellenbrink@teststadt.example"
SECRETS = (NAME, SURNAME, EMAIL, "Quellenbrink-Neu", "quellenbrink")


def audit_rows() -> list[tuple[Any, ...]]:
    """Every audit row as the database holds it (the bytes an erasure must not change)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry ORDER BY id")  # the id comes first
        return [tuple(row) for row in cursor.fetchall()]


def dump() -> str:
    """Every row of every table as text, like a plain `pg_dump` of the live database."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the catalogue
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def lifecycle(world: World) -> Person:
    """Create, rename and delete a person through the org services, as an administrator."""
    zoraida = org.person_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"first_name": NAME, "last_name": SURNAME, "email": EMAIL, "org_unit": world.hauptamt},
    )
    org.person_update(kommune=world.kommune, actor=world.admin, person=zoraida, data={"last_name": "Quellenbrink-Neu"})
    zoraida.refresh_from_db()
    org.person_delete(kommune=world.kommune, actor=world.admin, person=zoraida)
    return zoraida


def test_audit_rows_of_a_person_hold_neither_her_name_nor_her_email(world: World) -> None:
    zoraida = lifecycle(world)
    rows = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="person", object_id=str(zoraida.pk))
    assert sorted(e.action for e in rows) == ["create", "delete", "update"]
    text = repr(audit_rows()).lower()
    assert not [s for s in SECRETS if s.lower() in text]
    subject = AuditSubject.objects.for_kommune(world.kommune).get(kind="org.Person", object_id=str(zoraida.pk))
    assert {e.object_label for e in rows} == {subject.pseudonym}
    assert subject.pseudonym.startswith("P-") and len(subject.pseudonym) == 8
    # The actor: id and pseudonym, no name; the pseudonym is the same in every entry of the Kommune.
    assert {(e.actor_id, e.actor_name) for e in rows} == {(world.admin.pk, "")}
    assert len({e.actor_pseudonym for e in rows}) == 1
    # Until an erasure, the log still shows who it was and what changed.
    created = rows.get(action=AuditAction.CREATE)
    assert entry_changes(created)["email"] == [None, EMAIL]
    shown = {p.entry.action: p for p in present_entries(rows)}
    assert shown["delete"].object_label == "Zoraida Quellenbrink-Neu"
    assert shown["update"].actor_label == world.admin.display_name
    assert [(c.field, c.before.text, c.after.text) for c in shown["update"].changes] == [
        ("last_name", SURNAME, "Quellenbrink-Neu")
    ]


def test_an_erasure_removes_every_name_and_changes_no_audit_row(world: World) -> None:
    zoraida = lifecycle(world)
    before = audit_rows()
    assert EMAIL in dump()  # kept beside the entries until the erasure

    assert audit.forget_subject(kommune_id=world.kommune.pk, kind="org.Person", object_id=zoraida.pk)
    # The deleted person waits in the Papierkorb (docs/security.md R6); the erasure's other hook removes her from there.
    erase_refs(world.kommune.pk, "org.Person", zoraida.pk)

    assert audit_rows() == before  # byte-identical: append-only and erasure both hold
    everything = dump().lower()
    assert not [s for s in SECRETS if s.lower() in everything]
    subject = AuditSubject.objects.for_kommune(world.kommune).get(kind="org.Person", object_id=str(zoraida.pk))
    assert subject.forgotten_at is not None
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="person", object_id=str(zoraida.pk))
    labels = {p.object_label for p in present_entries(entries)}
    assert labels == {f"Gelöschte Person {subject.pseudonym}"}
    assert not audit.forget_subject(kommune_id=world.kommune.pk, kind="org.Person", object_id=999_999)


def test_an_erased_actor_is_shown_by_her_pseudonym(world: World) -> None:
    clerk = UserFactory(username="zq", first_name=NAME, last_name=SURNAME, email=EMAIL)
    org.orgunit_update(kommune=world.kommune, actor=clerk, unit=world.hauptamt, data={"name": "Hauptamt Neu"})
    before = audit_rows()
    entry = AuditEntry.objects.for_kommune(world.kommune).get(actor_id=clerk.pk)
    assert [p.actor_label for p in present_entries([entry])] == [f"{NAME} {SURNAME}"]
    audit.forget_subject(kommune_id=world.kommune.pk, kind="accounts.User", object_id=clerk.pk)
    clerk.delete()
    assert audit_rows() == before
    assert [p.actor_label for p in present_entries([entry])] == [f"Gelöschte Person {entry.actor_pseudonym}"]
    assert NAME not in dump()


def test_pseudonyms_are_random_and_per_kommune(world: World) -> None:
    org.orgunit_update(kommune=world.kommune, actor=world.admin, unit=world.hauptamt, data={"name": "A"})
    org.orgunit_update(kommune=world.other, actor=world.admin, unit=world.other_unit, data={"name": "B"})
    mine = AuditSubject.objects.for_kommune(world.kommune).get(kind="accounts.User", object_id=str(world.admin.pk))
    theirs = AuditSubject.objects.for_kommune(world.other).get(kind="accounts.User", object_id=str(world.admin.pk))
    assert mine.pseudonym != theirs.pseudonym  # the same account cannot be linked across Kommunen


def test_the_log_shows_a_page_of_people_in_a_fixed_number_of_queries(world: World) -> None:
    def queries(n: int) -> int:
        for i in range(n):
            org.person_create(
                kommune=world.kommune,
                actor=world.admin,
                data={"first_name": f"V{i}", "last_name": f"N{n}-{i}", "email": f"v{n}.{i}@teststadt.example"},
            )
        entries = list(AuditEntry.objects.for_kommune(world.kommune).filter(object_type="person"))
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            shown = present_entries(entries)
        assert all("Gelöschte" not in p.object_label for p in shown)
        return len(ctx.captured_queries)

    assert queries(2) == queries(25)


# --- append-only in the database (docs/security.md L2) -------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET object_label = 'verfälscht'",
        "UPDATE audit_auditentry SET actor_id = NULL",
        "DELETE FROM audit_auditentry",
    ],
)
def test_the_database_refuses_raw_changes_of_audit_rows(world: World, sql: str) -> None:
    before = audit_rows()
    assert before
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert audit_rows() == before


def test_deleting_a_user_leaves_the_rows_unchanged(world: World) -> None:
    org.orgunit_update(kommune=world.kommune, actor=world.editor, unit=world.hauptamt, data={"name": "X"})
    before = audit_rows()
    world.editor.delete()  # no SET NULL on the rows (the database would refuse it anyway)
    assert audit_rows() == before


def test_a_kommune_cannot_be_deleted_while_it_has_audit_rows(world: World) -> None:
    with pytest.raises(ProtectedError):
        world.other.delete()
    assert AuditEntry.objects.for_kommune(world.other).exists()


def test_purging_removes_one_kommunes_log_and_nothing_else(world: World) -> None:
    lifecycle(world)
    spare = KommuneFactory(slug="leerort", name="Leerort")
    org.orgunit_create(kommune=spare, actor=world.admin, data={"code": "1", "name": "Amt", "unit_type": "amt"})
    theirs = AuditEntry.objects.for_kommune(spare).count()
    assert theirs >= 1
    mine = AuditEntry.objects.unscoped().exclude(kommune=spare).values_list("pk", flat=True)
    rest = [row for row in audit_rows() if row[0] in set(mine)]
    assert audit.purge_kommune_audit(spare.pk) == theirs
    assert not AuditEntry.objects.for_kommune(spare).exists()
    assert not AuditSubject.objects.for_kommune(spare).exists()
    assert audit_rows() == rest
    # The permission ends with the purge: a raw delete afterwards is refused again.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditPersonalValue.objects.for_kommune(world.kommune).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE: PostgreSQL only")
def test_on_postgresql_truncate_is_refused(world: World) -> None:
    before = audit_rows()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry CASCADE")
    assert audit_rows() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the purge flag is a PostgreSQL setting")
def test_on_postgresql_only_the_purge_setting_allows_a_delete(world: World) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL kompass.audit_purge = 'on'")
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("UPDATE audit_auditentry SET object_label = 'x'")  # updates never
        cursor.execute("SELECT count(*) FROM audit_auditentry")
        assert cursor.fetchone()[0] > 0


# --- bulk and single writes give the same entries (docs/security.md L1) --------------------------------------


def comparable(entry: AuditEntry) -> tuple[Any, ...]:
    values = sorted(
        (v.field, repr(v.before), repr(v.after))
        for v in AuditPersonalValue.objects.for_kommune(entry.kommune_id).filter(entry=entry)
    )
    return (entry.action, entry.object_type, entry.actor_id, entry.actor_pseudonym, entry.actor_name,
            entry.changes, values)  # fmt: skip


def test_the_people_import_writes_the_same_entries_as_the_person_services(world: World) -> None:
    data = {"first_name": "Clara", "last_name": "Clever", "email": "clara@teststadt.example", "function_title": "SB"}
    single = org.person_create(kommune=world.kommune, actor=world.admin, data={**data, "org_unit": world.hauptamt})
    org.person_update(kommune=world.kommune, actor=world.admin, person=single, data={"function_title": "SGL"})
    log = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="person")
    single_entries = [comparable(e) for e in log.filter(object_id=str(single.pk)).order_by("id")]

    org.person_delete(
        kommune=world.kommune, actor=world.admin, person=Person.objects.for_kommune(world.kommune).get(pk=single.pk)
    )
    header = "email;vorname;nachname;funktion;organisationseinheit\r\n"
    for title in ("SB", "SGL"):
        row = f"clara@teststadt.example;Clara;Clever;{title};10\r\n"
        report = run_import(
            kind="people",
            kommune=world.kommune,
            actor=world.admin,
            filename="p.csv",
            data=(header + row).encode(),
            dry_run=False,
        )
        assert report.ok
    bulk = Person.objects.for_kommune(world.kommune).get(email="clara@teststadt.example")
    bulk_entries = [comparable(e) for e in log.filter(object_id=str(bulk.pk)).order_by("id")]
    assert bulk_entries == single_entries
    assert [e[0] for e in bulk_entries] == ["create", "update"]


def test_audit_bulk_create_writes_the_same_entries_as_audit_record(world: World) -> None:
    people = [
        Person.objects.create(kommune=world.kommune, first_name=f"B{i}", last_name="Bulk", email=f"b{i}@x.example")
        for i in range(2)
    ]
    audit.audit_record(
        kommune_id=world.kommune.pk,
        actor=world.admin,
        action=AuditAction.CREATE,
        obj=people[0],
        after=audit.snapshot(people[0], Person.AUDIT_FIELDS),
    )
    audit.audit_bulk_create(kommune_id=world.kommune.pk, actor=world.admin, objs=people[1:], fields=Person.AUDIT_FIELDS)
    log = AuditEntry.objects.for_kommune(world.kommune)
    one, two = (comparable(log.get(object_type="person", object_id=str(p.pk))) for p in people)
    assert one[:6] == two[:6]
    assert [v[0] for v in one[6]] == [v[0] for v in two[6]]
    assert "b1@x.example" not in repr(two[:6])


def test_erasing_a_person_also_forgets_the_labels_of_her_assignments(world: World) -> None:
    """An assignment's entry is labelled with its person's pseudonym ("Bruno Ordner – Rolle" would
    name her), so forgetting the person forgets those labels too."""
    import datetime
    from decimal import Decimal

    from kompass.roles import services as roles

    role = roles.role_create(kommune=world.kommune, actor=world.admin, data={"name": "Datenlotse", "short_name": "DL"})
    zoraida = org.person_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"first_name": NAME, "last_name": SURNAME, "email": EMAIL, "org_unit": world.hauptamt},
    )
    assignment = roles.assignment_create(
        kommune=world.kommune,
        actor=world.admin,
        data={
            "person": zoraida,
            "role": role,
            "time_share": Decimal("10"),
            "valid_from": datetime.date(2025, 1, 1),
        },
    )
    entry = AuditEntry.objects.for_kommune(world.kommune).get(object_type="assignment", object_id=str(assignment.pk))
    person_subject = AuditSubject.objects.for_kommune(world.kommune).get(kind="org.Person", object_id=str(zoraida.pk))
    assert entry.object_label == person_subject.pseudonym
    assert SURNAME in present_entries([entry])[0].object_label
    before = audit_rows()
    audit.forget_subject(kommune_id=world.kommune.pk, kind="org.Person", object_id=zoraida.pk)
    assert audit_rows() == before
    assert present_entries([entry])[0].object_label == f"Gelöschte Person {person_subject.pseudonym}"
    assert not AuditPersonalValue.objects.for_kommune(world.kommune).filter(entry_id=entry.pk).exists()
