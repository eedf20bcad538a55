"""Test data for the council report and the public page: a decided agenda with two Handlungsfelder,
measures in several states owned through a role that Alice holds, money, risks, an impact chain,
KPIs (one public) with values, and council decisions — all built through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kompass.agenda import services
from kompass.agenda.models import KPI, AgendaVersion, CouncilDecision, Handlungsfeld, Measure
from kompass.agenda.tests.factories import assign, role
from kompass.conftest import World


@dataclass
class CouncilScene:
    version: AgendaVersion
    verwaltung: Handlungsfeld
    bildung: Handlungsfeld
    decision: CouncilDecision
    later: CouncilDecision
    eakte: Measure
    termine: Measure
    chatbot: Measure
    kpi: KPI
    secret_kpi: KPI


def council_scene(world: World, **kpi_data: Any) -> CouncilScene:
    k, admin = world.kommune, world.admin
    today = timezone.localdate()
    services.agenda_create(kommune=k, actor=admin, vision="Digital und nah.")
    version = AgendaVersion.objects.for_kommune(k).get(number=1)
    services.leitsatz_create(kommune=k, actor=admin, version=version, data={"text": "Nutzen zuerst."})
    verwaltung = services.handlungsfeld_create(
        kommune=k, actor=admin, version=version, data={"name": "Verwaltung digital"}
    )
    bildung = services.handlungsfeld_create(
        kommune=k, actor=admin, version=version, data={"name": "Schulen und Bildung"}
    )
    decision = services.council_decision_create(
        kommune=k,
        actor=admin,
        data={
            "body": "Rat der Stadt",
            "decided_on": "20.03.2025",
            "drucksache": "DS-2025/017",
            "title": "Digitale Agenda 2025",
            "result": "beschlossen",
        },
    )
    later = services.council_decision_create(
        kommune=k,
        actor=admin,
        data={
            "body": "Hauptausschuss",
            "decided_on": (today + datetime.timedelta(days=30)).isoformat(),
            "drucksache": "DS-2026/101",
            "title": "Haushalt Online-Terminvergabe",
            "result": "vertagt",
        },
    )
    version = services.version_decide(
        kommune=k, actor=admin, version=version, data={"decided_on": "20.03.2025", "decision": decision.pk}
    )
    cdo = role(world, "cdo", "Chief Digital Officer")
    assign(world, world.alice, cdo, world.hauptamt)
    eakte = services.measure_create(
        kommune=k,
        actor=admin,
        data={
            "title": "E-Akte einführen",
            "status": "in_umsetzung",
            "handlungsfelder": [verwaltung.pk],
            "accountable_role": cdo.pk,
            "responsible_unit": world.hauptamt.pk,
        },
    )
    termine = services.measure_create(
        kommune=k,
        actor=admin,
        data={"title": "Online-Terminvergabe", "status": "geplant", "handlungsfelder": [verwaltung.pk, bildung.pk]},
    )
    chatbot = services.measure_create(kommune=k, actor=admin, data={"title": "Chatbot prüfen", "status": "idee"})
    services.budget_line_create(
        kommune=k,
        actor=admin,
        measure=eakte,
        data={
            "year": 2026,
            "planned": "120.000,00",
            "spent": "45.500,50",
            "haushalt_kind": "produkt",
            "haushalt_ref": "11.10.01",
            "funding_programme": "Digitalfonds Land",
            "funding_amount": "60.000",
            "decision": decision.pk,
        },
    )
    services.budget_line_create(
        kommune=k,
        actor=admin,
        measure=termine,
        data={"year": 2027, "planned": "30.000", "haushalt_kind": "kostenstelle", "haushalt_ref": "KST 4711"},
    )
    services.risk_create(
        kommune=k,
        actor=admin,
        measure=eakte,
        data={"title": "Scan-Rückstau", "likelihood": 4, "impact": 4, "mitigation": "Scandienstleister"},
    )
    for level, text in (("input", "Zwei Stellen und Software"), ("output", "E-Akte in allen Ämtern")):
        services.impact_step_create(kommune=k, actor=admin, measure=eakte, data={"level": level, "text": text})
    services.impact_step_create(
        kommune=k, actor=admin, measure=eakte, data={"level": "effekt", "text": "Akten schneller auffindbar"}
    )
    services.status_report_create(
        kommune=k, actor=admin, measure=eakte, data={"light": "gelb", "progress": 40, "text": "Läuft."}
    )
    goal = services.goal_create(
        kommune=k,
        actor=admin,
        data={"kind": "wirkungsziel", "title": "Schneller entscheiden", "effect": "leistungen_prozesse"},
    )
    kpi = services.kpi_create(
        kommune=k,
        actor=admin,
        data={
            "name": "Anteil digitaler Akten",
            "goal": goal.pk,
            "unit": "%",
            "baseline_value": "10",
            "baseline_on": (today - datetime.timedelta(days=365)).isoformat(),
            "target_value": "90",
            "target_on": (today + datetime.timedelta(days=365)).isoformat(),
            "is_public": True,
            **kpi_data,
        },
    )
    for days_ago, value in ((200, "20"), (100, "37,5"), (10, "48,25")):
        services.kpi_value_record(
            kommune=k,
            actor=admin,
            kpi=kpi,
            measured_on=today - datetime.timedelta(days=days_ago),
            value=value,
        )
    secret = services.kpi_create(
        kommune=k,
        actor=admin,
        data={
            "name": "Interne Durchlaufzeit",
            "unit": "Tage",
            "direction": "fallend",
            "baseline_value": "30",
            "baseline_on": "2025-01-01",
            "target_value": "10",
            "target_on": "2027-12-31",
            "measure": termine.pk,
        },
    )
    return CouncilScene(version, verwaltung, bildung, decision, later, eakte, termine, chatbot, kpi, secret)
