"""Who is acting in which Kommune: resolved once per request from the URL's Kommune slug.

`resolve_tenant` is the gate every tenant URL passes: a user who is not a member (and has
no audited operator access) gets 404, so other Kommunen are not even confirmed to exist; the
members of a suspended Kommune get 403 with the reason (`KommuneSuspended`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.core.actors import ActingUser
from kompass.tenancy import rls
from kompass.tenancy.capabilities import Capability, role_allows
from kompass.tenancy.models import Kommune, Membership, OperatorAccess, Role

if TYPE_CHECKING:
    from kompass.org.models import OrgUnit


@dataclass(frozen=True)
class TenantContext:
    kommune: Kommune
    user: ActingUser  # the member (or operator) acting; services take it as their `actor`
    role: str
    scope_unit: OrgUnit | None = None
    is_operator: bool = False

    @property
    def capabilities(self) -> frozenset[str]:
        """Kommune-wide capabilities, for templates: `{% if "view_audit" in tenant.capabilities %}`."""
        return frozenset(str(c) for c in Capability if self.can(c))

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def scope_path(self) -> str | None:
        return self.scope_unit.path if self.scope_unit is not None else None

    def can(self, capability: Capability, unit: OrgUnit | None = None) -> bool:
        target = unit.path if unit is not None else None
        return role_allows(self.role, capability, scope_path=self.scope_path, target_path=target)

    def require(self, capability: Capability, unit: OrgUnit | None = None) -> None:
        if not self.can(capability, unit):
            raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung in dieser Kommune."))


class KommuneSuspended(PermissionDenied):
    """The platform operators have suspended the Kommune: its members learn why (403), while anyone
    else still gets the 404 that does not confirm the Kommune exists."""

    def __init__(self, kommune: Kommune) -> None:
        message = _(
            "Die Kommune „%(name)s“ ist vom Betrieb der Plattform gesperrt. Ihre Daten bleiben erhalten, "
            "aber bis die Sperre aufgehoben ist, kann niemand sie öffnen."
        ) % {"name": kommune.name}
        if kommune.suspension_reason:
            message += " " + _("Grund: %(reason)s") % {"reason": kommune.suspension_reason}
        super().__init__(message)
        self.kommune = kommune


def active_operator_access(user: Any, kommune: Kommune) -> OperatorAccess | None:
    if not (user.is_authenticated and user.is_superuser):
        return None
    return OperatorAccess.objects.for_kommune(kommune).filter(operator=user, expires_at__gt=timezone.now()).first()


def resolve_tenant(user: Any, kommune_slug: str) -> TenantContext:
    """The acting user's context in the Kommune `kommune_slug`, or 404.

    On PostgreSQL with row-level security the look-up runs before any Kommune is set (a reviewed
    platform access, T4); the resolved Kommune is then set for the rest of the request.
    """
    if not user.is_authenticated:
        raise Http404
    with rls.platform_access():
        context = _resolve(user, kommune_slug)
    rls.activate(context.kommune.pk)
    return context


def _resolve(user: Any, kommune_slug: str) -> TenantContext:
    membership = (
        Membership.objects.filter(kommune__slug=kommune_slug, user=user, user__is_active=True)
        .select_related("kommune", "scope_unit")
        .first()
    )
    if membership is not None:
        if membership.kommune.is_suspended:
            raise KommuneSuspended(membership.kommune)
        return TenantContext(membership.kommune, user, membership.role, membership.scope_unit)
    kommune = Kommune.objects.filter(slug=kommune_slug).first()
    # A suspended Kommune stays open to an operator's reasoned, read-only access (e.g. to hand over
    # its data before it leaves the platform); that access is in its log like any other.
    if kommune is not None and active_operator_access(user, kommune) is not None:
        return TenantContext(kommune, user, Role.READER, None, is_operator=True)
    raise Http404


def memberships_of(user: Any) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.unscoped()  # a user's own memberships across Kommunen
        .filter(user=user)
        .select_related("kommune")
        .order_by("kommune__name")
    )
