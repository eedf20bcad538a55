"""`tenant_view`: members get their context on the request, everybody else is sent away."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from kompass.conftest import World
from kompass.tenancy.decorators import TenantRequest, tenant_view

pytestmark = pytest.mark.django_db


@tenant_view
def who(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # typed: no `type: ignore` needed
    return HttpResponse(f"{ctx.kommune.slug}|{ctx.role}|{ctx.scope_path is not None}|{pk}")


def call(user: object, slug: str = "teststadt") -> HttpResponse:
    request = RequestFactory().get(f"/k/{slug}/probe/7/")
    request.user = user  # type: ignore[assignment]
    return who(request, kommune_slug=slug, pk=7)


def test_a_member_gets_her_kommune_role_and_scope_on_the_request(world: World) -> None:
    assert call(world.admin).content == b"teststadt|admin|False|7"
    assert call(world.editor).content == b"teststadt|editor|True|7"


def test_an_anonymous_visitor_is_sent_to_the_login_with_the_address_to_come_back_to() -> None:
    response = call(AnonymousUser())
    assert response.status_code == 302 and "next=/k/teststadt/probe/7/" in response["Location"]


def test_a_member_of_another_kommune_gets_404(world: World) -> None:
    with pytest.raises(Http404):
        call(world.outsider)


def test_an_unknown_kommune_gives_404_even_to_a_member_elsewhere(world: World) -> None:
    with pytest.raises(Http404):
        call(world.admin, slug="gibt-es-nicht")
