"""The Rollen-Check groups repeated findings of one kind, so the page stays short for a Großstadt."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kompass.factories import orgunit
from kompass.org.models import OrgUnitType
from kompass.roles import overview, rules
from kompass.roles.rules import FINDING_GROUP_TITLES, Finding
from kompass.roles.tests.conftest import Model

pytestmark = pytest.mark.django_db

SLUG = "teststadt"
CHECKS = reverse("roles:checks", args=[SLUG])


def view(rule: str, title: str, explanation: str = "Gleich.", fix: str | None = "/beheben/") -> overview.FindingView:
    return overview.FindingView(Finding(rule, rules.WARNING, title, explanation, "Quelle"), fix)


def test_findings_of_one_kind_form_one_group_in_the_order_they_came() -> None:
    items = [view("a.b", "A1"), view("c.d", "C1"), view("a.b", "A2"), view("a.b", "A3")]
    groups = overview.group_findings(items)
    assert [(g.rule, [i.finding.title for i in g.items]) for g in groups] == [
        ("a.b", ["A1", "A2", "A3"]),
        ("c.d", ["C1"]),
    ]
    assert groups[0].is_group and not groups[1].is_group
    assert groups[1].title == "C1"  # a single finding keeps its own title
    assert groups[0].anchor == "befund-a-b"


def test_a_group_says_a_shared_explanation_once_and_different_ones_per_finding() -> None:
    same = overview.FindingGroup("a.b", [view("a.b", "A1"), view("a.b", "A2")])
    assert same.explanation == "Gleich." and same.source == "Quelle"
    mixed = overview.FindingGroup("a.b", [view("a.b", "A1", "Eins."), view("a.b", "A2", "Zwei.")])
    assert mixed.explanation is None and mixed.source == "Quelle"


def test_every_group_title_counts_in_german_and_unknown_kinds_get_a_neutral_one() -> None:
    for entry in FINDING_GROUP_TITLES.check():
        one, many = entry.title(1), entry.title(17)
        assert one.startswith("1 ") and many.startswith("17 ") and one != many, entry.key
        assert "%" not in many.replace("100 %", ""), entry.key  # no unfilled placeholder
    assert rules.group_title("lotsen.abdeckung", 17) == "17 Fachbereiche und Ämter ohne Lotsin oder Lotse"
    assert rules.group_title("person.ueberlastung", 2) == "2 Personen mit mehr Zeitanteil als Beschäftigungsumfang"
    assert rules.group_title("agenda.unbekannt", 3) == "3 Feststellungen dieser Art"


def test_the_rollen_check_shows_units_without_lotse_as_one_expandable_group_with_every_fix_link(
    adopted: Model, admin_client: Client
) -> None:
    w = adopted.world
    for n in range(3):
        orgunit(w.kommune, f"5{n}", f"Amt Nummer {n}", OrgUnitType.AMT, w.dezernat)
    response = admin_client.get(CHECKS)
    groups = {g.rule: g for g in response.context["summary"].finding_groups}
    lotsen = groups["lotsen.abdeckung"]
    assert len(lotsen.items) == 5  # 10, 32 and the three new Ämter
    text = response.content.decode()
    card = text.split(f'id="{lotsen.anchor}"', 1)[1].split("</li>\n    \n", 1)[0]
    assert "5 Fachbereiche und Ämter ohne Lotsin oder Lotse" in card
    assert '<details class="kern-accordion kk-finding-group">' in card
    assert '<summary class="kern-accordion__header">' in card and "Alle 5 anzeigen" in card
    assert card.count("Regel „Jede Organisationseinheit") == 1  # the shared explanation once
    create = reverse("roles:assignment_create", args=[SLUG])
    assert card.count(f'href="{create}"') == 5  # every finding keeps its fix link …
    for item in lotsen.items:  # … named for screen readers
        assert f'aria-label="Beheben: {item.finding.title}"' in card
    assert any("50 Amt Nummer 0" in item.finding.title for item in lotsen.items)


def test_the_single_findings_keep_their_card_without_an_accordion(adopted: Model, admin_client: Client) -> None:
    text = admin_client.get(CHECKS).content.decode()
    card = text.split('id="befund-kernrolle-cdo"', 1)[1].split("</li>", 1)[0]
    assert "Kernrolle nicht besetzt: Chief Digital Officer" in card and "<details" not in card
    assert reverse("roles:role_detail", args=[SLUG, adopted.roles["cdo"].pk]) in card


def test_the_start_page_names_groups_and_links_a_group_to_its_place_in_the_check(
    adopted: Model, admin_client: Client
) -> None:
    text = admin_client.get(reverse("ui:dashboard", args=[SLUG])).content.decode()
    roles_panel = text.split('id="rollenmodell"', 1)[1].split("</section>", 1)[0]
    assert f'href="{CHECKS}#befund-lotsen-abdeckung">2 Fachbereiche und Ämter ohne Lotsin oder Lotse</a>' in roles_panel
    assert "Kernrolle nicht besetzt: Chief Digital Officer" in roles_panel


def test_the_start_page_says_how_many_more_kinds_of_findings_the_check_holds(adopted: Model) -> None:
    summary = overview.CheckSummary(
        True,
        [(rules.WARNING, "Warnung", [view(f"art.{n}", f"Befund {n}") for n in range(8)])],
        rules.Coverage([]),
    )
    assert len(summary.top_groups) == overview.TOP_GROUPS == 5 and summary.more_groups == 3


def test_a_long_group_shows_its_first_findings_and_links_a_page_with_all_of_them(
    adopted: Model, admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kompass.roles.views import checks as check_views

    monkeypatch.setattr(check_views, "GROUP_PREVIEW", 2)
    w = adopted.world
    for n in range(3):
        orgunit(w.kommune, f"5{n}", f"Amt Nummer {n}", OrgUnitType.AMT, w.dezernat)
    text = admin_client.get(CHECKS).content.decode()
    card = text.split('id="befund-lotsen-abdeckung"', 1)[1].split("</li>\n    \n", 1)[0]
    assert "Die ersten 2 von 5 anzeigen" in card
    assert card.count('aria-label="Beheben:') == 2
    assert 'href="?art=lotsen.abdeckung#befund-lotsen-abdeckung"' in card and "Alle 5 auf einer eigenen Seite" in card
    assert 'id="befund-kernrolle-cdo"' in text  # the other kinds stay on the whole page

    one_kind = admin_client.get(CHECKS, {"art": "lotsen.abdeckung"}).content.decode()
    card = one_kind.split('id="befund-lotsen-abdeckung"', 1)[1].split("</li>\n    \n", 1)[0]
    assert card.count('aria-label="Beheben:') == 5 and "?art=" not in card
    assert '<details class="kern-accordion kk-finding-group" open>' in card
    assert 'id="befund-kernrolle-cdo"' not in one_kind and "Zum ganzen Rollen-Check" in one_kind

    unknown = admin_client.get(CHECKS, {"art": "gibt.es.nicht"}).content.decode()
    assert 'id="befund-kernrolle-cdo"' in unknown and "Zum ganzen Rollen-Check" not in unknown
