"""Data of the load run, written into its throw-away database (`python -m kompass.demo.loadtest.prepare`).

`prepare <tokens-file> <invitations>`: a Kommune "Lastdorf" with four Ämter and as many people as
invitations, the framework adopted, an open campaign of 40 criteria (as in the demo) with one
personal invitation per person through `assessment.services.invite`; the links go to the file, one
a line — the only copy, as with a real mail merge. `count`: the responses and the participants
who answered, to check that every submission the load run counted was stored exactly once.

`rechenzentrum <manifest> <kommunen>` (for `make loadtest`): the Rechenzentrum profile
(`kompass.demo.bench_rechenzentrum`) with that many Kommunen, and a JSON manifest for the locust
users — per Kommune its accounts, token, the paths of its pages and API endpoints, and its survey
links; the shared password and the login path. Prints the time the generation took.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

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


def _pages(load: Any) -> dict[str, str]:
    """The member pages of one Kommune (label → path): what the locust members open."""
    from django.urls import reverse

    slug = load.slug
    return {
        "Startseite der Kommune": reverse("ui:dashboard", args=[slug]),
        "Organisationsbaum": reverse("org:tree", args=[slug]),
        "Einheiten, Liste": reverse("org:unit_list", args=[slug]),
        "Personen, Liste": reverse("org:person_list", args=[slug]),
        "Personen, Seite 5": reverse("org:person_list", args=[slug]) + "?page=5",
        "Einheit, Detail": reverse("org:unit_detail", args=[slug, load.unit_id]),
        "Rollen-Check": reverse("roles:checks", args=[slug]),
        "Agenda: Übersicht": reverse("agenda:overview", args=[slug]),
        "Agenda: Maßnahmen (Portfolio)": reverse("agenda:portfolio", args=[slug]),
        "Selbstbewertung: Ergebnisse": reverse("assessment:results", args=[slug, load.campaign_id]),
    }


def _api(slug: str) -> dict[str, str]:
    base = f"/api/v1/kommunen/{slug}"
    return {
        "API: Einheiten": f"{base}/organisationseinheiten",
        "API: Personen": f"{base}/personen",
        "API: Zuordnungen": f"{base}/zuordnungen",
        "API: Maßnahmen": f"{base}/massnahmen",
        "API: Umfragen": f"{base}/umfragen",
        "API: Rollen-Check": f"{base}/rollen-check",
    }


def rechenzentrum(manifest: Path, kommunen: int) -> None:
    from django.db import connection
    from django.urls import reverse

    from kompass.demo import bench_rechenzentrum

    def progress(done: int, seconds: float) -> None:
        if done % 25 == 0 or done == kommunen:
            print(f"  {done} von {kommunen} Kommunen nach {seconds:.0f} s", flush=True)

    started = time.perf_counter()
    loads = bench_rechenzentrum.generate(kommunen, progress=progress)
    seconds = time.perf_counter() - started
    data = {
        "login": reverse("accounts:login"),
        "password": bench_rechenzentrum.PASSWORD,
        "kommunen": [
            {"slug": load.slug, "admin": load.admin, "reader": load.reader, "token": load.token,
             "pages": _pages(load), "api": _api(load.slug),
             "survey_links": [reverse("public:survey_start", kwargs={"kommune_slug": load.slug, "token": token})
                              for token in load.survey_tokens]}
            for load in loads
        ],
    }  # fmt: skip
    manifest.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(manifest, 0o600)  # the token secrets and survey links: readable by the run only
    links = sum(len(load.survey_tokens) for load in loads)
    print(
        f"Rechenzentrum-Profil ({connection.vendor}): {kommunen} Kommunen erzeugt in {seconds:.0f} s "
        f"({seconds / max(1, kommunen):.2f} s je Kommune); {links} persönliche Umfragelinks offen",
        flush=True,
    )


if __name__ == "__main__":
    django.setup()
    from kompass.audit.context import change_context

    if sys.argv[1] == "count":
        count()
    elif sys.argv[1] == "rechenzentrum":
        with change_context("command", "load"):
            rechenzentrum(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        with change_context("command", "load"):
            prepare(Path(sys.argv[1]), int(sys.argv[2]))
