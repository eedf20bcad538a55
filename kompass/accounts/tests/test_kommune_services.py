"""The Kommune's master data and its operation: official keys by type and Land, opening a Kommune with
the invitation of its first Administration, suspending and reactivating it (all in its own log)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kompass.accounts import services
from kompass.accounts.models import Invitation
from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.presentation import present_entries
from kompass.conftest import World
from kompass.factories import KommuneFactory, UserFactory
from kompass.tenancy.models import Kommune, KommuneType, Role

pytestmark = pytest.mark.django_db


def data(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "Musterhausen",
        "slug": "musterhausen",
        "kommune_type": "gemeinde",
        "bundesland": "NW",
        "population": 5000,
        "ags": "05111111",
    }
    return values | overrides


def ags_errors(**overrides: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        services.kommune_create(actor=None, data=data(**overrides))
    assert not Kommune.objects.filter(slug=data(**overrides)["slug"]).exists()
    return caught.value.message_dict.get("ags", [])


@pytest.fixture
def operator() -> Any:
    return UserFactory(username="betrieb", first_name="Olga", last_name="Operator", is_superuser=True, is_staff=True)


# --- official keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kommune_type", "ags"),
    [
        ("landkreis", "09162"),
        ("kreisfreie_stadt", "05111"),
        ("kreisfreie_stadt", "05111000"),
        ("gemeinde", "05111111"),
        ("gemeinde", "055660012012"),
        ("stadt", "05111111"),
        ("grosse_kreisstadt", "05111111"),
        ("amt", "055660012000"),
        ("verbandsgemeinde", "055660012000"),
        ("verband", "055660012000"),
    ],
)
def test_a_key_of_the_length_the_type_has_is_accepted(kommune_type: str, ags: str) -> None:
    bundesland = "BY" if ags.startswith("09") else "NW"
    kommune = services.kommune_create(actor=None, data=data(kommune_type=kommune_type, ags=ags, bundesland=bundesland))
    assert kommune.ags == ags


@pytest.mark.parametrize(
    ("kommune_type", "ags", "says"),
    [
        ("landkreis", "05111000", "Kreisschlüssel"),
        ("landkreis", "051110000000", "Kreisschlüssel"),
        ("amt", "05111000", "Regionalschlüssel"),
        ("verbandsgemeinde", "05111", "Regionalschlüssel"),
        ("verband", "05111000", "Regionalschlüssel"),
        ("gemeinde", "05111", "Gemeindeschlüssel"),
        ("stadt", "05111", "Gemeindeschlüssel"),
    ],
)
def test_a_key_that_does_not_fit_the_type_is_a_field_error(kommune_type: str, ags: str, says: str) -> None:
    errors = ags_errors(kommune_type=kommune_type, ags=ags)
    assert len(errors) == 1 and says in errors[0]


@pytest.mark.parametrize("ags", ["0511100", "051110001", "05111a00", "", "05 111 000"])
def test_a_key_of_no_known_length_or_with_other_characters_is_refused(ags: str) -> None:
    errors = ags_errors(ags=ags)
    assert errors, "the key needs an error"


@pytest.mark.parametrize(
    ("kommune_type", "ags"), [("gemeinde", "09111111"), ("landkreis", "09162"), ("amt", "091620000000")]
)
def test_every_kind_of_key_must_begin_with_the_lands_prefix(kommune_type: str, ags: str) -> None:
    errors = ags_errors(kommune_type=kommune_type, ags=ags, bundesland="NW")
    assert errors == ["Ein Amtlicher Schlüssel in Nordrhein-Westfalen beginnt mit 05."]


def test_a_key_with_the_wrong_land_and_length_names_both_problems() -> None:
    errors = ags_errors(kommune_type="landkreis", ags="09162000", bundesland="NW")
    assert len(errors) == 2


def test_the_key_name_follows_its_length() -> None:
    assert KommuneFactory.build(ags="09162").key_name == "Kreisschlüssel"
    assert KommuneFactory.build(ags="09162000").key_name == "AGS"
    assert KommuneFactory.build(ags="091620000000").key_name == "ARS"


def test_changing_the_type_checks_the_key_again(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.kommune_update(kommune=world.kommune, actor=world.admin, data={"kommune_type": "landkreis"})
    assert "Kreisschlüssel" in caught.value.message_dict["ags"][0]
    world.kommune.refresh_from_db()
    assert world.kommune.kommune_type == "stadt"


def test_amt_and_verbandsgemeinde_are_types_of_their_own_and_the_old_verband_stays_valid() -> None:
    assert {"amt", "verbandsgemeinde", "verband"} <= set(KommuneType.values)
    assert "Samtgemeinde" in str(KommuneType.VERBAND.label)


def test_a_second_kommune_with_the_same_key_or_slug_gets_a_german_field_error(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.kommune_create(actor=None, data=data(slug="teststadt", ags="05111000"))
    errors = caught.value.message_dict
    assert errors["ags"] == ["Eine Kommune mit diesem Amtlichen Schlüssel gibt es schon."]
    assert errors["slug"] == ["Diesen Kurznamen trägt schon eine andere Kommune."]


# --- opening a Kommune ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Landkreis Lüneburg", "landkreis-lueneburg"),
        ("Bad Homburg v. d. Höhe", "bad-homburg-v-d-hoehe"),
        ("Großröhrsdorf", "grossroehrsdorf"),
        ("Amt Süderbrarup_Nord", "amt-suederbrarup-nord"),
        ("  ---  ", ""),
        ("A" * 80, "a" * 50),
    ],
)
def test_the_kurzname_is_spelled_out_from_the_name(name: str, slug: str) -> None:
    assert services.slug_from_name(name) == slug


def test_an_operator_opens_a_kommune_with_an_invitation_for_its_first_administration(operator: Any) -> None:
    kommune, invitation, link = services.kommune_open(
        operator=operator,
        data=data(name="Landkreis Lüneburg", slug="", kommune_type="landkreis", bundesland="NI", ags="03355"),
        admin_email="Digital@Landkreis.example",
        admin_first_name="Dana",
        admin_last_name="Digital",
    )
    assert kommune.slug == "landkreis-lueneburg"
    assert isinstance(invitation, Invitation)
    assert (invitation.kommune_id, invitation.role, invitation.email) == (
        kommune.pk,
        Role.ADMIN,
        "digital@landkreis.example",
    )
    assert link.startswith("/einladung/")
    log = AuditEntry.objects.for_kommune(kommune)
    assert log.filter(action=AuditAction.CREATE, object_type="kommune", actor_id=operator.pk, actor_name="").exists()


def test_opening_keeps_nothing_when_the_invitation_fails(operator: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.kommune_open(operator=operator, data=data(), admin_email="keine-adresse")
    assert "email" in caught.value.message_dict
    assert not Kommune.objects.filter(slug="musterhausen").exists()


def test_only_platform_operators_open_kommunen(world: World) -> None:
    with pytest.raises(ValidationError):
        services.kommune_open(operator=world.admin, data=data(), admin_email="a@b.example")
    assert not Kommune.objects.filter(slug="musterhausen").exists()


# --- suspension -----------------------------------------------------------------------------------


def test_suspending_is_written_to_the_kommunes_own_log(world: World, operator: Any) -> None:
    services.kommune_suspend(kommune=world.kommune, operator=operator, reason="Vertrag zum 31.12. beendet")
    world.kommune.refresh_from_db()
    assert world.kommune.is_suspended and world.kommune.suspension_reason == "Vertrag zum 31.12. beendet"
    entry = AuditEntry.objects.for_kommune(world.kommune).get(object_type="kommune", action=AuditAction.UPDATE)
    assert [p.actor_label for p in present_entries([entry])] == ["Olga Operator"]  # from the live account
    assert entry.changes["suspension_reason"] == ["", "Vertrag zum 31.12. beendet"]
    assert entry.changes["suspended_at"][0] is None and entry.changes["suspended_at"][1]
    assert "gesperrt" in entry.object_label
    assert not AuditEntry.objects.for_kommune(world.other).filter(object_type="kommune").exists()


def test_reactivating_lifts_the_suspension_and_logs_the_reason(world: World, operator: Any) -> None:
    services.kommune_suspend(kommune=world.kommune, operator=operator, reason="Vertrag zum 31.12. beendet")
    services.kommune_reactivate(kommune=world.kommune, operator=operator, reason="Vertrag wurde verlängert")
    world.kommune.refresh_from_db()
    assert not world.kommune.is_suspended and world.kommune.suspension_reason == ""
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="kommune").first()
    assert entry is not None and "Vertrag wurde verlängert" in entry.object_label
    assert entry.changes["suspension_reason"] == ["Vertrag zum 31.12. beendet", ""]


def test_suspend_and_reactivate_refuse_the_wrong_state_a_short_reason_and_non_operators(
    world: World, operator: Any
) -> None:
    with pytest.raises(ValidationError):
        services.kommune_reactivate(kommune=world.kommune, operator=operator, reason="Vertrag wurde verlängert")
    with pytest.raises(ValidationError) as caught:
        services.kommune_suspend(kommune=world.kommune, operator=operator, reason="kurz")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.kommune_suspend(kommune=world.kommune, operator=world.admin, reason="Vertrag zum 31.12. beendet")
    services.kommune_suspend(kommune=world.kommune, operator=operator, reason="Vertrag zum 31.12. beendet")
    with pytest.raises(ValidationError):
        services.kommune_suspend(kommune=world.kommune, operator=operator, reason="noch einmal gesperrt")
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="kommune").count() == 1
