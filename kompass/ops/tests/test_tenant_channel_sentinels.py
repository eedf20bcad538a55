"""T5 sentinels: what leaves the database for one Kommune names nothing of another (docs/security.md T5).

Teststadt (A) and Nachbarort (B) hold the same scene (the isolation test's role model, framework with a closed
campaign and agenda). Every free text of each Kommune — names, titles, descriptions, notes of every table, the
Kommune's name and the names of its members — gets its own sentinel appended. Then, as A's administration, every
download is generated — the council report (PDF and DOCX), the agenda workbook, the table exports of every
registered kind in CSV and XLSX, the Rollen-Check matrix (CSV, XLSX, PDF), a role profile, the survey's result
report and workbook, the survey's mail-merge list and letters, a person's Art. 15 export — and every mail A sends:
the member invitation, the survey invitation and reminder, the status-report reminder. PDFs are read with
`pdftotext`, workbooks with openpyxl (every cell of every sheet), DOCX as the text of its XML. Each output must
contain A's sentinel (so the check can fail) and none of B's.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Length
from django.test import Client
from django.urls import reverse

from kompass.accounts.models import User
from kompass.audit.models import AuditEntry
from kompass.tenancy.models import Kommune, Membership
from kompass.tenancy.scoping import TenantModel

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="the PDFs are read with pdftotext (poppler-utils)"),
]

A_SENTINEL = "Qa7Teil"  # short: it must fit beside most texts in their columns
B_SENTINEL = "Zx9Fremd"
B_WORDS = (B_SENTINEL, "GEHEIM", "Nachbarort", "nachbarort")
NOT_FREE_TEXT = frozenset(
    {"path", "slug", "key", "code", "username", "password", "token_hash", "prefix", "ags", "pseudonym", "markers"}
)


def _free_text_fields(model: type[models.Model]) -> list[models.Field]:
    found = []
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.CharField | models.TextField):
            continue
        if isinstance(f, models.EmailField | models.URLField | models.SlugField):
            continue
        if f.choices or f.unique or f.primary_key or f.name in NOT_FREE_TEXT:
            continue
        found.append(f)
    return found


def _append(rows: models.QuerySet, text: str) -> int:
    written = 0
    for f in _free_text_fields(rows.model):
        fitting = rows
        if f.max_length:
            fitting = rows.alias(_len=Length(f.name)).filter(_len__lte=f.max_length - len(text) - 1)
        written += fitting.exclude(**{f.name: ""}).update(**{f.name: Concat(F(f.name), Value(f" {text}"))})
    return written


def mark(kommune: Kommune, text: str) -> int:
    """Append `text` to every free text of the Kommune's rows, its name and its members' names."""
    written = 0
    for model in apps.get_models():
        if not model.__module__.startswith("kompass.") or model is AuditEntry or model._meta.proxy:
            continue
        if issubclass(model, TenantModel):
            written += _append(model._base_manager.filter(kommune=kommune), text)
    members = Membership.objects.for_kommune(kommune).values("user_id")
    written += _append(User._base_manager.filter(pk__in=members), text)
    written += _append(Kommune.objects.filter(pk=kommune.pk), text)
    return written


@pytest.fixture
def two_kommunen(db: Any) -> Iterator[Any]:
    from kompass.conftest import build_world
    from kompass.ui.tests import test_isolation as iso
    from kompass.ui.tests.agenda_scene import AGENDA_DECIDED, build_agenda_scene
    from kompass.ui.tests.url_registry import FRAMEWORK_ADOPTED

    w = build_world()
    roles = iso.build_role_scene(w)
    framework = iso.build_framework_scene(w, FRAMEWORK_ADOPTED)
    agenda = build_agenda_scene(w, roles, framework, AGENDA_DECIDED)
    # Nachbarort's administration is no member of Teststadt: its name must not reach Teststadt's outputs.
    assert not Membership.objects.for_kommune(w.kommune).filter(user=w.outsider).exists()
    assert mark(w.kommune, A_SENTINEL) > 50 and mark(w.other, B_SENTINEL) > 50
    for obj in (w.kommune, w.other, w.admin, w.outsider, w.alice, w.hauptamt):
        obj.refresh_from_db()
    cache.clear()
    yield w, roles, framework, agenda
    cache.clear()


def _text(content: bytes, content_type: str) -> str:
    """The readable text of a download."""
    kind = content_type.split(";")[0].strip()
    if kind == "application/pdf":
        done = subprocess.run(["pdftotext", "-q", "-", "-"], input=content, capture_output=True, check=True, timeout=60)
        return done.stdout.decode("utf-8", "replace")
    if kind.endswith("spreadsheetml.sheet"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        cells = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row]
        return "\n".join(v for v in cells if v not in ("None", ""))
    if kind.endswith("wordprocessingml.document"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"unreadable download of type {content_type}")


def _leaks(text: str) -> list[str]:
    return [word for word in B_WORDS if word in text]


def _ours(text: str) -> bool:
    """The output shows Teststadt's data: a marked text, or (a list of keys and addresses only, such as the
    role assignments) an address of Teststadt's people."""
    return A_SENTINEL in text or "@teststadt.example" in text


def _membership(w: Any) -> Membership:
    return Membership.objects.for_kommune(w.kommune).get(user=w.admin)


# The routes that answer with a file (their address ends in a file type, a format or "pdf/"/"docx/"), each either
# checked above or said here why not: empty templates and examples are the same for every Kommune, the recovery
# codes belong to an account alone, the API's schema describes the instance.
FILE_ROUTE = re.compile(r"(\.(pdf|csv|xlsx|docx|json|txt)|<\w+:fmt>|/(pdf|docx|xlsx|csv)/)$")
CHECKED = {
    "agenda:council_report_pdf",
    "agenda:council_report_docx",
    "agenda:agenda_xlsx",
    "roles:matrix_csv",
    "roles:matrix_xlsx",
    "roles:matrix_pdf",
    "roles:role_pdf",
    "assessment:results_pdf",
    "assessment:results_xlsx",
    "privacy:person_pdf",
    "privacy:person_json",
    "privacy:member_pdf",
    "privacy:member_json",
    "org:export",
}
NOT_OF_A_KOMMUNE = {
    "agenda:kpi_import_template",
    "org:import_template",
    "org:import_example",
    "sso:recovery_codes_download",
    "api:openapi-json",
}


def test_every_file_route_is_checked_or_said_why_not() -> None:
    from kompass.ui.tests import test_isolation as iso

    files = {name for name, route in iso.ROUTES.items() if FILE_ROUTE.search(str(route.pattern))}
    assert files - CHECKED - NOT_OF_A_KOMMUNE == set(), "a new download: add it to `_downloads`"
    assert files >= CHECKED | NOT_OF_A_KOMMUNE


def _downloads(w: Any, roles: Any, framework: Any) -> list[str]:
    from kompass.tabular.kinds import TABLE_KINDS

    slug = w.kommune.slug
    closed = framework.sides[slug].campaigns["closed"]
    role = roles.roles[slug][0]
    urls = [
        reverse("agenda:council_report_pdf", args=[slug]),
        reverse("agenda:council_report_docx", args=[slug]),
        reverse("agenda:agenda_xlsx", args=[slug]),
        reverse("roles:matrix_csv", args=[slug]),
        reverse("roles:matrix_xlsx", args=[slug]),
        reverse("roles:matrix_pdf", args=[slug]),
        reverse("roles:role_pdf", args=[slug, role.pk]),
        reverse("assessment:results_pdf", args=[slug, closed.pk]),
        reverse("assessment:results_xlsx", args=[slug, closed.pk]),
        reverse("privacy:person_pdf", args=[slug, w.alice.pk]),
        reverse("privacy:person_json", args=[slug, w.alice.pk]),
        reverse("privacy:member_pdf", args=[slug, _membership(w).pk]),
        reverse("privacy:member_json", args=[slug, _membership(w).pk]),
    ]
    for kind in TABLE_KINDS:
        urls += [reverse("org:export", args=[slug, kind.slug, fmt]) for fmt in ("csv", "xlsx")]
    return urls


def test_every_download_of_a_kommune_holds_its_sentinel_and_none_of_the_other(two_kommunen: Any) -> None:
    w, roles, framework, _agenda = two_kommunen
    client = Client()
    client.force_login(w.admin)
    checked = {}
    for url in _downloads(w, roles, framework):
        cache.clear()  # the export rate limit counts every download of the test's one user
        response = client.get(url)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        text = _text(response.content, response["Content-Type"])
        checked[url] = response["Content-Type"]
        assert _ours(text), f"{url} ({response['Content-Type']}) shows nothing of Teststadt's data"
        assert _leaks(text) == [], f"{url} names Nachbarort: {_leaks(text)}"
    kinds = {t.split(";")[0] for t in checked.values()}
    assert {"application/pdf", "text/csv"} <= kinds and any(k.endswith("sheet") for k in kinds), kinds


def test_the_survey_lists_letters_and_mails_of_a_kommune_name_none_of_the_other(two_kommunen: Any) -> None:
    from kompass.assessment import invitations
    from kompass.assessment import services as survey_services
    from kompass.factories import person

    w, _roles, framework, _agenda = two_kommunen
    slug = w.kommune.slug
    campaign = framework.sides[slug].campaigns["open"]
    people = [
        person(w.kommune, first, f"{last} {A_SENTINEL}", w.hauptamt, email=f"{first.lower()}@teststadt.example")
        for first, last in (("Paula", "Post"), ("Ulf", "Umfrage"))
    ]

    def url_for(token: str) -> str:
        return f"https://kompass.example/p/{slug}/umfrage/t/{token}/"

    mail.outbox.clear()
    links = survey_services.invite(
        kommune=w.kommune, actor=w.admin, campaign=campaign, people=people, audience="mitarbeitende", channel="mail"
    )
    assert links, "the open campaign invites Teststadt's people"
    items = invitations.deliveries(links, url_for)
    invitations.send_mails(campaign, items)
    reminded = survey_services.remind(kommune=w.kommune, actor=w.admin, campaign=campaign, channel="mail")
    invitations.send_mails(campaign, invitations.deliveries(reminded, url_for), reminder=True)
    assert len(mail.outbox) >= 2 * len(items) > 0
    outputs = {f"mail {m.subject}": f"{m.subject}\n{m.body}\n{m.to}" for m in mail.outbox}
    export = invitations.csv_file(w.kommune, items, reminder=False)
    outputs["serienbrief.csv"] = _text(export.content, export.content_type)
    outputs["briefe.pdf"] = _text(invitations.letters_pdf(campaign, items, reminder=False), "application/pdf")
    for name, text in outputs.items():
        assert A_SENTINEL in text, f"{name} shows nothing of Teststadt's texts"
        assert _leaks(text) == [], f"{name} names Nachbarort: {_leaks(text)}"


def test_the_member_invitation_and_the_report_reminder_name_only_their_kommune(world: Any) -> None:
    """A lighter scene: Teststadt's measure with a status report due, Nachbarort's own measure beside it."""
    import time_machine

    from kompass.accounts import invitations as member_invitations
    from kompass.agenda import reminders
    from kompass.agenda.tests import factories_kpis
    from kompass.org.models import Person

    factories_kpis.scene(world)  # a status report of Teststadt's measure is due on 2025-03-31
    Person.objects.for_kommune(world.kommune).filter(pk=world.alice.pk).update(email="alice@teststadt.example")
    mark(world.kommune, A_SENTINEL)
    mark(world.other, B_SENTINEL)
    world.kommune.refresh_from_db()
    world.admin.refresh_from_db()
    mail.outbox.clear()
    member_invitations.invitation_create(
        kommune=world.kommune, actor=world.admin, email="neu@teststadt.example", role="reader", first_name="Nora"
    )
    with time_machine.travel(datetime.date(2025, 4, 1), tick=False):
        reminders.send_report_reminders.call(None, "t5-sentinel-marked")
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) == 2, subjects
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}\n{message.to}"
        assert A_SENTINEL in text, f"mail {message.subject!r} shows nothing of Teststadt"
        assert _leaks(text) == [], f"mail {message.subject!r} names Nachbarort: {_leaks(text)}"
