"""Pages of the shell: start, Kommune dashboard, legal pages, feedback, health."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import mail_admins
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.core.extensions import DASHBOARD_PANELS, ONBOARDING_STEPS
from kompass.core.ratelimit import limited
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext, memberships_of
from kompass.tenancy.decorators import TenantRequest, tenant_view
from kompass.ui.forms import FeedbackForm


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of(request.user)
    if len(memberships) == 1:
        return redirect("ui:dashboard", kommune_slug=memberships[0].kommune.slug)
    return render(request, "ui/home.html", {"memberships": memberships})


@require_safe
@tenant_view
def dashboard(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    panels = [
        {"template": panel.template, **panel.context(ctx)}
        for panel in DASHBOARD_PANELS
        if panel.capability is None or ctx.can(Capability(panel.capability))
    ]
    return render(
        request,
        "ui/dashboard.html",
        {
            "panels": panels,
            "first_steps": first_steps(ctx),
            "can_edit": ctx.can(Capability.EDIT_ORG),
            "can_import": ctx.can(Capability.IMPORT),
            "can_audit": ctx.can(Capability.VIEW_AUDIT),
        },
    )


def first_steps(ctx: TenantContext) -> dict[str, Any]:
    """The "Erste Schritte" checklist: every registered step, whether the Kommune has done it, and its
    links for a member who may take it."""
    steps = []
    for number, step in enumerate(ONBOARDING_STEPS, start=1):
        allowed = step.capability is None or ctx.can(Capability(step.capability))
        steps.append(
            {
                "number": number,
                "step": step,
                "done": step.done(ctx),
                "url": step.url(ctx) if allowed else None,
                "links": step.links(ctx) if allowed and step.links is not None else [],
            }
        )
    done = sum(1 for item in steps if item["done"])
    return {"steps": steps, "done": done, "total": len(steps), "complete": done == len(steps)}


def _legal(template: str, title: str) -> Callable[[HttpRequest], HttpResponse]:
    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template, {"page_title": title})

    return view


impressum = _legal("ui/impressum.html", "Impressum")
privacy = _legal("ui/datenschutz.html", "Datenschutzerklärung")
accessibility = _legal("ui/barrierefreiheit.html", "Erklärung zur Barrierefreiheit")


@require_http_methods(["GET", "HEAD", "POST"])
@limited(
    "feedback.address", methods=["POST"]
)  # reachable without login, and each message is mailed (docs/security.md S7)
def feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None, initial={"page_url": request.GET.get("seite", "")[:500]})
    if request.method == "POST" and form.is_valid():
        entry = form.save()
        mail_admins(
            "Rückmeldung zur Barrierefreiheit",
            f"Seite: {entry.page_url}\nAntwort an: {entry.email or '-'}\n\n{entry.message}",
            fail_silently=True,
        )
        messages.success(request, _("Vielen Dank! Ihre Rückmeldung ist eingegangen."))
        return redirect(reverse("ui:feedback"))
    return render(request, "ui/feedback.html", {"form": form, "feedback_email": settings.FEEDBACK_EMAIL})


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for the orchestrator (docs/security.md R7): the process answers. It asks no database, so an outage
    of the database does not get every app process restarted; readiness is `/readyz` (ops)."""
    return JsonResponse({"status": "ok"})
