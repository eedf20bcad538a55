"""Declared tenant routes: `tenant_path` gives a normal URL pattern and records who may use it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import TenantRequest, is_tenant_view, tenant_view
from kompass.tenancy.routes import Access, declared_routes, edits, posts, reads, tenant_path, tenant_routes


@require_safe
@tenant_view
def page(request: TenantRequest, pk: int = 0) -> HttpResponse:
    return HttpResponse(request.tenant.kommune.name)


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@pytest.fixture
def clean() -> Iterator[None]:
    before = set(tenant_routes.keys())
    yield
    for key in set(tenant_routes.keys()) - before:
        tenant_routes.unregister(key)


def test_a_declared_route_is_a_normal_pattern_below_the_kommune_slug(clean: None) -> None:
    pattern = tenant_path(
        "probe/<int:pk>/", page, name="probe", access=edits(Capability.EDIT_ORG), objects={"pk": "unit"}
    )
    assert str(pattern.pattern) == "k/<slug:kommune_slug>/probe/<int:pk>/"
    assert pattern.name == "probe" and pattern.callback is page
    assert pattern.resolve("k/teststadt/probe/7/").kwargs == {"kommune_slug": "teststadt", "pk": 7}


def test_the_declaration_records_capability_methods_and_object_kinds(clean: None) -> None:
    tenant_path("probe/<int:pk>/", page, name="probe", access=edits(Capability.EDIT_ORG), objects={"pk": "unit"})
    spec = tenant_routes["tenancy:probe"]
    assert spec.access == Access(Capability.EDIT_ORG, ("GET", "POST")) and spec.access.writes
    assert spec.objects == {"pk": "unit"} and spec.kwargs == ["kommune_slug", "pk"]


def test_the_namespace_is_the_views_app_unless_given(clean: None) -> None:
    tenant_path("probe/", page, name="probe", access=reads())
    tenant_path("probe2/", page, name="probe", access=reads(), namespace="elsewhere")
    assert "tenancy:probe" in tenant_routes and "elsewhere:probe" in tenant_routes


def test_the_access_shorthands_name_the_methods() -> None:
    assert reads() == Access(None, ("GET",)) and not reads().writes
    assert posts(Capability.IMPORT) == Access(Capability.IMPORT, ("POST",)) and posts(Capability.IMPORT).writes


def test_a_view_without_tenant_view_cannot_be_declared(clean: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="@tenant_view"):
        tenant_path("probe/", plain, name="probe", access=reads())


def test_object_kinds_must_name_kwargs_of_the_route(clean: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="kwargs"):
        tenant_path("probe/", page, name="probe", access=reads(), objects={"pk": "unit"})


def test_only_get_and_post_can_be_declared(clean: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="methods"):
        tenant_path("probe/", page, name="probe", access=Access(None, ("DELETE",)))


def test_declaring_a_route_again_is_harmless_but_another_route_under_its_name_is_an_error(clean: None) -> None:
    tenant_path("probe/", page, name="probe", access=reads())
    tenant_path("probe/", page, name="probe", access=reads())
    with pytest.raises(ImproperlyConfigured, match="twice"):
        tenant_path("probe/", page, name="probe", access=reads(Capability.VIEW_AUDIT))


def test_method_decorators_keep_the_mark_of_tenant_view() -> None:
    assert is_tenant_view(page) and not is_tenant_view(plain)


def test_the_org_app_declares_its_routes_in_the_project_urlconf() -> None:
    specs = {spec.key: spec for spec in declared_routes()}
    assert specs["org:unit_edit"].access == edits(Capability.EDIT_ORG)
    assert specs["org:unit_edit"].objects == {"pk": "unit"}
    assert specs["org:import_preview"].access == posts(Capability.IMPORT)
    assert specs["org:tree"].access == reads()
