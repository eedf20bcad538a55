"""Public pages: `public_view` resolves a publishing Kommune for anybody and shows no session user."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path, reverse

from kompass.conftest import World
from kompass.tenancy.public import (
    PUBLIC_MAX_AGE,
    Publication,
    PublicRequest,
    declared_public_routes,
    is_published,
    public_path,
    public_routes,
    public_view,
    publications,
)

pytestmark = pytest.mark.django_db


@public_view
def probe(request: PublicRequest) -> HttpResponse:
    seen = [request.public.kommune.slug, str(request.user.is_authenticated), str(hasattr(request, "tenant"))]
    return HttpResponse("|".join(seen))


@public_view
def with_token(request: PublicRequest) -> HttpResponse:
    return HttpResponse(get_token(request))


@public_view
def lazy(request: PublicRequest) -> TemplateResponse:
    template = engines["django"].from_string("angemeldet={{ user.is_authenticated }}")
    return TemplateResponse(request, template)  # type: ignore[arg-type]


urlpatterns = [
    path("p/<slug:kommune_slug>/probe/", probe),
    path("p/<slug:kommune_slug>/token/", with_token),
    path("p/<slug:kommune_slug>/lazy/", lazy),
    # The project's routes too: the error pages (e.g. the CSRF failure page) link into them.
    path("", include("kompass.urls")),
]
HERE = override_settings(ROOT_URLCONF=__name__)


@pytest.fixture
def teststadt_publishes(world: World) -> Iterator[World]:
    publications.register(Publication("test-teststadt", lambda kommune: kommune.slug == "teststadt"))
    try:
        yield world
    finally:
        publications.unregister("test-teststadt")


@HERE
def test_an_unknown_kommune_is_404(teststadt_publishes: World) -> None:
    assert Client().get("/p/gibt-es-nicht/probe/").status_code == 404


@HERE
def test_a_kommune_that_publishes_nothing_is_404(teststadt_publishes: World) -> None:
    assert Client().get("/p/nachbarort/probe/").status_code == 404


@HERE
def test_without_any_publication_no_kommune_has_public_pages(world: World) -> None:
    assert not is_published(world.kommune)
    assert Client().get("/p/teststadt/probe/").status_code == 404


def test_one_publication_is_enough(world: World) -> None:
    publications.register(Publication("nothing", lambda kommune: False))
    publications.register(Publication("teststadt", lambda kommune: kommune.slug == "teststadt"))
    try:
        assert is_published(world.kommune) and not is_published(world.other)
    finally:
        publications.unregister("nothing")
        publications.unregister("teststadt")


@HERE
def test_an_anonymous_visitor_gets_the_kommune_and_no_tenant(teststadt_publishes: World) -> None:
    response = Client().get("/p/teststadt/probe/")
    assert response.content == b"teststadt|False|False"


@HERE
def test_a_logged_in_member_is_anonymous_inside_a_public_view(teststadt_publishes: World) -> None:
    response = teststadt_publishes.client_for(teststadt_publishes.admin).get("/p/teststadt/probe/")
    assert response.content == b"teststadt|False|False"


@HERE
def test_a_lazily_rendered_template_sees_the_anonymous_user_too(teststadt_publishes: World) -> None:
    response = teststadt_publishes.client_for(teststadt_publishes.admin).get("/p/teststadt/lazy/")
    assert response.content == b"angemeldet=False"


def test_the_session_user_is_back_once_the_view_has_answered(teststadt_publishes: World) -> None:
    request = RequestFactory().get("/p/teststadt/probe/")
    request.user = teststadt_publishes.admin
    response = probe(request, kommune_slug="teststadt")
    assert response.content.endswith(b"|False|False")
    assert request.user == teststadt_publishes.admin and not isinstance(request.user, AnonymousUser)


@HERE
def test_csrf_protection_stays_on_for_public_pages(teststadt_publishes: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/p/teststadt/probe/").status_code == 403


@HERE
def test_a_page_with_a_csrf_token_is_private_to_the_visitor(teststadt_publishes: World) -> None:
    response = Client().get("/p/teststadt/token/")
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@HERE
def test_a_page_that_is_the_same_for_everyone_may_be_kept_by_shared_caches(teststadt_publishes: World) -> None:
    response = Client().get("/p/teststadt/probe/")
    assert response["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
    assert "Cookie" in response["Vary"]


@HERE
def test_a_logged_in_member_does_not_make_a_public_page_private_or_uncacheable(teststadt_publishes: World) -> None:
    """The page is the same for her; the authenticated pages' `no-store` must not be forced on it."""
    response = teststadt_publishes.client_for(teststadt_publishes.admin).get("/p/teststadt/probe/")
    assert response["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"


# --- declaring public routes ---------------------------------------------------------------------


@pytest.fixture
def clean() -> Iterator[None]:
    before = set(public_routes.keys())
    yield
    for key in set(public_routes.keys()) - before:
        public_routes.unregister(key)


def test_a_public_route_is_a_normal_pattern_below_p_and_the_kommune_slug(clean: None) -> None:
    pattern = public_path("umfrage/", probe, name="probe", methods=("GET", "POST"))
    assert str(pattern.pattern) == "p/<slug:kommune_slug>/umfrage/" and pattern.name == "probe"
    spec = public_routes["public:probe"]
    assert spec.methods == ("GET", "POST") and spec.kwargs == ["kommune_slug"]


def test_a_view_without_public_view_cannot_be_declared_public(clean: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="@public_view"):
        public_path("roh/", lambda request: HttpResponse(""), name="roh")


def test_public_routes_serve_get_and_post_only(clean: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="methods"):
        public_path("umfrage/", probe, name="probe", methods=("PUT",))


def test_the_project_declares_the_page_about_the_kommune() -> None:
    assert "public:kommune" in {spec.key for spec in declared_public_routes()}


# --- "Über diese Kommune" ------------------------------------------------------------------------


def test_the_page_about_the_kommune_shows_name_type_and_land_only(teststadt_publishes: World) -> None:
    response = Client().get(reverse("public:kommune", args=["teststadt"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1" in text and "Über Teststadt" in text
    assert '<dd class="kern-description-list-item__value">Stadt</dd>' in text and "Nordrhein-Westfalen" in text
    assert response.context["about"].keys() == {"name", "kommune_type", "bundesland"}
    assert "05111000" not in text and "45000" not in text and "45.000" not in text
