"""What the role pages share: breadcrumbs and links to pages other apps may provide."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kompass.roles.models import Role


def roles_crumb(ctx: Any) -> tuple[str, str]:
    return (_("Rollen"), reverse("roles:role_list", args=[ctx.kommune.slug]))


def role_crumbs(ctx: Any, role: Role) -> list[tuple[str, str | None]]:
    return [roles_crumb(ctx), (role.name, reverse("roles:role_detail", args=[ctx.kommune.slug, role.pk]))]


def assignments_crumb(ctx: Any) -> tuple[str, str]:
    return (_("Zuordnungen"), reverse("roles:assignment_list", args=[ctx.kommune.slug]))


def optional_url(name: str, *args: Any) -> str | None:
    """A link to a page another part of the app may not provide (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None
