"""The shipped role catalogues: global data of no Kommune, the same for every member, read-only."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router

from kompass.api.gate import path_object
from kompass.api.routers.common import page
from kompass.api.routers.roles.common import BASE
from kompass.api.routers.roles.schemas import CatalogueDetailOut, CatalogueFilters, CataloguePage
from kompass.roles import overview
from kompass.roles.models import Catalogue, CatalogueRole

router = Router()


def _catalogues() -> Any:
    return Catalogue.objects.order_by("key", "id").prefetch_related(
        Prefetch("roles", queryset=CatalogueRole.objects.order_by("id"))
    )


def _mark_latest(catalogues: list[Catalogue]) -> list[Catalogue]:
    latest = {c.pk for c in overview.latest_catalogues().values()}
    for catalogue in catalogues:
        catalogue.is_latest = catalogue.pk in latest  # type: ignore[attr-defined]
    return catalogues


@router.get(BASE + "/katalog", response=CataloguePage, summary="Rollenkataloge", url_name="role_catalogue_list")
def catalogue_list(request: HttpRequest, kommune_slug: str, filters: Query[CatalogueFilters]) -> dict[str, Any]:
    """Die mitgelieferten Rollenkataloge (KGSt-orientiert, IT-PLR E-Kompetenz) in allen geladenen Fassungen."""
    result = page(_catalogues(), filters.limit, filters.offset)
    result["items"] = _mark_latest(result["items"])
    return result


@router.get(
    BASE + "/katalog/{catalogue_id}",
    response=CatalogueDetailOut,
    summary="Ein Rollenkatalog",
    url_name="role_catalogue_detail",
)
def catalogue_detail(request: HttpRequest, kommune_slug: str, catalogue_id: int) -> Catalogue:
    """Eine Katalogfassung mit ihren Rollen und den Beziehungen zwischen ihnen."""
    catalogue = _catalogues().prefetch_related("relations").get(pk=path_object(request, "catalogue_id").pk)
    return _mark_latest([catalogue])[0]
