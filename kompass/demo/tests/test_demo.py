"""The demo Kommunen: loaded by `make run`, deterministic, with working demo logins."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kompass.accounts.models import User
from kompass.audit.models import AuditEntry
from kompass.demo import kommunen as demo
from kompass.org import selectors
from kompass.org.models import OrgUnit, Person
from kompass.tenancy.models import AGS_LAND_PREFIX, Kommune, Membership, Role

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def _demo_once(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Load the demo once for a class of read-only tests; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        _load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_demo_once: Any) -> Kommune:
    return Kommune.objects.get(slug="musterstadt")


class _Rollback(Exception):
    pass


def test_transliteration_spells_umlauts_and_sharp_s_out() -> None:
    assert demo.transliterate("Jürgen") == "juergen"
    assert demo.transliterate("Öztürk") == "oeztuerk"
    assert demo.transliterate("Strauß") == "strauss"
    assert demo.transliterate("Bärbel") == "baerbel"


def test_gendered_titles_follow_the_person() -> None:
    assert demo.gendered("Bürgermeister{/in}", True) == "Bürgermeisterin"
    assert demo.gendered("Erste{r/} Beigeordnete{r/}", False) == "Erster Beigeordneter"


def test_loading_twice_in_fresh_databases_gives_identical_data() -> None:
    snapshots: list[dict[str, Any]] = []
    for _run in range(2):
        try:
            with transaction.atomic():
                _load()
                snapshots.append(demo.demo_snapshot())
                raise _Rollback
        except _Rollback:
            pass
        assert not Kommune.objects.exists()
    first, second = snapshots
    assert len(first["people"]) > 300
    assert first == second


def test_if_empty_loads_once_and_then_does_nothing() -> None:
    assert "Demodaten geladen" in _load("--if-empty")
    counts = (
        OrgUnit.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        AuditEntry.objects.unscoped().count(),
    )
    assert "nicht geladen" in _load("--if-empty")
    assert counts == (
        OrgUnit.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        AuditEntry.objects.unscoped().count(),
    )


def test_if_empty_leaves_a_database_with_another_kommune_alone() -> None:
    Kommune.objects.create(
        name="Echtstadt", slug="echtstadt", kommune_type="stadt", bundesland="BY", population=20000, ags="09123456"
    )
    assert "nicht geladen" in _load("--if-empty")
    assert not Kommune.objects.filter(slug="musterstadt").exists()


def test_demo_logins_prints_the_accounts_only_when_they_exist() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "Musterstadt-Admin-2026" not in out.getvalue()
    _load()
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text
    for login in demo.DEMO_LOGINS:
        assert login.username in text
        assert login.password in text


@pytest.mark.usefixtures("_demo_once")
class TestLoadedDemo:
    """Read-only checks on one load of the demo (loaded once for the class)."""

    def test_musterstadt_has_about_60_units_and_300_people(self, loaded: Kommune) -> None:
        units = OrgUnit.objects.for_kommune(loaded)
        people = Person.objects.for_kommune(loaded)
        assert 55 <= units.count() <= 65
        assert 280 <= people.count() <= 320
        assert units.filter(parent__isnull=True).count() == 1
        assert {"10", "11", "20", "32", "33", "37", "40", "50", "51", "61", "63", "66"} <= set(
            units.values_list("code", flat=True)
        )
        assert units.filter(unit_type="stabsstelle", name__icontains="Digitalisierung").exists()
        assert units.filter(unit_type="eigenbetrieb").exists()

    def test_musterstadt_is_a_kreisangehoerige_stadt_with_a_valid_looking_ags(self, loaded: Kommune) -> None:
        assert loaded.kommune_type in {"stadt", "grosse_kreisstadt"}
        assert 40_000 <= loaded.population <= 50_000
        assert re.fullmatch(r"\d{8}", loaded.ags)
        assert loaded.ags.startswith(AGS_LAND_PREFIX[loaded.bundesland])
        loaded.full_clean()

    def test_second_small_kommune_exists_for_isolation(self, loaded: Kommune) -> None:
        other = Kommune.objects.exclude(pk=loaded.pk).get()
        assert 10 <= OrgUnit.objects.for_kommune(other).count() <= 20
        assert 30 <= Person.objects.for_kommune(other).count() <= 50
        assert other.ags.startswith(AGS_LAND_PREFIX[other.bundesland])

    def test_a_few_units_are_left_without_head_for_the_start_page(self, loaded: Kommune) -> None:
        figures = selectors.key_figures(loaded)
        assert 3 <= len(figures.units_without_head) <= 5
        assert OrgUnit.objects.for_kommune(loaded).filter(head__isnull=False).count() >= 55

    def test_heads_work_in_the_unit_they_lead(self, loaded: Kommune) -> None:
        for unit in OrgUnit.objects.for_kommune(loaded).filter(head__isnull=False).select_related("head"):
            assert unit.head.org_unit_id == unit.pk

    def test_emails_are_unique_ascii_and_transliterated(self, loaded: Kommune) -> None:
        emails = list(Person.objects.for_kommune(loaded).values_list("email", flat=True))
        assert len(emails) == len(set(emails))
        assert all(re.fullmatch(r"[a-z0-9.\-]+@musterstadt\.de", e) for e in emails)
        people = Person.objects.for_kommune(loaded)
        mueller = people.filter(last_name="Müller").first() or people.filter(last_name__contains="ü").first()
        assert mueller is not None
        assert "ue" in mueller.email.split("@")[0]

    def test_loading_again_without_flag_refuses_with_a_clear_message(self, loaded: Kommune) -> None:
        people = Person.objects.unscoped().count()
        with pytest.raises(CommandError, match=r"Musterstadt.*Nichts wurde geändert"):
            _load()
        assert Person.objects.unscoped().count() == people

    def test_demo_writes_go_through_the_services_with_audit_source_command(self, loaded: Kommune) -> None:
        entries = AuditEntry.objects.for_kommune(loaded)
        assert entries.filter(object_type="person").count() == Person.objects.for_kommune(loaded).count()
        assert set(entries.values_list("source", flat=True)) == {"command"}

    def test_every_demo_password_passes_the_password_rules(self, loaded: Kommune) -> None:
        for login in demo.DEMO_LOGINS:
            user = User.objects.get(username=login.username)
            validate_password(login.password, user=user)
            assert user.check_password(login.password)

    def test_demo_logins_work_on_the_login_page(self, loaded: Kommune) -> None:
        for login in demo.DEMO_LOGINS:
            client = Client()
            response = client.post(reverse("accounts:login"), {"username": login.username, "password": login.password})
            assert response.status_code == 302, login.username

    def test_demo_accounts_have_the_promised_roles(self, loaded: Kommune) -> None:
        admin = User.objects.get(username="admin")
        assert set(Membership.objects.unscoped().filter(user=admin).values_list("kommune__slug", "role")) == {
            ("musterstadt", Role.ADMIN),
            ("kleinhausen", Role.ADMIN),
        }
        assert Membership.objects.for_kommune(loaded).get(user__username="lesend").role == Role.READER
        betrieb = User.objects.get(username="betrieb")
        assert betrieb.is_superuser
        assert not Membership.objects.unscoped().filter(user=betrieb).exists()
        assert (
            Person.objects.for_kommune(loaded).filter(user=admin, function_title__contains="Digitalisierung").exists()
        )

    def test_redaktion_is_limited_to_an_amt_with_sub_units(self, loaded: Kommune) -> None:
        membership = Membership.objects.for_kommune(loaded).select_related("scope_unit").get(user__username="redaktion")
        assert membership.role == Role.EDITOR
        scope = membership.scope_unit
        assert scope is not None
        assert selectors.subtree(loaded, scope).exclude(pk=scope.pk).count() >= 2
        person = Person.objects.for_kommune(loaded).get(user__username="redaktion")
        assert person.org_unit.path.startswith(scope.path)
