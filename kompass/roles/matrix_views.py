"""The responsibility matrix (RACI): the grid page, saving one cell, and the row form without script.

Thin views: parse, authorise (`roles.access`), call `services.raci_set`, render. Every save names
the letter the editor saw (`expected`), so a change someone else made meanwhile is reported,
never overwritten. Readers and a Redaktion limited to a unit see the matrix read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.core.exceptions import ConflictError
from kompass.roles import access, exports, services
from kompass.roles.models import ActivityTemplate, Raci, Role
from kompass.tenancy.decorators import TenantRequest, tenant_view

LETTER_CHOICES = [("", gettext_lazy("– (leer)")), *Raci.choices]
LETTERS = {value for value, _label in LETTER_CHOICES}


def _crumbs(ctx: Any, *extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    slug = ctx.kommune.slug
    return [
        (_("Rollen"), reverse("roles:role_list", args=[slug])),
        (_("Verantwortungsmatrix"), reverse("roles:matrix", args=[slug])),
        *extra,
    ]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """Malformed input: a German message, status 400, nothing changed."""
    if _wants_json(request):
        return JsonResponse({"message": message}, status=400)
    context = {"status": 400, "title": _("Ungültige Eingabe"), "text": message}
    return render(request, "ui/error.html", context, status=400)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- the grid --------------------------------------------------------------------------------


@require_safe
@tenant_view
def matrix(request: TenantRequest) -> HttpResponse:
    """Activities × roles with R/A/C/I, a check per row, the legend and the exports."""
    ctx = request.tenant
    table = exports.matrix_table(ctx.kommune)
    context = {
        "table": table,
        "legend": exports.letter_meanings(),
        "can_edit": access.can_edit_model(ctx),
        "breadcrumbs": [*_crumbs(ctx)[:1], (_("Verantwortungsmatrix"), None)],
    }
    return render(request, "roles/matrix.html", context)


MAX_ID = 2**63 - 1  # SECURITY: larger numbers would overflow PostgreSQL's bigint (a 500, not a 404)


class CellForm(forms.Form):
    activity = forms.IntegerField(min_value=1, max_value=MAX_ID)
    role = forms.IntegerField(min_value=1, max_value=MAX_ID)
    letter = forms.ChoiceField(choices=LETTER_CHOICES, required=False)
    expected = forms.ChoiceField(choices=LETTER_CHOICES, required=False)


def _cell_form_problem(form: CellForm, data: Any) -> str | None:
    if "expected" not in data:
        return _("Es fehlt der bisherige Wert der Zelle (expected); ohne ihn kann nichts gespeichert werden.")
    if form.is_valid():
        return None
    if "letter" in form.errors or "expected" in form.errors:
        return _("Erlaubt sind nur R, A, C, I oder ein leeres Feld.")
    return _("Aktivität und Rolle müssen als Nummern angegeben sein.")


def _activity(pk: int) -> ActivityTemplate:
    # Activities are a global catalogue (not tenant data); an unknown number is simply not found.
    activity = ActivityTemplate.objects.filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def _active_role(ctx: Any, pk: int) -> Role:
    role = access.role_for_view(ctx, pk)
    if not role.is_active:
        raise Http404
    return role


@require_POST
@tenant_view
def matrix_cell(request: TenantRequest) -> HttpResponse:
    """Set or clear one cell (from the grid's script as JSON, or from a plain form: redirect)."""
    ctx = request.tenant
    access.require_model_editor(ctx)
    form = CellForm(request.POST)
    problem = _cell_form_problem(form, request.POST)
    if problem:
        return _bad_request(request, problem)
    activity = _activity(form.cleaned_data["activity"])
    role = _active_role(ctx, form.cleaned_data["role"])
    letter, expected = form.cleaned_data["letter"] or None, form.cleaned_data["expected"] or None
    status, message = 200, ""
    try:
        services.raci_set(
            kommune=ctx.kommune, actor=ctx.user, activity=activity, role=role, letter=letter, expected=expected
        )
        message = _("Gespeichert: %(role)s bei „%(activity)s“: %(letter)s.") % {
            "role": role.short_name or role.name,
            "activity": activity.name,
            "letter": letter or _("leer"),
        }
    except ConflictError as exc:
        status, message = 409, str(exc)
    except ValidationError as exc:
        status, message = 422, _error_text(exc)
    return _cell_answer(request, ctx, activity, role, status, message)


def _cell_answer(
    request: HttpRequest, ctx: Any, activity: ActivityTemplate, role: Role, status: int, message: str
) -> HttpResponse:
    """The cell's letter as the server holds it now, and the row's check."""
    row = exports.row_status(ctx.kommune, activity)
    current = next((letter for r, letter in row.cells if r.pk == role.pk), "")
    if _wants_json(request):
        payload = {"letter": current, "message": message, "ok": status == 200, "row_ok": row.ok}
        payload["row_status"] = row.status_text
        return JsonResponse(payload, status=status)
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(reverse("roles:matrix", args=[ctx.kommune.slug]) + f"#zeile-{activity.pk}")


# --- the row form (works without JavaScript) -------------------------------------------------


class ActivityChoiceForm(forms.Form):
    aktivitaet = forms.TypedChoiceField(label=gettext_lazy("Aktivität"), coerce=int, choices=())

    def __init__(self, *args: Any, activities: list[ActivityTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["aktivitaet"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(a.pk, a.name) for a in activities]


class MatrixRowForm(forms.Form):
    """One select per role (R/A/C/I/leer) and, hidden, the letter each cell showed when loaded."""

    def __init__(self, *args: Any, roles: list[Role], shown: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = roles
        for role in roles:
            self.fields[f"rolle_{role.pk}"] = forms.ChoiceField(
                label=role.label, choices=LETTER_CHOICES, required=False, initial=shown.get(role.pk, "")
            )
            self.fields[f"erwartet_{role.pk}"] = forms.ChoiceField(
                choices=LETTER_CHOICES, required=False, initial=shown.get(role.pk, ""), widget=forms.HiddenInput
            )

    def changes(self) -> list[tuple[Role, str | None, str | None]]:
        """(role, new letter, letter shown) for every cell the editor changed."""
        result = []
        for role in self.roles:
            new = self.cleaned_data.get(f"rolle_{role.pk}") or None
            shown = self.cleaned_data.get(f"erwartet_{role.pk}") or None
            if new != shown:
                result.append((role, new, shown))
        return result

    def role_fields(self) -> list[forms.BoundField]:
        return [self[f"rolle_{role.pk}"] for role in self.roles]


@transaction.atomic
def _parse_activity_param(request: HttpRequest) -> int | str | None:
    """The row's activity number from the form (POST) or the address (GET); None: not chosen yet."""
    source = request.POST if request.method == "POST" else request.GET
    raw = str(source.get("aktivitaet", "")).strip()
    if not raw:
        return _("Bitte wählen Sie eine Aktivität.") if request.method == "POST" else None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        return _("Die Aktivität muss als Nummer angegeben sein.")
    return int(raw)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def matrix_row(request: TenantRequest) -> HttpResponse:
    """Edit one activity's row with an ordinary form: the keyboard-grid alternative without script."""
    ctx = request.tenant
    access.require_model_editor(ctx)
    parsed = _parse_activity_param(request)
    if isinstance(parsed, str):
        return _bad_request(request, parsed)
    table = exports.matrix_table(ctx.kommune)
    if parsed is None:
        return _row_chooser(request, ctx, table)
    activity = _activity(parsed)
    row = next((r for r in table.rows if r.activity.pk == activity.pk), None)
    shown = {role.pk: letter for role, letter in row.cells} if row else {}
    form = MatrixRowForm(request.POST or None, roles=table.roles, shown=shown)
    if request.method == "POST" and form.is_valid():
        try:
            services.raci_set_row(kommune=ctx.kommune, actor=ctx.user, activity=activity, changes=form.changes())
        except ConflictError as exc:
            messages.error(request, str(exc))
            return redirect(reverse("roles:matrix_row", args=[ctx.kommune.slug]) + f"?aktivitaet={activity.pk}")
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Die Zeile „%(name)s“ wurde gespeichert.") % {"name": activity.name})
            return redirect(reverse("roles:matrix", args=[ctx.kommune.slug]) + f"#zeile-{activity.pk}")
    context = {
        "form": form,
        "activity": activity,
        "row": row,
        "legend": exports.letter_meanings(),
        "breadcrumbs": _crumbs(ctx, (activity.name, None)),
    }
    return render(request, "roles/matrix_row.html", context)


def _row_chooser(request: HttpRequest, ctx: Any, table: exports.MatrixTable) -> HttpResponse:
    form = ActivityChoiceForm(activities=[row.activity for row in table.rows])
    context = {"choice_form": form, "breadcrumbs": _crumbs(ctx, (_("Zeile bearbeiten"), None))}
    return render(request, "roles/matrix_row.html", context)
