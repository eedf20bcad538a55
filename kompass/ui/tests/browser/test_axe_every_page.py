"""X1/X5: every page and its important states pass axe-core (WCAG 2.1 A/AA) and carry the page shell.

The page list is generated from the URL resolver: every named route outside the API must be either
in `PAGES` (how to fill its URL and who looks at it) or in `NOT_PAGES` (why it is no HTML page).
A new route that is in neither makes `test_every_route_is_scanned_or_explained` fail, so new pages
are scanned as soon as they exist.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kompass.accounts.models import ApiToken
from kompass.accounts.password_reset import reset_path
from kompass.accounts.services import api_token_create
from kompass.conftest import World
from kompass.factories import UserFactory, person
from kompass.tenancy.models import Membership, Role
from kompass.tenancy.public import Publication, publications
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan, login


class Fill:
    """The objects page URLs are filled with: the world, and a role model, a framework, campaigns and a
    target profile, each built only when a page needs it."""

    def __init__(self, world: World, directory: Path | None = None) -> None:
        self.world = world
        self.slug = {"kommune_slug": world.kommune.slug}
        self.directory = directory or Path(tempfile.mkdtemp(prefix="kk-axe-"))  # tests pass their tmp_path
        self._roles: dict[str, Any] | None = None
        self._framework: dict[str, Any] | None = None
        self._campaigns: dict[str, Any] = {}
        self._targets: dict[str, Any] | None = None
        self._agenda: dict[str, Any] | None = None
        self.tokens: list[str] = []  # unused personal links of the open campaign

    def roles(self) -> dict[str, Any]:
        """Teststadt adopts the shipped KGSt-oriented catalogue; Alice holds the CDO role."""
        if self._roles is None:
            from kompass.roles import services as role_services
            from kompass.roles.catalogue_loader import latest_catalogue, load_catalogues
            from kompass.roles.models import ActivityTemplate, Role

            load_catalogues()
            catalogue = latest_catalogue("kgst")
            w = self.world
            role_services.catalogue_adopt(kommune=w.kommune, actor=w.admin, catalogue=catalogue)
            role = Role.objects.for_kommune(w.kommune).filter(key="cdo").first() or (
                Role.objects.for_kommune(w.kommune).order_by("pk").first()
            )
            assignment = role_services.assignment_create(
                kommune=w.kommune,
                actor=w.admin,
                data={
                    "person": w.alice,
                    "role": role,
                    "org_unit": w.hauptamt,
                    "time_share": "20",
                    "valid_from": datetime.date(2026, 1, 1),
                    "qualification": "keine",
                },
            )
            activity = ActivityTemplate.objects.order_by("pk").first()
            self._roles = {"catalogue": catalogue, "role": role, "assignment": assignment, "activity": activity}
        return self._roles

    def invitation_secret(self) -> str:
        """An open invitation to Teststadt for an address without an account: the page asks for a password."""
        from kompass.accounts.invitations import invitation_create

        _invitation, path = invitation_create(
            kommune=self.world.kommune, actor=self.world.admin, email="ines.eingeladen@teststadt.example", role="reader"
        )
        return path.rstrip("/").rsplit("/", 1)[1]

    def role(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.roles()["role"].pk}

    def assignment(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.roles()["assignment"].pk}

    # --- the Orientierungsrahmen and the self-assessment (issue 9) ---------------------------------

    def catalogue_loaded(self) -> dict[str, Any]:
        """The small test catalogue is loaded, but Teststadt has not adopted it (the page before adoption)."""
        from kompass.framework.catalogue_loader import load_framework
        from kompass.framework.tests.catalogue_fixture import write_catalogue

        load_framework(write_catalogue(self.directory / "fw"))
        return self.slug

    def framework(self) -> dict[str, Any]:
        """Teststadt adopts the small test catalogue (four fields, the Wahlfeld switched off) and adds an
        own criterion to "Rollen und Verantwortung"."""
        if self._framework is None:
            from kompass.framework import services as framework_services
            from kompass.framework.models import Criterion, Field
            from kompass.framework.tests.catalogue_fixture import LEVELS, adopted_framework

            w = self.world
            adopted_framework(w.kommune, self.directory / "fw", actor=w.admin)
            field = Field.objects.for_kommune(w.kommune).get(key="rollen-verantwortung")
            own = framework_services.criterion_create(
                kommune=w.kommune,
                actor=w.admin,
                field=field,
                data={"name": "Digitale Sprechstunde", "question": "Wie weit ist die Sprechstunde?", "levels": LEVELS},
            )
            catalogue = Criterion.objects.for_kommune(w.kommune).get(field=field, key="kernrollen")
            self._framework = {"field": field, "own": own, "catalogue": catalogue}
        return self._framework

    def newer_catalogue(self) -> dict[str, Any]:
        """A second catalogue version next to the adopted one: a renamed field and a new criterion."""
        from kompass.framework.catalogue_loader import load_framework
        from kompass.framework.tests.catalogue_fixture import write_catalogue

        self.framework()
        load_framework(
            write_catalogue(
                self.directory / "fw-2026.2",
                version="2026.2",
                extra_criterion=True,
                rename="Rollen, Aufgaben und Verantwortung",
            )
        )
        return self.slug

    def field(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.framework()["field"].pk}

    def own_criterion(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.framework()["own"].pk}

    def catalogue_criterion(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.framework()["catalogue"].pk}

    def _people(self, n: int, unit: Any, prefix: str) -> list[Any]:
        return [person(self.world.kommune, f"{prefix}{i:02d}", "Befragt", unit) for i in range(n)]

    def _respond(self, campaign: Any, tokens: list[str], value: Callable[[int, int], int | None], comment: str) -> None:
        """Each token answers every question through the survey's services (`value(person, question)`)."""
        from kompass.assessment import services as survey_services
        from kompass.assessment.models import CampaignItem

        items = list(
            CampaignItem.objects.for_kommune(self.world.kommune).filter(campaign=campaign).values_list("pk", flat=True)
        )
        for n, token in enumerate(tokens):
            participant = survey_services.participant_for(token, self.world.kommune)
            answers = {item: value(n, i) for i, item in enumerate(items)}
            survey_services.submit(participant=participant, answers=answers, comment=comment)

    def campaign(self, status: str = "entwurf", year: int = 2026) -> Any:
        """A campaign of the framework: "entwurf" (a draft with an open link to come), "offen" (opened
        with three personal links, one answered, the open link and code made) or "geschlossen"
        (twelve people answered — ten of the Hauptamt with a comment, two of Gewerbe, fewer than k —
        and the result is stored; mean level about 2)."""
        key = f"{status}:{year}"
        if key not in self._campaigns:
            from kompass.assessment import services as survey_services

            w = self.world
            self.framework()
            titles = {"entwurf": f"Standortbestimmung {year + 1}", "offen": f"Befragung der Führungskräfte {year}"}
            data = {
                "title": titles.get(status, f"Standortbestimmung {year}"),
                "starts_on": f"{year}-01-10",
                "ends_on": f"{year}-02-10",
                "unit_depth": 4,
                "open_link_enabled": status != "geschlossen",
                "free_text_enabled": status == "geschlossen",
                "dv_reference": "Dienstvereinbarung Digitalisierung",
            }
            campaign = survey_services.campaign_create(kommune=w.kommune, actor=w.admin, data=data)
            if status != "entwurf":

                def invite(people: list[Any]) -> list[str]:
                    links = survey_services.invite(
                        kommune=w.kommune,
                        actor=w.admin,
                        campaign=campaign,
                        people=people,
                        audience="mitarbeitende",
                        channel="liste",
                    )
                    return [link.token for link in links]

                tag = str(len(self._campaigns))
                if status == "offen":
                    tokens = invite(self._people(3, w.hauptamt, f"Offen{tag}-"))
                    campaign = survey_services.campaign_open(kommune=w.kommune, actor=w.admin, campaign=campaign)
                    self._respond(campaign, tokens[:1], lambda n, i: 3, "")
                    self.tokens = tokens[1:]
                else:
                    many = invite(self._people(10, w.hauptamt, f"Haupt{tag}-"))
                    few = invite(self._people(2, w.sachgebiet, f"Gewerbe{tag}-"))
                    campaign = survey_services.campaign_open(kommune=w.kommune, actor=w.admin, campaign=campaign)
                    self._respond(campaign, many, lambda n, i: (n + i) % 3 + 1, "Mehr Schulungen zur E-Akte bitte.")
                    self._respond(campaign, few, lambda n, i: None if i % 4 == 0 else 2, "")
                    survey_services.campaign_close(kommune=w.kommune, actor=w.admin, campaign=campaign)
                    campaign.refresh_from_db()
            self._campaigns[key] = campaign
        return self._campaigns[key]

    def draft(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.campaign("entwurf").pk}

    def opened(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.campaign("offen").pk}

    def closed(self) -> dict[str, Any]:
        return {**self.slug, "pk": self.campaign("geschlossen").pk}

    def campaigns(self) -> dict[str, Any]:
        """A draft, an open and a closed campaign side by side (the list)."""
        for status in ("geschlossen", "offen", "entwurf"):
            self.campaign(status)
        return self.slug

    def token(self) -> dict[str, Any]:
        """An unused personal link of the open campaign (for the survey pages)."""
        self.campaign("offen")
        return {**self.slug, "token": self.tokens[0]}

    def open_token(self) -> dict[str, Any]:
        return {**self.slug, "open_token": self.campaign("offen").open_token}

    def targets(self) -> dict[str, Any]:
        """The closed campaign gives the Ist; a Soll for "Rollen und Verantwortung" and for one of its
        criteria; "Lotsen-Netzwerk aufbauen" accepted for it; the Kommunentyp questionnaire answered."""
        if self._targets is None:
            from kompass.assessment import selectors as target_selectors
            from kompass.assessment import services_targets
            from kompass.framework import kommunentypen

            w = self.world
            fw = self.framework()
            self.campaign("geschlossen")
            year = datetime.date.today().year + 2
            soll = {"level": "4.0", "year": year, "reason": "Beschluss des Verwaltungsvorstands", "weight": 3}
            services_targets.target_set(kommune=w.kommune, actor=w.admin, field=fw["field"], data=soll)
            services_targets.target_set(
                kommune=w.kommune, actor=w.admin, field=fw["field"], criterion=fw["catalogue"], data=soll
            )
            template = target_selectors.template_for_key("lotsen-netzwerk")
            assert template is not None, "the test catalogue's measure templates are loaded with the framework"
            recommendation = services_targets.recommendation_accept(
                kommune=w.kommune, actor=w.admin, template=template, field=fw["field"]
            )
            answers = {key: 3 + i % 3 for i, key in enumerate(kommunentypen.catalogue().item_keys)}
            services_targets.type_profile_save(kommune=w.kommune, actor=w.admin, answers=answers)
            self._targets = {"recommendation": recommendation}
        return self.slug

    def target_field(self) -> dict[str, Any]:
        self.targets()
        return self.field()

    def target_criterion(self) -> dict[str, Any]:
        self.targets()
        return self.catalogue_criterion()

    def recommendation(self) -> dict[str, Any]:
        self.targets()
        assert self._targets is not None
        return {**self.slug, "pk": self._targets["recommendation"].pk}

    # --- the digital agenda (issue 10) ----------------------------------------------------------

    def agenda(self) -> dict[str, Any]:
        """Teststadt's agenda, built through the agenda's services (`_agenda_scene`)."""
        if self._agenda is None:
            self._agenda = _agenda_scene(self)
        return self._agenda

    def agenda_slug(self) -> dict[str, Any]:
        self.agenda()
        return self.slug

    def public_agenda(self) -> dict[str, Any]:
        """The agenda with its public transparency page switched on (opt-in) and its own texts."""
        from kompass.agenda import public_page

        self.agenda()
        w = self.world
        public_page.public_settings_update(
            kommune=w.kommune,
            actor=w.admin,
            data={
                "public_page_enabled": True,
                "public_intro": "Was Teststadt mit der Digitalisierung vorhat und wie weit sie ist.",
                "public_easy_text": "Die Stadt macht vieles im Internet. Hier steht, was sie plant.",
            },
        )
        return self.slug


def _agenda_scene(f: Fill) -> dict[str, Any]:
    """Teststadt's digital agenda, through the agenda's services: Fassung 1 with two Leitsätze and two
    Handlungsfelder, decided with its council decision; Fassung 2 a draft with a new vision, a changed
    and a new Leitsatz and a new Handlungsfeld (so the diff has something to show). A Wirkungsziel with
    a public KPI and an operative goal without one; four measures in different states, "Gewerbeanmeldung
    online" with every child (milestones, budget, risk, impact chain with a KPI and its values, a RACI
    role, a dependency on "E-Akte einführen") and a status report; "E-Akte einführen" has no report yet
    (overdue). The roles come from the adopted KGSt catalogue (`Fill.roles`): Alice holds the CDO role."""
    from kompass.agenda import services
    from kompass.agenda.models import AgendaVersion, KPIValue, Leitsatz
    from kompass.roles.models import Role

    w = f.world
    k, a = w.kommune, w.admin
    today = datetime.date.today()

    def day(offset: int) -> str:
        return (today + datetime.timedelta(days=offset)).isoformat()

    cdo = f.roles()["role"]
    helper = Role.objects.for_kommune(k).exclude(pk=cdo.pk).order_by("pk").first()
    services.agenda_create(kommune=k, actor=a, vision="Teststadt ist digital und nah für alle.")
    v1 = AgendaVersion.objects.for_kommune(k).get(number=1)
    for text in ("Nutzen für die Menschen zuerst.", "Einmal erfassen, mehrfach nutzen."):
        services.leitsatz_create(kommune=k, actor=a, version=v1, data={"text": text})
    verwaltung = services.handlungsfeld_create(
        kommune=k,
        actor=a,
        version=v1,
        data={"name": "Verwaltung digital", "description": "Akten, Abläufe und Zusammenarbeit ohne Papier."},
    )
    service = services.handlungsfeld_create(
        kommune=k, actor=a, version=v1, data={"name": "Bürgerservice online", "description": "Anliegen von zu Hause."}
    )
    decision = services.council_decision_create(
        kommune=k,
        actor=a,
        data={
            "body": "Rat der Stadt",
            "decided_on": "20.03.2025",
            "drucksache": "DS-2025/017",
            "title": "Digitale Agenda 2025",
            "result": "beschlossen",
            "link": "https://ratsinfo.example/vorlage/17",
        },
    )
    services.council_decision_create(
        kommune=k,
        actor=a,
        data={"body": "Hauptausschuss", "decided_on": day(30), "title": "Haushalt Online-Dienste", "result": "vertagt"},
    )
    v1 = services.version_decide(
        kommune=k, actor=a, version=v1, data={"decided_on": "20.03.2025", "decision": decision.pk}
    )
    v2 = services.version_new_draft(kommune=k, actor=a, source=v1)
    services.version_update(kommune=k, actor=a, version=v2, data={"vision": "Teststadt ist digital, nah und offen."})
    changed = Leitsatz.objects.for_kommune(k).filter(agenda_version=v2).order_by("position").first()
    assert changed is not None
    services.leitsatz_update(kommune=k, actor=a, leitsatz=changed, data={"text": "Nutzen für alle zuerst."})
    leitsatz = services.leitsatz_create(kommune=k, actor=a, version=v2, data={"text": "Offene Daten als Regel."})
    bildung = services.handlungsfeld_create(kommune=k, actor=a, version=v2, data={"name": "Schulen und Bildung"})

    goal = services.goal_create(
        kommune=k,
        actor=a,
        data={
            "kind": "wirkungsziel",
            "title": "Anliegen online erledigen",
            "effect": "buerger_unternehmen",
            "handlungsfelder": [service.pk],
        },
    )
    operative = services.goal_create(
        kommune=k,
        actor=a,
        data={
            "kind": "operativ",
            "parent": goal.pk,
            "title": "Zehn Verfahren online anbieten",
            "effect": "leistungen_prozesse",
            "handlungsfelder": [service.pk],
        },
    )
    eakte = services.measure_create(
        kommune=k,
        actor=a,
        data={
            "title": "E-Akte einführen",
            "status": "in_umsetzung",
            "accountable_role": cdo.pk,
            "responsible_unit": w.hauptamt.pk,
            "handlungsfelder": [verwaltung.pk],
            "starts_on": day(-400),
            "ends_on": day(300),
            "benefit": 4,
            "urgency": 5,
            "effort": 4,
        },
    )
    measure = services.measure_create(
        kommune=k,
        actor=a,
        data={
            "title": "Gewerbeanmeldung online",
            "description": "Die Gewerbeanmeldung geht vollständig digital.",
            "status": "in_umsetzung",
            "accountable_role": cdo.pk,
            "responsible_unit": w.sachgebiet.pk,
            "handlungsfelder": [service.pk],
            "goals": [goal.pk, operative.pk],
            "benefit": 5,
            "urgency": 4,
            "effort": 2,
            "starts_on": day(-200),
            "ends_on": day(500),
            "fte": "1,5",
            "beneficiaries": "Gewerbetreibende",
        },
    )
    for title, status in (("Chatbot prüfen", "idee"), ("WLAN im Rathaus", "abgeschlossen")):
        services.measure_create(
            kommune=k, actor=a, data={"title": title, "status": status, "handlungsfelder": [verwaltung.pk]}
        )
    services.milestone_create(
        kommune=k, actor=a, measure=measure, data={"title": "Anforderungen", "due_on": day(-60), "done_on": day(-70)}
    )
    milestone = services.milestone_create(
        kommune=k, actor=a, measure=measure, data={"title": "Pilot im Gewerbeamt", "due_on": day(90)}
    )
    budget = services.budget_line_create(
        kommune=k,
        actor=a,
        measure=measure,
        data={
            "year": today.year,
            "planned": "120.000,00",
            "spent": "45.500,50",
            "haushalt_kind": "produkt",
            "haushalt_ref": "11.10.01",
            "funding_programme": "Digitalfonds Land",
            "funding_amount": "60.000",
            "decision": decision.pk,
        },
    )
    risk = services.risk_create(
        kommune=k,
        actor=a,
        measure=measure,
        data={"title": "Schnittstelle fehlt", "likelihood": 4, "impact": 3, "mitigation": "Früh beim Land anfragen"},
    )
    for level, text in (("input", "Zwei Stellen und Software"), ("output", "Online-Formular mit Bezahlung")):
        services.impact_step_create(kommune=k, actor=a, measure=measure, data={"level": level, "text": text})
    step = services.impact_step_create(
        kommune=k, actor=a, measure=measure, data={"level": "effekt", "text": "Anträge kommen vollständig an."}
    )
    if helper is not None:
        services.measure_role_set(kommune=k, actor=a, measure=measure, role=helper, letter="R")
    services.dependency_add(kommune=k, actor=a, measure=measure, depends_on=eakte)
    kpi = services.kpi_create(
        kommune=k,
        actor=a,
        data={
            "name": "Anteil digitaler Gewerbeanmeldungen",
            "unit": "%",
            "baseline_value": "10",
            "baseline_on": day(-365),
            "target_value": "80",
            "target_on": day(365),
            "measure": measure.pk,
            "impact_step": step.pk,
            "owner_role": cdo.pk,
            "data_source": "Fachverfahren Gewerbe",
        },
    )
    goal_kpi = services.kpi_create(
        kommune=k,
        actor=a,
        data={
            "name": "Verfahren online",
            "unit": "Anzahl",
            "baseline_value": "2",
            "baseline_on": day(-365),
            "target_value": "10",
            "target_on": day(365),
            "goal": goal.pk,
            "is_public": True,
        },
    )
    for days_ago, number, other in ((300, "15", "3"), (200, "22,5", "4"), (100, "37,5", "5"), (10, "48,25", "6")):
        services.kpi_value_record(kommune=k, actor=a, kpi=kpi, measured_on=day(-days_ago), value=number)
        services.kpi_value_record(kommune=k, actor=a, kpi=goal_kpi, measured_on=day(-days_ago), value=other)
    report = services.status_report_create(
        kommune=k,
        actor=a,
        measure=measure,
        data={"light": "gelb", "progress": 40, "text": "Das Formular steht, die Bezahlung fehlt noch."},
    )
    return {
        "v1": v1,
        "v2": v2,
        "leitsatz": leitsatz,
        "handlungsfeld": service,
        "draft_handlungsfeld": bildung,
        "goal": goal,
        "decision": decision,
        "measure": measure,
        "eakte": eakte,
        "milestone": milestone,
        "budget": budget,
        "risk": risk,
        "step": step,
        "kpi": kpi,
        "kpi_value": KPIValue.objects.for_kommune(k).filter(kpi=kpi).order_by("-measured_on").first(),
        "goal_kpi": goal_kpi,
        "report": report,
    }


@dataclass(frozen=True)
class Page:
    """How to open a page: its URL arguments and query, and as whom (admin, anonymous, operator).

    For a state (`STATES`): `act` does something on the opened page (sends a form with errors),
    `expect` is a text the page must then show, so the scan is known to see that state, and
    `status` is the answer a sent form gets (the browser logs 4xx answers as console errors)."""

    kwargs: Callable[[Fill], dict[str, Any]] = lambda f: {}
    as_user: str = "admin"
    query: Callable[[Fill], str] = lambda f: ""
    published: bool = False  # a public page: the Kommune publishes something while it is scanned
    act: Callable[[Any], Any] | None = None
    expect: str = ""
    status: int = 200


def submit(button: str, *values: tuple[str, str], open_first: str = "") -> Callable[[Any], Any]:
    """An `act`: set the fields (a select by its option value, a checkbox "on"/"off", else typed), press
    the button named `button` in main and wait for the next page; returns that page's response.
    `open_first` is the text of a `details` summary to open before (the form is folded inside)."""

    def act(page: Any) -> Any:
        main = page.locator("main")
        if open_first:
            main.locator("summary", has_text=open_first).first.click()
        for selector, value in values:
            element = page.locator(selector)
            tag = element.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
            if tag.startswith("select"):
                element.select_option(value)
            elif tag in ("input:checkbox", "input:radio"):
                element.set_checked(value != "off")
            else:
                element.fill(value)
        with page.expect_navigation() as navigation:
            main.get_by_role("button", name=button, exact=True).first.click()
        return navigation.value

    return act


def _slug(f: Fill) -> dict[str, Any]:
    return f.slug


def _reset_link(f: Fill) -> dict[str, Any]:
    """A valid reset link of the reader: the page moves the token into the session and shows the form."""
    uidb64, token = reset_path(f.world.reader).strip("/").split("/")[-2:]
    return {"uidb64": uidb64, "token": token}


def _roles(f: Fill) -> dict[str, Any]:
    f.roles()
    return f.slug


def _first_finding_kind(f: Fill) -> str:
    """`?art=` with the kind of the first finding group of the scene's Rollen-Check."""
    from kompass.roles.overview import check_summary

    kommune = f.world.kommune
    return "?art=" + check_summary(kommune, kommune.slug).finding_groups[0].rule


def _framework(f: Fill) -> dict[str, Any]:
    f.framework()
    return f.slug


def _agenda(key: str) -> Callable[[Fill], dict[str, Any]]:
    """The URL arguments of one object of the agenda scene (`pk`)."""
    return lambda f: {**f.slug, "pk": f.agenda()[key].pk}


def _agenda_child(key: str, item: str) -> Callable[[Fill], dict[str, Any]]:
    """A child of an object of the agenda scene: its parent (`pk`) and itself (`item`)."""
    return lambda f: {**f.slug, "pk": f.agenda()[key].pk, "item": f.agenda()[item].pk}


def _trash_item(f: Fill) -> int:
    """A person deleted into Teststadt's Papierkorb (built once per fill), so the list has a row."""
    if getattr(f, "_trash_item", None) is None:
        from kompass.org import services as org_services
        from kompass.trash.models import TrashItem

        gone = person(f.world.kommune, "Paula", "Papierkorb", f.world.hauptamt)
        org_services.person_delete(kommune=f.world.kommune, actor=f.world.admin, person=gone, expected_version=1)
        f._trash_item = TrashItem.objects.for_kommune(f.world.kommune).get(object_id=str(gone.pk)).pk  # type: ignore[attr-defined]
    return f._trash_item  # type: ignore[attr-defined]


def _oidc(f: Fill) -> dict[str, int]:
    """Teststadt's own identity provider with one group mapping (built once per fill)."""
    if getattr(f, "_oidc", None) is None:
        from kompass.sso import services as sso_services

        k, a = f.world.kommune, f.world.admin
        data = {
            "name": "Keycloak der Stadt",
            "issuer": "https://anmeldung.teststadt.example/realms/verwaltung",
            "client_id": "kommunalkompass",
            "client_secret_env": "KOMPASS_OIDC_SECRET_TESTSTADT",
            "scopes": "openid email profile",
            "group_claim": "groups",
        }
        provider = sso_services.provider_create(kommune=k, actor=a, data=data)
        group = {"group": "kompass-redaktion", "role": "editor", "scope_unit": f.world.ordnungsamt}
        mapping = sso_services.group_mapping_create(kommune=k, actor=a, provider=provider, data=group)
        f._oidc = {"provider": provider.pk, "mapping": mapping.pk}  # type: ignore[attr-defined]
    return f._oidc  # type: ignore[attr-defined]


def _with_oidc(f: Fill) -> dict[str, Any]:
    _oidc(f)
    return f.slug


def _oidc_page(key: str) -> Callable[[Fill], dict[str, Any]]:
    return lambda f: {**f.slug, "pk": _oidc(f)[key]}


def _membership(f: Fill) -> int:
    """The reader's membership in Teststadt (the Datenschutz pages of a member)."""
    return Membership.objects.for_kommune(f.world.kommune).get(user=f.world.reader).pk


PAGES: dict[str, Page] = {
    "ui:home": Page(),
    "ui:dashboard": Page(_slug),
    "ui:impressum": Page(),
    "ui:privacy": Page(),
    "ui:accessibility": Page(),
    "ui:feedback": Page(as_user="anonymous"),
    "accounts:login": Page(as_user="anonymous"),
    "accounts:password_change": Page(),
    "accounts:password_change_done": Page(),
    "accounts:password_reset": Page(as_user="anonymous"),
    "accounts:password_reset_done": Page(as_user="anonymous"),
    "accounts:password_reset_confirm": Page(lambda f: {"uidb64": "MQ", "token": "cz1abc-0123"}, as_user="anonymous"),
    "accounts:password_reset_complete": Page(as_user="anonymous"),
    "accounts:api_tokens": Page(),
    # The second factor (docs/security.md A3): enrolment and overview; the step and the codes are scanned in test_second_factor.
    "sso:enrol": Page(),
    "sso:manage": Page(),
    "accounts:members": Page(_slug),
    "accounts:invitation": Page(lambda f: {"token": f.invitation_secret()}, as_user="anonymous"),
    "accounts:operator_access": Page(as_user="operator"),
    "accounts:operator_kommunen": Page(as_user="operator"),
    "accounts:operator_kommune_create": Page(as_user="operator"),
    "accounts:operator_kommune_status": Page(_slug, as_user="operator"),
    "accounts:operator_access_kommune": Page(_slug, as_user="operator"),
    "accounts:kommune_settings": Page(_slug),
    # The Kommune's own identity provider (docs/security.md A3): the overview with a provider and a group, its forms.
    "sso:providers": Page(_with_oidc),
    "sso:provider_create": Page(_slug),
    "sso:provider_edit": Page(_oidc_page("provider")),
    "sso:provider_delete": Page(_oidc_page("provider")),
    "sso:mapping_create": Page(_oidc_page("provider")),
    "sso:mapping_edit": Page(_oidc_page("mapping")),
    "sso:mapping_delete": Page(_oidc_page("mapping")),
    "org:tree": Page(_slug),
    "org:unit_list": Page(_slug),
    "org:unit_create": Page(_slug),
    "org:unit_detail": Page(lambda f: {**f.slug, "pk": f.world.ordnungsamt.pk}),
    "org:unit_edit": Page(lambda f: {**f.slug, "pk": f.world.ordnungsamt.pk}),
    "org:unit_delete": Page(lambda f: {**f.slug, "pk": f.world.sachgebiet.pk}),
    "org:person_list": Page(_slug),
    "org:person_create": Page(_slug),
    "org:person_detail": Page(lambda f: {**f.slug, "pk": f.world.alice.pk}),
    "org:person_edit": Page(lambda f: {**f.slug, "pk": f.world.alice.pk}),
    "org:person_delete": Page(lambda f: {**f.slug, "pk": f.world.bruno.pk}),
    "org:import_export": Page(_slug),
    "audit:log": Page(_slug),
    "privacy:index": Page(_slug),
    "privacy:person_detail": Page(lambda f: {**f.slug, "pk": f.world.alice.pk}),
    "privacy:person_erase": Page(lambda f: {**f.slug, "pk": f.world.alice.pk}),
    "privacy:member_detail": Page(lambda f: {**f.slug, "pk": _membership(f)}),
    "privacy:member_erase": Page(lambda f: {**f.slug, "pk": _membership(f)}),
    # The Papierkorb (docs/security.md R6): the list with a deleted person, and the confirmation to delete it for good.
    "trash:index": Page(lambda f: {**f.slug} if _trash_item(f) else f.slug),
    "trash:purge": Page(lambda f: {**f.slug, "pk": _trash_item(f)}),
    # The role model (issue 3), with the KGST catalogue adopted.
    "roles:role_list": Page(_roles),
    "roles:catalogue_list": Page(_roles),
    "roles:catalogue_role": Page(lambda f: {**f.slug, "catalogue_id": f.roles()["catalogue"].pk, "role_key": "cdo"}),
    "roles:catalogue_updates": Page(_roles),
    "roles:role_create": Page(_roles),
    "roles:role_detail": Page(Fill.role),
    "roles:role_edit": Page(Fill.role),
    "roles:role_delete": Page(Fill.role),
    "roles:assignment_list": Page(_roles),
    "roles:assignment_create": Page(_roles),
    "roles:assignment_edit": Page(Fill.assignment),
    "roles:assignment_end": Page(Fill.assignment),
    "roles:assignment_delete": Page(Fill.assignment),
    "roles:lotsen": Page(_roles),
    "roles:checks": Page(_roles),
    "roles:graph": Page(_roles),
    "roles:matrix": Page(_roles),
    "roles:matrix_row": Page(_roles, query=lambda f: f"?aktivitaet={f.roles()['activity'].pk}"),
    # The Orientierungsrahmen (issue 9): Teststadt has adopted the small test catalogue.
    "framework:overview": Page(_framework, expect="Digitale Sprechstunde"),
    "framework:field_detail": Page(Fill.field),
    "framework:field_edit": Page(Fill.field),
    "framework:criterion_create": Page(Fill.field),
    "framework:criterion_edit": Page(Fill.own_criterion),
    "framework:criterion_delete": Page(Fill.own_criterion),
    "framework:updates": Page(
        Fill.newer_catalogue, expect="Rollen, Aufgaben und Verantwortung"
    ),  # a renamed field and a new criterion in 2026.2
    "framework:measures": Page(_framework),
    # The campaigns of the self-assessment: the list with a draft, an open and a closed campaign.
    "assessment:campaign_list": Page(Fill.campaigns, expect="3 Umfragen"),
    "assessment:campaign_create": Page(_framework),
    "assessment:settings": Page(_slug),
    "assessment:campaign_detail": Page(Fill.draft, expect="entstehen, wenn Sie die Umfrage öffnen"),
    "assessment:campaign_update": Page(Fill.draft),
    "assessment:campaign_questionnaire": Page(Fill.draft),
    "assessment:campaign_open": Page(Fill.draft),
    "assessment:campaign_close": Page(Fill.opened),
    "assessment:campaign_reopen": Page(Fill.closed),
    "assessment:campaign_archive": Page(Fill.closed),
    "assessment:campaign_delete": Page(Fill.draft),
    "assessment:campaign_invitations": Page(Fill.draft),
    "assessment:campaign_reminders": Page(Fill.opened),
    # Results of the closed campaign (twelve responses, one group below k).
    "assessment:results": Page(Fill.closed, expect="k = 5;"),
    "assessment:results_audiences": Page(Fill.closed),
    "assessment:results_units": Page(Fill.closed),
    "assessment:results_criteria": Page(Fill.closed),
    "assessment:results_trend": Page(Fill.closed),
    "assessment:results_comments": Page(Fill.closed, expect="Mehr Schulungen zur E-Akte"),
    "assessment:results_releases": Page(Fill.closed),
    # Soll, gaps, recommendations and Kommunentyp with a closed campaign, a Soll, an accepted
    # recommendation and an answered type questionnaire in place.
    "assessment:targets": Page(Fill.targets, expect="Für 1 von 3 Feldern"),
    "assessment:target_field": Page(Fill.target_field),
    "assessment:target_criterion": Page(Fill.target_criterion),
    "assessment:gaps": Page(Fill.targets),
    "assessment:recommendations": Page(Fill.targets, expect="Open-Data-Portal"),
    "assessment:recommendation_drop": Page(Fill.recommendation),
    "assessment:kommunentyp": Page(Fill.targets, expect="Beantwortet am"),
    "assessment:kommunentyp_answer": Page(Fill.targets),
    # Public pages (anonymous), open only while a module publishes something of the Kommune.
    "public:kommune": Page(_slug, as_user="anonymous", published=True),
    # The survey for respondents: a personal link of the open campaign, and its open link.
    "public:survey_start": Page(Fill.token, as_user="anonymous", published=True, expect="Zur Umfrage"),
    "public:survey_questions": Page(Fill.token, as_user="anonymous", published=True),
    "public:survey_submit": Page(Fill.token, as_user="anonymous", published=True),
    "public:survey_thanks": Page(_slug, as_user="anonymous", published=True),
    "public:survey_open": Page(Fill.open_token, as_user="anonymous", published=True),
    # The digital agenda (issue 10): Fassung 1 decided, Fassung 2 a draft, measures with every child,
    # KPIs with values, a status report, council decisions (`_agenda_scene`).
    "agenda:overview": Page(Fill.agenda_slug, expect="Bürgerservice online"),
    "agenda:settings": Page(Fill.agenda_slug),
    "agenda:rename": Page(Fill.agenda_slug, expect="Digitale Agenda umbenennen"),
    "agenda:version_list": Page(Fill.agenda_slug),
    "agenda:version_detail": Page(_agenda("v1"), expect="DS-2025/017"),
    "agenda:version_diff": Page(_agenda("v2"), expect="Schulen und Bildung"),
    "agenda:version_edit": Page(_agenda("v2")),
    "agenda:version_decide": Page(_agenda("v2")),
    "agenda:leitsatz_create": Page(_agenda("v2")),
    "agenda:leitsatz_edit": Page(_agenda("leitsatz")),
    "agenda:leitsatz_delete": Page(_agenda("leitsatz")),
    "agenda:handlungsfeld_create": Page(_agenda("v2")),
    "agenda:handlungsfeld_detail": Page(_agenda("handlungsfeld"), expect="Gewerbeanmeldung online"),
    "agenda:handlungsfeld_edit": Page(_agenda("draft_handlungsfeld")),
    "agenda:handlungsfeld_delete": Page(_agenda("draft_handlungsfeld")),
    "agenda:goal_list": Page(Fill.agenda_slug),
    "agenda:goal_create": Page(Fill.agenda_slug),
    "agenda:goal_detail": Page(_agenda("goal"), expect="Verfahren online"),
    "agenda:goal_edit": Page(_agenda("goal")),
    "agenda:goal_delete": Page(_agenda("goal")),
    "agenda:decision_list": Page(Fill.agenda_slug),
    "agenda:decision_create": Page(Fill.agenda_slug),
    "agenda:decision_detail": Page(_agenda("decision")),
    "agenda:decision_edit": Page(_agenda("decision")),
    "agenda:decision_delete": Page(_agenda("decision")),
    "agenda:portfolio": Page(Fill.agenda_slug, expect="WLAN im Rathaus"),
    "agenda:bubble": Page(Fill.agenda_slug),
    "agenda:roadmap": Page(Fill.agenda_slug),
    "agenda:board": Page(Fill.agenda_slug),
    "agenda:measure_create": Page(Fill.agenda_slug),
    "agenda:measure_detail": Page(_agenda("measure"), expect="Anträge kommen vollständig an."),
    "agenda:measure_edit": Page(_agenda("measure")),
    "agenda:measure_delete": Page(_agenda("measure")),
    "agenda:milestone_edit": Page(_agenda_child("measure", "milestone")),
    "agenda:budget_edit": Page(_agenda_child("measure", "budget")),
    "agenda:risk_edit": Page(_agenda_child("measure", "risk")),
    "agenda:impact_edit": Page(_agenda_child("measure", "step")),
    "agenda:kpi_list": Page(Fill.agenda_slug),
    "agenda:kpi_import": Page(Fill.agenda_slug),
    "agenda:kpi_detail": Page(_agenda("kpi"), expect="Fachverfahren Gewerbe"),
    "agenda:kpi_edit": Page(_agenda("kpi")),
    "agenda:kpi_delete": Page(_agenda("kpi")),
    "agenda:kpi_value_edit": Page(_agenda_child("kpi", "kpi_value")),
    "agenda:kpi_value_delete": Page(_agenda_child("kpi", "kpi_value")),
    "agenda:kpi_create": Page(_agenda("measure")),
    "agenda:goal_kpi_create": Page(_agenda("goal")),
    "agenda:reports_overdue": Page(Fill.agenda_slug, expect="E-Akte einführen"),
    "agenda:report_create": Page(_agenda("measure")),
    "agenda:report_detail": Page(_agenda_child("measure", "report"), expect="die Bezahlung fehlt noch"),
    "agenda:council_report": Page(Fill.agenda_slug),
    "agenda:public_settings": Page(Fill.agenda_slug),
    # The public transparency page, switched on by the Kommune (opt-in), read anonymously.
    "public:agenda": Page(Fill.public_agenda, as_user="anonymous", expect="Was Teststadt mit der Digitalisierung"),
    "public:agenda_leichte_sprache": Page(Fill.public_agenda, as_user="anonymous"),
    "public:agenda_kennzahlen": Page(Fill.public_agenda, as_user="anonymous", expect="Kennzahlen: "),
}

# Routes that are no HTML page (a POST action, a download, a machine endpoint), with the reason.
NOT_PAGES: dict[str, str] = {
    "set_language": "POST action of the language button",
    "ui:health": "JSON health check for the reverse proxy",
    "ops:readyz": "JSON readiness check for the reverse proxy",
    "accounts:logout": "POST action",
    "sso:verify": "the step after the password opens only while a code is owed; scanned in test_second_factor",
    "sso:recovery_codes": "shown once right after the enrolment; scanned in test_second_factor",
    "sso:recovery_codes_download": "text download of the recovery codes",
    "sso:oidc_start": "redirect to the identity provider",
    "trash:restore": "POST only: restores an item and goes back to the Papierkorb",
    "sso:oidc_callback": "redirect back from the identity provider (to the start page or the login page)",
    "accounts:api_token_revoke": "POST action",
    "accounts:session_keepalive": "POST action of the session warning (JSON); the warning is scanned in test_session_warning",
    "accounts:member_remove": "POST action",
    "accounts:member_sessions_end": "POST action",
    "accounts:invitation_resend": "POST action",
    "accounts:invitation_revoke": "POST action",
    "org:import_preview": "POST action of the upload form (its result page is scanned in test_journeys)",
    "org:import_confirm": "POST action of the preview (its result page is scanned in test_journeys)",
    "org:export": "CSV/XLSX download",
    "org:search_people": "JSON search behind the person combobox (option markup for htmx); its fields are scanned",
    "org:search_units": "JSON search behind the unit combobox (option markup for htmx); its fields are scanned",
    "org:import_template": "CSV/XLSX download (empty template)",
    "org:import_example": "CSV/XLSX download (example file)",
    "roles:catalogue_adopt": "POST action",
    "roles:role_take_catalogue_version": "POST action",
    "roles:relation_take_catalogue_version": "POST action",
    "roles:relation_add_from_catalogue": "POST action",
    "roles:role_add_from_catalogue": "POST action",
    "roles:relation_create": "POST action",
    "roles:relation_delete": "POST action",
    "roles:matrix_cell": "POST action (htmx cell save)",
    "roles:matrix_csv": "CSV download",
    "roles:matrix_xlsx": "XLSX download",
    "roles:matrix_pdf": "PDF download",
    "roles:role_pdf": "PDF download",
    "framework:adopt": "POST action of the page before adoption",
    "framework:update_field": "POST action of the Katalog-Aktualisierung",
    "framework:update_criterion": "POST action of the Katalog-Aktualisierung",
    "framework:update_add_field": "POST action of the Katalog-Aktualisierung",
    "framework:update_add_criterion": "POST action of the Katalog-Aktualisierung",
    "framework:mark_current": "POST action of the Katalog-Aktualisierung",
    "assessment:recommendation_accept": "POST action of the recommendations page (its errors are scanned there)",
    "assessment:results_pdf": "PDF download (the report)",
    "assessment:results_xlsx": "XLSX download (the workbook)",
    "agenda:create": "POST action of the empty overview (scanned as a state)",
    "agenda:version_new_draft": "POST action of the version page",
    "agenda:measure_from_recommendation": "POST action of the portfolio's recommendations (scanned as a state)",
    "agenda:measure_status": "POST action of the measure page and the board (its error page is the form's)",
    "agenda:milestone_create": "POST action of the measure page (folded form, scanned unfolded there)",
    "agenda:milestone_delete": "POST action of the measure page",
    "agenda:budget_create": "POST action of the measure page (folded form, scanned unfolded there)",
    "agenda:budget_delete": "POST action of the measure page",
    "agenda:risk_create": "POST action of the measure page (folded form, scanned unfolded there)",
    "agenda:risk_delete": "POST action of the measure page",
    "agenda:impact_create": "POST action of the measure page (folded form, scanned unfolded there)",
    "agenda:impact_delete": "POST action of the measure page",
    "agenda:raci_set": "POST action of the measure page (folded form, scanned unfolded there)",
    "agenda:raci_delete": "POST action of the measure page",
    "agenda:dependency_add": "POST action of the measure page (its refusal of a cycle is scanned as a state)",
    "agenda:dependency_remove": "POST action of the measure page",
    "agenda:dependency_search": "JSON search behind the dependency combobox (option markup for htmx); its field is scanned",
    "agenda:kpi_value_add": "POST action of the KPI page (its errors are scanned as a state)",
    "agenda:kpi_import_template": "CSV/XLSX download (empty template)",
    "agenda:council_report_pdf": "PDF download (the council report)",
    "agenda:council_report_docx": "DOCX download (the council report)",
    "agenda:agenda_xlsx": "XLSX download (all measures and KPI values)",
    "privacy:person_json": "JSON download (Auskunft nach Art. 15)",
    "privacy:person_pdf": "PDF download (Auskunft nach Art. 15)",
    "privacy:member_json": "JSON download (Auskunft nach Art. 15)",
    "privacy:member_pdf": "PDF download (Auskunft nach Art. 15)",
}
NOT_PAGE_KWARGS: dict[str, Callable[[Fill], dict[str, Any]]] = {
    "privacy:person_json": lambda f: {**f.slug, "pk": f.world.alice.pk},
    "privacy:person_pdf": lambda f: {**f.slug, "pk": f.world.alice.pk},
    "privacy:member_json": lambda f: {**f.slug, "pk": _membership(f)},
    "privacy:member_pdf": lambda f: {**f.slug, "pk": _membership(f)},
    "trash:restore": lambda f: {**f.slug, "pk": _trash_item(f)},
    "accounts:api_token_revoke": lambda f: {"pk": 1},
    "sso:oidc_start": lambda f: {"provider": "instanz"},
    "sso:oidc_callback": lambda f: {"provider": "instanz"},
    "accounts:member_remove": lambda f: {**f.slug, "pk": 1},
    "accounts:member_sessions_end": lambda f: {**f.slug, "pk": 1},
    "accounts:invitation_resend": lambda f: {**f.slug, "pk": 1},
    "accounts:invitation_revoke": lambda f: {**f.slug, "pk": 1},
    "org:import_preview": _slug,
    "org:import_confirm": _slug,
    "org:export": lambda f: {**f.slug, "kind": "personen", "fmt": "csv"},
    "org:search_people": _slug,
    "org:search_units": _slug,
    "org:import_template": lambda f: {**f.slug, "kind": "personen", "fmt": "xlsx"},
    "org:import_example": lambda f: {**f.slug, "kind": "rollenzuordnungen", "fmt": "csv"},
    "roles:catalogue_adopt": _slug,
    "roles:role_take_catalogue_version": lambda f: {**f.slug, "pk": 1},
    "roles:relation_take_catalogue_version": lambda f: {**f.slug, "pk": 1},
    "roles:relation_add_from_catalogue": _slug,
    "roles:role_add_from_catalogue": _slug,
    "roles:relation_create": lambda f: {**f.slug, "pk": 1},
    "roles:relation_delete": lambda f: {**f.slug, "pk": 1},
    "roles:matrix_cell": _slug,
    "roles:matrix_csv": _slug,
    "roles:matrix_xlsx": _slug,
    "roles:matrix_pdf": _slug,
    "roles:role_pdf": Fill.role,
    "framework:adopt": _slug,
    "framework:update_field": lambda f: {**f.slug, "pk": 1},
    "framework:update_criterion": lambda f: {**f.slug, "pk": 1},
    "framework:update_add_field": _slug,
    "framework:update_add_criterion": _slug,
    "framework:mark_current": _slug,
    "assessment:recommendation_accept": _slug,
    "assessment:results_pdf": Fill.closed,
    "assessment:results_xlsx": Fill.closed,
    "agenda:create": _slug,
    "agenda:version_new_draft": lambda f: {**f.slug, "pk": 1},
    "agenda:measure_from_recommendation": lambda f: {**f.slug, "pk": 1},
    "agenda:measure_status": lambda f: {**f.slug, "pk": 1},
    "agenda:milestone_create": lambda f: {**f.slug, "pk": 1},
    "agenda:milestone_delete": lambda f: {**f.slug, "pk": 1, "item": 1},
    "agenda:budget_create": lambda f: {**f.slug, "pk": 1},
    "agenda:budget_delete": lambda f: {**f.slug, "pk": 1, "item": 1},
    "agenda:risk_create": lambda f: {**f.slug, "pk": 1},
    "agenda:risk_delete": lambda f: {**f.slug, "pk": 1, "item": 1},
    "agenda:impact_create": lambda f: {**f.slug, "pk": 1},
    "agenda:impact_delete": lambda f: {**f.slug, "pk": 1, "item": 1},
    "agenda:raci_set": lambda f: {**f.slug, "pk": 1},
    "agenda:raci_delete": lambda f: {**f.slug, "pk": 1, "item": 1},
    "agenda:dependency_add": lambda f: {**f.slug, "pk": 1},
    "agenda:dependency_remove": lambda f: {**f.slug, "pk": 1, "item": 1},
    "agenda:dependency_search": lambda f: {**f.slug, "pk": 1},
    "agenda:kpi_value_add": lambda f: {**f.slug, "pk": 1},
    "agenda:kpi_import_template": lambda f: {**f.slug, "fmt": "csv"},
    "agenda:council_report_pdf": Fill.agenda_slug,
    "agenda:council_report_docx": Fill.agenda_slug,
    "agenda:agenda_xlsx": Fill.agenda_slug,
}


def _empty_questionnaire(page: Any) -> Any:
    """Untick every criterion (folded away in their fields) and save."""
    page.evaluate("() => document.querySelectorAll('main input[type=checkbox]').forEach(b => { b.checked = false; })")
    return submit("Fragebogen speichern")(page)


def _asked_own_criterion(f: Fill) -> dict[str, Any]:
    """The own criterion, asked by the draft's questionnaire: it can no longer be deleted."""
    f.campaign("entwurf")
    return f.own_criterion()


def _released(f: Fill) -> dict[str, Any]:
    """The closed campaign whose results somebody has read: it cannot be opened again."""
    from kompass.assessment.models import Campaign

    kwargs = f.closed()
    Campaign.objects.for_kommune(f.world.kommune).filter(pk=kwargs["pk"]).update(results_released=True)
    return kwargs


def _two_years(f: Fill) -> dict[str, Any]:
    f.campaign("geschlossen", year=2025)
    return f.closed()


def _reworded(f: Fill) -> dict[str, Any]:
    """The newer catalogue renames a field the Kommune has reworded itself: both texts are shown."""
    from kompass.framework import services as framework_services

    field = f.framework()["field"]
    w = f.world
    framework_services.field_update(
        kommune=w.kommune, actor=w.admin, field=field, data={"name": "Rollen, Zuständigkeiten und Verantwortung"}
    )
    return f.newer_catalogue()


def _measure_changed_meanwhile(page: Any) -> Any:
    """Someone else saves the measure (through the service) while its form is open; then it is sent."""
    from kompass.agenda import services
    from kompass.agenda.models import Measure

    pk = int(page.url.rstrip("/").split("/")[-2])
    measure = Measure.objects.unscoped().get(pk=pk)
    services.measure_update(
        kommune=measure.kommune, actor=None, measure=measure, data={"description": "Inzwischen anders beschrieben."}
    )
    return submit("Speichern", ("#id_title", "Gewerbeanmeldung ganz online"))(page)


def _dependency_cycle(page: Any) -> Any:
    """On the page of "E-Akte einführen" (which "Gewerbeanmeldung online" needs first): make it need
    "Gewerbeanmeldung online" too."""
    main = page.locator("main")
    main.locator("summary", has_text="Abhängigkeit hinzufügen").click()
    page.locator("#neu-abh-depends_on").fill("Gewerbeanmeldung")  # the combobox searches as you type
    page.locator("#neu-abh-depends_on-liste [role=option]", has_text="Gewerbeanmeldung online").first.click()
    with page.expect_navigation() as navigation:
        main.get_by_role("button", name="Abhängigkeit speichern", exact=True).click()
    return navigation.value


def _kpi_file(content: str) -> Callable[[Any], Any]:
    """An `act` of the import page: upload a CSV file (semicolons, as Excel writes it) and have it checked."""

    def act(page: Any) -> Any:
        upload = {"name": "werte.csv", "mimeType": "text/csv", "buffer": content.encode("cp1252")}
        page.set_input_files("#id_file", files=[upload])
        with page.expect_navigation() as navigation:
            page.locator("main").get_by_role("button", name="Datei prüfen", exact=True).click()
        return navigation.value

    return act


def _bad_stichtag(page: Any) -> Any:
    return page.goto(page.url.split("?")[0] + "?stichtag=gestern")


def _portfolio_filtered(f: Fill) -> str:
    scene = f.agenda()
    role = scene["measure"].accountable_role_id
    return f"?status=in_umsetzung&handlungsfeld={scene['handlungsfeld'].pk}&rolle={role}&sort=-priority"


def _agenda_and_recommendation(f: Fill) -> dict[str, Any]:
    """The agenda, and an accepted recommendation of the self-assessment that is no measure yet."""
    f.targets()
    return f.agenda_slug()


# Further states of the pages above (issue 9): label → (route, how to reach the state).
STATES: dict[str, tuple[str, Page]] = {
    "roles: Rollen-Check, every finding of one kind": (
        "roles:checks",
        Page(_roles, query=_first_finding_kind, expect="Zum ganzen Rollen-Check"),
    ),
    "sso: provider form with errors": (
        "sso:provider_create",
        Page(
            _slug,
            act=submit("Speichern", ("#id_issuer", "http://10.0.0.1"), ("#id_client_secret_env", "DATABASE_URL")),
            expect="https-Adresse",
        ),
    ),
    "privacy: search with hits": (
        "privacy:index",
        Page(_slug, act=submit("Suchen", ("#id_q", "Alice")), expect="Personen der Verwaltungsgliederung"),
    ),
    "accounts: reset link, the form for the new password": (
        "accounts:password_reset_confirm",
        Page(
            _reset_link,
            as_user="anonymous",
            expect="Neues Passwort wählen",
        ),
    ),
    "accounts: reset form with errors": (
        "accounts:password_reset_confirm",
        Page(
            _reset_link,
            as_user="anonymous",
            act=submit("Passwort speichern", ("#id_new_password1", "kurz"), ("#id_new_password2", "kurz")),
            expect="zu kurz",
        ),
    ),
    "framework: before adoption": (
        "framework:overview",
        Page(Fill.catalogue_loaded, expect="Vorschau: Fassung 2026.1"),
    ),
    "framework: newer version available": ("framework:overview", Page(Fill.newer_catalogue, expect="2026.2")),
    "framework: updates, nothing to take": ("framework:updates", Page(_framework, expect="nichts zu übernehmen")),
    "framework: updates, own wording beside the catalogue's": (
        "framework:updates",
        Page(_reworded, expect="Ihre Kommune hat dieses Feld umformuliert"),
    ),
    "framework: field form with errors": (
        "framework:field_edit",
        Page(Fill.field, act=submit("Speichern", ("#id_name", "")), expect="Bitte"),
    ),
    "framework: criterion form with errors": (
        "framework:criterion_create",
        Page(Fill.field, act=submit("Speichern", ("#id_name", ""), ("#id_level_3", "")), expect="Bitte"),
    ),
    "framework: a catalogue criterion is switched off, not deleted": (
        "framework:criterion_delete",
        Page(Fill.catalogue_criterion, expect="stammt aus dem Katalog"),
    ),
    "framework: deleting an asked criterion is refused": (
        "framework:criterion_delete",
        Page(_asked_own_criterion, act=submit("Endgültig löschen"), expect="bereits in einer Umfrage gestellt"),
    ),
    "campaigns: list before the framework is adopted": (
        "assessment:campaign_list",
        Page(_slug, expect="Zuerst den Orientierungsrahmen übernehmen"),
    ),
    "campaigns: create form with errors": (
        "assessment:campaign_create",
        Page(
            _framework, act=submit("Umfrage anlegen", ("#id_title", ""), ("#id_ends_on", "kein Datum")), expect="Bitte"
        ),
    ),
    "campaigns: detail of an open campaign with its open link": (
        "assessment:campaign_detail",
        Page(Fill.opened, expect="Zugangscode"),
    ),
    "campaigns: detail of a closed campaign": (
        "assessment:campaign_detail",
        Page(Fill.closed, expect="Ergebnisse ansehen"),
    ),
    "campaigns: edit form locked after the first response": (
        "assessment:campaign_update",
        Page(Fill.opened, expect="Nach der ersten Antwort"),
    ),
    "campaigns: questionnaire locked after the first response": (
        "assessment:campaign_questionnaire",
        Page(Fill.opened, expect="Der Fragebogen lässt sich nicht mehr ändern"),
    ),
    "campaigns: questionnaire refused when empty": (
        "assessment:campaign_questionnaire",
        Page(Fill.draft, act=_empty_questionnaire, expect="Bitte"),
    ),
    "campaigns: invitations, proposal for a unit": (
        "assessment:campaign_invitations",
        Page(
            Fill.draft,
            act=submit("Vorschlag anzeigen", ("#id_units_0", "on"), open_first="Auf Organisationseinheiten"),
            expect="Vorschlag für:",
        ),
    ),
    "campaigns: invitations of a closed campaign": (
        "assessment:campaign_invitations",
        Page(Fill.closed, expect="Es lässt sich niemand mehr einladen"),
    ),
    "campaigns: reopening refused after the results were read": (
        "assessment:campaign_reopen",
        Page(_released, expect="bereits abgerufen"),
    ),
    "campaigns: closing a draft is not offered": (
        "assessment:campaign_close",
        Page(Fill.draft, expect="Nur eine offene Umfrage lässt sich schließen"),
    ),
    "campaigns: settings with errors": (
        "assessment:settings",
        Page(
            _slug,
            act=submit("k erhöhen", ("#id_k", "3"), ("#id_reason", "Dienstvereinbarung")),
            expect="k muss mindestens",
        ),
    ),
    "results: an open campaign has none yet": (
        "assessment:results",
        Page(Fill.opened, expect="Diese Umfrage ist noch offen"),
    ),
    "results: trend over two campaigns": ("assessment:results_trend", Page(_two_years, expect="2025")),
    "targets: Soll form with errors": (
        "assessment:target_field",
        Page(Fill.target_field, act=submit("Speichern", ("#id_reason", "")), expect="Bitte"),
    ),
    "targets: before the framework is adopted": (
        "assessment:targets",
        Page(_slug, expect="noch nicht übernommen"),
    ),
    "targets: recommendations before any campaign": (
        "assessment:recommendations",
        Page(_framework, expect="sobald eine Umfrage abgeschlossen ist"),
    ),
    "targets: gaps before any campaign": (
        "assessment:gaps",
        Page(_framework, expect="noch keine abgeschlossene Umfrage"),
    ),
    "targets: accepting a recommendation without a reason": (
        "assessment:recommendations",
        Page(
            Fill.targets,
            act=submit(
                "Als Empfehlung übernehmen", ("textarea[name=reason] >> visible=true", ""), open_first="Übernehmen"
            ),
            expect="Bitte begründen Sie",
        ),
    ),
    "targets: Kommunentyp not answered yet": (
        "assessment:kommunentyp",
        Page(_framework, expect="Noch nicht beantwortet"),
    ),
    "targets: Kommunentyp questionnaire with errors": (
        "assessment:kommunentyp_answer",
        Page(_framework, act=submit("Antworten speichern"), expect="Bitte"),
    ),
    "targets: dropping a recommendation without a reason": (
        "assessment:recommendation_drop",
        Page(Fill.recommendation, act=submit("Verwerfen", ("#id_reason", "")), expect="Bitte"),
    ),
    "survey: open link with a wrong access code": (
        "public:survey_open",
        Page(
            Fill.open_token,
            as_user="anonymous",
            published=True,
            act=submit("Weiter", ("#id_code", "FALSCH")),
            expect="Der Zugangscode stimmt nicht",
            status=400,
        ),
    ),
    "survey: open link, second step after the right access code": (
        "public:survey_open",
        Page(
            Fill.open_token,
            as_user="anonymous",
            published=True,
            act=lambda page: _right_code(page),
            expect="Ihre Organisationseinheit",
        ),
    ),
    "agenda: overview of a Kommune without an agenda": (
        "agenda:overview",
        Page(_slug, expect="hat noch keine Digitale Agenda"),
    ),
    "agenda: a decided version is shown read-only": (
        "agenda:version_edit",
        Page(_agenda("v1"), expect="ist beschlossen und kann nicht mehr geändert werden"),
    ),
    "agenda: deciding a draft without a date": (
        "agenda:version_decide",
        Page(_agenda("v2"), act=submit("Als beschlossen festhalten"), expect="Bitte", status=400),
    ),
    "agenda: goal form with errors": (
        "agenda:goal_create",
        Page(Fill.agenda_slug, act=submit("Ziel anlegen"), expect="Bitte", status=400),
    ),
    "agenda: portfolio filtered and sorted": (
        "agenda:portfolio",
        Page(Fill.agenda_slug, query=_portfolio_filtered, expect="Gewerbeanmeldung online"),
    ),
    "agenda: portfolio with an accepted recommendation": (
        "agenda:portfolio",
        Page(_agenda_and_recommendation, expect="Lotsen-Netzwerk aufbauen"),
    ),
    "agenda: measure form with errors": (
        "agenda:measure_create",
        Page(
            Fill.agenda_slug,
            act=submit("Speichern", ("#id_title", ""), ("#id_fte", "viel"), ("#id_ends_on", "99")),
            expect="Bitte",
            status=400,
        ),
    ),
    "agenda: measure edit refused, changed meanwhile by someone else": (
        "agenda:measure_edit",
        Page(_agenda("measure"), act=_measure_changed_meanwhile, expect="inzwischen von jemand anderem", status=400),
    ),
    "agenda: a measure others wait for, without a status report": (
        "agenda:measure_detail",
        Page(_agenda("eakte"), expect="Gewerbeanmeldung online"),
    ),
    "agenda: a dependency cycle is refused": (
        "agenda:measure_detail",
        Page(_agenda("eakte"), act=_dependency_cycle, expect="ergäbe einen Kreis", status=400),
    ),
    "agenda: a KPI value that is no number": (
        "agenda:kpi_detail",
        Page(
            _agenda("kpi"),
            act=submit(
                "Wert speichern",
                ("#id_measured_on", "31"),
                ("#id_measured_on_monat", "3"),
                ("#id_measured_on_jahr", "2026"),
                ("#id_value", "viel"),
            ),
            expect="ist keine Zahl",
            status=400,
        ),
    ),
    "agenda: KPI form with errors": (
        "agenda:kpi_edit",
        Page(
            _agenda("kpi"),
            act=submit("Speichern", ("#id_name", ""), ("#id_target_value", "viel")),
            expect="Bitte",
            status=400,
        ),
    ),
    "agenda: KPI import preview": (
        "agenda:kpi_import",
        Page(
            Fill.agenda_slug,
            act=_kpi_file(
                "kennzahl;datum;wert\nVerfahren online;01.04.2026;7\nAnteil digitaler Gewerbeanmeldungen;01.04.2026;55,5\n"
            ),
            expect="Vorschau",
        ),
    ),
    "agenda: KPI import of a file with errors": (
        "agenda:kpi_import",
        Page(
            Fill.agenda_slug,
            act=_kpi_file("kennzahl;datum;wert\nGibt es nicht;31.02.2026;viel\n"),
            expect="Die Datei wurde abgelehnt",
            status=400,
        ),
    ),
    "agenda: status report form with errors": (
        "agenda:report_create",
        Page(_agenda("measure"), act=submit("Bericht speichern"), expect="Bitte", status=400),
    ),
    "agenda: council report with a bad Stichtag": (
        "agenda:council_report",
        Page(Fill.agenda_slug, act=_bad_stichtag, expect="ist kein gültiger Stichtag", status=400),
    ),
    "agenda: public page settings, switched on": (
        "agenda:public_settings",
        Page(Fill.public_agenda, expect="Leichte Sprache"),
    ),
}


def _right_code(page: Any) -> Any:
    """Enter the open link's access code (read from the database by the link's token) and go on."""
    from kompass.assessment.models import Campaign

    token = page.url.rstrip("/").rsplit("/", 1)[-1]
    code = Campaign.objects.unscoped().get(open_token=token).access_code
    page.locator("#id_code").fill(code)
    with page.expect_navigation() as navigation:
        page.locator("main").get_by_role("button", name="Weiter", exact=True).click()
    return navigation.value


def _named_routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> dict[str, str]:
    routes: dict[str, str] = {}
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes.update(_named_routes(entry.url_patterns, route, ns))
        elif isinstance(entry, URLPattern) and entry.name:
            routes[namespace + entry.name] = route
    return routes


def html_routes() -> dict[str, str]:
    """Every named route of the product outside the API (`/api/…` is covered by the API tests)."""
    return {
        name: route
        for name, route in _named_routes(get_resolver().url_patterns).items()
        if not route.startswith("api/")
    }


def test_every_route_is_scanned_or_explained() -> None:
    routes = set(html_routes())
    unmapped = routes - set(PAGES) - set(NOT_PAGES)
    assert not unmapped, f"Add these routes to PAGES (to scan them) or NOT_PAGES (with a reason): {sorted(unmapped)}"
    stale = (set(PAGES) | set(NOT_PAGES) | {name for name, _spec in STATES.values()}) - routes
    assert not stale, f"These mapped routes no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(NOT_PAGES))
def test_routes_listed_as_no_page_answer_get_without_an_html_page(name: str, world: World, tmp_path: Path) -> None:
    client = Client()
    client.force_login(world.admin)
    kwargs = NOT_PAGE_KWARGS.get(name, lambda f: {})(Fill(world, tmp_path))
    response = client.get(reverse(name, kwargs=kwargs or None))
    is_page = response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not is_page, f"{name} serves an HTML page on GET: scan it (move it to PAGES)"


def _open_as(browsing: Browsing, as_user: str) -> None:
    w = browsing.world
    if as_user == "admin":
        # A second membership, so the Kommune switcher in the header is part of every scan.
        Membership.objects.create(kommune=w.other, user=w.admin, role=Role.READER)
        api_token_create(user=w.admin, name="Abgleich Personalsystem", kommune=w.kommune)
        login(browsing.page, browsing.base, w.admin.username)
    elif as_user == "operator":
        operator = UserFactory(username="betrieb", is_superuser=True, is_staff=True)
        login(browsing.page, browsing.base, operator.username)


UNFOLD = """() => {
  const folded = [...document.querySelectorAll("main details:not([open])")];
  folded.forEach(d => { d.open = true; });
  return folded.length;
}"""


def _scan(browsing: Browsing, name: str, spec: Page, label: str, directory: Path) -> None:
    _open_as(browsing, spec.as_user)
    fill = Fill(browsing.world, directory)
    url = reverse(name, kwargs=spec.kwargs(fill) or None) + spec.query(fill)
    page = browsing.page
    if spec.published:
        publications.register(Publication("axe-scan", lambda kommune: True))
    try:
        response = page.goto(browsing.base + url)
        assert response is not None and response.status == 200, (
            f"{label} ({url}) answered {response and response.status}"
        )
        if spec.act is not None:
            response = spec.act(page)
            status = response and response.status
            assert status == spec.status, f"{label}: the form answered {status}, expected {spec.status}"
            if status != 200:  # Chromium logs the answer as a console error: the one asked for is forgiven
                errors = browsing.guard.console_errors
                errors[:] = [e for e in errors if not (e.startswith("Failed to load resource") and str(status) in e)]
    finally:
        publications.unregister("axe-scan")
    if spec.expect:
        assert spec.expect in page.locator("main").inner_text(), f"{label}: {spec.expect!r} not on {page.url}"
    assert_shell(page)
    axe_scan(page, f"{label} ({page.url})")
    # axe skips what is folded away: open every `details` of the page and scan what they hold too.
    if page.evaluate(UNFOLD):
        axe_scan(page, f"{label} with everything unfolded ({page.url})")
    browsing.guard.assert_clean()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_passes_axe_and_has_the_page_shell(name: str, browsing: Browsing, tmp_path: Path) -> None:
    _scan(browsing, name, PAGES[name], name, tmp_path)


@pytest.mark.parametrize("label", sorted(STATES))
def test_page_state_passes_axe_and_has_the_page_shell(label: str, browsing: Browsing, tmp_path: Path) -> None:
    name, spec = STATES[label]
    _scan(browsing, name, spec, label, tmp_path)


# --- states ----------------------------------------------------------------------------------


def test_unit_form_with_validation_errors_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:unit_create", kommune_slug=admin_browsing.world.kommune.slug))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("#fehler").is_visible()
    assert page.evaluate("document.activeElement.id") == "fehler", "the error summary should receive focus"
    assert page.locator("[aria-invalid=true]").count() >= 2
    assert_shell(page)
    axe_scan(page, "unit form with errors")


def test_feedback_form_with_errors_passes_axe_anonymously(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.url("ui:feedback"))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("#fehler").is_visible()
    assert_shell(page)
    axe_scan(page, "feedback form with errors")


def test_empty_search_result_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:person_list", kommune_slug=admin_browsing.world.kommune.slug) + "?q=zzzzkeiner")
    assert page.locator("#ergebnis tbody tr").count() == 1
    assert "0 Personen" in page.locator("#ergebnis caption").inner_text()
    assert_shell(page)
    axe_scan(page, "empty person list")


def test_paginated_person_list_passes_axe_on_both_pages(admin_browsing: Browsing) -> None:
    w = admin_browsing.world
    for i in range(60):
        person(w.kommune, f"Vorname{i:02d}", f"Nachname{i:02d}", w.hauptamt)
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:person_list", kommune_slug=w.kommune.slug))
    nav = page.locator("nav.kk-pagination")
    assert nav.is_visible()
    axe_scan(page, "person list page 1")
    nav.locator("a[rel=next]").click()
    page.wait_for_load_state("load")
    assert "page=2" in page.url
    assert_shell(page)
    axe_scan(page, "person list page 2")


def test_unit_list_filtered_and_sorted_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:unit_list", kommune_slug=admin_browsing.world.kommune.slug) + "?sort=-name&q=amt")
    assert page.locator("#ergebnis tbody tr").count() == 2
    axe_scan(page, "unit list filtered and sorted")


def test_new_api_token_shown_once_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("accounts:api_tokens"))
    page.fill("#id_name", "Abgleich")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    assert page.locator("#neues-token").is_visible()
    assert ApiToken.objects.filter(user=admin_browsing.world.admin).count() == 1
    axe_scan(page, "new API token")


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_not_found_page_passes_axe(who: str, browsing: Browsing) -> None:
    if who == "admin":
        login(browsing.page, browsing.base, browsing.world.admin.username)
    response = browsing.page.goto(browsing.base + "/gibt-es-nicht/")
    assert response is not None and response.status == 404
    # The browser logs the 404 of the document itself as a console error; that one is expected.
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if "404" not in e]
    assert_shell(browsing.page)
    axe_scan(browsing.page, "404 page")


def test_forbidden_page_passes_axe(browsing: Browsing) -> None:
    login(browsing.page, browsing.base, browsing.world.reader.username)
    url = reverse("org:unit_create", kwargs={"kommune_slug": browsing.world.kommune.slug})
    response = browsing.page.goto(browsing.base + url)
    assert response is not None and response.status == 403
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if "403" not in e]
    assert_shell(browsing.page)
    axe_scan(browsing.page, "403 page")


def test_login_with_wrong_password_and_locked_login_pass_axe(browsing: Browsing, settings: Any) -> None:
    page = browsing.page
    login(page, browsing.base, "admin", password="falsch-falsch-falsch")
    assert page.locator("#fehler").is_visible()
    axe_scan(page, "login with error")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(page, browsing.base, "admin", password="falsch-falsch-falsch")
        if page.locator("h1", has_text="gesperrt").count():
            break
    assert page.locator("h1", has_text="gesperrt").count() == 1, "the locked-login page did not appear"
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if "429" not in e]
    assert_shell(page)
    axe_scan(page, "locked login")


def test_english_version_of_a_page_passes_axe(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:tree", kommune_slug=admin_browsing.world.kommune.slug))
    page.locator("form.kk-lang button").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_shell(page)
    axe_scan(page, "tree in English")


def test_api_documentation_page_linked_in_the_footer_passes_axe(browsing: Browsing) -> None:
    """The one HTML page under /api/: linked from every footer, readable without login."""
    response = browsing.page.goto(browsing.url("api:openapi-view"))
    assert response is not None and response.status == 200
    browsing.page.locator("#swagger-ui .info").wait_for()  # rendered by the bundled Swagger UI
    axe_scan(browsing.page, "API documentation")


def test_catalogue_updates_with_relation_changes_pass_axe(admin_browsing: Browsing, tmp_path: Any) -> None:
    """The updates page with a changed, a corrected, a new and a dropped relation (issue 12)."""
    import shutil

    from kompass.roles.catalogue_loader import CATALOGUE_DIR, load_catalogues

    w = admin_browsing.world
    Fill(w).roles()  # Teststadt adopts the shipped catalogue
    newer = tmp_path / "newer"
    shutil.copytree(CATALOGUE_DIR, newer)
    text = (newer / "kgst.toml").read_text(encoding="utf-8")
    text = re.sub(r'^version = "[^"]+"', 'version = "2099.1"', text, count=1, flags=re.MULTILINE)
    old_note = "Legt dem Rat oder Kreistag Fortschrittsberichte zur Digitalstrategie vor."
    text = text.replace(old_note, "Legt dem Rat oder Kreistag jährlich einen Bericht vor.", 1)
    text = text.replace(
        'from = "buerger"\nto = "hvb"\ntype = "beraet"', 'from = "buerger"\nto = "rat"\ntype = "beraet"', 1
    )
    text = text.replace(
        'from = "rat"\nto = "hvb"\ntype = "beauftragt"', 'from = "rat"\nto = "cio"\ntype = "kontrolliert"', 1
    )
    (newer / "kgst.toml").write_text(text, encoding="utf-8")
    load_catalogues(newer)
    page = admin_browsing.page
    page.goto(admin_browsing.url("roles:catalogue_updates", kommune_slug=w.kommune.slug))
    section = page.locator("section[aria-labelledby=beziehungen]")
    assert section.locator("article").count() >= 3
    assert "jährlich einen Bericht" in section.inner_text()
    assert_shell(page)
    axe_scan(page, "catalogue updates with relation changes")
