"""Closed campaigns with many responses, quickly: invitations and responses written directly.

`answer(...)` writes what `services.submit` would leave behind (a participant who has answered,
a response with its reporting audience and unit, one answer per question) without the survey's
round trips; `close(...)` closes through the service, which stores the result. Used by the tests
of the result pages, the report, the workbook, the API and the evidence.

`scenario(world, tmp_path)` builds Teststadt's campaign "Standortbestimmung 2026" reported down to
the Ämter of Dezernat I (`unit_depth=3`):

- Hauptamt: 12 Mitarbeitende (4 on every question) and 6 Führungskräfte (5),
- Kämmerei: 10 Mitarbeitende (3),
- Bauamt: 6 Mitarbeitende (3),
- Ordnungsamt: 2 Mitarbeitende (1) — fewer than k: hidden,
- Verwaltungsvorstand: 3 (2), assigned to Dezernat I itself — as an audience fewer than k, so
  reported with the Führungskräfte; as "Dezernat I: direkt zugeordnet" fewer than k and hidden,
  which together with the Ordnungsamt is enough to protect both (Dezernat I stays visible).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompass.assessment import services
from kompass.assessment.models import Answer, Campaign, CampaignItem, Participant, Response
from kompass.factories import orgunit
from kompass.framework.tests.catalogue_fixture import adopted_framework
from kompass.org.models import OrgUnit, OrgUnitType

Value = int | None | Callable[[CampaignItem], int | None]


def campaign(world: Any, title: str = "Standortbestimmung 2026", **data: Any) -> Campaign:
    values = {"title": title, "starts_on": "2026-01-10", "ends_on": "2026-02-10", **data}
    created = services.campaign_create(kommune=world.kommune, actor=world.admin, data=values)
    return services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=created)


def answer(camp: Campaign, unit: OrgUnit | None, audience: str, value: Value, n: int, comment: str = "") -> None:
    """`n` people of `audience` in `unit` answer every question with `value` (a level, None, or a
    function of the question)."""
    kommune = camp.kommune
    items = list(CampaignItem.objects.for_kommune(kommune).filter(campaign=camp))
    reported = services.reporting_unit(camp, unit)
    today = datetime.date(2026, 1, 20)
    Participant.objects.bulk_create(
        Participant(
            kommune=kommune,
            campaign=camp,
            token_hash=secrets.token_hex(32),
            audience=audience,
            unit=reported,
            channel="liste",
            invited_on=today,
            answered_on=today,
        )
        for _i in range(n)
    )
    for _i in range(n):
        response = Response.objects.create(
            kommune=kommune, campaign=camp, audience=audience, unit=reported, comment=comment
        )
        Answer.objects.bulk_create(
            Answer(kommune=kommune, response=response, item=item, value=value(item) if callable(value) else value)
            for item in items
        )


def close(world: Any, camp: Campaign) -> Campaign:
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=camp)
    return Campaign.objects.for_kommune(world.kommune).get(pk=camp.pk)


@dataclass
class Scenario:
    campaign: Campaign
    kaemmerei: OrgUnit
    bauamt: OrgUnit


def scenario(world: Any, tmp_path: Path, *, free_text: bool = False, close_it: bool = True) -> Scenario:
    adopted_framework(world.kommune, tmp_path / "fw")
    kaemmerei = orgunit(world.kommune, "20", "Kämmerei", OrgUnitType.AMT, world.dezernat)
    bauamt = orgunit(world.kommune, "60", "Bauamt", OrgUnitType.AMT, world.dezernat)
    camp = campaign(world, unit_depth=3, free_text_enabled=free_text)
    answer(camp, world.hauptamt, "mitarbeitende", 4, 12, comment="Mehr Schulungen bitte." if free_text else "")
    answer(camp, world.hauptamt, "fuehrung", 5, 6)
    answer(camp, kaemmerei, "mitarbeitende", 3, 10, comment="Die E-Akte fehlt." if free_text else "")
    answer(camp, bauamt, "mitarbeitende", 3, 6)
    answer(camp, world.sachgebiet, "mitarbeitende", 1, 2)  # reported as 32 Ordnungsamt: 2 < k
    answer(camp, world.dezernat, "vorstand", 2, 3)
    if close_it:
        camp = close(world, camp)
    return Scenario(camp, kaemmerei, bauamt)
