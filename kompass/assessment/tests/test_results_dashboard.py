"""The start page's panel "Selbstbewertung": the latest closed campaign, its weakest fields, the link."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kompass.assessment.models import ResultRelease
from kompass.assessment.tests.results_scenario import answer, campaign, close, scenario
from kompass.framework.tests.catalogue_fixture import adopted_framework


def dashboard(world: Any) -> str:
    return world.client_for(world.reader).get(reverse("ui:dashboard", args=[world.kommune.slug])).content.decode()


def test_panel_names_the_weakest_fields_with_participation_and_logs_the_read(world: Any, tmp_path: Any) -> None:
    adopted_framework(world.kommune, tmp_path / "fw")
    camp = campaign(world, unit_depth=0)
    answer(camp, world.hauptamt, "mitarbeitende", lambda item: 2 if item.field_key == "daten" else 4, 8)
    camp = close(world, camp)
    html = dashboard(world)
    assert 'id="selbstbewertung"' in html and "Letzte abgeschlossene Umfrage: Standortbestimmung 2026." in html
    assert "8 Antworten von 8 Eingeladenen (100 %)" in html
    weakest = html[html.index("Am schwächsten eingeschätzt") :]
    assert weakest.index("Daten: 2,0") < weakest.index("Rollen und Verantwortung: 4,0")
    assert reverse("assessment:results", args=[world.kommune.slug, camp.pk]) in html
    dashboard(world)  # seen again the same day: no second line
    assert list(ResultRelease.objects.for_kommune(world.kommune).values_list("breakdown", "channel")) == [
        ("gesamt", "startseite")
    ]
    world.client_for(world.admin).get(reverse("ui:dashboard", args=[world.kommune.slug]))
    yesterday = timezone.now() - datetime.timedelta(days=1)
    ResultRelease.objects.for_kommune(world.kommune).update(at=yesterday)
    dashboard(world)  # another day: a new line
    lines = ResultRelease.objects.for_kommune(world.kommune).order_by("at").values_list("user_name", flat=True)
    assert list(lines) == [world.reader.display_name, world.admin.display_name, world.reader.display_name]


def test_panel_says_when_no_campaign_is_closed_and_is_absent_without_campaigns(world: Any, tmp_path: Any) -> None:
    assert 'id="selbstbewertung"' not in dashboard(world)
    scenario(world, tmp_path, close_it=False)
    assert "Noch keine Umfrage ist abgeschlossen" in dashboard(world)
    assert ResultRelease.objects.for_kommune(world.kommune).count() == 0
