"""Data of the load run, written into its throw-away database (`python -m kompass.demo.loadtest.prepare`).

`prepare <tokens-file> <invitations>`: a Kommune "Lastdorf" with four Ämter and as many people as
invitations, the framework adopted, an open campaign of 40 criteria (as in the demo) with one
personal invitation per person through `assessment.services.invite`; the links go to the file, one
a line — the only copy, as with a real mail merge. `count`: the responses and the participants
who answered, to check that every submission the load run counted was stored exactly once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import django

SLUG = "lastdorf"
TITLE = "Lasttest: Standortbestimmung"
AMTER = (("10", "Hauptamt"), ("20", "Kämmerei"), ("32", "Ordnungsamt"), ("51", "Jugendamt"))


def prepare(tokens_file: Path, invitations: int) -> None:
    from kompass.assessment import services
    from kompass.assessment.models import Audience, CampaignItem, Channel
    from kompass.demo.assessment import adopt_framework, pick_questionnaire
    from kompass.framework.catalogue_loader import load_framework
    from kompass.org.models import OrgUnitType, Person
    from kompass.org.services import orgunit_create
    from kompass.tenancy.models import Kommune

    load_framework()
    kommune = Kommune.objects.create(
        name="Lastdorf", slug=SLUG, kommune_type="gemeinde", bundesland="NW", population=12_000, ags="05999099"
    )
    root = orgunit_create(
        kommune=kommune,
        actor=None,
        data={"code": "VV", "name": "Verwaltungsvorstand", "unit_type": OrgUnitType.VERWALTUNGSVORSTAND},
    )
    units = [
        orgunit_create(kommune=kommune, actor=None, data={"code": c, "name": n, "unit_type": "amt", "parent": root})
        for c, n in AMTER
    ]
    people = Person.objects.bulk_create(
        Person(kommune=kommune, first_name="Person", last_name=f"Nr. {n}", email=f"person{n}@lastdorf.example",
               org_unit=units[n % len(units)])
        for n in range(invitations)
    )  # fmt: skip
    adopt_framework(kommune)
    data = {"title": TITLE, "starts_on": services.today(), "ends_on": services.today(), "unit_depth": 2,
            "audiences": [Audience.MITARBEITENDE], "criteria": pick_questionnaire(kommune)}  # fmt: skip
    campaign = services.campaign_create(kommune=kommune, actor=None, data=data)
    links = services.invite(
        kommune=kommune, actor=None, campaign=campaign, people=people, audience=Audience.MITARBEITENDE,
        channel=Channel.LIST,
    )  # fmt: skip
    services.campaign_open(kommune=kommune, actor=None, campaign=campaign)
    tokens_file.write_text("\n".join(link.token for link in links) + "\n", encoding="utf-8")
    questions = CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).count()
    print(f"{len(links)} persönliche Einladungen, {questions} Fragen")


def count() -> None:
    from kompass.assessment.models import Participant, Response
    from kompass.tenancy.models import Kommune

    kommune = Kommune.objects.get(slug=SLUG)
    responses = Response.objects.for_kommune(kommune).count()
    answered = Participant.objects.for_kommune(kommune).filter(answered_on__isnull=False).count()
    print(f"{responses} {answered}")


if __name__ == "__main__":
    django.setup()
    from kompass.audit.context import change_context

    if sys.argv[1] == "count":
        count()
    else:
        with change_context("command", "load"):
            prepare(Path(sys.argv[1]), int(sys.argv[2]))
