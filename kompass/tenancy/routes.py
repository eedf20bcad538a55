"""Tenant routes that say who may use them: `tenant_path` declares a page inside a Kommune.

    urlpatterns = [
        tenant_path("organisation/einheiten/", views.unit_list, name="unit_list", access=reads()),
        tenant_path(
            "organisation/einheiten/<int:pk>/bearbeiten/",
            views.unit_edit,
            name="unit_edit",
            access=edits(Capability.EDIT_ORG),
            objects={"pk": "unit"},
        ),
    ]

`tenant_path` returns an ordinary `URLPattern` below `k/<slug:kommune_slug>/` and records in
`tenant_routes` what the route is: the capability it needs (`None`: every member), the methods it
serves (GET pages, POST writes) and which kind of object each id in the address names. The view
still enforces all of it (`tenant_view`, `ctx.require`, the access functions); the declaration is
what the isolation test (`kompass/ui/tests/test_isolation.py`) derives the expected answer of every
persona from, so a view that enforces less or more than its route declares fails there.

A capability outside `KOMMUNE_WIDE` (editing units, people) is checked on an object: the one named
by the address, or — for a create form — the place named in the request body; the empty form page
itself is open to every member who may do it somewhere (a Redaktion limited to a subtree).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, get_resolver, path

from kompass.core.registry import Registry
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import is_tenant_view

PREFIX = "k/<slug:kommune_slug>/"
METHODS = ("GET", "POST")  # GET includes HEAD; pages answer anything else with 405
KWARG = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


@dataclass(frozen=True)
class Access:
    """Who may use a route and how: the capability it needs (`None`: every member) and its methods."""

    capability: Capability | None = None
    methods: tuple[str, ...] = ("GET",)

    @property
    def writes(self) -> bool:
        return "POST" in self.methods


def reads(capability: Capability | None = None) -> Access:
    """A page (GET), by default for every member of the Kommune."""
    return Access(capability, ("GET",))


def edits(capability: Capability) -> Access:
    """A form page: shown with GET, sent with POST."""
    return Access(capability, ("GET", "POST"))


def posts(capability: Capability) -> Access:
    """An action without a page of its own (POST only)."""
    return Access(capability, ("POST",))


@dataclass(frozen=True)
class TenantRoute:
    key: str  # the namespaced URL name, e.g. "org:unit_edit"
    route: str  # the pattern, with the `k/<slug:kommune_slug>/` prefix
    view: Callable[..., Any]
    access: Access
    objects: Mapping[str, str] = field(default_factory=dict)  # URL kwarg → object kind ("unit", "person" …)

    @property
    def kwargs(self) -> list[str]:
        return KWARG.findall(self.route)


def _validate(spec: TenantRoute) -> None:
    if not is_tenant_view(spec.view):
        raise ImproperlyConfigured(f"{spec.key}: the view of a tenant route must be wrapped by @tenant_view")
    if not spec.access.methods or set(spec.access.methods) - set(METHODS):
        raise ImproperlyConfigured(f"{spec.key}: methods must be among {METHODS}, got {spec.access.methods}")
    unknown = set(spec.objects) - set(spec.kwargs)
    if unknown:
        raise ImproperlyConfigured(f"{spec.key}: objects name kwargs the route does not have: {sorted(unknown)}")


tenant_routes: Registry[TenantRoute] = Registry("tenancy.tenant_routes", validate=_validate)


def tenant_path(
    route: str,
    view: Callable[..., Any],
    *,
    name: str,
    access: Access,
    objects: Mapping[str, str] | None = None,
    namespace: str | None = None,
) -> URLPattern:
    """`path(f"k/<slug:kommune_slug>/{route}", view, name=name)`, declared in `tenant_routes`.

    `namespace` defaults to the label of the view's app, which is the `app_name` of its URLconf
    by convention (the isolation test checks that every declared key matches the resolver's name).
    """
    namespace = namespace or _app_label(view)
    spec = TenantRoute(f"{namespace}:{name}", PREFIX + route, view, access, dict(objects or {}))
    if tenant_routes.get(spec.key) != spec:  # importing a URLconf twice declares the same route again
        tenant_routes.register(spec)
    pattern = path(spec.route, view, name=name)
    pattern.tenant_route = spec  # type: ignore[attr-defined]  # for the isolation test's resolver walk
    return pattern


def _app_label(view: Callable[..., Any]) -> str:
    config = apps.get_containing_app_config(view.__module__)
    if config is None:
        raise ImproperlyConfigured(f"{view.__module__}: tenant_path needs a namespace for views outside an app")
    return config.label


def declared_routes() -> list[TenantRoute]:
    """Every declared tenant route (loads the project's URLconf first, which declares them)."""
    get_resolver().url_patterns  # noqa: B018  # importing the URLconfs fills the registry
    return list(tenant_routes)
