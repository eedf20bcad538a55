"""OpenAPI and the docs page: readable without login, no data, nothing from a third-party host (docs/security.md D5)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

from kompass.api.routes import api_route_patterns


def test_openapi_is_readable_without_login(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Kommunalkompass API"
    assert schema["info"]["version"] == "1"


def test_openapi_describes_every_route_with_its_method(world):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    routes = [route for route in api_route_patterns() if not route.is_deprecated]
    assert len(routes) >= 16
    for route in routes:
        assert route.method.lower() in paths[route.path], f"{route.method} {route.path}"


def test_openapi_contains_no_data_of_any_kommune(world):
    text = Client().get("/api/v1/openapi.json").content.decode()
    for secret in ("GEHEIM", "Teststadt", "teststadt", "Nachbarort", "Amtsleiterin", world.alice.email):
        assert secret not in text


def test_openapi_names_both_ways_to_authenticate(world):
    schemes = Client().get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_docs_page_loads_without_login_and_only_from_our_own_origin(world):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html  # else Swagger UI loads a badge from validator.swagger.io
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(asset), asset


def test_docs_page_has_no_inline_script_or_style(world):
    html = Client().get("/api/v1/docs").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" not in attributes or not body.strip()
    assert "<style" not in html
    assert " style=" not in html


def test_docs_page_keeps_the_site_wide_content_security_policy(world):
    policy = Client().get("/api/v1/docs")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_docs_page_sends_the_csrf_token_for_a_logged_in_member(world, admin_client):
    html = admin_client.get("/api/v1/docs").content.decode()
    match = re.search(r'data-csrf-token="([^"]+)" data-api-csrf="true"', html)
    assert match and len(match.group(1)) > 20


def test_docs_page_is_german_with_kern_styles_and_a_way_back_to_the_app(world):
    html = Client().get("/api/v1/docs").content.decode()
    assert '<h1 class="kern-heading-large">API-Dokumentation</h1>' in html
    assert 'href="/static/vendor/kern/kern.min.css"' in html
    assert '<a class="kern-link" href="/">Zurück zu Kommunalkompass</a>' in html
    assert 'class="kk-skip-link" href="#inhalt"' in html and '<main id="inhalt"' in html
