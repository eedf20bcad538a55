"""The agenda's services: status history, frozen decided versions, cycles, KPI values by hand,
push and import, optimistic locking, measures from recommendations, German amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kompass.agenda import selectors, services
from kompass.agenda.models import (
    AgendaVersion,
    BudgetLine,
    Handlungsfeld,
    KPIValue,
    Leitsatz,
    MeasureRole,
    MeasureStatus,
    MeasureStatusChange,
    VersionState,
)
from kompass.agenda.tests import factories as f
from kompass.assessment.models import RecommendationStatus
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.core.exceptions import ConflictError
from kompass.roles.models import ActivityTemplate, RaciCell

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- status history ------------------------------------------------------------------------------


def test_every_status_change_enters_the_history_with_name_and_note(world: World) -> None:
    f.agenda(world)
    measure = f.measure(world)
    services.measure_status_change(
        kommune=world.kommune, actor=world.admin, measure=measure, status=MeasureStatus.GEPLANT, note="Haushalt steht"
    )
    services.measure_status_change(
        kommune=world.kommune, actor=world.admin, measure=measure, status=MeasureStatus.IN_UMSETZUNG
    )
    history = list(selectors.status_history(world.kommune, measure))
    assert [(h.from_status, h.to_status) for h in history] == [
        ("", "idee"),
        ("idee", "geplant"),
        ("geplant", "in_umsetzung"),
    ]
    assert history[1].note == "Haushalt steht" and history[1].changed_by_name == world.admin.display_name


def test_moving_to_the_same_status_writes_no_history(world: World) -> None:
    f.agenda(world)
    measure = f.measure(world)
    services.measure_status_change(kommune=world.kommune, actor=world.admin, measure=measure, status="idee")
    assert MeasureStatusChange.objects.for_kommune(world.kommune).count() == 1


def test_an_unknown_status_is_refused_in_german(world: World) -> None:
    f.agenda(world)
    measure = f.measure(world)
    with pytest.raises(ValidationError) as exc:
        services.measure_status_change(kommune=world.kommune, actor=world.admin, measure=measure, status="fertig")
    assert "Bitte einen der Werte wählen" in _messages(exc)


# --- versions ------------------------------------------------------------------------------------


def test_a_decided_version_is_read_only_and_its_children_too(world: World) -> None:
    version = f.decided_agenda(world)
    assert version.state == VersionState.BESCHLOSSEN
    leitsatz = Leitsatz.objects.for_kommune(world.kommune).get()
    field = Handlungsfeld.objects.for_kommune(world.kommune).get()
    attempts = [
        lambda: services.version_update(
            kommune=world.kommune, actor=world.admin, version=version, data={"vision": "x"}
        ),
        lambda: services.leitsatz_create(kommune=world.kommune, actor=world.admin, version=version, data={"text": "x"}),
        lambda: services.leitsatz_update(
            kommune=world.kommune, actor=world.admin, leitsatz=leitsatz, data={"text": "x"}
        ),
        lambda: services.leitsatz_delete(kommune=world.kommune, actor=world.admin, leitsatz=leitsatz),
        lambda: services.handlungsfeld_create(
            kommune=world.kommune, actor=world.admin, version=version, data={"name": "Neu"}
        ),
        lambda: services.handlungsfeld_update(
            kommune=world.kommune, actor=world.admin, handlungsfeld=field, data={"name": "Neu"}
        ),
        lambda: services.handlungsfeld_delete(kommune=world.kommune, actor=world.admin, handlungsfeld=field),
        lambda: services.version_decide(
            kommune=world.kommune, actor=world.admin, version=version, data={"decided_on": "2025-04-01"}
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "ist beschlossen und kann nicht mehr geändert werden" in _messages(exc)
    assert Leitsatz.objects.for_kommune(world.kommune).get().text == "Nutzen zuerst."
    assert Handlungsfeld.objects.for_kommune(world.kommune).get().name == "Verwaltung digital"


def test_a_new_draft_copies_the_decided_version_and_the_diff_names_the_changes(world: World) -> None:
    decided = f.decided_agenda(world)
    draft = services.version_new_draft(kommune=world.kommune, actor=world.admin, source=decided)
    assert draft.number == 2 and draft.state == VersionState.ENTWURF and draft.based_on_id == decided.pk
    assert selectors.diff_between(world.kommune, decided, draft).is_empty
    draft = services.version_update(
        kommune=world.kommune, actor=world.admin, version=draft, data={"vision": "Digital, nah, offen."}
    )
    services.leitsatz_create(kommune=world.kommune, actor=world.admin, version=draft, data={"text": "Offen für alle."})
    services.handlungsfeld_create(kommune=world.kommune, actor=world.admin, version=draft, data={"name": "Bildung"})
    lines = selectors.diff_between(world.kommune, decided, draft).lines()
    assert "Vision geändert: „Digital und nah.“ → „Digital, nah, offen.“" in lines
    assert "Leitsatz neu: „Offen für alle.“" in lines
    assert "Handlungsfeld neu: Bildung" in lines
    with pytest.raises(ValidationError, match="bereits einen Entwurf"):
        services.version_new_draft(kommune=world.kommune, actor=world.admin, source=decided)


def test_deciding_a_new_version_moves_measures_to_its_handlungsfelder_by_key(world: World) -> None:
    decided = f.decided_agenda(world)
    old_field = Handlungsfeld.objects.for_kommune(world.kommune).get()
    measure = f.measure(world, handlungsfelder=[old_field.pk])
    draft = services.version_new_draft(kommune=world.kommune, actor=world.admin, source=decided)
    decision = services.council_decision_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"body": "Rat", "decided_on": "01.02.2027", "result": "beschlossen", "drucksache": "0042/2027"},
    )
    services.version_decide(
        kommune=world.kommune, actor=world.admin, version=draft, data={"decided_on": "2027-02-01", "decision": decision}
    )
    linked = list(Handlungsfeld.objects.for_kommune(world.kommune).filter(measures=measure))
    assert [h.agenda_version_id for h in linked] == [draft.pk]
    assert AgendaVersion.objects.for_kommune(world.kommune).get(pk=draft.pk).decision_id == decision.pk


def test_a_version_cannot_be_decided_with_a_rejecting_decision(world: World) -> None:
    f.agenda(world)
    version = f.first_version(world)
    services.handlungsfeld_create(kommune=world.kommune, actor=world.admin, version=version, data={"name": "A"})
    decision = services.council_decision_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"body": "Rat", "decided_on": "2025-03-20", "result": "abgelehnt"},
    )
    with pytest.raises(ValidationError, match="zustimmenden Beschluss"):
        services.version_decide(
            kommune=world.kommune,
            actor=world.admin,
            version=version,
            data={"decided_on": "2025-03-20", "decision": decision},
        )


def test_handlungsfeld_names_only_fields_of_the_kommunes_framework(world: World) -> None:
    f.framework_field(world)
    f.agenda(world)
    version = f.first_version(world)
    field = services.handlungsfeld_create(
        kommune=world.kommune,
        actor=world.admin,
        version=version,
        data={"name": "Steuerung", "framework_field_keys": "steuerung"},
    )
    assert field.framework_field_keys == ["steuerung"] and field.key == "steuerung"
    with pytest.raises(ValidationError, match="gibt es im Orientierungsrahmen der Kommune nicht: erfunden"):
        services.handlungsfeld_create(
            kommune=world.kommune,
            actor=world.admin,
            version=version,
            data={"name": "B", "framework_field_keys": ["erfunden"]},
        )


# --- dependencies --------------------------------------------------------------------------------


def test_a_dependency_that_closes_a_cycle_is_refused_with_the_cycle_named(world: World) -> None:
    f.agenda(world)
    a, b, c = (f.measure(world, title) for title in ("A", "B", "C"))
    services.dependency_add(kommune=world.kommune, actor=world.admin, measure=a, depends_on=b)
    services.dependency_add(kommune=world.kommune, actor=world.admin, measure=b, depends_on=c)
    with pytest.raises(ValidationError) as exc:
        services.dependency_add(kommune=world.kommune, actor=world.admin, measure=c, depends_on=a)
    assert "C → A → B → C" in _messages(exc)
    assert selectors.dependencies(world.kommune).count() == 2


def test_a_measure_of_another_kommune_cannot_be_a_dependency(world: World) -> None:
    f.agenda(world)
    a = f.measure(world, "A")
    services.agenda_create(kommune=world.other, actor=world.outsider)
    foreign = services.measure_create(kommune=world.other, actor=world.outsider, data={"title": "Fremd"})
    with pytest.raises(ValidationError, match="nicht gefunden"):
        services.dependency_add(kommune=world.kommune, actor=world.admin, measure=a, depends_on=foreign)


# --- optimistic locking --------------------------------------------------------------------------


def test_a_stale_version_of_a_measure_is_a_conflict_and_changes_nothing(world: World) -> None:
    f.agenda(world)
    measure = f.measure(world)
    services.measure_update(
        kommune=world.kommune, actor=world.admin, measure=measure, data={"benefit": 5}, expected_version=1
    )
    with pytest.raises(ConflictError):
        services.measure_update(
            kommune=world.kommune, actor=world.admin, measure=measure, data={"benefit": 1}, expected_version=1
        )
    assert selectors.measures(world.kommune).get().benefit == 5


# --- German amounts ------------------------------------------------------------------------------


def test_budget_amounts_are_read_as_typed_in_german(world: World) -> None:
    f.agenda(world)
    measure = f.measure(world)
    line = services.budget_line_create(
        kommune=world.kommune,
        actor=world.admin,
        measure=measure,
        data={
            "year": "2026",
            "planned": "1.234,56 €",
            "spent": "1 000",
            "haushalt_kind": "produkt",
            "haushalt_ref": "1.11.03",
        },
    )
    assert (line.planned, line.spent) == (Decimal("1234.56"), Decimal("1000.00"))
    with pytest.raises(ValidationError) as exc:
        services.budget_line_create(
            kommune=world.kommune,
            actor=world.admin,
            measure=measure,
            data={"year": 2026, "planned": "zwölf", "haushalt_kind": "produkt"},
        )
    assert "„zwölf“ ist keine Zahl" in _messages(exc)
    assert BudgetLine.objects.for_kommune(world.kommune).count() == 1


# --- KPI values ----------------------------------------------------------------------------------


def test_a_manual_value_for_the_same_day_replaces_the_first(world: World) -> None:
    kpi = f.kpi(world)
    services.kpi_value_record(kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on="01.03.2026", value="12,5")
    services.kpi_value_record(kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on="2026-03-01", value="13")
    assert [v.value for v in KPIValue.objects.for_kommune(world.kommune)] == [Decimal("13")]


def test_a_repeated_push_stores_nothing_twice_and_writes_no_audit_entry(world: World) -> None:
    kpi = f.kpi(world)
    items = [
        {"kpi": kpi.pk, "measured_on": "2026-01-31", "value": 20},
        {"kpi": kpi.pk, "measured_on": "2026-02-28", "value": "21,5"},
    ]
    first = services.kpi_values_push(kommune=world.kommune, actor=world.admin, items=items)
    entries = AuditEntry.objects.for_kommune(world.kommune).count()
    second = services.kpi_values_push(kommune=world.kommune, actor=world.admin, items=items)
    assert (first.created, second.created, second.unchanged) == (2, 0, 2)
    assert KPIValue.objects.for_kommune(world.kommune).count() == 2
    assert AuditEntry.objects.for_kommune(world.kommune).count() == entries


def test_a_push_with_one_bad_item_stores_nothing_and_names_each_problem(world: World) -> None:
    kpi = f.kpi(world)
    services.agenda_create(kommune=world.other, actor=world.outsider)
    foreign = services.kpi_create(
        kommune=world.other,
        actor=world.outsider,
        data={
            "name": "Fremd",
            "baseline_value": 1,
            "baseline_on": "2025-01-01",
            "target_value": 2,
            "target_on": "2026-01-01",
        },
    )
    items = [
        {"kpi": kpi.pk, "measured_on": "2026-01-31", "value": 20},
        {"kpi": foreign.pk, "measured_on": "2026-01-31", "value": 20},
        {"kpi": kpi.pk, "measured_on": "31.02.2026", "value": 20},
        {"kpi": kpi.pk, "measured_on": "2026-03-31", "value": "viel"},
    ]
    with pytest.raises(ValidationError) as exc:
        services.kpi_values_push(kommune=world.kommune, actor=world.admin, items=items)
    errors = exc.value.message_dict
    assert errors["1.kpi"] == ["Diese Kennzahl gibt es in der Kommune nicht."]
    assert "kein gültiges Datum" in errors["2.measured_on"][0]
    assert "keine Zahl" in errors["3.value"][0]
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def _csv(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp1252")


def test_an_import_reads_cp1252_with_semicolons_and_german_numbers(world: World) -> None:
    kpi = f.kpi(world, name="Bürgerzufriedenheit")
    data = _csv(
        "Kennzahl;Datum;Wert;Anmerkung\nBürgerzufriedenheit;31.01.2026;1.234,5;Umfrage Januar\n"
        f"{kpi.pk};28.02.2026;12;\n"
    )
    report = services.kpi_values_import(
        kommune=world.kommune, actor=world.admin, filename="werte.csv", data=data, dry_run=False
    )
    assert report.ok, [str(i) for i in report.issues]
    assert report.created == 2
    values = list(KPIValue.objects.for_kommune(world.kommune).order_by("measured_on"))
    assert [(v.value, v.note, v.source) for v in values] == [
        (Decimal("1234.5"), "Umfrage Januar", "import"),
        (Decimal("12"), "", "import"),
    ]
    again = services.kpi_values_import(
        kommune=world.kommune, actor=world.admin, filename="werte.csv", data=data, dry_run=False
    )
    assert (again.created, again.unchanged) == (0, 2)


def test_an_import_with_one_bad_row_stores_nothing_and_names_rows_and_columns(world: World) -> None:
    f.kpi(world, name="Bürgerzufriedenheit")
    data = _csv(
        "kennzahl;datum;wert\nBürgerzufriedenheit;31.01.2026;12\nGibt es nicht;31.01.2026;12\n"
        "Bürgerzufriedenheit;32.01.2026;12\nBürgerzufriedenheit;28.02.2026;zwölf\n"
    )
    report = services.kpi_values_import(
        kommune=world.kommune, actor=world.admin, filename="werte.csv", data=data, dry_run=False
    )
    issues = [str(issue) for issue in report.issues]
    assert any(i.startswith("Zeile 3, Spalte kennzahl") and "gibt es nicht" in i for i in issues)
    assert any(i.startswith("Zeile 4, Spalte datum") for i in issues)
    assert any(i.startswith("Zeile 5, Spalte wert") and "keine Zahl" in i for i in issues)
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def test_the_kpi_import_has_its_own_row_limit_above_the_general_one(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    """Values come one row per KPI and day, so the import allows KPI_IMPORT_MAX_ROWS rows, not IMPORT_MAX_ROWS."""
    f.kpi(world, name="Quote")
    settings.IMPORT_MAX_ROWS, settings.KPI_IMPORT_MAX_ROWS = 2, 3
    rows = "".join(f"Quote;{day:02d}.01.2026;{day}\n" for day in range(1, 4))
    report = services.kpi_values_import(
        kommune=world.kommune,
        actor=world.admin,
        filename="w.csv",
        data=_csv("kennzahl;datum;wert\n" + rows),
        dry_run=True,
    )
    assert report.ok and report.created == 3
    too_many = _csv("kennzahl;datum;wert\n" + rows + "Quote;04.01.2026;4\n")
    report = services.kpi_values_import(
        kommune=world.kommune, actor=world.admin, filename="w.csv", data=too_many, dry_run=False
    )
    assert not report.ok and "mehr als 3 Datenzeilen" in str(report.issues[0])
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def test_a_dry_run_import_stores_nothing(world: World) -> None:
    f.kpi(world, name="Quote")
    data = _csv("kennzahl;datum;wert\nQuote;31.01.2026;12\n")
    report = services.kpi_values_import(
        kommune=world.kommune, actor=world.admin, filename="w.csv", data=data, dry_run=True
    )
    assert report.ok and report.created == 1
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def test_a_status_report_keeps_the_kpi_values_of_the_day(world: World) -> None:
    f.agenda(world)
    measure = f.measure(world)
    kpi = f.kpi(world, measure=measure.pk)
    services.kpi_value_record(kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on="2026-01-01", value="35")
    report = services.status_report_create(
        kommune=world.kommune,
        actor=world.admin,
        measure=measure,
        data={"light": "gelb", "progress": "40", "text": "Verzug bei der Vergabe", "reported_on": "2026-02-01"},
    )
    assert report.author_name == world.admin.display_name
    assert report.kpi_snapshot == [
        {
            "kpi": kpi.pk,
            "name": kpi.name,
            "unit": "%",
            "value": "35.0000",
            "measured_on": "2026-01-01",
            "status": "im_plan",
        }
    ]


# --- recommendations and RACI --------------------------------------------------------------------


def test_a_measure_from_a_recommendation_keeps_field_and_gap_and_marks_the_recommendation(world: World) -> None:
    field = f.framework_field(world)
    f.decided_agenda(world, field_keys=[field.key])
    recommendation = f.recommendation(world, field)
    measure = services.measure_from_recommendation(
        kommune=world.kommune, actor=world.admin, recommendation=recommendation
    )
    assert measure.title == "Digitalisierungsstrategie aufstellen" and measure.status == MeasureStatus.IDEE
    assert (measure.origin_field_key, measure.origin_field_name) == ("steuerung", "Steuerung der Digitalisierung")
    assert measure.origin_gap.startswith("Ist 1,80, Soll 3,0, Lücke 1,20.")
    assert [h.key for h in Handlungsfeld.objects.for_kommune(world.kommune).filter(measures=measure)] == [
        "verwaltung-digital"
    ]
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.IN_AGENDA
    with pytest.raises(ValidationError, match="Nur angenommene Empfehlungen"):
        services.measure_from_recommendation(kommune=world.kommune, actor=world.admin, recommendation=recommendation)
    recommendation.delete()
    measure.refresh_from_db()
    assert measure.origin_recommendation_id is None and measure.origin_field_key == "steuerung"


def test_raci_rows_are_seeded_from_the_matrix_and_a_is_the_accountable_role(world: World) -> None:
    f.agenda(world)
    cdo, lotse, isb = f.role(world, "cdo", "CDO"), f.role(world, "lotse", "Lotse"), f.role(world, "isb", "ISB")
    activity = ActivityTemplate.objects.create(
        key="leistung_digitalisieren", name="Leistung digitalisieren", confidence="belegt", version="1"
    )
    for the_role, letter in ((cdo, "A"), (lotse, "R"), (isb, "C")):
        RaciCell.objects.create(kommune=world.kommune, activity=activity, role=the_role, letter=letter)
    measure = f.measure(world, activity="leistung_digitalisieren")
    rows = dict(
        MeasureRole.objects.for_kommune(world.kommune).filter(measure=measure).values_list("role__key", "letter")
    )
    assert rows == {"cdo": "A", "lotse": "R", "isb": "C"}
    measure.refresh_from_db()
    assert measure.accountable_role_id == cdo.pk
    services.measure_update(
        kommune=world.kommune, actor=world.admin, measure=measure, data={"accountable_role": lotse.pk}
    )
    rows = dict(
        MeasureRole.objects.for_kommune(world.kommune).filter(measure=measure).values_list("role__key", "letter")
    )
    assert rows == {"lotse": "A", "isb": "C"}
    with pytest.raises(ValidationError, match="verantwortliche Rolle"):
        services.measure_role_set(kommune=world.kommune, actor=world.admin, measure=measure, role=isb, letter="A")


def test_settings_are_changed_with_optimistic_locking(world: World) -> None:
    row = services.settings_update(kommune=world.kommune, actor=world.admin, data={"weight_benefit": "3"})
    assert row.weight_benefit == 3 and row.version == 2
    with pytest.raises(ConflictError):
        services.settings_update(
            kommune=world.kommune, actor=world.admin, data={"accountable_limit": 4}, expected_version=1
        )
