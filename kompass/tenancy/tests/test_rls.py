"""PostgreSQL row-level security (docs/security.md T4): the database keeps the Kommunen apart.

Every test here runs its checks as the serving role (`SET ROLE`, NOSUPERUSER NOBYPASSRLS, owns no
table), and where it matters also as the owner, to show the difference: a test run as the owner
proves nothing. On SQLite the module is skipped; with KOMPASS_REQUIRE_PG_RLS=1 (CI's PostgreSQL
run) a skip is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from kompass.conftest import World
from kompass.tenancy import rls
from kompass.tenancy.models import Membership
from kompass.tenancy.scoping import TenantModel

ROLE = "kompass_app_test"


@pytest.fixture(autouse=True)
def _postgresql(db: Any) -> None:
    if connection.vendor != "postgresql":
        reason = "Zeilensicherheit (RLS) gibt es nur mit PostgreSQL; SQLite-Lauf überspringt T4."
        if os.environ.get("KOMPASS_REQUIRE_PG_RLS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def app_role(django_db_setup: Any, django_db_blocker: Any) -> str:
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            rls.setup_role(connection, ROLE)
    return ROLE


@pytest.fixture
def serving(app_role: str, settings: Any) -> Iterator[str]:
    """This process serves as the app role: settings take effect; requests switch to the role."""
    settings.KOMPASS_DB_APP_ROLE = app_role
    already = rls.serving_per_request()  # the app-role run (rls_serving) has switched it on for all tests
    rls.serve_requests_as_app_role()
    yield app_role
    if not already:
        rls.serve_requests_as_app_role(False)
    rls.deactivate()


@contextmanager
def as_role(role: str | None) -> Iterator[Any]:
    rls.set_role(role)
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        rls.set_role(None)


def scalar(cursor: Any, sql: str, params: list[Any] | None = None) -> Any:
    cursor.execute(sql, params or [])
    return cursor.fetchone()[0]


def refused(cursor: Any, sql: str, params: list[Any]) -> str:
    """Run `sql` in a savepoint and return the database's error (empty if it was not refused)."""
    try:
        with transaction.atomic():
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return str(exc)
    return ""


def kommune_tables() -> list[str]:
    return sorted(t for t, check in rls.tenant_tables().items() if check == rls.TENANT_CHECK)


# --- (1) the catalog ----------------------------------------------------------------------------


def test_every_tenant_table_has_forced_rls_and_a_policy(app_role: str) -> None:
    tables = rls.tenant_tables()
    tenant_models = {m._meta.db_table for m in apps.get_models() if issubclass(m, TenantModel)}
    assert tenant_models <= set(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.attname = 'kommune_id' AND c.relkind = 'r' AND n.nspname = 'public' AND NOT a.attisdropped"
        )
        with_column = {row[0] for row in cursor.fetchall()}
        # A table with a Kommune is a tenant table, or global by review (named, with its reason, in rls.py).
        assert with_column - set(tables) == set(rls.GLOBAL_WITH_KOMMUNE)
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid), pg_get_userbyid(c.relowner) "
            "FROM pg_class c WHERE c.relname = ANY(%s) AND c.relkind = 'r'",
            [list(tables)],
        )
        rows = {
            name: (enabled, forced, policies, owner) for name, enabled, forced, policies, owner in cursor.fetchall()
        }
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
        serving_role = cursor.fetchone()
    assert set(rows) == set(tables)
    assert [
        name for name, (enabled, forced, policies, _) in rows.items() if not (enabled and forced and policies)
    ] == []
    assert serving_role == (False, False)
    assert app_role not in {owner for *_, owner in rows.values()}


def test_a_new_tenant_table_gets_its_policy_from_migrate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE org_person NO FORCE ROW LEVEL SECURITY")
        cursor.execute("DROP POLICY kompass_tenant ON org_person")
        assert "org_person" in rls.install_policies(connection)
        assert scalar(cursor, "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'org_person'") is True
        assert scalar(cursor, "SELECT count(*) FROM pg_policies WHERE tablename = 'org_person'") == 1


# --- (2) no Kommune set: nothing to see, nothing to write ---------------------------------------


def test_without_a_kommune_the_app_role_sees_no_row_and_cannot_insert(world: World, app_role: str) -> None:
    tables = sorted(rls.tenant_tables())
    with connection.cursor() as cursor:
        owner_counts = {t: scalar(cursor, f"SELECT count(*) FROM {t}") for t in tables}  # noqa: S608 - table names
    assert owner_counts["org_orgunit"] == 6 and owner_counts["accounts_membership"] == 4  # the difference

    with as_role(app_role) as cursor:
        visible = {t: scalar(cursor, f"SELECT count(*) FROM {t}") for t in tables}  # noqa: S608 - table names
        errors = {
            t: refused(cursor, f"INSERT INTO {t} (kommune_id) VALUES (%s)", [world.kommune.pk])  # noqa: S608
            for t in kommune_tables()
        }
    assert visible == dict.fromkeys(tables, 0)
    assert {t: "row-level security" in e for t, e in errors.items()} == dict.fromkeys(kommune_tables(), True)


def test_a_many_to_many_row_follows_its_parents(world: World, app_role: str) -> None:
    throughs = {t: check for t, check in rls.tenant_tables().items() if check != rls.TENANT_CHECK}
    assert "agenda_goal_handlungsfelder" in throughs
    assert all("EXISTS (SELECT 1 FROM " in check for check in throughs.values())
    field = next(f for f in apps.get_model("agenda", "Goal")._meta.local_many_to_many)
    columns = f"({field.m2m_column_name()}, {field.m2m_reverse_name()})"
    with as_role(app_role) as cursor:
        error = refused(cursor, f"INSERT INTO agenda_goal_handlungsfelder {columns} VALUES (1, 1)", [])  # noqa: S608
    assert "row-level security" in error


# --- (3) Kommune A set: A's rows only, B's rows cannot be written -------------------------------


def test_with_kommune_a_only_a_rows_and_no_write_into_b(world: World, serving: str) -> None:
    a, b = world.kommune.pk, world.other.pk
    with connection.cursor() as cursor:
        owner_a = {t: scalar(cursor, f"SELECT count(*) FROM {t} WHERE kommune_id = %s", [a]) for t in kommune_tables()}  # noqa: S608
    rls.activate(a)
    with as_role(serving) as cursor:
        seen_a = {t: scalar(cursor, f"SELECT count(*) FROM {t}") for t in kommune_tables()}  # noqa: S608
        others = {t: scalar(cursor, f"SELECT count(*) FROM {t} WHERE kommune_id <> %s", [a]) for t in kommune_tables()}  # noqa: S608
        updated_b = scalar(
            cursor,
            "WITH u AS (UPDATE org_orgunit SET name = name WHERE kommune_id = %s RETURNING 1) SELECT count(*) FROM u",
            [b],
        )
        move = refused(cursor, "UPDATE org_orgunit SET kommune_id = %s WHERE id = %s", [b, world.hauptamt.pk])
        insert_b = refused(
            cursor,
            "INSERT INTO accounts_membership (kommune_id, user_id, role) VALUES (%s, %s, 'reader')",
            [b, world.admin.pk],
        )
    assert seen_a == owner_a and owner_a["org_person"] == 2
    assert others == dict.fromkeys(kommune_tables(), 0)
    assert updated_b == 0
    assert "row-level security" in move and "row-level security" in insert_b


def test_the_owner_sees_every_kommune_where_the_app_role_sees_one(world: World, serving: str) -> None:
    rls.activate(world.kommune.pk)
    with as_role(serving) as cursor:
        served = scalar(cursor, "SELECT count(DISTINCT kommune_id) FROM org_orgunit")
    with connection.cursor() as cursor:
        owner = scalar(cursor, "SELECT count(DISTINCT kommune_id) FROM org_orgunit")
    assert (served, owner) == (1, 2)


def test_platform_access_ends_with_its_block(world: World, serving: str) -> None:
    with as_role(serving) as cursor:
        with rls.platform_access():
            inside = scalar(cursor, "SELECT count(DISTINCT kommune_id) FROM accounts_membership")
        after = scalar(cursor, "SELECT count(*) FROM accounts_membership")
        reviewed = Membership.objects.unscoped().count()  # the ORM's reviewed escape is the database's too
        scoped = Membership.objects.for_kommune(world.kommune).count()
    assert (inside, after, reviewed, scoped) == (2, 0, 4, 0)


# --- pooled connections never carry a Kommune into the next request -----------------------------


def state(role: str) -> tuple[str, int]:
    """What a request that sets no Kommune would find on this connection: the setting, the rows."""
    with as_role(role) as cursor:
        return scalar(cursor, "SELECT coalesce(current_setting('kompass.kommune', true), '')"), scalar(
            cursor, "SELECT count(*) FROM org_orgunit"
        )


def test_pool_reuse_a_b_raising_a(world: World, serving: str, settings: Any) -> None:
    settings.CONN_MAX_AGE = 60
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    unit_list = "org:unit_list"
    a = world.client_for(world.admin)
    b = Client(raise_request_exception=False)
    b.force_login(world.outsider)
    connection_id = id(connection.connection)

    first = a.get(reverse(unit_list, args=[world.kommune.slug])).content.decode()
    assert "Ordnungsamt" in first and "GEHEIM" not in first
    assert state(serving) == ("", 0)

    def raising(*args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            list(apps.get_model("org", "OrgUnit").objects.for_kommune(world.other))
            raise RuntimeError("mitten in der Transaktion")

    with mock.patch("kompass.org.selectors.orgunit_list", raising):
        broken = b.get(reverse(unit_list, args=[world.other.slug]))
    assert broken.status_code == 500
    assert state(serving) == ("", 0)

    second = b.get(reverse(unit_list, args=[world.other.slug])).content.decode()
    assert "GEHEIM-Hauptamt-Nachbarort" in second and "Ordnungsamt" not in second
    again = a.get(reverse(unit_list, args=[world.kommune.slug])).content.decode()
    assert "Ordnungsamt" in again and "GEHEIM" not in again
    assert state(serving) == ("", 0)
    assert id(connection.connection) == connection_id  # one connection served all four requests


# --- the reviewed look-ups before the Kommune is known, as the app role -------------------------
# (the app-role run in .ci/run also runs their own test files with every request as the app role)


def test_login_and_the_start_page_find_the_memberships_of_every_kommune(world: World, serving: str) -> None:
    Membership.objects.create(kommune=world.other, user=world.admin, role="reader")
    world.admin.set_password("ein-langes-Passwort-2026")
    world.admin.save()
    client = Client()
    login = client.post(reverse("accounts:login"), {"username": "admin", "password": "ein-langes-Passwort-2026"})
    assert login.status_code == 302
    page = client.get(reverse("ui:home")).content.decode()
    assert "Teststadt" in page and "Nachbarort" in page
    assert state(serving) == ("", 0)


def test_the_operators_list_counts_the_members_of_every_kommune(world: World, serving: str) -> None:
    from kompass.accounts.operator_selectors import kommune_overview

    with as_role(serving):
        rows = list(kommune_overview())
    assert {k.slug: k.member_count for k in rows} == {"teststadt": 3, "nachbarort": 1}


def test_an_invitation_is_found_by_its_link_and_accepted(world: World, serving: str) -> None:
    from kompass.accounts import invitations

    _invitation, path = invitations.invitation_create(
        kommune=world.kommune, actor=world.admin, email="nina.rls@example.org", role="reader"
    )
    client = Client()
    assert "Teststadt" in client.get(path).content.decode()
    password = "ein-langes-Passwort-2026"
    data = {"first_name": "Nina", "last_name": "Neu", "password1": password, "password2": password}
    assert client.post(path, data).status_code == 302
    assert Membership.objects.for_kommune(world.kommune).filter(user__username="nina.rls@example.org").exists()


def test_a_password_reset_finds_the_account_and_audits_in_its_kommune(world: World, serving: str) -> None:
    from django.core import mail

    from kompass.audit.models import AuditEntry

    world.reader.email = "reader.rls@teststadt.example"
    world.reader.save(update_fields=["email"])
    mail.outbox.clear()
    before = AuditEntry.objects.for_kommune(world.kommune).count()
    response = Client().post(reverse("accounts:password_reset"), {"identifier": world.reader.email}, follow=True)
    assert response.status_code == 200 and [m.to for m in mail.outbox] == [[world.reader.email]]
    assert AuditEntry.objects.for_kommune(world.kommune).count() == before + 1


def test_the_public_page_of_a_kommune_reads_its_data(world: World, serving: str) -> None:
    from kompass.tenancy.public import Publication, publications

    seen: list[int] = []

    def publishes(kommune: Any) -> bool:
        seen.append(apps.get_model("org", "OrgUnit").objects.for_kommune(kommune).count())
        return True

    with mock.patch.object(publications, "_items", {**publications._items, "rls": Publication("rls", publishes)}):
        response = Client().get(reverse("public:kommune", args=[world.kommune.slug]))
    assert response.status_code == 200 and seen == [5]
    assert state(serving) == ("", 0)


def test_an_api_token_is_made_for_a_kommune_of_ones_memberships(world: World, serving: str) -> None:
    from kompass.accounts import services

    with as_role(serving):
        offered = [k.slug for k in services.token_kommunen(world.admin)]
        token, _secret = services.api_token_create(user=world.admin, name="RLS", kommune=world.kommune)
    assert offered == ["teststadt"] and token.kommune_id == world.kommune.pk
