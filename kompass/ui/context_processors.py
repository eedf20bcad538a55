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


@dataclass(frozen=True)
class NavSection:
    """A module's item of the main navigation: a plain link when the member sees one of its entries,
    a group that opens its list of entries otherwise. `current` marks the group of the page shown."""

    key: str
    label: str
    links: list[NavLink]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def single(self) -> NavLink | None:
        return self.links[0] if len(self.links) == 1 else None


def main_navigation(request: HttpRequest, tenant: TenantContext) -> list[NavSection]:
    """The main navigation of the Kommune by module: the registered entries the member may see,
    in their groups; a group of which the member sees nothing is left out."""
    match, path = request.resolver_match, request.path
    sections = []
    for group, entries in navigation():
        links = []
        for entry in entries:
            if entry.capability is not None and not tenant.can(Capability(entry.capability)):
                continue
            url = reverse(entry.url_name, args=[tenant.kommune.slug])
            current = entry.current(match, path, url) if entry.current else path.startswith(url)
            links.append(NavLink(str(entry.label), url, current))
        if links:
            sections.append(NavSection(group.key, str(group.label), links))
    return sections


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
