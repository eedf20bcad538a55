"""The board (Tafel): the measures in one column per status. A card moves by posting its new status
with a note to `agenda:measure_status` — a select and a button on every card, so it works by
keyboard and without script; with htmx the board is swapped in place after the move."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.agenda import access
from kompass.agenda import selectors_measures as selectors
from kompass.agenda.forms_measures import StatusForm
from kompass.agenda.models import MeasureStatus
from kompass.agenda.views.measures import common, crumbs, filter_form, portfolio_crumb, views_nav
from kompass.tenancy.decorators import TenantRequest, tenant_view


@require_safe
@tenant_view
def board(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    form, filters = filter_form(request, ctx, with_status=False)
    columns = selectors.board(ctx.kommune, filters)
    editable = {
        row.measure.pk for column in columns for row in column.rows if access.can_edit_measure(ctx, row.measure)
    }
    return render(
        request,
        "agenda/measures/board.html",
        {
            **common(ctx),
            "form": form,
            "columns": columns,
            "editable": editable,
            "statuses": MeasureStatus.choices,
            "status_form": StatusForm(),
            "back": request.get_full_path(),
            "views": views_nav(ctx, "board", request),
            "breadcrumbs": crumbs(ctx, portfolio_crumb(ctx), (_("Tafel nach Status"), None)),
        },
    )
