"""German error pages with the request id, never Django's English page (docs/security.md S2).

Each status Kommunalkompass answers with a page of its own: 400 (also a Host header outside
ALLOWED_HOSTS), 403 (also a failed CSRF check), 404, 405, 429, 500 and 503. Every page is German,
names the request id that the `X-Request-ID` header carries, and shows no internals.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from kompass.conftest import World
from kompass.ui import errors

DASHBOARD = reverse("ui:dashboard", args=["teststadt"])

# Phrases of Django's own error pages and of a debug page: none may appear.
FOREIGN = (
    "Bad Request",
    "Forbidden",
    "Not Found",
    "Server Error",
    "CSRF verification failed",
    "Method Not Allowed",
    "Too Many Requests",
    "Service Unavailable",
    "Traceback",
    "Django",
    "DEBUG",
    "/work/",
    ".py",
)


@pytest.fixture(autouse=True)
def _debug_off(settings: Any) -> None:
    settings.DEBUG = False


def assert_german_page(response: HttpResponse, status: int, heading: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert heading in body and "Vorgangsnummer" in body, body[:400]
    assert response["X-Request-ID"] and response["X-Request-ID"] in body
    for phrase in FOREIGN:
        assert phrase not in body, phrase
    return body


@pytest.mark.django_db
def test_a_host_outside_allowed_hosts_gets_the_german_400_page() -> None:
    response = Client(HTTP_HOST="angreifer.example").get("/")
    body = assert_german_page(response, 400, "Ungültige Anfrage")
    assert "angreifer.example" not in body


@pytest.mark.django_db
def test_a_suspicious_request_gets_the_german_400_page(world: World) -> None:
    # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django raises TooManyFieldsSent (a SuspiciousOperation).
    fields = {f"f{i}": "x" for i in range(1100)}
    response = world.client_for(world.admin).post(reverse("accounts:login"), fields)
    assert_german_page(response, 400, "Ungültige Anfrage")


@pytest.mark.django_db
def test_a_failed_csrf_check_gets_the_german_403_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.reader)
    response = client.post(reverse("accounts:logout"))
    body = assert_german_page(response, 403, "Sicherheitsprüfung fehlgeschlagen")
    assert "Es wurde nichts gespeichert." in body
    assert "_auth_user_id" in client.session, "the refused logout changed nothing"


@pytest.mark.django_db
def test_a_failed_csrf_check_without_login_gets_the_german_403_page(world: World) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "x@example.org", "password": "y"}
    )
    assert_german_page(response, 403, "Sicherheitsprüfung fehlgeschlagen")


def test_the_csrf_failure_of_an_api_path_answers_json() -> None:
    request = RequestFactory().post("/api/v1/kommunen/")
    response = errors.csrf_failure(request, "CSRF cookie not set.")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert "CSRF cookie" not in response.content.decode()


@pytest.mark.django_db
def test_a_missing_permission_gets_the_german_403_page(world: World) -> None:
    response = world.client_for(world.reader).get(reverse("audit:log", args=["teststadt"]))
    assert_german_page(response, 403, "Keine Berechtigung")


@pytest.mark.django_db
def test_an_unknown_page_gets_the_german_404_page(world: World) -> None:
    assert_german_page(Client().get("/gibt-es-nicht/"), 404, "Seite nicht gefunden")
    assert_german_page(world.client_for(world.admin).get("/gibt-es-nicht/"), 404, "Seite nicht gefunden")


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_a_method_the_page_does_not_serve_gets_the_german_405_page(method: str, world: World) -> None:
    response = getattr(world.client_for(world.reader), method)(DASHBOARD)
    assert_german_page(response, 405, "Aktion nicht möglich")
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_the_405_page_is_german_for_anonymous_users_too() -> None:
    response = Client().put(reverse("accounts:login"))
    assert_german_page(response, 405, "Aktion nicht möglich")
    assert "POST" in response["Allow"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_api_keeps_its_json_405(url: str) -> None:
    response = Client().put(url)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json() and "Vorgangsnummer" not in response.content.decode()


@pytest.mark.django_db
def test_a_server_error_gets_the_german_500_page(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.reader)
    with mock.patch("kompass.org.selectors.key_figures", side_effect=RuntimeError("geheimer Stacktrace")):
        response = client.get(DASHBOARD)
    body = assert_german_page(response, 500, "Es ist ein Fehler aufgetreten")
    assert "geheimer Stacktrace" not in body and "RuntimeError" not in body


def _request(request_id: str = "vorgang-4711") -> HttpRequest:
    request = RequestFactory().get("/kommunen/teststadt/")
    request.request_id = request_id  # type: ignore[attr-defined]
    return request


def test_the_429_page_is_german_with_retry_after_and_request_id() -> None:
    response = errors.too_many_requests(_request(), retry_after=150)
    response["X-Request-ID"] = "vorgang-4711"
    body = assert_german_page(response, 429, "Zu viele Anfragen")
    assert response["Retry-After"] == "150"
    assert "in 3 Minuten" in body


def test_the_503_page_is_german_and_needs_no_database() -> None:
    # No django_db mark: any query would fail the test.
    response = errors.service_unavailable(_request(), retry_after=30)
    response["X-Request-ID"] = "vorgang-4711"
    body = assert_german_page(response, 503, "Vorübergehend nicht erreichbar")
    assert response["Retry-After"] == "30" and "Es wurde nichts gespeichert." in body


def test_the_400_page_needs_neither_the_host_nor_the_database() -> None:
    request = _request()
    request.META["HTTP_HOST"] = "angreifer.example"
    response = errors.bad_request(request)
    response["X-Request-ID"] = "vorgang-4711"
    assert_german_page(response, 400, "Ungültige Anfrage")
