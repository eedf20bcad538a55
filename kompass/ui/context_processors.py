from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from kompass.core.extensions import navigation
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext, memberships_of


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def main_navigation(request: HttpRequest, tenant: TenantContext) -> list[tuple[Any, list[NavLink]]]:
    """The main navigation of the Kommune by module: the registered entries the member may see."""
    match, path = request.resolver_match, request.path
    groups = []
    for group, entries in navigation():
        links = []
        for entry in entries:
            if entry.capability is not None and not tenant.can(Capability(entry.capability)):
                continue
            url = reverse(entry.url_name, args=[tenant.kommune.slug])
            current = entry.current(match, path, url) if entry.current else path.startswith(url)
            links.append(NavLink(str(entry.label), url, current))
        if links:
            groups.append((group, links))
    return groups


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: the current Kommune, its navigation, the switcher entries, the
    feedback address."""
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    return {
        "tenant": tenant,
        "main_nav": main_navigation(request, tenant) if isinstance(tenant, TenantContext) else [],
        "my_memberships": memberships_of(user) if user is not None else [],
        "feedback_email": settings.FEEDBACK_EMAIL,
    }
