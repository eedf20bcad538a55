"""`tenant_view`: the entry of every page inside a Kommune (`/k/<kommune_slug>/…`).

Anonymous visitors go to the login; users who are not members of the Kommune get 404
(`resolve_tenant`); the resolved `TenantContext` is available as `request.tenant`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from kompass.tenancy.context import resolve_tenant


def tenant_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, kommune_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.tenant = resolve_tenant(request.user, kommune_slug)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
