"""The survey pages for respondents, who need no account: `/p/<kommune_slug>/umfrage/…`.

A respondent holds a token: the personal link of an invitation (`umfrage/t/<token>/`), or the one
the open link hands out after the access code (`umfrage/offen/<open_token>/`). The token is the
only thing that identifies her or him here; the pages never name the person.

Anonymity (docs/security.md N3, `models.py`):
- no page writes an audit entry, and submitting is `services.submit` (two transactions, no log);
- no log line carries a token: `TokenRedactingFilter` blanks the token in the paths Django logs
  (`django.request` for every 4xx/5xx, the CSRF refusal, the development server), installed by
  `survey_registrations`; the access log of a reverse proxy is the operator's (docs/operations.md);
- every page is `Cache-Control: private, no-store`, sends no path in a Referer (the token is in it)
  and asks search engines to keep out; the footer's "Barriere melden" link names the survey, not
  the address with the token;
- nothing is loaded from another host, and no page needs JavaScript.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.assessment import grouping, results, services
from kompass.assessment.forms_survey import (
    CommentForm,
    OpenLinkForm,
    answer_name,
    posted_answers,
    shown_value,
)
from kompass.assessment.models import Audience, Campaign, CampaignItem, CampaignStatus, Participant
from kompass.core.forms_util import add_service_errors
from kompass.core.ratelimit import limited
from kompass.framework import selectors as framework_selectors
from kompass.org.models import OrgUnit
from kompass.tenancy.models import Kommune
from kompass.tenancy.public import PublicRequest, public_view

P = ParamSpec("P")
PAGE_MAX_QUESTIONS = 4  # fields with fewer questions share a page with the next field of their dimension
OPEN_LINK_COOKIE = "kk_umfrage"

# --- no token in any log line -------------------------------------------------------------------

TOKEN_IN_PATH = re.compile(r"(/umfrage/t/)[^/\s\"'?#]+")
REDACTED = r"\1***"
LOGGERS = ("django.request", "django.security.csrf", "django.server")


class TokenRedactingFilter(logging.Filter):
    """Blank the respondent's token in a log record about a survey page.

    SECURITY: Django logs the path of every 4xx/5xx answer (a wrong value is 400, a used link
    410) and of refused CSRF checks. With the token, such a line would tie a person (her or his
    invitation) to a moment, and the order of submissions to the order of responses. The request
    object goes too, so no handler prints its path, headers or POST data."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_IN_PATH.search(message):
            record.msg, record.args = TOKEN_IN_PATH.sub(REDACTED, message), None
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and TOKEN_IN_PATH.search(request.path):
            record.request = None
        return True


def install_log_filter() -> None:
    """Add the filter to the loggers that write request paths (once, from `AppConfig.ready`)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactingFilter) for f in logger.filters):
            logger.addFilter(TokenRedactingFilter())


# --- the questionnaire in pages ---------------------------------------------------------------


@dataclass
class FieldGroup:
    key: str
    name: str
    dimension_key: str
    dimension_name: str
    items: list[CampaignItem] = field(default_factory=list)


@dataclass
class Page:
    number: int
    groups: list[FieldGroup]

    @property
    def items(self) -> list[CampaignItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def heading(self) -> str:
        return self.groups[0].name if len(self.groups) == 1 else self.groups[0].dimension_name


def survey_pages(items: list[CampaignItem]) -> list[Page]:
    """One page per field, in the questionnaire's order; small fields of one dimension share a page
    as long as it holds at most `PAGE_MAX_QUESTIONS` questions."""
    groups: list[FieldGroup] = []
    for item in items:
        if not groups or groups[-1].key != item.field_key:
            groups.append(FieldGroup(item.field_key, item.field_name, item.dimension_key, item.dimension_name))
        groups[-1].items.append(item)
    pages: list[Page] = []
    for group in groups:
        last = pages[-1] if pages else None
        if (
            last is not None
            and last.groups[-1].dimension_key == group.dimension_key
            and len(last.items) + len(group.items) <= PAGE_MAX_QUESTIONS
        ):
            last.groups.append(group)
        else:
            pages.append(Page(len(pages) + 1, [group]))
    return pages


@dataclass
class Survey:
    """A respondent's questionnaire: the participant, the pages and the answers saved so far."""

    participant: Participant
    token: str
    pages: list[Page]
    answers: dict[int, int | None]
    comment: str

    @property
    def campaign(self) -> Campaign:
        return self.participant.campaign

    @property
    def kommune(self) -> Kommune:
        return self.participant.kommune

    def url(self, name: str) -> str:
        return reverse(f"public:{name}", kwargs={"kommune_slug": self.kommune.slug, "token": self.token})

    def page_url(self, number: int) -> str:
        return f"{self.url('survey_questions')}?seite={number}"

    def resume_url(self) -> str:
        """Where the respondent left off: the first page with an unanswered question, else the summary."""
        for page in self.pages:
            if any(item.pk not in self.answers for item in page.items):
                return self.page_url(page.number)
        return self.url("survey_submit")


def _survey(kommune: Kommune, token: str) -> Survey:
    """The survey of a token, or `SurveyClosed` (unknown, used, closed). A draft's answers to
    questions the questionnaire no longer has (changed before the first response) are dropped."""
    participant = services.participant_for(token, kommune)
    items = list(CampaignItem.objects.for_kommune(kommune).filter(campaign=participant.campaign))
    draft = services.draft_load(participant)
    known = {item.pk for item in items}
    answers = {int(key): value for key, value in draft.items() if key.isdigit() and int(key) in known}
    return Survey(participant, token, survey_pages(items), answers, str(draft.get("comment", "")))


# --- answers to the common questions of every page ---------------------------------------------


def survey_page(
    view: Callable[Concatenate[PublicRequest, P], HttpResponse],
) -> Callable[Concatenate[PublicRequest, P], HttpResponse]:
    """A survey page: closed or unknown links get their German page; every answer is private."""

    @functools.wraps(view)
    def wrapper(request: PublicRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except services.SurveyClosed as exc:
            response = _closed(request, exc)
        response["Cache-Control"] = "private, no-store"
        # The origin only: no token in a Referer. Not "no-referrer": Chromium then sends `Origin: null`
        # with the form's POST, and the CSRF check refuses it.
        response["Referrer-Policy"] = "strict-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _render(request: PublicRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    kommune = request.public.kommune
    context = {
        "kommune_name": kommune.name,
        "kommune_url": reverse("public:kommune", kwargs={"kommune_slug": kommune.slug}),
        # The feedback form records the page it was sent from: the survey area, never an address with a token.
        "feedback_page": reverse("public:kommune", kwargs={"kommune_slug": kommune.slug}) + "umfrage/",
        **context,
    }
    return render(request, template, context, status=status)


def _closed(request: PublicRequest, exc: services.SurveyClosed) -> HttpResponse:
    """404 for an unknown link; 410 for a used one and for a campaign not (yet or any more) open."""
    campaign = exc.campaign
    if exc.reason == "used":
        title = _("Bereits geantwortet")
        text = _("Mit diesem Link wurde bereits geantwortet; jede Einladung gilt für eine Antwort.")
    elif exc.reason == "closed" and campaign is not None and campaign.status == CampaignStatus.DRAFT:
        title = _("Die Umfrage hat noch nicht begonnen")
        text = _("Die Umfrage ist noch nicht geöffnet.")
    elif exc.reason == "closed" and campaign is not None:
        title = _("Die Umfrage ist beendet")
        text = _("Die Umfrage ist beendet; Antworten sind nicht mehr möglich.")
    else:
        title = _("Dieser Link ist unbekannt")
        context = {"title": title, "unknown": True, "breadcrumbs": _crumbs(request, None, title)}
        return _render(request, "assessment/survey/error.html", context, status=404)
    context = {
        "title": title,
        "text": text,
        "campaign": campaign if exc.reason == "closed" else None,
        "breadcrumbs": _crumbs(request, None, title),
    }
    return _render(request, "assessment/survey/error.html", context, status=410)


def _crumbs(request: PublicRequest, survey: Survey | None, here: str) -> list[tuple[str, str | None]]:
    kommune = request.public.kommune
    crumbs: list[tuple[str, str | None]] = [
        (kommune.name, reverse("public:kommune", kwargs={"kommune_slug": kommune.slug}))
    ]
    if survey is not None:
        crumbs.append((survey.campaign.title, survey.url("survey_start")))
    crumbs.append((here, None))
    return crumbs


# --- start: what the respondent should know before the first question ---------------------------


def merged_into(participant: Participant) -> str | None:
    """The audience the respondent's answers are reported with, if hers or his is smaller than k
    (`grouping.merge_audiences` over the invited audiences); None if it stands on its own."""
    campaign = participant.campaign
    mapping = grouping.merge_audiences(results.audience_sizes(campaign), campaign.k)
    target = mapping.get(participant.audience, participant.audience)
    return None if target == participant.audience else str(Audience(target).label)


@require_safe
@public_view
@survey_page
def survey_start(request: PublicRequest, token: str) -> HttpResponse:
    survey = _survey(request.public.kommune, token)
    campaign = survey.campaign
    # With an open link nobody knows the audiences' sizes before the end: say the rule, not the outcome.
    merged = None if campaign.open_link_enabled else merged_into(survey.participant)
    context = {
        "survey": survey,
        "campaign": campaign,
        "audience": Audience(survey.participant.audience).label,
        "merged_into": merged,
        "saved": request.GET.get("gespeichert") == "1",
        "started": bool(survey.answers),
        "breadcrumbs": _crumbs(request, None, campaign.title),
    }
    return _render(request, "assessment/survey/start.html", context)


# --- the questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    number: int | None
    name: str
    text: str


@dataclass(frozen=True)
class Question:
    item: CampaignItem
    name: str
    options: list[Option]
    value: str
    errors: list[str]


def _questions(page: Page, level_names: list[str], values: dict[int, str], errors: dict[str, list[str]]) -> list[Any]:
    """The page's field groups with their questions, ready for the template."""
    groups = []
    for group in page.groups:
        questions = []
        for item in group.items:
            levels = list(item.levels)
            options = [
                Option(str(n), n, level_names[n - 1], str(levels[n - 1]) if n <= len(levels) else "")
                for n in range(1, 6)
            ]
            options.append(Option("x", None, _("kann ich nicht beurteilen"), ""))
            name = answer_name(item.pk)
            questions.append(Question(item, name, options, values.get(item.pk, ""), errors.get(name, [])))
        groups.append({"name": group.name, "questions": questions})
    return groups


def _page_number(raw: str | None, count: int) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), max(count, 1))


def _level_names(kommune: Kommune) -> list[str]:
    fw = framework_selectors.framework(kommune)
    return framework_selectors.level_names(fw.catalogue if fw else None)


def _questions_page(
    request: PublicRequest,
    survey: Survey,
    page: Page,
    values: dict[int, str],
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    groups = _questions(page, _level_names(survey.kommune), values, errors)
    summary = [(q.name, q.item.name, message) for g in groups for q in g["questions"] for message in q.errors]
    context = {
        "survey": survey,
        "campaign": survey.campaign,
        "page": page,
        "page_count": len(survey.pages),
        "groups": groups,
        "general_errors": errors.get("answers", []),
        "error_summary": summary,
        "action": survey.page_url(page.number),
        "breadcrumbs": _crumbs(request, survey, _("Seite %(n)d") % {"n": page.number}),
    }
    return _render(request, "assessment/survey/questions.html", context, status=status)


def _next_url(survey: Survey, page: Page, action: str) -> str:
    if action == "pause":
        return survey.url("survey_start") + "?gespeichert=1"
    if action == "zurueck":
        return survey.page_url(page.number - 1) if page.number > 1 else survey.url("survey_start")
    return survey.page_url(page.number + 1) if page.number < len(survey.pages) else survey.url("survey_submit")


@require_http_methods(["GET", "HEAD", "POST"])
@public_view
@survey_page
@limited("survey.token", methods=["POST"], key_from="token")  # per link, not per address (docs/security.md S7)
def survey_questions(request: PublicRequest, token: str) -> HttpResponse:
    """One page of questions (`?seite=N`). Saving checks the page's answers with
    `services.clean_answers` — a wrong value or a question of another questionnaire is refused
    with a field error (400) and nothing is stored — and merges them into the draft."""
    survey = _survey(request.public.kommune, token)
    if not survey.pages:
        return HttpResponseRedirect(survey.url("survey_submit"))
    page = survey.pages[_page_number(request.GET.get("seite"), len(survey.pages)) - 1]
    if request.method == "POST":
        raw = posted_answers(request.POST)
        try:
            answers = services.clean_answers(survey.campaign, raw)
        except ValidationError as exc:
            shown = {int(k): v for k, v in raw.items() if k.isdigit()}
            return _questions_page(request, survey, page, shown, exc.message_dict, status=400)
        services.draft_save(
            participant=survey.participant, answers={**survey.answers, **answers}, comment=survey.comment
        )
        return HttpResponseRedirect(_next_url(survey, page, request.POST.get("aktion", "weiter")))
    values = {pk: shown_value(value) for pk, value in survey.answers.items()}
    return _questions_page(request, survey, page, values)


# --- summary and submission ---------------------------------------------------------------------


def _summary(survey: Survey) -> list[dict[str, Any]]:
    rows = []
    for page in survey.pages:
        for group in page.groups:
            answered = sum(1 for item in group.items if item.pk in survey.answers)
            rows.append(
                {
                    "name": group.name,
                    "answered": answered,
                    "open": len(group.items) - answered,
                    "total": len(group.items),
                    "url": survey.page_url(page.number),
                    "page": page.number,
                }
            )
    return rows


def _submit_page(request: PublicRequest, survey: Survey, form: CommentForm | None, status: int = 200) -> HttpResponse:
    rows = _summary(survey)
    context = {
        "survey": survey,
        "campaign": survey.campaign,
        "rows": rows,
        "open_total": sum(row["open"] for row in rows),
        "form": form,
        "saved": request.GET.get("gespeichert") == "1",
        "breadcrumbs": _crumbs(request, survey, _("Absenden")),
    }
    return _render(request, "assessment/survey/submit.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@public_view
@survey_page
@limited("survey.token", methods=["POST"], key_from="token")
def survey_submit(request: PublicRequest, token: str) -> HttpResponse:
    """The summary and "Antworten absenden": `services.submit` with the draft's answers, then the
    thank-you page, whose address holds no token."""
    survey = _survey(request.public.kommune, token)
    campaign = survey.campaign
    form = None
    if campaign.free_text_enabled:
        data = request.POST if request.method == "POST" else None
        form = CommentForm(data, initial={"comment": survey.comment}, free_text_k=campaign.free_text_k)
    if request.method != "POST":  # GET and HEAD show the summary; only a POST submits
        return _submit_page(request, survey, form)
    if form is not None and not form.is_valid():
        return _submit_page(request, survey, form, status=400)
    comment = form.cleaned_data["comment"] if form is not None else ""
    if request.POST.get("aktion") == "pause":
        services.draft_save(participant=survey.participant, answers=survey.answers, comment=comment)
        return HttpResponseRedirect(survey.url("survey_start") + "?gespeichert=1")
    services.submit(participant=survey.participant, answers=survey.answers, comment=comment)
    return HttpResponseRedirect(reverse("public:survey_thanks", kwargs={"kommune_slug": survey.kommune.slug}))


@require_safe
@public_view
@survey_page
def survey_thanks(request: PublicRequest) -> HttpResponse:
    context = {"breadcrumbs": _crumbs(request, None, _("Vielen Dank"))}
    return _render(request, "assessment/survey/thanks.html", context)


# --- the open link --------------------------------------------------------------------------


def open_link_units(campaign: Campaign) -> list[OrgUnit]:
    """The units a respondent of the open link may name: active units down to the campaign's
    reporting depth (answers are reported at that depth, so deeper units would add nothing), and,
    if the campaign is limited to some units, only those above or within them."""
    if campaign.unit_depth <= 0:
        return []
    kommune = campaign.kommune
    units = list(OrgUnit.objects.for_kommune(kommune).filter(is_active=True, depth__lt=campaign.unit_depth))
    chosen = Campaign.units.through.objects.filter(campaign_id=campaign.pk).values("orgunit_id")
    limits = list(OrgUnit.objects.for_kommune(kommune).filter(pk__in=chosen).values_list("path", flat=True))
    if limits:
        units = [u for u in units if any(u.path.startswith(p) or p.startswith(u.path) for p in limits)]
    return units


def _resumable(request: HttpRequest, campaign: Campaign) -> str | None:
    """The token of a visitor who joined this campaign on this device and has not submitted yet."""
    token = request.COOKIES.get(OPEN_LINK_COOKIE, "")
    if not token:
        return None
    try:
        participant = services.participant_for(token, campaign.kommune)
    except services.SurveyClosed:
        return None
    return token if participant.campaign_id == campaign.pk else None


def _open_path(campaign: Campaign) -> str:
    return reverse(
        "public:survey_open", kwargs={"kommune_slug": campaign.kommune.slug, "open_token": campaign.open_token}
    )


SECOND_STEP = "angaben"


@require_http_methods(["GET", "HEAD", "POST"])
@public_view
@survey_page
@limited("survey_open.token", methods=["POST"], key_from="open_token")  # shared by all who use the open link
def survey_open(request: PublicRequest, open_token: str) -> HttpResponse:
    """The open link: access code, audience and (optionally) unit; then the personal pages.

    After `services.join_open_link` the visitor is sent to `survey_start` with the new token in the
    address, exactly like an invited respondent: one set of pages, and the address is the
    visitor's to bookmark for resuming on another day. The token is also kept in a cookie
    (HttpOnly, SameSite=Lax, Secure over HTTPS, only for this open link's path, gone when the
    browser closes), so that coming back to the open link on the same device offers to continue
    instead of starting a second questionnaire. It offers, not forces: on a shared computer the
    next person starts her or his own."""
    kommune = request.public.kommune
    campaign = services.open_campaign_for(open_token, kommune)
    data = request.POST if request.method == "POST" else None
    # Two steps: the code alone; then, with the code, audience and unit (the second step's form
    # says so in `schritt`). A visitor without the code never sees the Kommune's org chart.
    code_only = data is None or (data.get("schritt") != SECOND_STEP and "audience" not in data)
    units = [] if code_only else open_link_units(campaign)
    form = OpenLinkForm(data, campaign=campaign, units=units, code_only=code_only)
    status = 200
    if data is not None and code_only:
        if form.is_valid() and services.open_code_matches(campaign, form.cleaned_data["code"]):
            form = OpenLinkForm(
                None,
                campaign=campaign,
                units=open_link_units(campaign),
                initial={"code": form.cleaned_data["code"]},
            )
        else:
            if form.is_valid():
                form.add_error("code", _("Der Zugangscode stimmt nicht."))
            status = 400
    elif data is not None and not services.open_code_matches(campaign, str(data.get("code", ""))):
        form = OpenLinkForm(data, campaign=campaign, units=[], code_only=True)  # back to the first step
        if form.is_valid():
            form.add_error("code", _("Der Zugangscode stimmt nicht."))
        status = 400
    elif data is not None:
        if form.is_valid():
            try:
                token = services.join_open_link(
                    campaign=campaign,
                    code=form.cleaned_data["code"],
                    audience=form.cleaned_data["audience"],
                    unit=form.cleaned_data.get("unit"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                start = reverse("public:survey_start", kwargs={"kommune_slug": kommune.slug, "token": token})
                response = HttpResponseRedirect(start)
                response.set_cookie(
                    OPEN_LINK_COOKIE,
                    token,
                    path=_open_path(campaign),
                    secure=request.is_secure(),
                    httponly=True,
                    samesite="Lax",
                )
                return response
        status = 400
    resume = _resumable(request, campaign)
    context = {
        "campaign": campaign,
        "form": form,
        "code_only": "audience" not in form.fields,
        "second_step": SECOND_STEP,
        "resume_url": reverse("public:survey_start", kwargs={"kommune_slug": kommune.slug, "token": resume})
        if resume
        else None,
        "breadcrumbs": _crumbs(request, None, campaign.title),
    }
    return _render(request, "assessment/survey/open.html", context, status=status)
