"""Import and export page (built out by the import/export work)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kompass.core.decorators import tenant_view


@require_GET
@tenant_view
def import_export(request: HttpRequest) -> HttpResponse:
    return render(request, "org/import_export.html", {"breadcrumbs": [(_("Import und Export"), None)]})
