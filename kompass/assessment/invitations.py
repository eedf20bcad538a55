"""Personal invitations to a survey: who is proposed for which audience, and how the links reach them.

**Proposals.** The org chart and the role model suggest the audiences, each person in the first that
fits:

- *Verwaltungsvorstand*: the heads of the top-level units (`OrgUnit.head`, depth 0) and of the
  Dezernate wherever they sit (the Verwaltungsvorstand is the Verwaltungsspitze with the
  Beigeordneten or Dezernentinnen and Dezernenten, docs/glossary.md, and many org charts hang the
  Dezernate below a unit "Verwaltungsvorstand");
- *Führungskräfte*: the heads of every other unit;
- *Lotsinnen und Lotsen*: the people who currently hold a role marked "lotse" in the role model;
- *Mitarbeitende*: everyone else.

Only active people are proposed; the CDO may restrict them to org units (the unit and everything
below it).

**Delivery.** A personal link exists only once, in the moment it is created (`services.invite`,
`services.remind`: the database keeps only its hash), so it is delivered in the same request: by
mail through Django's mail backend, in a CSV file for a mail merge (formula-safe,
`tabular.writing`), or as printed letters with a QR code (PDF, `reports.pdf`). Nothing here logs a
link or an address.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kompass.assessment.models import Audience, Campaign, Participant
from kompass.assessment.services import Link
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.org.selectors import unit_label
from kompass.reports.pdf import render_pdf
from kompass.roles import selectors as role_selectors
from kompass.tabular.writing import ExportFile, table_file
from kompass.tenancy.models import Kommune

log = logging.getLogger(__name__)

AUDIENCE_ORDER = (Audience.VORSTAND, Audience.FUEHRUNG, Audience.LOTSEN, Audience.MITARBEITENDE)
LOTSE_MARKER = "lotse"
BOARD_UNIT_TYPES = (OrgUnitType.VERWALTUNGSVORSTAND, OrgUnitType.DEZERNAT)  # their heads sit on the board
PERSON_FIELDS = ("kommune", "first_name", "last_name", "email", "org_unit", "org_unit__code", "org_unit__name")
PERSON_FIELDS_WITH_PATH = (*PERSON_FIELDS, "org_unit__path", "org_unit__kommune")
MAX_FAILURES_IN_A_ROW = 3  # a mail server that refused three in a row is down: do not wait for every timeout
CSV_HEADER = ["Vorname", "Nachname", "E-Mail", "Organisationseinheit", "Link"]
LETTER_STYLES = ("assessment/manage/letters.css",)


# --- proposals -------------------------------------------------------------------------------------


def special_audiences(kommune: Kommune) -> dict[int, str]:
    """Person id → the first audience other than Mitarbeitende that fits her or him (three queries)."""
    found: dict[int, str] = {}
    heads = (
        OrgUnit.objects.for_kommune(kommune)
        .filter(is_active=True, head__isnull=False)
        .values_list("head_id", "depth", "unit_type")
    )
    for head_id, depth, unit_type in heads:
        if depth == 0 or unit_type in BOARD_UNIT_TYPES:
            found[head_id] = Audience.VORSTAND
        else:
            found.setdefault(head_id, Audience.FUEHRUNG)
    lotse_roles = [
        r.pk
        for r in role_selectors.roles(kommune).only("markers", "is_active")
        if r.is_active and r.has_marker(LOTSE_MARKER)
    ]
    if lotse_roles:
        lotsen = role_selectors.current_assignments(kommune).filter(role_id__in=lotse_roles)
        for person_id in lotsen.values_list("person_id", flat=True):
            found.setdefault(person_id, Audience.LOTSEN)
    return found


def audience_for(person_id: int, special: dict[int, str]) -> str:
    return special.get(person_id, Audience.MITARBEITENDE)


@dataclass
class Proposal:
    """The people one audience proposes, split into those already invited and those still to invite."""

    audience: str
    to_invite: list[Person] = field(default_factory=list)
    invited: int = 0

    @property
    def label(self) -> str:
        return str(Audience(self.audience).label)

    @property
    def without_email(self) -> list[Person]:
        return [p for p in self.to_invite if not p.email]


def _people(kommune: Kommune, units: Sequence[OrgUnit]) -> Iterable[Person]:
    qs = (
        Person.objects.for_kommune(kommune)
        .filter(is_active=True)
        .select_related("org_unit")
        .only(*PERSON_FIELDS_WITH_PATH)
        .order_by("last_name", "first_name", "pk")
    )
    if units:
        inside = Q()
        for unit in units:
            inside |= Q(org_unit__path__startswith=unit.path)
        qs = qs.filter(inside)
    return qs


def proposals(campaign: Campaign, units: Sequence[OrgUnit] = ()) -> dict[str, Proposal]:
    """The campaign's audiences with the people each proposes (five queries, whatever the size)."""
    kommune = campaign.kommune
    special = special_audiences(kommune)
    invited = set(
        Participant.objects.for_kommune(kommune)
        .filter(campaign=campaign, person__isnull=False)
        .values_list("person_id", flat=True)
    )
    out: dict[str, Proposal] = {str(a): Proposal(a) for a in AUDIENCE_ORDER if a in (campaign.audiences or [])}
    for person in _people(kommune, units):
        proposal = out.get(audience_for(person.pk, special))
        if proposal is None:
            continue
        if person.pk in invited:
            proposal.invited += 1
        else:
            proposal.to_invite.append(person)
    return out


# --- the links ---------------------------------------------------------------------------------------


def _absolute(request: HttpRequest, name: str, kwargs: dict[str, str], fallback: str) -> str:
    """The public page's address; until the survey pages declare their route, the agreed path."""
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = fallback
    return request.build_absolute_uri(path)


def survey_url(request: HttpRequest, kommune: Kommune, token: str) -> str:
    return _absolute(
        request,
        "public:survey_start",
        {"kommune_slug": kommune.slug, "token": token},
        f"/p/{kommune.slug}/umfrage/t/{token}/",
    )


def open_url(request: HttpRequest, campaign: Campaign) -> str:
    slug = campaign.kommune.slug
    return _absolute(
        request,
        "public:survey_open",
        {"kommune_slug": slug, "open_token": campaign.open_token},
        f"/p/{slug}/umfrage/offen/{campaign.open_token}/",
    )


@dataclass(frozen=True)
class Delivery:
    """One link to hand over, with what the mail, the list or the letter says about its person."""

    first_name: str
    last_name: str
    email: str
    unit: str
    url: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def deliveries(links: Iterable[Link], url_for: Callable[[str], str]) -> list[Delivery]:
    out = []
    for link in links:
        participant = link.participant
        person = participant.person
        out.append(
            Delivery(
                first_name=person.first_name if person else "",
                last_name=person.last_name if person else "",
                email=participant.email or (person.email if person else ""),
                unit=unit_label(person.org_unit) if person and person.org_unit_id else "",
                url=url_for(link.token),
            )
        )
    return sorted(out, key=lambda d: (d.last_name.lower(), d.first_name.lower(), d.unit))


# --- mail ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailOutcome:
    sent: int
    failed: int


def _mail(campaign: Campaign, delivery: Delivery, reminder: bool) -> EmailMessage:
    context = {"campaign": campaign, "kommune": campaign.kommune, "delivery": delivery, "reminder": reminder}
    with translation.override("de"):
        template = "reminder" if reminder else "invitation"
        body = render_to_string(f"assessment/manage/mail/{template}.txt", context)
        subject = (
            _("Erinnerung: Umfrage „%(title)s“ – %(kommune)s")
            if reminder
            else _("Einladung zur Umfrage „%(title)s“ – %(kommune)s")
        ) % {"title": campaign.title, "kommune": campaign.kommune.name}
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.email])


def send_mails(campaign: Campaign, items: Sequence[Delivery], *, reminder: bool = False) -> MailOutcome:
    """Send one mail per link over one connection. A failing server does not undo the invitations:
    the page says how many mails failed, and a reminder sends new links."""
    messages = [_mail(campaign, d, reminder) for d in items if d.email]
    if not messages:
        return MailOutcome(0, 0)
    connection = get_connection()
    sent = failed = in_a_row = 0
    try:
        connection.open()
    except Exception:  # SECURITY: log neither addresses nor links
        log.warning("survey mails of Kommune %s: mail server unreachable", campaign.kommune_id, exc_info=True)
        return MailOutcome(0, len(messages))
    try:
        for index, message in enumerate(messages):
            message.connection = connection
            try:
                sent += message.send()
                in_a_row = 0
            except Exception:  # SECURITY: log neither addresses nor links
                failed += 1
                in_a_row += 1
                log.warning("a survey mail of Kommune %s could not be sent", campaign.kommune_id)
                if in_a_row >= MAX_FAILURES_IN_A_ROW:
                    failed += len(messages) - index - 1
                    break
    finally:
        connection.close()
    return MailOutcome(sent, failed)


# --- list for a mail merge ------------------------------------------------------------------------------


def csv_file(kommune: Kommune, items: Sequence[Delivery], *, reminder: bool = False) -> ExportFile:
    """The links as CSV for a mail merge (UTF-8 with BOM, `;`, formula-safe)."""
    rows = [[d.first_name, d.last_name, d.email, d.unit, d.url] for d in items]
    stem = "erinnerungen" if reminder else "einladungen"
    return table_file(header=CSV_HEADER, rows=rows, fmt="csv", stem=stem, kommune=kommune)


# --- letters ------------------------------------------------------------------------------------------


def qr_data_uri(url: str) -> str:
    """The link as a QR code (SVG data URI, error correction M, dark on white)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000000", light="#ffffff"))


def letters_pdf(campaign: Campaign, items: Sequence[Delivery], *, reminder: bool = False) -> bytes:
    """One page per person: name, unit, link, QR code, period and privacy notice."""
    context = {
        "campaign": campaign,
        "kommune": campaign.kommune,
        "today": timezone.localdate(),
        "reminder": reminder,
        "letters": [{"delivery": d, "qr": qr_data_uri(d.url)} for d in items],
    }
    return render_pdf("assessment/pdf/letters.html", context, stylesheets=LETTER_STYLES)


def letters_filename(kommune: Kommune, *, reminder: bool = False) -> str:
    stem = "erinnerungsbriefe" if reminder else "einladungsbriefe"
    return f"{stem}-{kommune.slug}-{timezone.localdate():%Y-%m-%d}.pdf"
