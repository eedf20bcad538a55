"""The framework pages: adopting, the tree, a field with its criteria, editing, the measure templates.

Every member reads; adopting and every change need the Kommune-wide EDIT_FRAMEWORK, so a Redaktion
limited to a unit gets 403 like a reader; another Kommune's framework is 404.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.selectors import audit_list
from kompass.conftest import World
from kompass.core.extensions import NAV_ENTRIES, NAV_GROUPS, ONBOARDING_STEPS
from kompass.framework import services
from kompass.framework.catalogue_loader import load_framework
from kompass.framework.models import Confidence, Criterion, Dimension, Field, Framework, MeasureTemplate
from kompass.framework.tests.catalogue_fixture import LEVELS, adopted_framework, write_catalogue
from kompass.tenancy.context import resolve_tenant

pytestmark = pytest.mark.django_db

SLUG = "teststadt"


def url(name: str, *args: Any) -> str:
    return reverse(f"framework:{name}", args=[SLUG, *args])


def field_of(kommune: Any, key: str) -> Field:
    return Field.objects.for_kommune(kommune).get(key=key)


def criterion_of(kommune: Any, key: str) -> Criterion:
    return Criterion.objects.for_kommune(kommune).get(key=key, field__key="rollen-verantwortung")


@pytest.fixture
def framework(world: World, tmp_path: Path) -> Framework:
    return adopted_framework(world.kommune, tmp_path)


def criterion_body(name: str = "Digitale Sprechstunde", levels: list[str] | None = None, **extra: Any) -> dict:
    levels = LEVELS if levels is None else levels
    body = {"name": name, "question": f"Wie weit ist {name}?", **extra}
    body.update({f"level_{n}": text for n, text in enumerate(levels, start=1)})
    return body


# --- before adoption ----------------------------------------------------------------------------


def test_page_before_adoption_explains_the_framework_and_previews_the_newest_catalogue(
    world: World, tmp_path: Path
) -> None:
    load_framework(write_catalogue(tmp_path))
    page = world.client_for(world.admin).get(url("overview"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "KGSt-Bericht 8/2018" in text
    assert "Vorschau: Fassung 2026.1" in text
    assert "Rollen und Verantwortung" in text and "Mobilität (Wahlfeld)" in text
    assert "Wahlfeld" in text and "EDIH DMA, Modul M2.4" in text
    assert "Eigenes Feld in der Innensicht." in text  # the catalogue's decision on a gap, with its field
    assert '<td class="kern-table__cell">Daten</td>' in text
    assert url("adopt") in text


def test_reader_sees_the_preview_without_the_adopt_button(world: World, tmp_path: Path) -> None:
    load_framework(write_catalogue(tmp_path))
    page = world.client_for(world.reader).get(url("overview"))
    assert page.status_code == 200
    assert url("adopt") not in page.content.decode()
    assert "Übernehmen können die Administration" in page.content.decode()


def test_page_without_a_loaded_catalogue_says_how_to_load_one(world: World) -> None:
    page = world.client_for(world.admin).get(url("overview"))
    assert page.status_code == 200
    assert "load_catalogues" in page.content.decode()
    assert world.client_for(world.admin).post(url("adopt")).status_code == 302
    assert not Framework.objects.for_kommune(world.kommune).exists()


def test_admin_adopts_the_framework_once_with_an_audit_entry(world: World, tmp_path: Path) -> None:
    load_framework(write_catalogue(tmp_path))
    client = world.client_for(world.admin)
    response = client.post(url("adopt"), follow=True)
    assert response.redirect_chain[-1] == (url("overview"), 302)
    assert "wurde übernommen" in response.content.decode()
    framework = Framework.objects.for_kommune(world.kommune).get()
    assert framework.catalogue.version == "2026.1"
    assert not field_of(world.kommune, "mobilitaet").is_active  # optional fields start switched off
    entry = AuditEntry.objects.for_kommune(world.kommune).get(object_type="framework")
    assert entry.changes["catalogue_version"] == [None, "2026.1"]
    again = client.post(url("adopt"), follow=True)
    assert "bereits übernommen" in again.content.decode()
    assert Framework.objects.for_kommune(world.kommune).count() == 1


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_only_kommune_wide_editors_adopt(world: World, tmp_path: Path, persona: str) -> None:
    load_framework(write_catalogue(tmp_path))
    assert world.client_for(getattr(world, persona)).post(url("adopt")).status_code == 403
    assert not Framework.objects.for_kommune(world.kommune).exists()


def test_other_kommune_and_anonymous_visitors_see_nothing(world: World, framework: Framework) -> None:
    assert world.client_for(world.outsider).get(url("overview")).status_code == 404
    assert world.client_for(world.outsider).post(url("adopt")).status_code == 404
    anonymous = world.client_for(None).get(url("overview"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_adopting_answers_only_post(world: World, framework: Framework) -> None:
    assert world.client_for(world.admin).get(url("adopt")).status_code == 405
    assert world.client_for(world.admin).post(url("overview")).status_code == 405


# --- the adopted tree ---------------------------------------------------------------------------


def test_tree_shows_dimensions_fields_criteria_with_sources_levels_and_decisions(
    world: World, framework: Framework
) -> None:
    text = world.client_for(world.reader).get(url("overview")).content.decode()
    for expected in (
        "Innensicht",
        "Steuerung",
        "Rollen und Verantwortung",
        "Kernrollen besetzt",
        "KGSt-Bericht 8/2018 (Abstract, kgst.de)",  # a field's source
        "Eigene Ableitung für Tests",  # a criterion's source
        "Stufenbeschreibungen",
        "Stufe eins: Es gibt dazu noch nichts Verbindliches",
        "1 Einstieg",
        "5 Vorreiter",
        "Entscheidungen des Katalogs zu Lücken",
        "Eigenes Feld in der Innensicht.",
        'href="#feld-rollen-verantwortung"',  # table of contents
        'id="feld-rollen-verantwortung"',
        "kern-badge--success",  # belegt
        "kern-badge--info",  # abgeleitet
    ):
        assert expected in text, expected
    assert "4 Felder, 1 abgeschaltet, 9 Kriterien." in text
    assert "Wahlfeld" in text and "abgeschaltet" in text


def test_tree_marks_reworded_fields_and_criteria_and_own_criteria(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    services.field_update(kommune=world.kommune, actor=world.admin, field=field, data={"name": "Datenkultur"})
    criterion = criterion_of(world.kommune, "lotsen")
    services.criterion_update(
        kommune=world.kommune, actor=world.admin, criterion=criterion, data={"question": "Gibt es Lotsen?"}
    )
    services.criterion_create(
        kommune=world.kommune,
        actor=world.admin,
        field=field,
        data={"name": "Datenatlas", "question": "Gibt es einen Datenatlas?", "levels": LEVELS},
    )
    text = world.client_for(world.reader).get(url("overview")).content.decode()
    assert text.count("von der Kommune umformuliert") == 2
    assert "eigenes Kriterium" in text and "Datenatlas" in text
    assert "eigene Festlegung" in text


def test_tree_queries_do_not_grow_with_the_number_of_fields(world: World, framework: Framework) -> None:
    client = world.client_for(world.admin)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("overview")).status_code == 200
    dimension = Dimension.objects.for_kommune(world.kommune).first()
    for n in range(30):
        field = Field.objects.create(
            kommune=world.kommune, dimension=dimension, key=f"feld-{n}", name=f"Feld {n}", confidence="abgeleitet"
        )
        for c in range(4):
            Criterion.objects.create(
                kommune=world.kommune, field=field, key=f"k{c}", name=f"Kriterium {c}", question="?", levels=LEVELS
            )
    with CaptureQueriesContext(connection) as large:
        page = client.get(url("overview"))
    assert "Feld 29" in page.content.decode()
    assert len(large) == len(small)
    assert len(large) <= 20


# --- one field ----------------------------------------------------------------------------------


def test_field_page_shows_its_criteria_with_all_levels(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "rollen-verantwortung")
    page = world.client_for(world.reader).get(url("field_detail", field.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1" in text and text.count("<h1") == 1
    assert "Kernrollen besetzt" in text and "Verantwortung für Projekte" in text
    assert "Stufe fünf: Es wird laufend verbessert" in text
    assert url("field_edit", field.pk) not in text  # a reader gets no edit links


def test_field_page_of_another_kommune_or_unknown_pk_is_404(world: World, framework: Framework, tmp_path: Path) -> None:
    other = adopted_framework(world.other, tmp_path / "other")
    foreign = field_of(other.kommune, "daten")
    client = world.client_for(world.admin)
    assert client.get(url("field_detail", foreign.pk)).status_code == 404
    assert client.get(url("field_detail", 999999)).status_code == 404
    assert client.post(url("field_edit", foreign.pk), {"name": "x", "version": 1}).status_code == 404
    assert foreign.name == field_of(other.kommune, "daten").name


def test_admin_rewords_a_field_with_an_audit_entry(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    client = world.client_for(world.admin)
    form = client.get(url("field_edit", field.pk))
    assert form.status_code == 200
    assert 'name="version"' in form.content.decode()
    assert "neuen Fragebögen und in den Ergebnissen" in form.content.decode()
    body = {"name": "Datenkultur", "description": "Wie wir mit Daten umgehen.", "is_active": "on", "version": 1}
    response = client.post(url("field_edit", field.pk), body)
    assert response.status_code == 302 and response["Location"] == url("field_detail", field.pk)
    field.refresh_from_db()
    assert (field.name, field.reworded, field.version) == ("Datenkultur", True, 2)
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="field", action=AuditAction.UPDATE).get()
    assert entry.changes["name"] == ["Daten", "Datenkultur"]


def test_switching_a_field_off_says_it_leaves_new_questionnaires(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    response = world.client_for(world.admin).post(
        url("field_edit", field.pk), {"name": "Daten", "description": field.description, "version": 1}, follow=True
    )
    assert "abgeschaltet" in response.content.decode()
    field.refresh_from_db()
    assert not field.is_active


def test_empty_field_name_is_a_german_field_error_and_changes_nothing(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    response = world.client_for(world.admin).post(url("field_edit", field.pk), {"name": "  ", "version": 1})
    assert response.status_code == 200
    assert "Bitte einen Namen angeben." in response.content.decode()
    field.refresh_from_db()
    assert (field.name, field.version) == ("Daten", 1)


def test_stale_version_of_a_field_is_a_conflict(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    services.field_update(kommune=world.kommune, actor=world.admin, field=field, data={"description": "Neu."})
    response = world.client_for(world.admin).post(
        url("field_edit", field.pk), {"name": "Mein Name", "is_active": "on", "version": 1}
    )
    assert response.status_code == 200
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    assert field_of(world.kommune, "daten").name == "Daten"


@pytest.mark.parametrize("persona", ["editor", "reader"])
@pytest.mark.parametrize("page", ["field_edit", "criterion_create"])
def test_editor_limited_to_a_unit_and_reader_may_not_change_fields(
    world: World, framework: Framework, persona: str, page: str
) -> None:
    field = field_of(world.kommune, "daten")
    client = world.client_for(getattr(world, persona))
    assert client.get(url(page, field.pk)).status_code == 403
    assert client.post(url(page, field.pk), {**criterion_body(), "version": 1}).status_code == 403
    assert field_of(world.kommune, "daten").version == 1
    assert not Criterion.objects.for_kommune(world.kommune).filter(is_custom=True).exists()


# --- criteria ------------------------------------------------------------------------------------


def test_admin_adds_an_own_criterion_with_five_levels(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    client = world.client_for(world.admin)
    form = client.get(url("criterion_create", field.pk)).content.decode()
    assert "Stufe 1 – Einstieg" in form and "Stufe 5 – Vorreiter" in form
    response = client.post(url("criterion_create", field.pk), criterion_body())
    assert response.status_code == 302
    criterion = Criterion.objects.for_kommune(world.kommune).get(is_custom=True)
    assert criterion.field == field and criterion.levels == LEVELS
    assert criterion.confidence == Confidence.EIGENE
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="criterion", action="create").exists()


def test_four_levels_are_refused_next_to_the_missing_one(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    response = world.client_for(world.admin).post(
        url("criterion_create", field.pk), criterion_body(levels=[*LEVELS[:4], ""])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bitte beschreiben Sie Stufe 5 (Vorreiter)." in text
    assert 'id="id_level_5-error"' in text
    assert not Criterion.objects.for_kommune(world.kommune).filter(is_custom=True).exists()


def test_empty_criterion_name_is_refused(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    response = world.client_for(world.admin).post(url("criterion_create", field.pk), criterion_body(name=""))
    assert response.status_code == 200
    assert "Bitte einen Namen angeben." in response.content.decode()
    assert not Criterion.objects.for_kommune(world.kommune).filter(is_custom=True).exists()


def test_admin_rewords_and_switches_off_a_catalogue_criterion(world: World, framework: Framework) -> None:
    criterion = criterion_of(world.kommune, "lotsen")
    client = world.client_for(world.admin)
    form = client.get(url("criterion_edit", criterion.pk)).content.decode()
    assert "stammt aus dem Katalog" in form and 'name="is_active"' in form
    body = criterion_body(name="Lotsinnen und Lotsen benannt", version=1)  # is_active unchecked: switched off
    assert client.post(url("criterion_edit", criterion.pk), body).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name, criterion.is_active, criterion.version) == ("Lotsinnen und Lotsen benannt", False, 2)
    assert not criterion.is_custom


def test_stale_version_of_a_criterion_is_a_conflict(world: World, framework: Framework) -> None:
    criterion = criterion_of(world.kommune, "lotsen")
    services.criterion_update(kommune=world.kommune, actor=world.admin, criterion=criterion, data={"name": "Neu"})
    response = world.client_for(world.admin).post(
        url("criterion_edit", criterion.pk), criterion_body(name="Mein Name", version=1, is_active="on")
    )
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    assert criterion_of(world.kommune, "lotsen").name == "Neu"


def test_own_criterion_is_deleted_with_an_audit_entry(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "daten")
    own = services.criterion_create(
        kommune=world.kommune, actor=world.admin, field=field, data={"name": "Eigen", "question": "?", "levels": LEVELS}
    )
    client = world.client_for(world.admin)
    assert "wirklich löschen" in client.get(url("criterion_delete", own.pk)).content.decode()
    assert client.post(url("criterion_delete", own.pk), {"version": own.version}).status_code == 302
    assert not Criterion.objects.for_kommune(world.kommune).filter(pk=own.pk).exists()
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_type="criterion", action="delete").exists()


def test_catalogue_criterion_is_not_deleted(world: World, framework: Framework) -> None:
    criterion = criterion_of(world.kommune, "lotsen")
    client = world.client_for(world.admin)
    page = client.get(url("criterion_delete", criterion.pk)).content.decode()
    assert "abschalten" in page
    response = client.post(url("criterion_delete", criterion.pk), {"version": 1})
    assert response.status_code == 200
    assert "werden abgeschaltet, nicht gelöscht" in response.content.decode()
    assert Criterion.objects.for_kommune(world.kommune).filter(pk=criterion.pk).exists()


def test_own_criterion_a_campaign_asked_is_not_deleted(world: World, framework: Framework) -> None:
    from kompass.assessment.models import Campaign, CampaignItem

    field = field_of(world.kommune, "daten")
    own = services.criterion_create(
        kommune=world.kommune, actor=world.admin, field=field, data={"name": "Eigen", "question": "?", "levels": LEVELS}
    )
    today = datetime.date(2026, 3, 1)
    campaign = Campaign.objects.create(kommune=world.kommune, title="Umfrage", starts_on=today, ends_on=today)
    CampaignItem.objects.create(
        kommune=world.kommune,
        campaign=campaign,
        criterion=own,
        field_key=field.key,
        field_name=field.name,
        dimension_key="innensicht",
        dimension_name="Innensicht",
        name=own.name,
        question=own.question,
        levels=own.levels,
    )
    response = world.client_for(world.admin).post(url("criterion_delete", own.pk), {"version": own.version})
    assert response.status_code == 200
    assert "bereits in einer Umfrage gestellt" in response.content.decode()
    assert Criterion.objects.for_kommune(world.kommune).filter(pk=own.pk).exists()


@pytest.mark.parametrize("persona", ["editor", "reader"])
@pytest.mark.parametrize("page", ["criterion_edit", "criterion_delete"])
def test_editor_limited_to_a_unit_and_reader_may_not_change_criteria(
    world: World, framework: Framework, persona: str, page: str
) -> None:
    criterion = criterion_of(world.kommune, "lotsen")
    client = world.client_for(getattr(world, persona))
    assert client.get(url(page, criterion.pk)).status_code == 403
    assert client.post(url(page, criterion.pk), {**criterion_body(), "version": 1}).status_code == 403
    assert criterion_of(world.kommune, "lotsen").version == 1


def test_criterion_of_another_kommune_is_404(world: World, framework: Framework, tmp_path: Path) -> None:
    other = adopted_framework(world.other, tmp_path / "other")
    foreign = Criterion.objects.for_kommune(other.kommune).first()
    assert foreign is not None
    client = world.client_for(world.admin)
    assert client.get(url("criterion_edit", foreign.pk)).status_code == 404
    assert client.post(url("criterion_delete", foreign.pk), {"version": 1}).status_code == 404


# --- measure templates --------------------------------------------------------------------------


def test_measure_templates_are_grouped_by_the_kommunes_field_names(world: World, framework: Framework) -> None:
    field = field_of(world.kommune, "rollen-verantwortung")
    services.field_update(kommune=world.kommune, actor=world.admin, field=field, data={"name": "Zuständigkeiten"})
    page = world.client_for(world.reader).get(url("measures"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Zuständigkeiten") < text.index("Lotsen-Netzwerk aufbauen")
    assert text.index("Lotsen-Netzwerk aufbauen") < text.index("Open-Data-Portal")
    assert "KGSt-Denkanstöße 2022" in text and "Stufe 3" in text
    assert "kern-badge--success" in text and "kern-badge--info" in text


def test_a_template_for_two_fields_is_described_once_and_named_at_the_other(world: World, framework: Framework) -> None:
    MeasureTemplate.objects.create(
        key="datenlotsen",
        name="Datenlotsinnen und Datenlotsen",
        field_keys=["daten", "rollen-verantwortung", "unbekannt"],
        confidence="abgeleitet",
        version="test",
    )
    text = world.client_for(world.reader).get(url("measures")).content.decode()
    assert text.count('id="vorlage-datenlotsen"') == 1
    assert 'href="#vorlage-datenlotsen"' in text  # named under "Rollen und Verantwortung"
    assert "beschrieben bei „Daten“" in text
    assert 'href="#feld-rollen-verantwortung"' in text


def test_measure_templates_before_adoption_use_the_catalogue_names(world: World, tmp_path: Path) -> None:
    load_framework(write_catalogue(tmp_path))
    text = world.client_for(world.reader).get(url("measures")).content.decode()
    assert "Rollen und Verantwortung" in text and "Lotsen-Netzwerk aufbauen" in text
    assert "noch nicht übernommen" in text


def test_measure_page_costs_a_fixed_number_of_queries(
    world: World, framework: Framework, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.admin)
    with django_assert_max_num_queries(12):
        assert client.get(url("measures")).status_code == 200


# --- registrations ------------------------------------------------------------------------------


def test_navigation_group_and_entries_for_the_self_assessment() -> None:
    groups = {g.key: g for g in NAV_GROUPS}
    assert "selbstbewertung" in groups
    assert groups["selbstbewertung"].order > groups["rollenmodell"].order
    entries = {e.key: e for e in NAV_ENTRIES}
    assert entries["framework.overview"].url_name == "framework:overview"
    assert entries["framework.measures"].group == "selbstbewertung"


def test_first_step_is_done_once_the_framework_is_adopted(world: World, tmp_path: Path) -> None:
    step = next(s for s in ONBOARDING_STEPS if s.key == "framework.adopt")
    tenant = resolve_tenant(world.admin, SLUG)
    assert step.capability == "edit_framework"
    assert step.url(tenant) == url("overview")
    assert not step.done(tenant)
    adopted_framework(world.kommune, tmp_path)
    assert step.done(tenant)


def test_audit_log_names_the_framework_version_not_a_role_catalogue(world: World, framework: Framework) -> None:
    from kompass.audit.presentation import present_entries

    ctx = resolve_tenant(world.admin, SLUG)
    entry = audit_list(ctx).filter(object_type="framework").get()
    labels = [row.label for row in present_entries([entry])[0].changes]
    assert "Fassung des Orientierungsrahmens" in labels
    assert "Rollenkatalog" not in labels
