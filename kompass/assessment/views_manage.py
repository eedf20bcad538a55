"""Pages that run the self-assessment's surveys: list, form, questionnaire, detail with its actions,
invitations and reminders, and the Kommune's k. Thin: parse, authorise (`access`), call the
services, render.

Every member reads campaigns; running them needs `MANAGE_SURVEYS`, raising k `MANAGE_KOMMUNE`.
Answers are never counted exactly on these pages while a campaign runs (steps of k); invitations
are. Personal links exist only in the response that creates them (mail, CSV, letters).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from kompass.assessment import access, invitations, manage_selectors, results, services
from kompass.assessment.forms_manage import (
    CHANNEL_HINTS,
    LOCKED_REASON,
    CampaignForm,
    ConfirmForm,
    InviteForm,
    QuestionnaireForm,
    RemindForm,
    SettingsForm,
    resolve_choice,
)
from kompass.assessment.models import Audience, Campaign, CampaignStatus, Channel
from kompass.audit.selectors import history_for
from kompass.core.forms_util import add_service_errors, form_page, form_version, success
from kompass.core.ratelimit import count_request, too_many_requests
from kompass.framework import selectors as framework_selectors
from kompass.org.models import NATURAL_ORDER, OrgUnit
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view

log = logging.getLogger(__name__)

Crumbs = list[tuple[Any, str | None]]
PDF = "application/pdf"
MAX_LETTERS = 200  # letters per request: about 20 seconds of rendering, within a worker's timeout
LETTERS_WAITING = gettext_lazy(
    "Die Briefe enthalten höchstens %(max)d Personen; für weitere, die noch nicht geantwortet haben, wählen Sie "
    "„Erinnern“ per Brief heute noch einmal."
)
LETTERS_FAILED = gettext_lazy(
    "Die Briefe ließen sich nicht erstellen. Die Personen sind eingeladen, ihre Links aber nirgends "
    "ausgegeben: Sobald die Umfrage offen ist, erzeugt „Erinnern“ per Brief neue Briefe mit neuen Links."
)
INVITE_UNIT_DEPTH = 2  # the invitations page offers the top three levels (down to the Ämter) as a restriction


def _list_url(ctx: TenantContext) -> str:
    return reverse("assessment:campaign_list", args=[ctx.kommune.slug])


def _detail_url(ctx: TenantContext, campaign: Campaign) -> str:
    return reverse("assessment:campaign_detail", args=[ctx.kommune.slug, campaign.pk])


def _crumbs(ctx: TenantContext, *extra: tuple[Any, str | None]) -> Crumbs:
    return [(_("Umfragen"), _list_url(ctx)), *extra]


def _campaign_crumbs(ctx: TenantContext, campaign: Campaign, *extra: tuple[Any, str | None]) -> Crumbs:
    return _crumbs(ctx, (campaign.title, _detail_url(ctx, campaign)), *extra)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # SECURITY: personal links, never cached
    return response


# --- list ----------------------------------------------------------------------------------------


@require_safe
@tenant_view
def campaign_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    return render(
        request,
        "assessment/manage/campaign_list.html",
        {
            "rows": manage_selectors.campaign_rows(ctx.kommune),
            "has_framework": framework_selectors.framework(ctx.kommune) is not None,
            "can_manage": access.can_manage(ctx),
            "can_settings": ctx.can(Capability.MANAGE_KOMMUNE),
            "kommune_k": services.settings_for(ctx.kommune).k,
            "breadcrumbs": [(_("Umfragen"), None)],
        },
    )


# --- create and edit -------------------------------------------------------------------------------


def _form_context(ctx: TenantContext, form: CampaignForm, **extra: Any) -> dict[str, Any]:
    return {"depth_options": form.depth_options, **extra}


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def campaign_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_manager(ctx)
    kommune_k = services.settings_for(ctx.kommune).k
    form = CampaignForm(
        request.POST or None,
        levels=manage_selectors.depth_examples(ctx.kommune),
        kommune_k=kommune_k,
        initial=CampaignForm.initial_new(kommune_k),
    )

    def done(campaign: Campaign) -> HttpResponse:
        count = len(manage_selectors.selected_criteria(campaign))
        message = ngettext(
            "Die Umfrage „%(title)s“ wurde angelegt. Der Fragebogen enthält %(n)d Kriterium; Sie können ihn anpassen.",
            "Die Umfrage „%(title)s“ wurde angelegt. Der Fragebogen enthält alle %(n)d Kriterien; Sie können ihn "
            "anpassen.",
            count,
        ) % {"title": campaign.title, "n": count}
        return success(request, message, "assessment:campaign_detail", ctx.kommune.slug, campaign.pk)

    return form_page(
        request,
        form,
        lambda: services.campaign_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data()),
        done=done,
        template="assessment/manage/campaign_form.html",
        context=_form_context(
            ctx,
            form,
            title=_("Neue Umfrage"),
            has_framework=framework_selectors.framework(ctx.kommune) is not None,
            cancel_url=_list_url(ctx),
            breadcrumbs=_crumbs(ctx, (_("Neue Umfrage"), None)),
        ),
    )


def _locked_values(campaign: Campaign) -> list[tuple[Any, str]]:
    """The settings fixed by the first response, as the page shows them read-only."""
    yes, no = _("ja"), _("nein")
    audiences = ", ".join(str(Audience(a).label) for a in manage_selectors.campaign_audiences(campaign))
    depth = (
        _("Bis Ebene %(n)d") % {"n": campaign.unit_depth}
        if campaign.unit_depth
        else _("Keine Auswertung nach Organisationseinheiten")
    )
    return [
        (Campaign._meta.get_field("audiences").verbose_name, audiences),
        (_("Auswertung nach Organisationseinheiten"), depth),
        (Campaign._meta.get_field("k").verbose_name, str(campaign.k)),
        (Campaign._meta.get_field("free_text_enabled").verbose_name, yes if campaign.free_text_enabled else no),
        (Campaign._meta.get_field("free_text_k").verbose_name, str(campaign.free_text_k)),
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def campaign_update(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    campaign = access.campaign_for_manage(ctx, pk)
    locked = services.has_responses(campaign)
    form = CampaignForm(
        request.POST or None,
        levels=manage_selectors.depth_examples(ctx.kommune),
        kommune_k=services.settings_for(ctx.kommune).k,
        locked=locked,
        initial=CampaignForm.initial_for(campaign),
    )

    def save() -> Campaign:
        return services.campaign_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            campaign=campaign,
            data=form.service_data(previous=campaign),
            expected_version=form_version(form),
        )

    return form_page(
        request,
        form,
        save,
        done=lambda _c: success(
            request, _("Die Änderungen wurden gespeichert."), "assessment:campaign_detail", ctx.kommune.slug, pk
        ),
        template="assessment/manage/campaign_form.html",
        context=_form_context(
            ctx,
            form,
            campaign=campaign,
            title=_("„%(title)s“ bearbeiten") % {"title": campaign.title},
            locked_values=_locked_values(campaign) if locked else [],
            locked_reason=LOCKED_REASON,
            has_framework=True,
            cancel_url=_detail_url(ctx, campaign),
            breadcrumbs=_campaign_crumbs(ctx, campaign, (_("Bearbeiten"), None)),
        ),
    )


# --- questionnaire ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def campaign_questionnaire(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    campaign = access.campaign_for_manage(ctx, pk)
    tree = manage_selectors.questionnaire_choices(ctx.kommune)
    field_criteria = {f.field.pk: [c.pk for c in f.criteria] for node in tree for f in node.fields}
    form = QuestionnaireForm(request.POST or None, fields=field_criteria, initial={"version": campaign.version})
    locked = services.has_responses(campaign) or campaign.status == CampaignStatus.ARCHIVED
    checked = _checked(form) if form.is_bound else manage_selectors.selected_criteria(campaign)
    for node in tree:
        for fnode in node.fields:
            fnode.picked = sum(1 for c in fnode.criteria if c.pk in checked)  # type: ignore[attr-defined]

    def save() -> Campaign:
        return services.campaign_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            campaign=campaign,
            data={"criteria": form.chosen()},
            expected_version=form_version(form),
        )

    return form_page(
        request,
        form,
        save,
        done=lambda _c: success(
            request, _("Der Fragebogen wurde gespeichert."), "assessment:campaign_detail", ctx.kommune.slug, pk
        ),
        template="assessment/manage/questionnaire.html",
        context={
            "campaign": campaign,
            "tree": tree,
            "checked": checked,
            "all_checked": {f for f, ids in field_criteria.items() if ids and set(ids) <= checked},
            "checked_count": len(checked),
            "total_count": sum(len(ids) for ids in field_criteria.values()),
            "locked": locked,
            "archived": campaign.status == CampaignStatus.ARCHIVED,
            "level_names": framework_selectors.level_names(None),
            "title": _("Fragebogen: %(title)s") % {"title": campaign.title},
            "breadcrumbs": _campaign_crumbs(ctx, campaign, (_("Fragebogen"), None)),
        },
    )


def _checked(form: QuestionnaireForm) -> set[int]:
    """The boxes as sent (also when the form is refused): criteria, and the fields ticked as a whole."""
    data: Any = form.data  # the POST QueryDict
    criteria = [int(v) for v in data.getlist("criteria") if str(v).isdigit()]
    fields = [int(v) for v in data.getlist("all_fields") if str(v).isdigit()]
    return resolve_choice(form.field_criteria, criteria, fields)


# --- detail ------------------------------------------------------------------------------------------


def _participation(campaign: Campaign) -> dict[str, Any]:
    data = results.participation(campaign)
    rows = {r["audience"]: r for r in data["audiences"]}
    data["rows"] = [
        {
            "label": Audience(a).label,
            "invited": rows.get(a, {}).get("invited", 0),
            "answered_at_least": rows.get(a, {}).get("answered_at_least", 0),
        }
        for a in manage_selectors.campaign_audiences(campaign)
    ]
    return data


@require_safe
@tenant_view
def campaign_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    campaign = access.campaign_for_view(ctx, pk)
    can_manage = access.can_manage(ctx)
    summary = manage_selectors.questionnaire_summary(campaign)
    open_link = None
    if can_manage and campaign.open_link_enabled and campaign.open_token:
        open_link = {"url": invitations.open_url(request, campaign), "code": campaign.access_code}
    return render(
        request,
        "assessment/manage/campaign_detail.html",
        {
            "campaign": campaign,
            "audiences": [Audience(a).label for a in manage_selectors.campaign_audiences(campaign)],
            "summary": summary,
            "criteria_count": sum(len(f.criteria) for f in summary),
            "participation": _participation(campaign),
            "open_link": open_link,
            "can_manage": can_manage,
            "answered": services.has_responses(campaign),
            "can_delete": campaign.status == CampaignStatus.DRAFT
            and manage_selectors.invited_counts(campaign).total() == 0,
            "history": history_for(ctx, campaign),
            "breadcrumbs": _crumbs(ctx, (campaign.title, None)),
        },
    )


# --- actions (each with its confirmation page) ----------------------------------------------------------


@dataclass(frozen=True)
class Action:
    key: str
    title: Any  # with %(title)s
    button: Any
    run: Callable[..., Any]
    done: Any
    allowed: tuple[str, ...]  # statuses in which the button is offered


ACTIONS = {
    a.key: a
    for a in (
        Action(
            "open",
            gettext_lazy("Umfrage „%(title)s“ öffnen"),
            gettext_lazy("Umfrage öffnen"),
            services.campaign_open,
            gettext_lazy("Die Umfrage ist geöffnet: Die Links führen jetzt zum Fragebogen."),
            (CampaignStatus.DRAFT,),
        ),
        Action(
            "close",
            gettext_lazy("Umfrage „%(title)s“ schließen"),
            gettext_lazy("Umfrage schließen"),
            services.campaign_close,
            gettext_lazy("Die Umfrage ist geschlossen. Die Ergebnisse sind berechnet und für alle Mitglieder lesbar."),
            (CampaignStatus.OPEN,),
        ),
        Action(
            "reopen",
            gettext_lazy("Umfrage „%(title)s“ wieder öffnen"),
            gettext_lazy("Wieder öffnen"),
            services.campaign_reopen,
            gettext_lazy("Die Umfrage ist wieder offen."),
            (CampaignStatus.CLOSED,),
        ),
        Action(
            "archive",
            gettext_lazy("Umfrage „%(title)s“ archivieren"),
            gettext_lazy("Archivieren"),
            services.campaign_archive,
            gettext_lazy("Die Umfrage ist archiviert."),
            (CampaignStatus.CLOSED,),
        ),
        Action(
            "delete",
            gettext_lazy("Umfrage „%(title)s“ löschen"),
            gettext_lazy("Endgültig löschen"),
            services.campaign_delete,
            gettext_lazy("Die Umfrage „%(title)s“ wurde gelöscht."),
            (CampaignStatus.DRAFT,),
        ),
    )
}


def _action_page(request: TenantRequest, pk: int, key: str) -> HttpResponse:
    ctx = request.tenant
    campaign = access.campaign_for_manage(ctx, pk)
    action = ACTIONS[key]
    title = campaign.title
    form = ConfirmForm(request.POST if request.method == "POST" else None)  # the POST has no fields
    already_closed = campaign.status in (CampaignStatus.CLOSED, CampaignStatus.ARCHIVED)
    if key == "close" and already_closed and request.method == "POST":  # closing twice changes nothing
        messages.info(request, _("Die Umfrage ist bereits geschlossen; es hat sich nichts geändert."))
        return redirect(_detail_url(ctx, campaign))

    def done(_result: Any) -> HttpResponse:
        messages.success(request, str(action.done) % {"title": title})
        return redirect(_list_url(ctx) if key == "delete" else _detail_url(ctx, campaign))

    has_invitations = manage_selectors.invited_counts(campaign).total() > 0
    offered = campaign.status in action.allowed
    if key == "reopen":
        offered = offered and not campaign.results_released
    if key == "delete":
        offered = offered and not has_invitations
    return form_page(
        request,
        form,
        lambda: action.run(kommune=ctx.kommune, actor=ctx.user, campaign=campaign),
        done=done,
        template="assessment/manage/campaign_action.html",
        context={
            "campaign": campaign,
            "action": key,
            "offered": offered,
            "button": action.button,
            "has_invitations": has_invitations,
            "answered": services.has_responses(campaign),
            "title": str(action.title) % {"title": title},
            "cancel_url": _detail_url(ctx, campaign),
            "breadcrumbs": _campaign_crumbs(ctx, campaign, (action.button, None)),
        },
    )


def _action_view(key: str) -> Callable[..., HttpResponse]:
    @require_http_methods(["GET", "HEAD", "POST"])
    @tenant_view
    def view(request: TenantRequest, pk: int) -> HttpResponse:
        return _action_page(request, pk, key)

    view.__name__ = view.__qualname__ = f"campaign_{key}"
    return view


campaign_open = _action_view("open")
campaign_close = _action_view("close")
campaign_reopen = _action_view("reopen")
campaign_archive = _action_view("archive")
campaign_delete = _action_view("delete")


# --- invitations -----------------------------------------------------------------------------------------


def _invite_units(ctx: TenantContext) -> Any:
    return (
        OrgUnit.objects.for_kommune(ctx.kommune)
        .filter(is_active=True, depth__lte=INVITE_UNIT_DEPTH)
        .only("kommune", "code", "name", "path", "depth", "parent")
        .order_by(*NATURAL_ORDER)
    )


def _unit_options(units: list[OrgUnit], form: InviteForm) -> list[tuple[OrgUnit, bool, int]]:
    """(unit, ticked, depth) in tree order: each unit followed by its sub-units, in natural order."""
    data: Any = form.data  # the POST QueryDict
    ticked = {str(v) for v in data.getlist("units")} if form.is_bound else set()
    present = {u.pk for u in units}
    below: dict[int | None, list[OrgUnit]] = {}
    for unit in units:  # already in natural order
        below.setdefault(unit.parent_id if unit.parent_id in present else None, []).append(unit)
    options: list[tuple[OrgUnit, bool, int]] = []

    def walk(parent: int | None) -> None:
        for unit in below.get(parent, []):
            options.append((unit, str(unit.pk) in ticked, unit.depth))
            walk(unit.pk)

    walk(None)
    return options


def _channel_labels() -> list[str]:
    return [str(Channel(c).label) for c in manage_selectors.PERSONAL_CHANNELS]


def _mail_messages(request: TenantRequest, outcome: invitations.MailOutcome, *, reminder: bool) -> None:
    if outcome.sent:
        text = (
            ngettext("%(n)d Erinnerung per E-Mail versendet.", "%(n)d Erinnerungen per E-Mail versendet.", outcome.sent)
            if reminder
            else ngettext(
                "%(n)d Einladung per E-Mail versendet.", "%(n)d Einladungen per E-Mail versendet.", outcome.sent
            )
        )
        messages.success(request, text % {"n": outcome.sent})
    if outcome.failed:
        messages.error(
            request,
            ngettext(
                "%(n)d E-Mail ließ sich nicht versenden. Die Person ist eingeladen, hat den Link aber nicht "
                "erhalten: Sobald die Umfrage offen ist, schickt „Erinnern“ einen neuen.",
                "%(n)d E-Mails ließen sich nicht versenden. Die Personen sind eingeladen, haben den Link aber nicht "
                "erhalten: Sobald die Umfrage offen ist, schickt „Erinnern“ neue.",
                outcome.failed,
            )
            % {"n": outcome.failed},
        )


def _deliver(
    request: TenantRequest,
    campaign: Campaign,
    channel: str,
    create: Callable[[], list[services.Link]],
    *,
    reminder: bool,
) -> HttpResponse | None:
    """Create the links and hand them over in this response; None when there was nobody to reach.

    A list is written in the same transaction as its links: if the file cannot be made, no link
    exists that nobody received. Mails go out after the commit (a mail cannot be recalled). Letters
    are rendered after the commit too: rendering takes a while, and on SQLite an open write
    transaction would hold up every survey submission meanwhile (`MAX_LETTERS` bounds the time)."""
    kommune = campaign.kommune
    back = "assessment:campaign_reminders" if reminder else "assessment:campaign_invitations"
    # S7: each hand-out may mail hundreds of people or render their letters; counted before any link exists.
    wait = count_request(request, "survey_invitation.user", "survey_invitation.kommune")
    if wait:
        return too_many_requests(request, wait)

    def url_for(token: str) -> str:
        return invitations.survey_url(request, kommune, token)

    if channel == Channel.LIST:
        with transaction.atomic():
            links = create()
            if not links:
                return None
            export = invitations.csv_file(kommune, invitations.deliveries(links, url_for), reminder=reminder)
        return _download(export.content, export.content_type, export.filename)
    links = create()
    if not links:
        return None
    items = invitations.deliveries(links, url_for)
    if channel == Channel.MAIL:
        _mail_messages(request, invitations.send_mails(campaign, items, reminder=reminder), reminder=reminder)
        return redirect(reverse(back, args=[kommune.slug, campaign.pk]))
    try:
        pdf = invitations.letters_pdf(campaign, items, reminder=reminder)
    except Exception:  # SECURITY: the log names neither people nor links
        log.exception("survey letters of Kommune %s could not be rendered", kommune.pk)
        messages.error(request, LETTERS_FAILED)
        return redirect(reverse(back, args=[kommune.slug, campaign.pk]))
    return _download(pdf, PDF, invitations.letters_filename(kommune, reminder=reminder))


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def campaign_invitations(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    campaign = access.campaign_for_manage(ctx, pk)
    audiences = manage_selectors.campaign_audiences(campaign)
    units = list(_invite_units(ctx))
    form = InviteForm(
        request.POST or None,
        audiences=audiences,
        units=_invite_units(ctx),
        initial={"audience": request.GET.get("zielgruppe") or (audiences[0] if audiences else None)},
    )
    inviting = campaign.status in (CampaignStatus.DRAFT, CampaignStatus.OPEN)
    chosen_units: list[OrgUnit] = []
    if request.method == "POST" and form.is_valid():
        chosen_units = list(form.cleaned_data["units"])
        if form.wants_invite:
            response = _invite(request, form, campaign, chosen_units)
            if response is not None:
                return response
    proposals = invitations.proposals(campaign, chosen_units)
    counts = manage_selectors.invited_counts(campaign)
    return render(
        request,
        "assessment/manage/invitations.html",
        {
            "form": form,
            "campaign": campaign,
            "inviting": inviting,
            "proposals": list(proposals.values()),
            "chosen_units": chosen_units,
            "unit_options": _unit_options(units, form),
            "invited_table": counts.table(audiences),
            "invited_total": counts.total(),
            "channels": _channel_labels(),
            "channel_hints": CHANNEL_HINTS,
            "participation": _participation(campaign),
            "title": _("Einladungen: %(title)s") % {"title": campaign.title},
            "breadcrumbs": _campaign_crumbs(ctx, campaign, (_("Einladungen"), None)),
        },
    )


def _invite(request: TenantRequest, form: InviteForm, campaign: Campaign, units: list[OrgUnit]) -> HttpResponse | None:
    ctx = request.tenant
    audience, channel = form.cleaned_data["audience"], form.cleaned_data["channel"]
    people = invitations.proposals(campaign, units)[audience].to_invite if audience in campaign.audiences else []
    if channel == Channel.LETTER and len(people) > MAX_LETTERS:
        form.add_error(
            "units",
            _(
                "Höchstens %(max)d Briefe auf einmal (vorgeschlagen sind %(n)d Personen): Bitte grenzen Sie auf "
                "Organisationseinheiten ein und laden Sie nacheinander ein."
            )
            % {"max": MAX_LETTERS, "n": len(people)},
        )
        return None

    def create() -> list[services.Link]:
        return services.invite(
            kommune=ctx.kommune, actor=ctx.user, campaign=campaign, people=people, audience=audience, channel=channel
        )

    try:
        response = _deliver(request, campaign, channel, create, reminder=False)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    without_email = [p for p in people if not p.email] if channel == Channel.MAIL else []
    if without_email:
        messages.warning(
            request,
            ngettext(
                "%(n)d Person hat keine E-Mail-Adresse und wurde nicht eingeladen: bitte per Liste oder Brief "
                "einladen (unten aufgeführt).",
                "%(n)d Personen haben keine E-Mail-Adresse und wurden nicht eingeladen: bitte per Liste oder Brief "
                "einladen (unten aufgeführt).",
                len(without_email),
            )
            % {"n": len(without_email)},
        )
    if response is None:
        if not without_email:
            messages.info(
                request, _("Niemand mehr einzuladen: Alle Vorgeschlagenen dieser Zielgruppe sind eingeladen.")
            )
        response = redirect(reverse("assessment:campaign_invitations", args=[ctx.kommune.slug, campaign.pk]))
    return response


# --- reminders ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def campaign_reminders(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    campaign = access.campaign_for_manage(ctx, pk)
    form = RemindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data["channel"]

        def create() -> list[services.Link]:
            limit = MAX_LETTERS if channel == Channel.LETTER else None
            return services.remind(kommune=ctx.kommune, actor=ctx.user, campaign=campaign, channel=channel, limit=limit)

        try:
            response = _deliver(request, campaign, channel, create, reminder=True)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if response is not None:
                if channel == Channel.LETTER and manage_selectors.letters_waiting(campaign):
                    messages.info(request, LETTERS_WAITING % {"max": MAX_LETTERS})
                return response
            if channel == Channel.LETTER and services.not_answered(campaign, channel):
                messages.info(
                    request, _("Alle, die noch nicht geantwortet haben, sind heute bereits per Brief erinnert.")
                )
            else:
                messages.info(request, _("Niemand zu erinnern: Alle auf diesem Weg Eingeladenen haben geantwortet."))
            return redirect(reverse("assessment:campaign_reminders", args=[ctx.kommune.slug, campaign.pk]))
    counts = manage_selectors.invited_counts(campaign)
    audiences = manage_selectors.campaign_audiences(campaign)
    return render(
        request,
        "assessment/manage/reminders.html",
        {
            "form": form,
            "campaign": campaign,
            "is_open": campaign.status == CampaignStatus.OPEN,
            "invited_table": counts.table(audiences),
            "invited_total": counts.total(),
            "channels": _channel_labels(),
            "participation": _participation(campaign),
            "title": _("Erinnern: %(title)s") % {"title": campaign.title},
            "breadcrumbs": _campaign_crumbs(ctx, campaign, (_("Erinnern"), None)),
        },
    )


# --- the Kommune's k -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assessment_settings(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    ctx.require(Capability.MANAGE_KOMMUNE)
    current = services.settings_for(ctx.kommune)
    form: forms.Form = SettingsForm(
        request.POST or None, initial={"k": current.k, "reason": current.reason}, current_k=current.k
    )
    return form_page(
        request,
        form,
        lambda: services.settings_update(
            kommune=ctx.kommune, actor=ctx.user, k=form.cleaned_data["k"], reason=form.cleaned_data["reason"]
        ),
        done=lambda s: success(
            request,
            _("Die Mindestgruppengröße der Kommune ist jetzt k = %(k)d.") % {"k": s.k},
            "assessment:campaign_list",
            ctx.kommune.slug,
        ),
        template="assessment/manage/settings.html",
        context={
            "current": current,
            "title": _("Mindestgruppengröße k der Kommune"),
            "breadcrumbs": _crumbs(ctx, (_("Mindestgruppengröße k"), None)),
        },
    )
