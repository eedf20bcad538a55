"""Export and erasure of one person (docs/security.md D1, D2, D4).

The sentinel Xaver Sentinella appears in every table of the personal-data registry (see
`scene.py`). The export must contain every table; after the erasure no table of the live
database — read completely, and on PostgreSQL also through `pg_dump --data-only` — contains
her name, e-mail address or login name. A restore of an older state is undone by the replay of
the erasure journal, from the table and from the file outside the database.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kompass.audit.models import AuditEntry
from kompass.core.extensions import ERASURE_HOOKS, PERSONAL_DATA, ErasureHook
from kompass.privacy import services
from kompass.privacy.models import ErasureJournal
from kompass.privacy.selectors import DataSubject
from kompass.privacy.tests.scene import EMAIL, LAST, SENTINELS, USERNAME, PrivacyScene, build_privacy_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(db: Any, settings: Any, tmp_path: Path) -> PrivacyScene:
    settings.ERASURE_JOURNAL_PATH = tmp_path / "erasure-journal.jsonl"
    return build_privacy_scene()


def dump_tables() -> str:
    """Every row of every table of the live database, as text (what a data-only dump holds)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            parts.append(f"-- {table}\n" + "\n".join(repr(row) for row in cursor.fetchall()))
    return "\n".join(parts)


def pg_dump_text() -> str | None:
    """`pg_dump --data-only` of the live test database, when it is PostgreSQL and pg_dump is there.

    The test's own transaction is not visible to another connection, so the caller commits
    first (see `test_pg_dump_of_the_live_database_after_an_erasure_has_no_trace`)."""
    if connection.vendor != "postgresql" or shutil.which("pg_dump") is None:
        return None
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    command = ["pg_dump", "--data-only", "--no-owner", "-d", str(params.get("dbname") or params.get("database"))]
    for flag, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
        if params.get(key):
            command += [flag, str(params[key])]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120).stdout


def hits(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in SENTINELS if s.lower() in lowered]


def test_the_scene_names_the_sentinel_in_every_registered_way(scene: PrivacyScene) -> None:
    for entry in PERSONAL_DATA:
        assert scene.filled.get(entry.key, set()) == {s.path for s in entry.subjects}, entry.key
    assert hits(dump_tables()) == list(SENTINELS)


def test_the_export_holds_every_registered_table_and_the_log(scene: PrivacyScene) -> None:
    started = time.monotonic()
    data = services.export_data(DataSubject.build(scene.world.kommune, person=scene.person))
    elapsed = time.monotonic() - started
    tables = {t["tabelle"]: t for t in data["tabellen"]}
    expected = {entry.key for entry in PERSONAL_DATA if entry.subjects}
    assert expected - set(tables) == set(), "tables missing from the export"
    assert data["konto_id"] == scene.user.pk
    assert data["protokoll_ueber_die_person"], "the log entries about her"
    text = services.export_json(data).decode()
    assert EMAIL in text and USERNAME in text
    assert '"token_hash":' not in text and '"password":' not in text
    assert elapsed < 10


def test_the_export_of_one_kommune_reads_nothing_of_another(scene: PrivacyScene) -> None:
    w = scene.world
    data = services.export_data(DataSubject.build(w.kommune, person=w.alice))
    assert "GEHEIM" not in services.export_json(data).decode()
    # An account that is no member of the Kommune is not hers to disclose.
    outsider = DataSubject.build(w.kommune, user=w.outsider)
    assert outsider.user is None


def test_after_the_erasure_no_table_holds_her_name_address_or_login(scene: PrivacyScene) -> None:
    w = scene.world
    entries_before = AuditEntry.objects.for_kommune(w.kommune).count()
    result = services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    assert len(result.pseudonyms) == 2 and result.deleted > 0 and result.cleared > 0
    assert hits(dump_tables()) == []
    # The log kept every row and gained the erasure entries, which name only pseudonyms.
    entries = AuditEntry.objects.for_kommune(w.kommune)
    assert entries.count() == entries_before + 2
    for pseudonym in result.pseudonyms:
        assert entries.filter(object_label__contains=pseudonym).exists()
    assert ErasureJournal.objects.for_kommune(w.kommune).count() == 2


SNAPSHOTS = (
    ("agenda.MeasureStatusChange", "changed_by_name"),
    ("agenda.StatusReport", "author_name"),
    ("assessment.Recommendation", "accepted_by_name"),
    ("assessment.TypeProfile", "answered_by_name"),
)


def _copies(kommune: Any, name: str) -> dict[str, int]:
    from django.apps import apps

    return {
        f"{label}.{column}": apps.get_model(label).objects.for_kommune(kommune).filter(**{column: name}).count()
        for label, column in SNAPSHOTS
    }


def _kept_values(kommune: Any, name: str) -> int:
    from django.db.models import Q

    from kompass.audit.models import AuditPersonalValue

    return AuditPersonalValue.objects.for_kommune(kommune).filter(Q(before=name) | Q(after=name)).count()


def test_her_name_copied_into_other_rows_goes_with_her(scene: PrivacyScene) -> None:
    """The services copy the actor's name into the rows she wrote (and an entry may keep the copy
    beside it under the row's pseudonym): the erasure empties them all, the rows stay."""
    w, name = scene.world, scene.user.display_name
    assert all(_copies(w.kommune, name).values()), _copies(w.kommune, name)
    assert _kept_values(w.kommune, name) >= 1
    reports = apps_count("agenda.StatusReport", w.kommune)
    services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    assert not any(_copies(w.kommune, name).values())
    assert _kept_values(w.kommune, name) == 0
    assert apps_count("agenda.StatusReport", w.kommune) == reports
    assert hits(dump_tables()) == []


def test_a_former_member_s_name_copies_go_when_her_person_is_erased(scene: PrivacyScene) -> None:
    """She left the Kommune (her account is no longer its to erase), but the rows she wrote there
    still carry her name: erasing her person empties them."""
    from kompass.tenancy.models import Membership

    w, name = scene.world, scene.user.display_name
    Membership.objects.for_kommune(w.kommune).filter(user=scene.user).delete()
    services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    assert not any(_copies(w.kommune, name).values())
    assert _kept_values(w.kommune, name) == 0
    scene.user.refresh_from_db()  # her account stays: she may belong elsewhere


def test_copies_written_before_her_account_was_renamed_go_too(scene: PrivacyScene) -> None:
    """A provider's login renamed her account after she wrote the copies; her person, linked to the
    account, still carries the name they show."""
    from django.contrib.auth import get_user_model

    w, name = scene.world, scene.user.display_name
    get_user_model()._base_manager.filter(pk=scene.user.pk).update(last_name="Neuname")
    services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    assert not any(_copies(w.kommune, name).values())
    assert _kept_values(w.kommune, name) == 0


def test_a_kept_value_naming_someone_else_keeps_that_half(scene: PrivacyScene) -> None:
    from django.apps import apps

    from kompass.audit.models import AuditAction, AuditPersonalValue
    from kompass.audit.services import audit_record

    w, name = scene.world, scene.user.display_name
    report = apps.get_model("agenda.StatusReport").objects.for_kommune(w.kommune).order_by("pk").first()
    entry = audit_record(
        kommune_id=w.kommune.pk,
        actor=w.admin,
        action=AuditAction.UPDATE,
        obj=report,
        before={"author_name": "Anna Andere"},
        after={"author_name": name},
    )
    services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    [kept] = AuditPersonalValue.objects.for_kommune(w.kommune).filter(entry=entry)
    assert (kept.field, kept.before, kept.after) == ("author_name", "Anna Andere", "")


def apps_count(label: str, kommune: Any) -> int:
    from django.apps import apps

    return int(apps.get_model(label).objects.for_kommune(kommune).count())


def test_the_others_are_untouched(scene: PrivacyScene) -> None:
    w = scene.world
    services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    w.alice.refresh_from_db()
    w.admin.refresh_from_db()
    assert "Amtsleiterin" in dump_tables()


def test_an_account_of_several_kommunen_keeps_its_login_and_leaves_this_kommune(scene: PrivacyScene) -> None:
    from kompass.tenancy.models import Membership

    w = scene.world
    Membership.objects.create(kommune=w.other, user=scene.user, role="reader")
    services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    scene.user.refresh_from_db()
    assert not Membership.objects.for_kommune(w.kommune).filter(user=scene.user).exists()
    assert Membership.objects.for_kommune(w.other).filter(user=scene.user).exists()


def test_the_erasure_calls_every_hook_with_the_subjects(scene: PrivacyScene) -> None:
    calls = []
    ERASURE_HOOKS.register(ErasureHook(key="test.probe", erase=lambda *args: calls.append(args)))
    try:
        services.erase_person(scene.world.kommune, person=scene.person, actor=None)
    finally:
        ERASURE_HOOKS.unregister("test.probe")
    kommune_id = scene.world.kommune.pk
    assert calls == [(kommune_id, "org.Person", scene.person.pk), (kommune_id, "accounts.User", scene.user.pk)]


def test_a_failing_hook_leaves_everything_as_it_was(scene: PrivacyScene) -> None:
    def fail(*args: Any) -> None:
        raise RuntimeError("hook failed")

    before = dump_tables()
    ERASURE_HOOKS.register(ErasureHook(key="test.fail", erase=fail))
    try:
        with pytest.raises(RuntimeError):
            services.erase_person(scene.world.kommune, person=scene.person, actor=None)
    finally:
        ERASURE_HOOKS.unregister("test.fail")
    assert dump_tables() == before


def test_nothing_to_erase_is_refused(scene: PrivacyScene) -> None:
    with pytest.raises(ValueError):
        services.erase_person(scene.world.kommune, actor=None)


# --- the journal and the replay after a restore (docs/security.md D4) -------------------------------------------------


def _snapshot_rows() -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every table that holds the sentinel, to put back as a restore would."""
    with connection.cursor() as cursor:
        found = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            found[table] = cursor.fetchall()
    return found


def _restore(snapshot: dict[str, list[tuple[Any, ...]]], tables: list[str]) -> None:
    """A restore of the older snapshot for `tables`: their rows replaced by the old ones."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA defer_foreign_keys = ON")
        else:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"DELETE FROM {name}")  # noqa: S608 - names from introspection
            for row in snapshot[table]:
                marks = ", ".join(["%s"] * len(row))
                cursor.execute(f"INSERT INTO {name} VALUES ({marks})", list(row))  # noqa: S608


def _restorable(snapshot: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """The tables whose rows changed with the erasure, except the append-only log (a restore puts it
    back as it was, which for the sentinel is what it is now) and the journal of the test."""
    now = _snapshot_rows()
    skip = {AuditEntry._meta.db_table}
    return [t for t in snapshot if snapshot[t] != now.get(t) and t not in skip]


def test_replay_after_a_restore_erases_her_again(scene: PrivacyScene, django_capture_on_commit_callbacks: Any) -> None:
    w = scene.world
    old = _snapshot_rows()
    with django_capture_on_commit_callbacks(execute=True):  # the journal file is written after the commit
        services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    assert hits(services.journal_path().read_text()) == []
    tables = _restorable(old)
    _restore(old, tables)  # the journal table is among them: the restore lost it too
    assert LAST in dump_tables() and not ErasureJournal.objects.unscoped().exists()
    assert services.replay_erasures() >= 1
    assert hits(dump_tables()) == []
    assert ErasureJournal.objects.for_kommune(w.kommune).count() == 2


def test_the_journal_file_holds_ids_only_and_is_appended(
    scene: PrivacyScene, django_capture_on_commit_callbacks: Any
) -> None:
    w = scene.world
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_person(w.kommune, person=scene.person, actor=w.admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_person(w.kommune, person=w.alice, actor=w.admin)
    lines = [json.loads(line) for line in services.journal_path().read_text().splitlines()]
    assert [(x["kind"], x["object_id"]) for x in lines] == [
        ("person", scene.person.pk),
        ("user", scene.user.pk),
        ("person", w.alice.pk),
    ]
    assert set(lines[0]) == {"kommune_id", "kind", "object_id", "erased_at"}


def test_a_journal_without_its_file_folder_is_created_and_an_unreadable_line_is_skipped(
    scene: PrivacyScene, settings: Any, tmp_path: Path
) -> None:
    settings.ERASURE_JOURNAL_PATH = tmp_path / "neu" / "journal.jsonl"
    services._append_to_file([{"kommune_id": 1, "kind": "person", "object_id": 5, "erased_at": "x"}])
    with services.journal_path().open("a") as handle:
        handle.write("kaputt\n")
    assert services._file_entries() == {(1, "person", 5)}


def test_replay_reads_the_file_when_the_table_lost_the_entry(scene: PrivacyScene) -> None:
    w = scene.world
    old = _snapshot_rows()
    services.erase_person(w.kommune, person=scene.person, actor=w.admin, to_file=False)
    services._append_to_file(
        [{"kommune_id": w.kommune.pk, "kind": "person", "object_id": scene.person.pk, "erased_at": "x"}]
    )
    _restore(old, _restorable(old))
    ErasureJournal.objects.unscoped().delete()
    assert services.replay_erasures() == 1
    assert hits(dump_tables()) == []


@pytest.mark.django_db(transaction=True)
def test_pg_dump_of_the_live_database_after_an_erasure_has_no_trace(settings: Any, tmp_path: Path) -> None:
    if connection.vendor != "postgresql" or shutil.which("pg_dump") is None:
        pytest.skip("pg_dump of the live database needs PostgreSQL and pg_dump on PATH")
    settings.ERASURE_JOURNAL_PATH = tmp_path / "erasure-journal.jsonl"
    scene = build_privacy_scene()
    assert hits(pg_dump_text() or "") == list(SENTINELS)
    services.erase_person(scene.world.kommune, person=scene.person, actor=scene.world.admin)
    assert hits(pg_dump_text() or "") == []
