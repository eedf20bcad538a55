"""Katalog-Aktualisierung of the Orientierungsrahmen: a newer catalogue version is offered as a diff.

The Kommune adopted 2026.1 of the test catalogue; 2026.2 renames "Rollen und Verantwortung", changes
the levels of one criterion and the question of another, adds a criterion, drops a criterion and a
field, moves "Daten" to another dimension, adds a field in a new dimension and rewords a dimension.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.framework import services, updates
from kompass.framework.catalogue_loader import load_framework
from kompass.framework.models import (
    CatalogueCriterion,
    CatalogueField,
    Confidence,
    Criterion,
    Dimension,
    Field,
    Framework,
    FrameworkCatalogue,
)
from kompass.framework.tests.catalogue_fixture import LEVELS, adopted_framework, catalogue_toml

pytestmark = pytest.mark.django_db

SLUG = "teststadt"
RENAMED = "Rollen, Verantwortung und Zusammenarbeit"
NEW_LEVEL_5 = "Stufe fünf: Alle Kernrollen sind besetzt, vertreten und mit Zeit ausgestattet."
NEW_DESCRIPTION = "Wie die Kommune mit ihren Daten umgeht."
NEW_QUESTION = "Welche verbindlichen Regeln für Daten gibt es in Ihrer Kommune?"
NEW_FIELD = """
[[dimensions]]
key = "oekosystem"
name = "Akteure im Ökosystem"
description = "Mit wem die Kommune zusammenarbeitet."
source = "KGSt-Bericht 8/2018"
confidence = "abgeleitet"
position = 3

[[fields]]
key = "interoperabilitaet"
dimension = "oekosystem"
name = "Interoperabilität und Offenheit"
description = "Offene Schnittstellen und Standards."
source = "EDIH DMA, Modul M2.5"
confidence = "belegt"
"""


def _criterion_block(key: str, name: str) -> str:
    levels = ",\n  ".join(f'"{text} ({name})"' for text in LEVELS)
    return f"""
[[fields.criteria]]
key = "{key}"
name = "{name}"
question = "Wie weit ist {name}?"
levels = [
  {levels},
]
source = "Eigene Ableitung für Tests"
confidence = "abgeleitet"
"""


def _cut(text: str, marker: str, until: str) -> str:
    start = text.index(marker)
    end = text.index(until, start + len(marker))
    return text[:start] + text[end:]


def version_two_toml() -> str:
    text = catalogue_toml(version="2026.2", extra_criterion=True, rename=RENAMED)
    text = text.replace(
        "Stufe fünf: Es wird laufend verbessert, ist fest verankert und dient anderen Kommunen als Beispiel. "
        "(Kernrollen besetzt)",
        NEW_LEVEL_5,
    )
    text = text.replace(
        'question = "Wie weit ist Regeln für Daten in Ihrer Kommune entwickelt?"', f'question = "{NEW_QUESTION}"'
    )
    text = _cut(text, '[[fields.criteria]]\nkey = "projektverantwortung"', "\n[[")
    text = _cut(text, '[[fields]]\nkey = "strategie"', "\n[[fields]]")
    text = text.replace('dimension = "innensicht"\nname = "Daten"', 'dimension = "steuerung"\nname = "Daten"')
    text = text.replace('description = "Umgang mit Daten."', f'description = "{NEW_DESCRIPTION}"')
    text = text.replace(
        'description = "Voraussetzungen in der Verwaltung."', 'description = "Was die Verwaltung braucht."'
    )
    text += NEW_FIELD
    for key, name in (
        ("schnittstellen", "Offene Schnittstellen"),
        ("standards", "Standards"),
        ("nachnutzung", "Nachnutzung"),
    ):
        text += _criterion_block(key, name)
    return text


def load_version_two(tmp_path: Path) -> FrameworkCatalogue:
    directory = tmp_path / "v2"
    directory.mkdir()
    (directory / "orientierungsrahmen.toml").write_text(version_two_toml(), encoding="utf-8")
    load_framework(directory)
    return FrameworkCatalogue.objects.get(version="2026.2")


@pytest.fixture
def framework(world: World, tmp_path: Path) -> Framework:
    return adopted_framework(world.kommune, tmp_path / "v1")


def url(name: str, *args: Any) -> str:
    return reverse(f"framework:{name}", args=[SLUG, *args])


def field_of(world: World, key: str) -> Field:
    return Field.objects.for_kommune(world.kommune).select_related("dimension").get(key=key)


def criterion_of(world: World, field_key: str, key: str) -> Criterion:
    return Criterion.objects.for_kommune(world.kommune).get(field__key=field_key, key=key)


def offer_of(world: World) -> updates.FrameworkUpdates:
    offer = updates.framework_updates(world.kommune)
    assert offer is not None
    return offer


def group_of(offer: updates.FrameworkUpdates, key: str) -> updates.FieldGroup:
    return next(g for g in offer.groups if g.field.key == key)


# --- the offer ----------------------------------------------------------------------------------


def test_nothing_is_offered_while_the_adopted_version_is_the_newest(world: World, framework: Framework) -> None:
    assert updates.framework_updates(world.kommune) is None
    page = world.client_for(world.admin).get(url("updates")).content.decode()
    assert "es gibt nichts zu übernehmen" in page
    assert "verfügbar" not in world.client_for(world.admin).get(url("overview")).content.decode()


def test_offer_lists_changed_new_and_dropped_fields_and_criteria(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    load_version_two(tmp_path)
    offer = offer_of(world)
    assert (offer.adopted.version, offer.newest.version) == ("2026.1", "2026.2")
    roles = group_of(offer, "rollen-verantwortung")
    assert roles.update is not None and roles.update.kind == "changed"
    assert [(c.name, c.current, c.new) for c in roles.update.changes] == [("name", "Rollen und Verantwortung", RENAMED)]
    by_key = {u.criterion.key: u for u in roles.criteria}
    assert by_key["kernrollen"].kind == "changed" and [c.name for c in by_key["kernrollen"].changes] == ["levels"]
    assert by_key["projektverantwortung"].kind == "dropped"
    assert [c.key for c in roles.new_criteria] == ["zeitanteile"]
    daten = group_of(offer, "daten")
    assert daten.update is not None
    assert [c.name for c in daten.update.changes] == ["description"]
    assert (daten.update.dimension_from, daten.update.dimension_to) == ("Innensicht", "Steuerung")
    assert [(u.criterion.key, [c.name for c in u.changes]) for u in daten.criteria] == [("datenregeln", ["question"])]
    strategie = group_of(offer, "strategie")
    assert strategie.update is not None and strategie.update.kind == "dropped" and not strategie.criteria
    assert "mobilitaet" not in {g.field.key for g in offer.groups}  # unchanged
    assert [(n.source.key, n.dimension_name, len(n.criteria)) for n in offer.new_fields] == [
        ("interoperabilitaet", "Akteure im Ökosystem", 3)
    ]
    assert sorted((d.kind, d.source.key) for d in offer.dimensions) == [
        ("changed", "innensicht"),
        ("new", "oekosystem"),
    ]
    assert offer.pending == 8


def test_update_page_shows_old_and_new_texts_side_by_side(world: World, framework: Framework, tmp_path: Path) -> None:
    load_version_two(tmp_path)
    text = world.client_for(world.admin).get(url("updates")).content.decode()
    for expected in (
        "Fassung 2026.1; geladen ist Fassung 2026.2",
        "8 Angebote warten",
        "Rollen und Verantwortung",
        RENAMED,
        NEW_LEVEL_5,
        NEW_QUESTION,
        "Zeitanteile gewährt",
        "Interoperabilität und Offenheit",
        "von der Dimension „Innensicht“ in die Dimension „Steuerung“",
        "Im Katalog entfallen.",
        "Fassung 2026.2 als aktuell markieren",
        url("update_field", field_of(world, "rollen-verantwortung").pk),
        url("update_add_field"),
    ):
        assert expected in text, expected
    assert text.count("<h1") == 1


def test_reader_sees_the_differences_without_buttons(world: World, framework: Framework, tmp_path: Path) -> None:
    load_version_two(tmp_path)
    page = world.client_for(world.reader).get(url("updates"))
    assert page.status_code == 200
    text = page.content.decode()
    assert RENAMED in text and "<form" not in text.split('id="inhalt"')[1].split("</main>")[0]


def test_framework_page_announces_the_newer_version(world: World, framework: Framework, tmp_path: Path) -> None:
    load_version_two(tmp_path)
    text = world.client_for(world.reader).get(url("overview")).content.decode()
    assert "Fassung 2026.1 → 2026.2 verfügbar" in text
    assert "8 Änderungen oder Ergänzungen" in text


def test_update_page_costs_a_fixed_number_of_queries(world: World, framework: Framework, tmp_path: Path) -> None:
    load_version_two(tmp_path)
    client = world.client_for(world.admin)
    with CaptureQueriesContext(connection) as few:
        client.get(url("updates"))
    dimension = Dimension.objects.for_kommune(world.kommune).first()
    for n in range(20):
        field = Field.objects.create(
            kommune=world.kommune, dimension=dimension, key=f"extra-{n}", name=f"Extra {n}", confidence="abgeleitet"
        )
        Criterion.objects.create(kommune=world.kommune, field=field, key="k", name="K", question="?", levels=LEVELS)
    with CaptureQueriesContext(connection) as many:
        text = client.get(url("updates")).content.decode()
    assert "Extra 19" in text  # dropped in the newest version: offered to switch off
    assert len(many) == len(few) <= 20


# --- taking offers ------------------------------------------------------------------------------


def test_taking_a_changed_field_takes_the_catalogue_text_with_an_audit_entry(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    load_version_two(tmp_path)
    field = field_of(world, "rollen-verantwortung")
    client = world.client_for(world.admin)
    response = client.post(url("update_field", field.pk), follow=True)
    assert "entspricht jetzt der Katalogfassung 2026.2" in response.content.decode()
    field.refresh_from_db()
    assert (field.name, field.reworded, field.version) == (RENAMED, False, 2)
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="field", action="update").get()
    assert entry.changes["name"] == ["Rollen und Verantwortung", RENAMED]
    assert group_of(offer_of(world), "rollen-verantwortung").update is None
    again = client.post(url("update_field", field.pk), follow=True)
    assert "keine Änderung (mehr)" in again.content.decode()
    field.refresh_from_db()
    assert field.version == 2


def test_a_reworded_field_shows_both_texts_and_is_overwritten_only_on_click(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    field = field_of(world, "rollen-verantwortung")
    services.field_update(kommune=world.kommune, actor=world.admin, field=field, data={"name": "Zuständigkeiten"})
    load_version_two(tmp_path)
    text = world.client_for(world.admin).get(url("updates")).content.decode()
    assert "Ihre Fassung" in text and "Bisher im Katalog" in text and "Zuständigkeiten" in text
    assert "hat dieses Feld umformuliert" in text
    assert field_of(world, "rollen-verantwortung").name == "Zuständigkeiten"  # looking changes nothing
    world.client_for(world.admin).post(url("update_field", field.pk))
    assert field_of(world, "rollen-verantwortung").name == RENAMED


def test_a_reworded_text_the_catalogue_did_not_change_is_kept(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    field = field_of(world, "daten")
    services.field_update(kommune=world.kommune, actor=world.admin, field=field, data={"name": "Datenkultur"})
    load_version_two(tmp_path)
    world.client_for(world.admin).post(url("update_field", field.pk))
    field = field_of(world, "daten")
    assert field.name == "Datenkultur"  # the catalogue changed the description, not the name
    assert field.description == NEW_DESCRIPTION
    assert field.dimension.key == "steuerung"
    assert field.reworded
    assert group_of(offer_of(world), "daten").update is None


def test_taking_changed_criteria_takes_question_and_levels(world: World, framework: Framework, tmp_path: Path) -> None:
    load_version_two(tmp_path)
    client = world.client_for(world.admin)
    regeln = criterion_of(world, "daten", "datenregeln")
    kern = criterion_of(world, "rollen-verantwortung", "kernrollen")
    assert client.post(url("update_criterion", regeln.pk)).status_code == 302
    assert client.post(url("update_criterion", kern.pk)).status_code == 302
    regeln.refresh_from_db()
    kern.refresh_from_db()
    assert regeln.question == NEW_QUESTION and regeln.version == 2
    assert kern.levels[4] == NEW_LEVEL_5 and kern.levels[:4] == [f"{t} (Kernrollen besetzt)" for t in LEVELS[:4]]
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="criterion", action="update").count() == 2


def test_adding_a_new_criterion_copies_it_from_the_catalogue_once(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    load_version_two(tmp_path)
    source = CatalogueCriterion.objects.get(catalogue__version="2026.2", key="zeitanteile")
    client = world.client_for(world.admin)
    assert client.post(url("update_add_criterion"), {"pk": source.pk}).status_code == 302
    added = criterion_of(world, "rollen-verantwortung", "zeitanteile")
    assert not added.is_custom and added.confidence == Confidence.ABGELEITET and added.levels == source.levels
    response = client.post(url("update_add_criterion"), {"pk": source.pk}, follow=True)
    assert "keine Änderung (mehr)" in response.content.decode()
    assert Criterion.objects.for_kommune(world.kommune).filter(key="zeitanteile").count() == 1


def test_adding_a_new_field_brings_its_criteria_and_dimension(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    load_version_two(tmp_path)
    source = CatalogueField.objects.get(catalogue__version="2026.2", key="interoperabilitaet")
    response = world.client_for(world.admin).post(url("update_add_field"), {"pk": source.pk}, follow=True)
    assert "wurde in Ihren Orientierungsrahmen übernommen" in response.content.decode()
    field = field_of(world, "interoperabilitaet")
    assert field.is_active and field.dimension.name == "Akteure im Ökosystem"
    assert sorted(Criterion.objects.for_kommune(world.kommune).filter(field=field).values_list("key", flat=True)) == [
        "nachnutzung",
        "schnittstellen",
        "standards",
    ]
    logged = set(
        AuditEntry.objects.for_kommune(world.kommune).filter(action="create").values_list("object_type", flat=True)
    )
    assert {"field", "criterion", "dimension"} <= logged
    assert not offer_of(world).new_fields


def test_dropped_field_and_criterion_are_switched_off_not_deleted(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    load_version_two(tmp_path)
    client = world.client_for(world.admin)
    strategie = field_of(world, "strategie")
    projekt = criterion_of(world, "rollen-verantwortung", "projektverantwortung")
    assert client.post(url("update_field", strategie.pk)).status_code == 302
    assert client.post(url("update_criterion", projekt.pk)).status_code == 302
    strategie.refresh_from_db()
    projekt.refresh_from_db()
    assert not strategie.is_active and not projekt.is_active
    offer = offer_of(world)
    assert "strategie" not in {g.field.key for g in offer.groups}
    assert "projektverantwortung" not in {u.criterion.key for g in offer.groups for u in g.criteria}


def test_own_criteria_are_never_offered_or_touched(world: World, framework: Framework, tmp_path: Path) -> None:
    field = field_of(world, "rollen-verantwortung")
    own = services.criterion_create(
        kommune=world.kommune,
        actor=world.admin,
        field=field,
        data={"name": "Kernrollen besetzt", "question": "Eigene Frage?", "levels": LEVELS},
    )
    load_version_two(tmp_path)
    offered = {u.criterion.pk for g in offer_of(world).groups for u in g.criteria}
    assert own.pk not in offered
    response = world.client_for(world.admin).post(url("update_criterion", own.pk), follow=True)
    assert "eigene Kriterien Ihrer Kommune ändert der Katalog nie" in response.content.decode()
    own.refresh_from_db()
    assert (own.question, own.is_active, own.version) == ("Eigene Frage?", True, 1)
    with pytest.raises(Exception, match="Eigene Kriterien"):
        services.criterion_switch_off_dropped(kommune=world.kommune, actor=world.admin, criterion=own)


def test_marking_the_version_current_ends_the_offer_and_takes_the_dimension_texts(
    world: World, framework: Framework, tmp_path: Path
) -> None:
    load_version_two(tmp_path)
    client = world.client_for(world.admin)
    response = client.post(url("mark_current"), follow=True)
    assert "Fassung 2026.2 gilt jetzt als aktuelle Fassung" in response.content.decode()
    framework.refresh_from_db()
    assert framework.catalogue.version == "2026.2"
    assert updates.framework_updates(world.kommune) is None
    assert (
        Dimension.objects.for_kommune(world.kommune).get(key="innensicht").description == "Was die Verwaltung braucht."
    )
    assert field_of(world, "rollen-verantwortung").name == "Rollen und Verantwortung"  # not taken: kept
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="framework", action="update").get()
    assert entry.changes["catalogue_version"] == ["2026.1", "2026.2"]
    again = client.post(url("mark_current"), follow=True)
    assert "bereits auf der neuesten Katalogfassung" in again.content.decode()
    assert "verfügbar" not in client.get(url("overview")).content.decode()


# --- permissions and bad input ------------------------------------------------------------------


ACTIONS = ("update_field", "update_criterion", "update_add_field", "update_add_criterion", "mark_current")


def _action_url(world: World, name: str) -> str:
    if name == "update_field":
        return url(name, field_of(world, "rollen-verantwortung").pk)
    if name == "update_criterion":
        return url(name, criterion_of(world, "daten", "datenregeln").pk)
    return url(name)


@pytest.mark.parametrize("persona", ["editor", "reader"])
@pytest.mark.parametrize("action", ACTIONS)
def test_editor_limited_to_a_unit_and_reader_take_nothing(
    world: World, framework: Framework, tmp_path: Path, persona: str, action: str
) -> None:
    load_version_two(tmp_path)
    before = offer_of(world).pending
    source = CatalogueField.objects.get(catalogue__version="2026.2", key="interoperabilitaet")
    response = world.client_for(getattr(world, persona)).post(_action_url(world, action), {"pk": source.pk})
    assert response.status_code == 403
    assert offer_of(world).pending == before


@pytest.mark.parametrize("action", ACTIONS)
def test_other_kommune_gets_404(world: World, framework: Framework, tmp_path: Path, action: str) -> None:
    load_version_two(tmp_path)
    assert world.client_for(world.outsider).post(_action_url(world, action)).status_code == 404


def test_another_kommunes_field_or_criterion_is_404(world: World, framework: Framework, tmp_path: Path) -> None:
    other = adopted_framework(world.other, tmp_path / "other")
    load_version_two(tmp_path)
    foreign_field = Field.objects.for_kommune(other.kommune).get(key="rollen-verantwortung")
    foreign_criterion = Criterion.objects.for_kommune(other.kommune).filter(key="datenregeln").get()
    client = world.client_for(world.admin)
    assert client.post(url("update_field", foreign_field.pk)).status_code == 404
    assert client.post(url("update_criterion", foreign_criterion.pk)).status_code == 404
    assert Field.objects.for_kommune(other.kommune).get(pk=foreign_field.pk).name == "Rollen und Verantwortung"


@pytest.mark.parametrize("body", [{}, {"pk": "abc"}, {"pk": "-1"}, {"pk": "99999999999999999999"}, "old"])
@pytest.mark.parametrize("action", ["update_add_field", "update_add_criterion"])
def test_unknown_or_stale_catalogue_rows_change_nothing(
    world: World, framework: Framework, tmp_path: Path, body: Any, action: str
) -> None:
    load_version_two(tmp_path)
    if body == "old":  # a row of the adopted version, not of the newest
        body = {"pk": CatalogueField.objects.get(catalogue__version="2026.1", key="strategie").pk}
    before = (Field.objects.for_kommune(world.kommune).count(), Criterion.objects.for_kommune(world.kommune).count())
    response = world.client_for(world.admin).post(url(action), body, follow=True)
    assert response.status_code == 200
    assert "keine Änderung (mehr)" in response.content.decode()
    after = (Field.objects.for_kommune(world.kommune).count(), Criterion.objects.for_kommune(world.kommune).count())
    assert after == before


def test_actions_answer_only_post(world: World, framework: Framework, tmp_path: Path) -> None:
    load_version_two(tmp_path)
    client = world.client_for(world.admin)
    for action in ACTIONS:
        assert client.get(_action_url(world, action)).status_code == 405
    assert client.post(url("updates")).status_code == 405
