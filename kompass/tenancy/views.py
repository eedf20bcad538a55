from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kompass.accounts.capabilities import Capability
from kompass.audit.selectors import history_for
from kompass.core.decorators import tenant_view
from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import add_service_errors
from kompass.tenancy import services
from kompass.tenancy.forms import KommuneForm


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def kommune_settings(request: HttpRequest) -> HttpResponse:
    """Master data of the Kommune, maintained by its administration."""
    ctx = request.tenant  # type: ignore[attr-defined]
    ctx.require(Capability.MANAGE_KOMMUNE)
    form = KommuneForm(request.POST or None, initial=KommuneForm.initial_for(ctx.kommune))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.kommune_update(
                kommune=ctx.kommune, actor=request.user, data=data, expected_version=form.cleaned_data.get("version")
            )
            messages.success(request, _("Die Stammdaten wurden gespeichert."))
            return redirect("tenancy:settings", ctx.kommune.slug)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "tenancy/settings.html",
        {
            "form": form,
            "history": history_for(ctx, ctx.kommune),
            "breadcrumbs": [(_("Stammdaten der Kommune"), None)],
        },
    )
