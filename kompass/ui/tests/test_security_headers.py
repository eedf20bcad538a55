"""The header check of the crawl (`headers.header_problems`, used by the role matrix of `test_isolation` on
every response of every route and persona) finds what it is meant to find (docs/security.md S1)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings

from kompass.ui.tests.headers import PRODUCTION_TLS, header_problems


def _good() -> HttpResponse:
    response = HttpResponse("ok")
    response["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; frame-ancestors 'none'; object-src 'none'"
    )
    response["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains; preload"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    response["X-Frame-Options"] = "DENY"
    response["Cross-Origin-Opener-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response.set_cookie("sessionid", "x", secure=True, httponly=True, samesite="Lax")
    return response


def _session_cookie(response: HttpResponse, **flags: bool) -> None:
    del response.cookies["sessionid"]  # set_cookie keeps the flags of an earlier cookie of the same name
    response.set_cookie("sessionid", "x", samesite="Lax", **flags)


def test_a_response_with_every_header_passes() -> None:
    assert header_problems(_good(), logged_in=True) == []


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (lambda r: r.__delitem__("Content-Security-Policy"), "no Content-Security-Policy"),
        (lambda r: r.__setitem__("Content-Security-Policy", "script-src 'self' 'unsafe-inline'"), "inline script"),
        (lambda r: r.__setitem__("Content-Security-Policy", "script-src 'self'; object-src 'none'"), "frame-ancestors"),
        (lambda r: r.__delitem__("Strict-Transport-Security"), "Strict-Transport-Security"),
        (lambda r: r.__setitem__("X-Content-Type-Options", ""), "X-Content-Type-Options"),
        (lambda r: r.__setitem__("Referrer-Policy", "unsafe-url"), "Referrer-Policy"),
        (lambda r: r.__setitem__("Cache-Control", "public, max-age=300"), "Cache-Control of a logged-in page"),
        (lambda r: _session_cookie(r, secure=False, httponly=True), "is not Secure"),
        (lambda r: _session_cookie(r, secure=True, httponly=False), "not HttpOnly"),
        (lambda r: r.set_cookie("csrftoken", "x", secure=True, samesite="Lax", domain="example.org"), "domain"),
        (lambda r: r.set_cookie("lang", "x", secure=True), "SameSite"),
    ],
)
def test_each_missing_or_weak_header_is_found(change, found: str) -> None:  # type: ignore[no-untyped-def]
    response = _good()
    change(response)
    problems = header_problems(response, logged_in=True)
    assert any(found in problem for problem in problems), problems


def test_a_public_page_of_a_kommune_may_be_cached_for_a_logged_in_visitor_but_the_login_page_may_not() -> None:
    response = _good()
    response["Cache-Control"] = "public, max-age=300"
    assert header_problems(response, logged_in=True, for_nobody=True) == []
    assert header_problems(response, logged_in=False, public_page=True) == []
    assert header_problems(response, logged_in=True, public_page=True)
    response["Cache-Control"] = "private, no-cache"
    assert header_problems(response, logged_in=True, public_page=True) == []


@pytest.mark.django_db
@override_settings(**PRODUCTION_TLS)
def test_the_language_cookie_is_secure_http_only_and_same_site_in_production() -> None:
    response = Client().post("/i18n/sprache/", {"language": "en", "next": "/"}, secure=True)
    cookie = response.cookies["django_language"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert header_problems(response, logged_in=False) == []
