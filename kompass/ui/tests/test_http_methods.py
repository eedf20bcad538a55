"""HTTP methods of every page, generated from the URL registry.

- HEAD answers like GET (same status, same redirect target) without a body and without writing:
  monitoring and link checkers send HEAD, and a page that answers GET must not answer HEAD with 405.
- A method the page does not serve (PUT on a page, OPTIONS, an unknown verb) answers 405, never 500.
- OpenAPI and the API docs page answer GET and HEAD only.

The scene (personas, objects on each side) is the one of `test_isolation`. The Django test client
drops the body of HEAD responses as a web server does (gunicorn, runserver); the status is the app's.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kompass.audit.models import AuditEntry
from kompass.ui.tests import test_isolation as iso
from kompass.ui.tests import url_registry as reg

# The fixtures of the isolation test: personas and the objects they act on, built once per module and scene.
scene_layer, scene, world = iso.scene_layer, iso.scene, iso.world

PAGES = [name for name in iso.REGISTERED if reg.ROUTES[name].access != reg.API and not name.startswith("api:")]
GET_PAGES = [name for name in PAGES if "GET" in reg.ROUTES[name].expect]
# Methods no page serves. Sent without a CSRF token through the test client, which skips the CSRF check,
# so the view's method check is what answers (a browser without the token gets the CSRF 403 first).
FOREIGN_METHODS = ("PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND")


def _audit_count() -> int:
    """Audit entries of every Kommune (the base manager is not scoped to one)."""
    return AuditEntry._base_manager.count()


def _request(scene: iso.Scene, name: str, persona: str, method: str) -> Any:
    route = reg.ROUTES[name]

    def call() -> Any:
        targets = scene.targets(iso.side_of(persona), scene.user(persona), iso.needs_roles(name))
        client = scene.client(persona, route)
        client.raise_request_exception = False  # a crash must show up as the 500 a visitor would get
        audit_before = _audit_count()
        response: Any = client.generic(method, iso.url_for(name, route, targets))
        response.audit_written = _audit_count() - audit_before
        return response

    return iso.in_rollback(call)


def test_the_page_list_covers_the_pages_and_leaves_out_the_api() -> None:
    assert "org:tree" in GET_PAGES and "accounts:login" in GET_PAGES and "ui:health" in GET_PAGES
    assert "org:import_preview" in PAGES and "org:import_preview" not in GET_PAGES
    assert not [name for name in PAGES if name.startswith("api:")]


@pytest.mark.django_db
@iso.over_routes(PAGES)
def test_head_answers_like_get_without_a_body_and_without_writing(name: str, scene: iso.Scene) -> None:
    """For every persona: a HEAD that skipped the view's access check would answer 200 where GET answers 403.

    For pages without GET (POST-only actions) both answer 405.
    """
    iso.prepare(scene, name)
    wrong = []
    for persona in reg.PERSONAS:
        get = _request(scene, name, persona, "GET")
        head = _request(scene, name, persona, "HEAD")
        if head.status_code != get.status_code:
            wrong.append(f"HEAD as {persona}: {head.status_code}, GET: {get.status_code}")
        elif head.get("Location") != get.get("Location"):
            wrong.append(f"HEAD as {persona} redirects to {head.get('Location')}, GET to {get.get('Location')}")
        if head.content:
            wrong.append(f"HEAD as {persona} has a body")
        if head.audit_written:
            wrong.append(f"HEAD as {persona} wrote {head.audit_written} audit entries")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@iso.over_routes(PAGES)
def test_methods_no_page_serves_answer_405_and_never_500(name: str, scene: iso.Scene) -> None:
    route = reg.ROUTES[name]
    iso.prepare(scene, name)
    persona = iso._able_persona(route)
    wrong = []
    for method in FOREIGN_METHODS:
        response = _request(scene, name, persona, method)
        ok = response.status_code < 500 if route.any_method else response.status_code == 405
        if not ok:
            wrong.append(f"{method} as {persona}: {response.status_code}")
        if response.audit_written:
            wrong.append(f"{method} as {persona} wrote {response.audit_written} audit entries")
    assert not wrong, "\n".join(wrong)


# --- OpenAPI and the docs page -------------------------------------------------------------------

API_DESCRIPTIONS = ["/api/v1/openapi.json", "/api/v1/docs"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_DESCRIPTIONS)
def test_api_description_answers_get_and_head(url: str) -> None:
    client = Client()
    get, head = client.get(url), client.head(url)
    assert get.status_code == head.status_code == 200
    assert head.content == b"" and head["Content-Type"] == get["Content-Type"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_DESCRIPTIONS)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"])
def test_api_description_refuses_other_methods_with_a_json_405(url: str, method: str) -> None:
    response = Client(raise_request_exception=False).generic(method, url, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    assert response.json()["detail"].startswith("Methode nicht erlaubt")


@pytest.mark.django_db
def test_api_description_refuses_a_write_by_a_logged_in_member(admin_client: Client) -> None:
    """The session must not make a difference: still 405, and nothing is written."""
    before = _audit_count()
    response = admin_client.post("/api/v1/openapi.json", {"x": "1"})
    assert response.status_code == 405 and _audit_count() == before
