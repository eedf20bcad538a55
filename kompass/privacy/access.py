"""Fetching the subject of a Datenschutz page: a person or a member of the acting Kommune (404 otherwise)."""

from __future__ import annotations

from django.http import Http404

from kompass.privacy import selectors
from kompass.privacy.selectors import DataSubject
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext
from kompass.tenancy.models import Membership

# Only the Administration sees and erases everything about a person (there is no DSB role yet).
CAPABILITY = Capability.MANAGE_KOMMUNE


def person_subject(ctx: TenantContext, pk: int) -> DataSubject:
    person = selectors.person_get(ctx.kommune, pk)
    if person is None:
        raise Http404
    ctx.require(CAPABILITY)
    return DataSubject.build(ctx.kommune, person=person)


def member_subject(ctx: TenantContext, pk: int) -> DataSubject:
    membership = Membership.objects.for_kommune(ctx.kommune).select_related("user").filter(pk=pk).first()
    if membership is None:
        raise Http404
    ctx.require(CAPABILITY)
    return DataSubject.build(ctx.kommune, user=membership.user)
