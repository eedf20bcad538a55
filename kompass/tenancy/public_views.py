"""The public page every publishing Kommune has: who she is (name, type, Land), nothing more."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kompass.tenancy.public import PublicRequest, public_view


@require_safe
@public_view
def kommune(request: PublicRequest) -> HttpResponse:
    """ "Über diese Kommune": the public master data, so a visitor of a survey knows who asks.

    Population, AGS, members and the organisation stay inside; the template gets the three
    public fields only, not the Kommune object.
    """
    k = request.public.kommune
    about = {
        "name": k.name,
        "kommune_type": k.get_kommune_type_display(),
        "bundesland": k.get_bundesland_display(),
    }
    return render(request, "tenancy/public_kommune.html", {"about": about, "breadcrumbs": [(k.name, None)]})
