"""Reports of the role model: the matrix as XLSX/CSV/PDF, the printable role profile, the network graph.

Every member of the Kommune may read them (the same data the pages show). Files are built per
request from the Kommune's own data and never cached across Kommunen.
"""

from __future__ import annotations

import logging

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from kompass.core.ratelimit import limited
from kompass.reports.graphs import GraphError
from kompass.roles import access, exports, graph, pdf
from kompass.roles.models import RelationType
from kompass.tenancy.decorators import TenantRequest, tenant_view

logger = logging.getLogger(__name__)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _file(export: exports.ExportFile) -> HttpResponse:
    return _download(export.content, export.content_type, export.filename)


# --- the matrix as files ---------------------------------------------------------------------


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def matrix_xlsx(request: TenantRequest) -> HttpResponse:
    return _file(exports.matrix_xlsx(exports.matrix_table(request.tenant.kommune)))


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def matrix_csv(request: TenantRequest) -> HttpResponse:
    return _file(exports.matrix_csv(exports.matrix_table(request.tenant.kommune)))


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def matrix_pdf(request: TenantRequest) -> HttpResponse:
    kommune = request.tenant.kommune
    return _download(pdf.matrix_pdf(kommune), exports.CONTENT_TYPES["pdf"], exports.filename(kommune, "pdf"))


# --- the role profile ------------------------------------------------------------------------


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def role_pdf(request: TenantRequest, pk: int) -> HttpResponse:
    """The printable role profile (tasks, responsibilities, relations, current holders)."""
    ctx = request.tenant
    role = access.role_for_view(ctx, pk)
    key = slugify(role.key)[:60] or str(role.pk)
    return _download(pdf.role_profile_pdf(ctx.kommune, role), exports.CONTENT_TYPES["pdf"], f"rollenprofil-{key}.pdf")


# --- the role network graph ------------------------------------------------------------------


class GraphFilterForm(forms.Form):
    art = forms.MultipleChoiceField(
        label=gettext_lazy("Beziehungsarten"),
        choices=RelationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Unbekannte Beziehungsart: %(value)s.")},
    )


@require_safe
@tenant_view
def graph_page(request: TenantRequest) -> HttpResponse:
    """Roles and their typed relations as a picture, with the same facts as a text list."""
    ctx = request.tenant
    form = GraphFilterForm(request.GET or None)
    chosen = (form.cleaned_data["art"] or None) if form.is_valid() else None
    network = graph.role_network(ctx.kommune, chosen)
    svg, failed = "", False
    if network.nodes:
        title = _("Rollennetz der Kommune %(name)s") % {"name": ctx.kommune.name}
        try:
            svg = graph.render_svg(network, title=title, desc=graph.describe(network))
        except GraphError:
            logger.exception("role network graph failed")
            failed = True
    context = {
        "form": form,
        "network": network,
        "svg": svg,
        "graph_failed": failed,
        "node_legend": _node_legend(),
        "edge_legend": _edge_legend(network.types),
        "description": graph.describe(network),
        "breadcrumbs": [(_("Rollen"), reverse("roles:role_list", args=[ctx.kommune.slug])), (_("Rollennetz"), None)],
    }
    return render(request, "roles/graph.html", context)


def _node_legend() -> list[tuple[str, str, str]]:
    """(state key, label, how it looks); external roles and bodies share the ellipse."""
    states, labels = graph.node_styles(), graph.state_labels()
    legend = [(key, labels[key], states[key].description) for key in (graph.FILLED, graph.UNFILLED, graph.NOT_FILLED)]
    external = _("%(a)s oder %(b)s") % {"a": labels[graph.EXTERNAL], "b": labels[graph.BODY]}
    return [*legend, (graph.EXTERNAL, external, states[graph.EXTERNAL].description)]


def _edge_legend(types: list[str]) -> list[tuple[str, str, graph.EdgeStyle]]:
    styles = graph.edge_styles()
    return [(value, str(label), styles[value]) for value, label in RelationType.choices if value in types]
