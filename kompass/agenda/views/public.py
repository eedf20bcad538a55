"""The public transparency page of the digital agenda and its explanation in Leichte Sprache.

Anonymous, read-only, the same for everyone (no form, no cookie, no session: the page has its own
shell without the language form's CSRF token), so shared caches may keep it for five minutes.
The rendered page is also kept in Django's cache under the Kommune's change stamp
(`public_page.change_stamp`) and the language; the ETag is that key, so a browser that has the
page gets a 304. 404 while the Kommune has not switched the page on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from kompass.agenda import public_page
from kompass.agenda.models import MeasureStatus
from kompass.tenancy.public import PublicRequest, public_view


def _cached(request: PublicRequest, page: str, render: Callable[[], str]) -> HttpResponse:
    """The page from the cache when the Kommune's stamp is unchanged, else rendered and kept."""
    kommune = request.public.kommune
    if not public_page.is_published(kommune):
        raise Http404
    stamp = public_page.change_stamp(kommune)
    language = translation.get_language() or "de"
    key = f"agenda-public:{kommune.pk}:{page}:{language}"
    etag = '"' + hashlib.sha256(f"{key}:{stamp}".encode()).hexdigest()[:32] + '"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        kept = cache.get(key)
        if kept is None or kept[0] != stamp:
            kept = (stamp, render())
            cache.set(key, kept, public_page.CACHE_SECONDS)
        response = HttpResponse(kept[1])
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=public_page.CACHE_SECONDS)
    patch_vary_headers(response, ("Cookie",))  # the language comes from a cookie
    return response


def _context(request: PublicRequest, page: str, agenda: object = None) -> dict[str, object]:
    kommune = request.public.kommune
    agenda = agenda or public_page.content(kommune)
    if agenda is None:
        raise Http404
    slug = kommune.slug
    return {
        "agenda": agenda,
        "kommune_name": kommune.name,
        "page_url": reverse("public:agenda", args=[slug]),
        "easy_url": reverse("public:agenda_leichte_sprache", args=[slug]),
        "kpis_url": reverse("public:agenda_kennzahlen", args=[slug]),
        "about_url": reverse("public:kommune", args=[slug]),
        "statuses": MeasureStatus,
        "page": page,
        "request_path": request.path,
    }


@require_safe
@public_view
def agenda(request: PublicRequest) -> HttpResponse:
    """The decided agenda, each measure's status and the public KPIs in one table (their charts are
    on `kennzahlen`)."""
    return _cached(
        request,
        "seite",
        lambda: render_to_string("agenda/public/agenda.html", _context(request, "seite")),
    )


@require_safe
@public_view
def leichte_sprache(request: PublicRequest) -> HttpResponse:
    """The agenda explained in Leichte Sprache (BITV 2.0 § 4: information in Leichter Sprache)."""
    return _cached(
        request,
        "leichte-sprache",
        lambda: render_to_string("agenda/public/leichte_sprache.html", _context(request, "leichte-sprache")),
    )


@require_safe
@public_view
def kennzahlen(request: PublicRequest) -> HttpResponse:
    """The public KPIs, ten to a page, each with its chart and its values as a table (`?seite=`)."""
    kommune = request.public.kommune
    total = public_page.kpi_count(kommune)
    number = public_page.kpi_page_number(request.GET.get("seite", "1"), total)

    def render() -> str:
        context = _context(request, "kennzahlen", public_page.header(kommune, total))
        context["kpi_page"] = public_page.kpi_page(kommune, number)
        return render_to_string("agenda/public/kennzahlen.html", context)

    return _cached(request, f"kennzahlen-{number}", render)
