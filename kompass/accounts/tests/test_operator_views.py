"""The operator area /betrieb/kommunen/: only platform operators, no tenant data, constant query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.accounts import services
from kompass.accounts.models import Invitation
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.factories import KommuneFactory, UserFactory
from kompass.tenancy.models import Kommune, Membership, Role

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:operator_kommunen")
CREATE = reverse("accounts:operator_kommune_create")


def status_url(slug: str = "teststadt") -> str:
    return reverse("accounts:operator_kommune_status", args=[slug])


@pytest.fixture
def operator() -> Any:
    return UserFactory(username="betrieb", first_name="Olga", last_name="Operator", is_superuser=True, is_staff=True)


@pytest.fixture
def op_client(world: World, operator: Any) -> Any:
    return world.client_for(operator)


def open_form(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "Landkreis Lüneburg",
        "slug": "",
        "kommune_type": "landkreis",
        "bundesland": "NI",
        "ags": "03 355",
        "population": "185000",
        "admin_email": "cdo@landkreis-lueneburg.example",
        "admin_first_name": "Dana",
        "admin_last_name": "Digital",
    }
    return values | overrides


# --- who may enter -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "editor", "reader", "outsider"])
def test_members_of_kommunen_get_404_on_every_operator_url(world: World, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    for url in (LIST, CREATE, status_url()):
        assert client.get(url).status_code == 404
    assert client.post(CREATE, open_form()).status_code == 404
    assert client.post(status_url(), {"action": "sperren", "reason": "Vertrag zum Jahresende"}).status_code == 404
    assert not Kommune.objects.filter(name="Landkreis Lüneburg").exists()
    world.kommune.refresh_from_db()
    assert not world.kommune.is_suspended


def test_visitors_are_sent_to_the_login(client: Any, world: World) -> None:
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_operator_area_answers_only_get_head_and_post(op_client: Any) -> None:
    assert op_client.put(LIST).status_code == 405
    assert op_client.post(LIST).status_code == 405
    assert op_client.delete(CREATE).status_code == 405


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_each_kommune_without_its_data(world: World, op_client: Any) -> None:
    response = op_client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Teststadt" in page and "Nachbarort" in page and "05111000" in page
    row = next(k for k in response.context["page"] if k.slug == "teststadt")
    assert row.member_count == 3  # admin, editor, reader
    assert row.last_activity is not None
    # No names of members, units or people: that needs the reasoned operator access.
    for secret in ("Admin Test", "Hauptamt", "Amtsleiterin", "GEHEIM"):
        assert secret not in page
    assert reverse("accounts:operator_access_kommune", args=["teststadt"]) in page


def test_the_list_searches_by_name_and_filters_by_status(world: World, operator: Any, op_client: Any) -> None:
    services.kommune_suspend(kommune=world.other, operator=operator, reason="Vertrag zum Jahresende beendet")
    names = lambda query: [k.name for k in op_client.get(LIST + query).context["page"]]  # noqa: E731
    assert names("?q=nachbar") == ["Nachbarort"]
    assert names("?status=gesperrt") == ["Nachbarort"]
    assert names("?status=aktiv") == ["Teststadt"]
    assert "gesperrt" in op_client.get(LIST).content.decode()


def test_the_list_sorts_by_members_and_last_activity(world: World, op_client: Any) -> None:
    assert [k.slug for k in op_client.get(LIST + "?sort=-members").context["page"]] == ["teststadt", "nachbarort"]
    activity = lambda: [k.slug for k in op_client.get(LIST + "?sort=-activity").context["page"]]  # noqa: E731
    services.kommune_update(kommune=world.other, actor=None, data={"population": 777})
    assert activity() == ["nachbarort", "teststadt"]
    services.kommune_update(kommune=world.kommune, actor=None, data={"population": 777})
    assert activity() == ["teststadt", "nachbarort"]


def _add_kommunen(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        kommune = KommuneFactory(name=f"Gemeinde {i:03d}", slug=f"gemeinde-{i:03d}", ags=f"05{i:06d}")
        Membership.objects.create(kommune=kommune, user=UserFactory(), role=Role.ADMIN)
        services.kommune_update(kommune=kommune, actor=None, data={"population": 1234})


def _queries(op_client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert op_client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_few_and_many_kommunen(world: World, op_client: Any) -> None:
    _add_kommunen(3)
    few = _queries(op_client)
    _add_kommunen(40, start=3)
    assert _queries(op_client) == few


def test_the_list_is_paged(world: World, op_client: Any) -> None:
    _add_kommunen(60)
    response = op_client.get(LIST)
    assert response.context["page"].paginator.count == 62
    assert len(response.context["page"].object_list) < 62
    assert 'rel="next"' in response.content.decode()


# --- opening a Kommune ----------------------------------------------------------------------------


def test_an_operator_opens_a_kommune_and_sees_the_invitation_link_once(world: World, op_client: Any) -> None:
    response = op_client.post(CREATE, open_form())
    assert response.status_code == 200
    kommune = Kommune.objects.get(slug="landkreis-lueneburg")
    assert (kommune.ags, kommune.kommune_type, kommune.bundesland) == ("03355", "landkreis", "NI")
    invitation = Invitation.objects.for_kommune(kommune).get()
    assert invitation.role == Role.ADMIN and invitation.email == "cdo@landkreis-lueneburg.example"
    link = response.context["link"]
    assert link.startswith("http://testserver/einladung/")
    assert link in response.content.decode()
    # Only the hash is kept: the list and a second look never show the link again.
    assert link.rsplit("/", 2)[-2] not in op_client.get(LIST).content.decode()
    assert not Membership.objects.for_kommune(kommune).exists(), "the Administration joins by accepting"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ags": "03355000"}, "ags"),  # a Landkreis has a Kreisschlüssel
        ({"ags": "09162"}, "ags"),  # not Niedersachsen
        ({"ags": "abc"}, "ags"),
        ({"slug": "teststadt"}, "slug"),
        ({"slug": "Großes Ü"}, "slug"),
        ({"name": ""}, "name"),
        ({"population": "0"}, "population"),
        ({"kommune_type": "bezirk"}, "kommune_type"),
        ({"admin_email": "keine adresse"}, "admin_email"),
        ({"admin_email": ""}, "admin_email"),
    ],
)
def test_bad_input_is_a_german_field_error_and_creates_nothing(
    world: World, op_client: Any, overrides: dict[str, Any], field: str
) -> None:
    before = (Kommune.objects.count(), Invitation.objects.unscoped().count())
    response = op_client.post(CREATE, open_form(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert (Kommune.objects.count(), Invitation.objects.unscoped().count()) == before
    assert "Bitte korrigieren Sie" in response.content.decode()


class DeliveringBackend(EmailBackend):
    """Stands for SMTP: a backend that is not on the list of backends that deliver to nobody."""


@override_settings(EMAIL_BACKEND=f"{__name__}.DeliveringBackend")
def test_with_mail_the_invitation_goes_out_and_the_link_is_not_shown(world: World, op_client: Any) -> None:
    response = op_client.post(CREATE, open_form(), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "die Einladung ging an cdo@landkreis-lueneburg.example" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cdo@landkreis-lueneburg.example"]
    assert "/einladung/" not in response.content.decode()


def test_an_unknown_action_changes_nothing(world: World, op_client: Any) -> None:
    response = op_client.post(status_url(), {"action": "loeschen", "reason": "Vertrag zum Jahresende beendet"})
    assert response.status_code == 200 and response.context["form"].errors["action"]
    world.kommune.refresh_from_db()
    assert not world.kommune.is_suspended


def test_the_create_form_names_every_kind_of_key_in_its_hint(op_client: Any) -> None:
    page = op_client.get(CREATE).content.decode()
    for words in ("Kreisschlüssel, 5 Ziffern", "(AGS), 8 Ziffern", "(ARS), 12 Ziffern", "Amt, Verbandsgemeinde"):
        assert words in page
    assert '<option value="amt">Amt</option>' in page


# --- suspending and reactivating ------------------------------------------------------------------


def test_suspending_asks_for_a_reason_first(world: World, op_client: Any) -> None:
    response = op_client.get(status_url())
    assert response.status_code == 200 and "Grund der Sperre" in response.content.decode()
    response = op_client.post(status_url(), {"action": "sperren", "reason": "zu kurz"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    world.kommune.refresh_from_db()
    assert not world.kommune.is_suspended


def test_suspend_then_reactivate_through_the_pages(world: World, op_client: Any) -> None:
    response = op_client.post(status_url(), {"action": "sperren", "reason": "Vertrag zum Jahresende beendet"})
    assert response.status_code == 302 and response["Location"] == LIST
    world.kommune.refresh_from_db()
    assert world.kommune.is_suspended
    assert "Grund der Freigabe" in op_client.get(status_url()).content.decode()
    response = op_client.post(status_url(), {"action": "freigeben", "reason": "Vertrag wurde verlängert"})
    assert response.status_code == 302
    world.kommune.refresh_from_db()
    assert not world.kommune.is_suspended
    labels = list(
        AuditEntry.objects.for_kommune(world.kommune)
        .filter(object_type="kommune")
        .values_list("object_label", flat=True)
    )
    assert len(labels) == 2 and "Vertrag wurde verlängert" in labels[0]


def test_a_form_sent_twice_does_not_undo_the_suspension(world: World, op_client: Any) -> None:
    body = {"action": "sperren", "reason": "Vertrag zum Jahresende beendet"}
    assert op_client.post(status_url(), body).status_code == 302
    response = op_client.post(status_url(), body)
    assert response.status_code == 200 and "inzwischen gesperrt" in response.content.decode()
    world.kommune.refresh_from_db()
    assert world.kommune.is_suspended
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="kommune").count() == 1


def test_an_unknown_kommune_is_404_for_the_operator(op_client: Any) -> None:
    assert op_client.get(status_url("gibt-es-nicht")).status_code == 404


def test_the_operators_start_page_links_the_operator_area(world: World, op_client: Any) -> None:
    page = op_client.get(reverse("ui:home")).content.decode()
    assert LIST in page and CREATE in page
    assert LIST not in world.client_for(world.outsider).get(reverse("ui:home"), follow=True).content.decode()
