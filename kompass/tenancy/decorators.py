"""`tenant_view`: the entry of every page inside a Kommune (`/k/<kommune_slug>/…`).

Anonymous visitors go to the login; users who are not members of the Kommune get 404
(`resolve_tenant`); the resolved `TenantContext` is available as `request.tenant`.

Views behind the decorator are written as `def view(request: TenantRequest, …) -> HttpResponse`:
`TenantRequest` tells the type checker what the decorator and the middleware put on the request,
so `request.tenant` and `request.htmx` need no `type: ignore`. Views typed with a plain
`HttpRequest` keep working.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from kompass.tenancy.context import TenantContext, resolve_tenant

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

P = ParamSpec("P")


class TenantRequest(HttpRequest):
    """A request inside a Kommune, after `tenant_view`. For type annotations only: never instantiated."""

    tenant: TenantContext
    htmx: HtmxDetails  # django_htmx.middleware.HtmxMiddleware


TenantView = Callable[Concatenate[TenantRequest, P], HttpResponse]


def tenant_view(view: TenantView[P]) -> Callable[Concatenate[HttpRequest, str, P], HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, kommune_slug: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        tenant_request = cast(TenantRequest, request)
        tenant_request.tenant = resolve_tenant(request.user, kommune_slug)
        return view(tenant_request, *args, **kwargs)

    wrapper.tenant_view = True  # type: ignore[attr-defined]  # checked by `routes.tenant_path`
    return wrapper


def is_tenant_view(view: Any) -> bool:
    """Does `view` (possibly wrapped by method decorators, which copy attributes) resolve the tenant?"""
    return bool(getattr(view, "tenant_view", False))
