"""Who may call the API: personal tokens, the browser session with CSRF, and nobody else (401)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kompass.accounts import services as account_services
from kompass.api.tests.helpers import BASE, ApiClient, token_for
from kompass.org.models import OrgUnit


def test_anonymous_caller_gets_401_json_with_a_german_message(world, api):
    response = api["anonymous"].get(BASE + "/organisationseinheiten")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "API-Token" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_anonymous_caller_gets_401_also_for_another_kommune_and_for_writes(world, api):
    assert api["anonymous"].get("/api/v1/kommunen/nachbarort").status_code == 401
    assert api["anonymous"].post(BASE + "/organisationseinheiten", {}).status_code == 401
    assert api["anonymous"].get("/api/v1/kommunen").status_code == 401


def test_personal_token_authenticates_the_member(world, api):
    response = api["reader"].get("/api/v1/kommunen")
    assert response.status_code == 200
    assert [k["slug"] for k in response.json()] == ["teststadt"]
    assert response["Cache-Control"] == "no-store"  # personal data must not sit in shared caches


def test_revoked_token_is_refused(world):
    token, secret = account_services.api_token_create(user=world.admin, name="Skript")
    account_services.api_token_revoke(user=world.admin, token=token)
    assert ApiClient(secret).get("/api/v1/kommunen").status_code == 401


def test_token_of_a_deactivated_account_is_refused(world):
    secret = token_for(world.admin)
    world.admin.is_active = False
    world.admin.save()
    assert ApiClient(secret).get("/api/v1/kommunen").status_code == 401


def test_wrong_token_is_401_even_with_a_valid_session(world):
    client = Client()
    client.force_login(world.admin)
    assert client.get("/api/v1/kommunen").status_code == 200
    response = client.get("/api/v1/kommunen", headers={"Authorization": "Bearer kk_falsch"})
    assert response.status_code == 401


def test_session_of_a_logged_in_member_works_for_reading(world, admin_client):
    response = admin_client.get(BASE + "/organisationseinheiten")
    assert response.status_code == 200
    assert response.json()["count"] == 5


def test_session_write_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    response = client.post(
        BASE + "/organisationseinheiten",
        {"code": "77", "name": "Neu", "unit_type": "amt"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="77").exists()


def test_session_write_with_csrf_token_works_as_on_the_docs_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the docs page does
    token = client.cookies["csrftoken"].value
    response = client.post(
        BASE + "/organisationseinheiten",
        {"code": "77", "name": "Neu", "unit_type": "amt"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_token_write_needs_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = ApiClient(token_for(world.admin), client).post(
        BASE + "/organisationseinheiten", {"code": "77", "name": "Neu", "unit_type": "amt"}
    )
    assert response.status_code == 201


def test_token_created_on_the_token_page_works_and_stops_working_when_revoked(world, admin_client):
    form = {"name": "Fachverfahren", "kommune": world.kommune.pk, "scope": "write", "days": "30"}
    response = admin_client.post(reverse("accounts:api_tokens"), form)
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("kk_")
    assert ApiClient(secret).get(BASE).status_code == 200
    token = world.admin.api_tokens.get(name="Fachverfahren")
    admin_client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert ApiClient(secret).get(BASE).status_code == 401


def test_token_use_is_recorded_on_the_token(world):
    token, secret = account_services.api_token_create(user=world.reader, name="Skript")
    ApiClient(secret).get(BASE)
    token.refresh_from_db()
    assert token.last_used_at is not None
