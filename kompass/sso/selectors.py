"""Reads of the sso pages, scoped to one Kommune."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from kompass.sso.models import OidcGroupMapping, OidcProvider
from kompass.tenancy.models import Kommune


def providers(kommune: Kommune) -> QuerySet[OidcProvider]:
    """The Kommune's own identity providers with their group mappings: two queries, however many."""
    mappings = OidcGroupMapping.objects.for_kommune(kommune).select_related("scope_unit").order_by("group", "pk")
    return (
        OidcProvider.objects.for_kommune(kommune)
        .order_by("name", "pk")
        .prefetch_related(Prefetch("mappings", queryset=mappings, to_attr="mapping_list"))
    )
