"""The measure pages: every member reads them; changes need EDIT_MEASURES at the measure's responsible
unit (a Redaktion limited to 32 Ordnungsamt changes only measures placed there); another Kommune's
measure is not found; bad input is a 400 with German messages and changes nothing; every change is
audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.models import (
    BudgetLine,
    ImpactStep,
    Measure,
    MeasureDependency,
    MeasureRole,
    MeasureStatusChange,
    Milestone,
    Risk,
)
from kompass.agenda.tests import factories as f
from kompass.agenda.tests import factories_measures as fm
from kompass.assessment.models import RecommendationStatus
from kompass.audit.models import AuditEntry
from kompass.conftest import World

pytestmark = pytest.mark.django_db
SLUG = "teststadt"


def url(name: str, *args: object) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


def audited(obj: Any, action: str) -> bool:
    return (
        AuditEntry.objects.for_kommune(obj.kommune_id)
        .filter(object_type=obj._meta.model_name, object_id=str(obj.pk), action=action)
        .exists()
    )


def text(response: Any) -> str:
    return response.content.decode()


# --- reading ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["portfolio", "bubble", "roadmap", "board"])
def test_the_overview_pages_render_for_a_reader(world: World, name: str) -> None:
    s = fm.scene(world)
    response = world.client_for(world.reader).get(url(name))
    assert response.status_code == 200
    assert s.inside.title in text(response) and s.outside.title in text(response)


def test_the_portfolio_shows_owner_through_the_role_priority_with_formula_and_budget(world: World) -> None:
    fm.scene(world)
    body = text(world.client_for(world.reader).get(url("portfolio")))
    assert "Chief Digital Officer" in body and "Alice Amtsleiterin" in body  # the role and its holder
    assert "Priorität = (2 × Nutzen + 1 × Dringlichkeit + 1 × (6 − Aufwand)) ÷ 4" in body
    assert ">4,5<br>" in body  # (2×5 + 4 + (6−2)) ÷ 4 = 4,5
    assert "1.234,56 €" in body


def test_the_portfolio_sorts_by_budget_and_priority_across_pages(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.reader)
    body = text(client.get(url("portfolio") + "?sort=-budget"))
    assert body.index(s.inside.title) < body.index(s.outside.title)  # 1.234,56 € before no budget
    body = text(client.get(url("portfolio") + "?sort=priority"))
    assert body.index(s.outside.title) < body.index(s.inside.title)  # 3 before 4,5
    assert 'aria-sort="ascending"' in body


def test_the_portfolio_filters_by_unit_with_its_subtree_status_role_field_and_goal(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.reader)
    body = text(client.get(url("portfolio") + f"?einheit={world.ordnungsamt.pk}"))
    assert s.inside.title in body and s.outside.title not in body  # 32.1 lies below 32
    body = text(client.get(url("portfolio") + "?status=in_umsetzung"))
    assert s.outside.title in body and s.inside.title not in body
    body = text(client.get(url("portfolio") + f"?ziel={s.goal.pk}"))
    assert s.inside.title in body and s.outside.title not in body
    body = text(client.get(url("portfolio") + f"?handlungsfeld={s.field.pk}&rolle={s.cdo.pk}"))
    assert s.inside.title in body and s.outside.title in body


def test_the_portfolio_answers_an_htmx_filter_with_the_table_alone(world: World) -> None:
    s = fm.scene(world)
    response = world.client_for(world.reader).get(url("portfolio") + "?status=geplant", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert s.inside.title in text(response) and "<html" not in text(response)


def test_the_bubble_chart_has_its_data_table_with_every_measure(world: World) -> None:
    s = fm.scene(world)
    body = text(world.client_for(world.reader).get(url("bubble")))
    assert 'role="img"' in body and "Daten als Tabelle" in body
    assert f"{s.inside.title}</th>" in body and "1.234,56 €" in body


def test_the_roadmap_draws_bars_and_milestones_and_lists_them_in_a_table(world: World) -> None:
    fm.scene(world)
    body = text(world.client_for(world.reader).get(url("roadmap")))
    assert 'role="img"' in body and "<polygon" in body  # the milestone's diamond
    assert "Pilot im Gewerbeamt (30.06.2026)" in body  # the table alternative
    assert "Verwaltung digital" in body  # the Handlungsfeld of the lane


def test_the_measure_page_shows_everything_that_belongs_to_the_measure(world: World) -> None:
    s = fm.scene(world)
    body = text(world.client_for(world.reader).get(url("measure_detail", s.inside.pk)))
    for expected in (
        "Gewerbeanmeldung online",
        "Alice Amtsleiterin",  # the holder of the accountable role
        "32.1 Gewerbe",
        "Priorität = (2 × Nutzen",
        "Pilot im Gewerbeamt",
        "1.234,56 €",  # budget line and total
        "Produkt 1.1.1",
        "E-Akte im Hauptamt",  # the dependency
        "Schnittstelle fehlt",
        "Effekt (direkte Wirkung)",  # the KGSt label of the level
        "Anteil digitaler Gewerbeanmeldungen",
        "Verlauf: Anteil digitaler Gewerbeanmeldungen",  # the KPI's chart
        "So wird der Status berechnet",
        "Schneller zum Bescheid",
    ):
        assert expected in body, expected
    assert "Bearbeiten" not in body  # a reader sees no forms


def test_the_other_measure_shows_who_waits_for_it(world: World) -> None:
    s = fm.scene(world)
    body = text(world.client_for(world.reader).get(url("measure_detail", s.outside.pk)))
    assert "Auf diese Maßnahme warten" in body and "Gewerbeanmeldung online" in body


def test_the_eu_labels_are_shown_when_the_kommune_chose_them(world: World) -> None:
    s = fm.scene(world)
    services.settings_update(kommune=world.kommune, actor=world.admin, data={"impact_labels": "eu"})
    body = text(world.client_for(world.reader).get(url("measure_detail", s.inside.pk)))
    assert "Outcome (Wirkung bei der Zielgruppe)" in body


def test_an_accountable_role_without_holder_is_explained_as_niemand(world: World) -> None:
    s = fm.scene(world)
    vacant = f.role(world, "isb", "Informationssicherheitsbeauftragte")
    services.measure_update(
        kommune=world.kommune, actor=world.admin, measure=s.inside, data={"accountable_role": vacant.pk}
    )
    body = text(world.client_for(world.reader).get(url("measure_detail", s.inside.pk)))
    assert "niemand – die Rolle „Informationssicherheitsbeauftragte“ hat derzeit niemand inne" in body
    assert "Zum Rollen-Check" in body


def test_several_holders_without_one_near_the_unit_are_explained_as_mehrere(world: World) -> None:
    s = fm.scene(world)
    f.assign(world, world.bruno, s.cdo)  # Bruno sits in 32.1, Alice in 10: none in 32 or above it
    services.measure_update(
        kommune=world.kommune, actor=world.admin, measure=s.inside, data={"responsible_unit": world.ordnungsamt.pk}
    )
    body = text(world.client_for(world.reader).get(url("measure_detail", s.inside.pk)))
    assert "Alice Amtsleiterin, Bruno Ordner" in body
    assert "mehrere – die Rolle „Chief Digital Officer“ haben mehrere Personen inne" in body


def test_another_kommunes_measure_is_not_found(world: World) -> None:
    fm.scene(world)
    services.agenda_create(kommune=world.other, actor=world.outsider)
    theirs = services.measure_create(kommune=world.other, actor=world.outsider, data={"title": "GEHEIM"})
    client = world.client_for(world.admin)
    assert client.get(url("measure_detail", theirs.pk)).status_code == 404
    assert client.post(url("measure_status", theirs.pk), {"status": "geplant"}).status_code == 404
    assert client.post(url("milestone_create", theirs.pk), {"title": "x", "due_on": "01.01.2027"}).status_code == 404
    assert "GEHEIM" not in text(client.get(url("portfolio")))


def test_a_child_of_another_measure_is_not_found_under_this_one(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    assert client.get(url("milestone_edit", s.outside.pk, s.milestone.pk)).status_code == 404
    assert client.post(url("milestone_delete", s.outside.pk, s.milestone.pk)).status_code == 404
    assert Milestone.objects.for_kommune(world.kommune).filter(pk=s.milestone.pk).exists()


# --- who may write ---------------------------------------------------------------------------------------


def writes(s: fm.Scene, measure: Measure) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            url("measure_edit", measure.pk),
            {"title": "Neu", "status": "geplant", "benefit": 3, "urgency": 3, "effort": 3},
        ),
        (url("measure_delete", measure.pk), {}),
        (url("measure_status", measure.pk), {"status": "abgeschlossen"}),
        (url("milestone_create", measure.pk), {"title": "M", "due_on": "01.01.2027"}),
        (url("budget_create", measure.pk), {"year": "2027", "planned": "5", "haushalt_kind": "produkt"}),
        (url("risk_create", measure.pk), {"title": "R", "likelihood": 2, "impact": 2}),
        (url("impact_create", measure.pk), {"level": "output", "text": "T"}),
        (url("raci_set", measure.pk), {"role": s.cdo.pk, "letter": "I"}),
        (url("dependency_add", measure.pk), {"depends_on": (s.outside if measure == s.inside else s.inside).pk}),
    ]


def test_a_reader_may_change_nothing(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.reader)
    for target, data in writes(s, s.inside):
        assert client.post(target, data).status_code == 403, target
    assert client.get(url("measure_create")).status_code == 403
    assert client.get(url("measure_edit", s.inside.pk)).status_code == 403
    assert Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).title == "Gewerbeanmeldung online"


def test_a_limited_editor_changes_nothing_of_a_measure_outside_her_subtree(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.editor)
    for target, data in writes(s, s.outside):
        assert client.post(target, data).status_code == 403, target
    assert client.get(url("milestone_edit", s.inside.pk, s.milestone.pk)).status_code == 200
    assert Measure.objects.for_kommune(world.kommune).get(pk=s.outside.pk).status == "in_umsetzung"


def test_a_limited_editor_changes_a_measure_inside_her_subtree_but_cannot_move_it_out(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.editor)
    version = s.inside.version
    response = client.post(
        url("measure_status", s.inside.pk), {"status": "in_umsetzung", "note": "Los geht's", "version": version}
    )
    assert response.status_code == 302
    data = {
        "title": "Gewerbeanmeldung online",
        "status": "in_umsetzung",
        "benefit": 5,
        "urgency": 4,
        "effort": 2,
        "responsible_unit": world.hauptamt.pk,
        "version": Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).version,
    }
    assert client.post(url("measure_edit", s.inside.pk), data).status_code == 403
    assert Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).responsible_unit_id == world.sachgebiet.pk


def test_a_limited_editor_creates_measures_only_inside_her_subtree(world: World) -> None:
    fm.scene(world)
    client = world.client_for(world.editor)
    assert client.get(url("measure_create")).status_code == 200
    base = {"title": "Neu im Ordnungsamt", "status": "idee", "benefit": 3, "urgency": 3, "effort": 3}
    assert client.post(url("measure_create"), {**base, "responsible_unit": world.hauptamt.pk}).status_code == 403
    assert client.post(url("measure_create"), base).status_code == 403  # Kommune-wide: not hers
    response = client.post(url("measure_create"), {**base, "responsible_unit": world.ordnungsamt.pk})
    assert response.status_code == 302
    created = Measure.objects.for_kommune(world.kommune).get(title="Neu im Ordnungsamt")
    assert created.responsible_unit_id == world.ordnungsamt.pk and audited(created, "create")


# --- creating, changing and deleting measures -------------------------------------------------------------


def test_creating_a_measure_stores_it_with_its_links_history_and_audit_entry(world: World) -> None:
    s = fm.scene(world)
    data = {
        "title": "Bürgerkonto",
        "description": "Ein Konto für alles.",
        "handlungsfelder": [s.field.pk],
        "goals": [s.goal.pk],
        "accountable_role": s.cdo.pk,
        "status": "geplant",
        "benefit": 4,
        "urgency": 2,
        "effort": 5,
        "starts_on_tag": "1",
        "starts_on_monat": "3",
        "starts_on_jahr": "2026",
        "fte": "0,75",
    }
    response = world.client_for(world.admin).post(url("measure_create"), data)
    assert response.status_code == 302
    measure = Measure.objects.for_kommune(world.kommune).get(title="Bürgerkonto")
    assert response["Location"] == url("measure_detail", measure.pk)
    assert measure.fte == Decimal("0.75") and measure.starts_on == datetime.date(2026, 3, 1)
    assert list(
        Measure.handlungsfelder.through.objects.filter(measure=measure).values_list("handlungsfeld_id", flat=True)
    ) == [s.field.pk]
    assert MeasureStatusChange.objects.for_kommune(world.kommune).filter(measure=measure, to_status="geplant").exists()
    assert MeasureRole.objects.for_kommune(world.kommune).filter(measure=measure, role=s.cdo, letter="A").exists()
    assert audited(measure, "create")


def test_a_measure_without_title_or_ending_before_it_starts_is_refused_in_german(world: World) -> None:
    fm.scene(world)
    client = world.client_for(world.admin)
    base = {"status": "idee", "benefit": 3, "urgency": 3, "effort": 3}
    response = client.post(url("measure_create"), {**base, "title": ""})
    assert response.status_code == 400 and "Dieses Feld ist zwingend erforderlich" in text(response)
    response = client.post(
        url("measure_create"), {**base, "title": "Rückwärts", "starts_on": "01.06.2026", "ends_on": "01.01.2026"}
    )
    assert response.status_code == 400 and "Das Ende liegt vor dem Beginn." in text(response)
    response = client.post(url("measure_create"), {**base, "title": "Teuer", "fte": "viel"})
    assert response.status_code == 400
    assert not Measure.objects.for_kommune(world.kommune).filter(title__in=["Rückwärts", "Teuer"]).exists()


def test_a_stale_version_of_a_measure_is_a_conflict_in_words_and_changes_nothing(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    old = Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).version
    services.measure_update(kommune=world.kommune, actor=world.admin, measure=s.inside, data={"title": "Zwischendurch"})
    data = {"title": "Mein Stand", "status": "geplant", "benefit": 3, "urgency": 3, "effort": 3, "version": old}
    response = client.post(url("measure_edit", s.inside.pk), data)
    assert response.status_code == 400 and "inzwischen von jemand anderem geändert" in text(response)
    assert Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).title == "Zwischendurch"


def test_editing_a_measure_shows_its_values_and_saves_the_change(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    page = text(client.get(url("measure_edit", s.inside.pk)))
    assert 'value="Gewerbeanmeldung online"' in page and 'value="1,50"' in page
    measure = Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk)
    data = {
        "title": "Gewerbe digital",
        "status": "in_umsetzung",
        "note": "Haushalt steht",
        "benefit": 5,
        "urgency": 5,
        "effort": 1,
        "responsible_unit": world.sachgebiet.pk,
        "accountable_role": s.cdo.pk,
        "version": measure.version,
    }
    assert client.post(url("measure_edit", s.inside.pk), data).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Gewerbe digital" and audited(measure, "update")
    assert (
        MeasureStatusChange.objects.for_kommune(world.kommune).get(measure=measure, to_status="in_umsetzung").note
        == "Haushalt steht"
    )


def test_deleting_a_measure_asks_first_then_removes_it_with_its_audit_entry(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    assert "In den Papierkorb verschieben" in text(client.get(url("measure_delete", s.outside.pk)))
    pk = s.outside.pk
    response = client.post(
        url("measure_delete", pk), {"version": Measure.objects.for_kommune(world.kommune).get(pk=pk).version}
    )
    assert response.status_code == 302 and response["Location"] == url("portfolio")
    assert not Measure.objects.for_kommune(world.kommune).filter(pk=pk).exists()
    assert (
        AuditEntry.objects.for_kommune(world.kommune)
        .filter(object_type="measure", object_id=str(pk), action="delete")
        .exists()
    )


# --- the board's move -------------------------------------------------------------------------------------


def test_a_move_on_the_board_changes_the_status_keeps_the_history_and_returns_to_the_board(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    board = url("board") + "?rolle=" + str(s.cdo.pk)
    version = Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).version
    response = client.post(
        url("measure_status", s.inside.pk),
        {"status": "in_umsetzung", "note": "Start nach Beschluss", "version": version, "back": board},
    )
    assert response.status_code == 302 and response["Location"] == board
    step = MeasureStatusChange.objects.for_kommune(world.kommune).get(measure=s.inside, to_status="in_umsetzung")
    assert step.from_status == "geplant" and step.note == "Start nach Beschluss"
    assert audited(s.inside, "update")
    page = text(client.get(board))
    assert "hat jetzt den Status „in Umsetzung“" in page


def test_a_move_never_returns_to_another_site(world: World) -> None:
    s = fm.scene(world)
    response = world.client_for(world.admin).post(
        url("measure_status", s.inside.pk),
        {"status": "idee", "back": "https://example.org/", "version": s.inside.version},
    )
    assert response["Location"] == url("measure_detail", s.inside.pk)


def test_a_move_to_an_unknown_status_or_with_a_stale_version_is_refused_and_stores_nothing(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    response = client.post(url("measure_status", s.inside.pk), {"status": "fertig"})
    assert response.status_code == 400 and "fertig ist keine gültige Auswahl" in text(response)
    stale = Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).version - 1 or 99
    response = client.post(url("measure_status", s.inside.pk), {"status": "gestoppt", "version": stale})
    assert response.status_code == 400 and "inzwischen von jemand anderem geändert" in text(response)
    assert Measure.objects.for_kommune(world.kommune).get(pk=s.inside.pk).status == "geplant"


def test_the_board_offers_the_move_only_on_cards_the_member_may_change(world: World) -> None:
    s = fm.scene(world)
    body = text(world.client_for(world.editor).get(url("board")))
    assert f'id="status-{s.inside.pk}"' in body and f'id="status-{s.outside.pk}"' not in body
    assert "Status ändern" in body


# --- what hangs on a measure --------------------------------------------------------------------------------


def test_children_are_created_with_german_amounts_and_audited(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    anchor = url("measure_detail", s.outside.pk)
    posts: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = [
        ("milestone_create", {"title": "Abnahme", "due_on": "15.03.2026"}, Milestone, {"title": "Abnahme"}),
        (
            "budget_create",
            {
                "year": "2027",
                "planned": "12.345,67 €",
                "spent": "0",
                "haushalt_kind": "investition",
                "funding_amount": "1.000",
            },
            BudgetLine,
            {"year": 2027, "planned": Decimal("12345.67"), "funding_amount": Decimal("1000.00")},
        ),
        ("risk_create", {"title": "Personal fehlt", "likelihood": 5, "impact": 4}, Risk, {"title": "Personal fehlt"}),
        ("impact_create", {"level": "outcome", "text": "Weniger Wege"}, ImpactStep, {"level": "outcome"}),
    ]
    for name, data, model, expected in posts:
        response = client.post(url(name, s.outside.pk), data)
        assert response.status_code == 302 and response["Location"].startswith(anchor + "#"), name
        obj = model.objects.for_kommune(world.kommune).get(measure=s.outside, **expected)
        assert audited(obj, "create"), name


def test_a_bad_child_comes_back_with_german_messages_and_nothing_stored(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    response = client.post(
        url("budget_create", s.inside.pk), {"year": "1999", "planned": "zwölf", "haushalt_kind": "produkt"}
    )
    assert response.status_code == 400
    assert "Haushaltsjahr: bitte eine ganze Zahl von 2000 bis 2100 angeben." in text(response)
    response = client.post(url("milestone_create", s.inside.pk), {"title": "", "due_on": "31.02.2026"})
    assert response.status_code == 400 and "Der Februar 2026 hat nur 28 Tage." in text(response)
    assert BudgetLine.objects.for_kommune(world.kommune).filter(measure=s.inside).count() == 1
    assert Milestone.objects.for_kommune(world.kommune).filter(measure=s.inside).count() == 1


def test_a_child_is_edited_with_its_version_and_deleted(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    page = text(client.get(url("milestone_edit", s.inside.pk, s.milestone.pk)))
    assert 'value="Pilot im Gewerbeamt"' in page
    data = {"title": "Pilot erledigt", "due_on": "30.06.2026", "done_on": "20.06.2026", "version": s.milestone.version}
    assert client.post(url("milestone_edit", s.inside.pk, s.milestone.pk), data).status_code == 302
    s.milestone.refresh_from_db()
    assert s.milestone.done_on == datetime.date(2026, 6, 20) and audited(s.milestone, "update")
    response = client.post(url("milestone_edit", s.inside.pk, s.milestone.pk), {**data, "title": "Alt", "version": 1})
    assert response.status_code == 400 and "inzwischen von jemand anderem geändert" in text(response)
    response = client.post(url("milestone_delete", s.inside.pk, s.milestone.pk), {"version": s.milestone.version})
    assert (
        response.status_code == 302
        and not Milestone.objects.for_kommune(world.kommune).filter(pk=s.milestone.pk).exists()
    )
    assert audited(s.milestone, "delete")


def test_a_dependency_that_closes_a_cycle_is_refused_with_the_cycle_named(world: World) -> None:
    s = fm.scene(world)
    client = world.client_for(world.admin)
    response = client.post(url("dependency_add", s.outside.pk), {"depends_on": s.inside.pk})
    assert response.status_code == 400
    assert "E-Akte im Hauptamt → Gewerbeanmeldung online → E-Akte im Hauptamt" in text(response)
    assert MeasureDependency.objects.for_kommune(world.kommune).filter(measure=s.outside).count() == 0


def test_a_dependency_is_removed_from_the_measure_that_needs_it(world: World) -> None:
    s = fm.scene(world)
    dependency = MeasureDependency.objects.for_kommune(world.kommune).get(measure=s.inside)
    client = world.client_for(world.admin)
    assert client.post(url("dependency_remove", s.outside.pk, dependency.pk)).status_code == 404
    assert client.post(url("dependency_remove", s.inside.pk, dependency.pk)).status_code == 302
    assert not MeasureDependency.objects.for_kommune(world.kommune).filter(pk=dependency.pk).exists() and audited(
        dependency, "delete"
    )


def test_raci_rows_are_set_and_removed_but_the_accountable_role_only_on_the_measure(world: World) -> None:
    s = fm.scene(world)
    lotse = f.role(world, "lotse", "Digitallotse")
    client = world.client_for(world.admin)
    assert client.post(url("raci_set", s.inside.pk), {"role": lotse.pk, "letter": "R"}).status_code == 302
    row = MeasureRole.objects.for_kommune(world.kommune).get(measure=s.inside, role=lotse)
    assert row.letter == "R" and audited(row, "create")
    response = client.post(url("raci_set", s.inside.pk), {"role": s.cdo.pk, "letter": "C"})
    assert response.status_code == 400 and "ändern Sie sie dort" in text(response)
    accountable = MeasureRole.objects.for_kommune(world.kommune).get(measure=s.inside, letter="A")
    assert client.post(url("raci_delete", s.inside.pk, accountable.pk)).status_code == 400
    assert client.post(url("raci_delete", s.inside.pk, row.pk)).status_code == 302
    assert not MeasureRole.objects.for_kommune(world.kommune).filter(pk=row.pk).exists()


# --- from a recommendation --------------------------------------------------------------------------------


def test_an_accepted_recommendation_becomes_a_draft_measure_and_opens_its_edit_page(world: World) -> None:
    fm.scene(world)
    recommendation = f.recommendation(world)
    client = world.client_for(world.admin)
    assert "Als Maßnahme übernehmen" in text(client.get(url("portfolio")))
    response = client.post(url("measure_from_recommendation", recommendation.pk))
    measure = Measure.objects.for_kommune(world.kommune).get(origin_recommendation=recommendation)
    assert response.status_code == 302 and response["Location"] == url("measure_edit", measure.pk)
    assert measure.status == "idee" and measure.origin_field_key == "steuerung" and audited(measure, "create")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.IN_AGENDA
    body = text(client.get(url("measure_detail", measure.pk)))
    assert "Aus einer Empfehlung der Selbstbewertung" in body and "Zur Empfehlung" in body
    again = client.post(url("measure_from_recommendation", recommendation.pk))
    assert again.status_code == 400 and "Nur angenommene Empfehlungen werden zu Maßnahmen" in text(again)
    assert Measure.objects.for_kommune(world.kommune).filter(origin_recommendation=recommendation).count() == 1


def test_a_recommendation_becomes_a_measure_only_for_kommune_wide_editors(world: World) -> None:
    fm.scene(world)
    recommendation = f.recommendation(world)
    assert world.client_for(world.reader).post(url("measure_from_recommendation", recommendation.pk)).status_code == 403
    assert world.client_for(world.editor).post(url("measure_from_recommendation", recommendation.pk)).status_code == 403
    assert world.client_for(world.admin).get(url("measure_from_recommendation", recommendation.pk)).status_code == 405
    assert not Measure.objects.for_kommune(world.kommune).filter(origin_recommendation=recommendation).exists()


def test_without_an_agenda_the_pages_say_so_and_creating_is_refused(world: World) -> None:
    client = world.client_for(world.admin)
    body = text(client.get(url("portfolio")))
    assert "Noch keine Digitale Agenda" in body and "Neue Maßnahme" not in body
    base = {"title": "Zu früh", "status": "idee", "benefit": 3, "urgency": 3, "effort": 3}
    response = client.post(url("measure_create"), base)
    assert response.status_code == 400 and "noch keine Digitale Agenda" in text(response)


def test_anonymous_visitors_are_sent_to_the_login(world: World) -> None:
    fm.scene(world)
    response = Client().get(url("portfolio"))
    assert response.status_code == 302 and "/anmelden/" in response["Location"]
