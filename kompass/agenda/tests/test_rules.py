"""Ownership through the role model and the agenda's Rollen-Check rules: each fires and stays quiet."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from kompass.agenda import rules, selectors, services
from kompass.agenda.ownership import EINDEUTIG, KEINE_ROLLE, MEHRDEUTIG, NIEMAND
from kompass.agenda.tests import factories as f
from kompass.conftest import World
from kompass.factories import person
from kompass.roles.rules import CheckData, Finding, run_checks
from kompass.roles.selectors import check_data as role_check_data

pytestmark = pytest.mark.django_db
TODAY = f.TODAY


def _findings(world: World, rule: Callable[[CheckData], list[Finding]], on: datetime.date = TODAY) -> list[Finding]:
    data = CheckData(today=on, roles=[], current=[], recent_past=[], activities=[], cells=[], units=[])
    data.extra[rules.LOADER_KEY] = selectors.check_data(world.kommune, on)
    return rule(data)


def test_ownership_follows_the_role_when_the_cdo_changes(world: World) -> None:
    f.agenda(world)
    cdo = f.role(world, "cdo", "Chief Digital Officer", ["cdo"])
    measure = f.measure(world, accountable_role=cdo.pk)
    assert selectors.owner_of(world.kommune, measure, TODAY).state == NIEMAND
    f.assign(world, world.alice, cdo, valid_until=datetime.date(2026, 3, 31))
    f.assign(world, world.bruno, cdo, valid_from=datetime.date(2026, 4, 1))
    assert selectors.owner_of(world.kommune, measure, datetime.date(2026, 1, 1)).person == world.alice
    owner = selectors.owner_of(world.kommune, measure, TODAY)
    assert owner.state == EINDEUTIG and owner.person == world.bruno


def test_with_several_holders_the_one_in_the_unit_or_its_nearest_parent_owns_it(world: World) -> None:
    f.agenda(world)
    lotse = f.role(world, "lotse", "Lotsinnen und Lotsen", ["lotse"])
    clara = person(world.kommune, "Clara", "Dezernentin", world.dezernat)
    f.assign(world, world.alice, lotse, world.hauptamt)
    f.assign(world, clara, lotse, world.dezernat)
    in_sachgebiet = f.measure(world, "Gewerbe online", accountable_role=lotse.pk, responsible_unit=world.sachgebiet.pk)
    in_hauptamt = f.measure(world, "Hauptamt digital", accountable_role=lotse.pk, responsible_unit=world.hauptamt.pk)
    no_unit = f.measure(world, "Ohne Einheit", accountable_role=lotse.pk)
    without_role = f.measure(world, "Ohne Rolle")
    owners = selectors.owners(world.kommune, [in_sachgebiet, in_hauptamt, no_unit, without_role], TODAY)
    assert owners[in_sachgebiet.pk].person == clara  # 32.1 → 32 → D1 (Clara)
    assert owners[in_hauptamt.pk].person == world.alice
    assert owners[no_unit.pk].state == MEHRDEUTIG
    assert owners[without_role.pk].state == KEINE_ROLLE
    f.assign(world, world.bruno, lotse, world.dezernat)
    again = selectors.owner_of(world.kommune, in_sachgebiet, TODAY)
    assert again.state == MEHRDEUTIG and {a.person for a in again.candidates} == {clara, world.bruno}


def test_owner_rule_fires_for_unheld_roles_and_missing_roles_and_is_quiet_when_owned(world: World) -> None:
    f.agenda(world)
    cdo = f.role(world, "cdo", "Chief Digital Officer", ["cdo"])
    f.measure(world, "E-Akte", accountable_role=cdo.pk)
    f.measure(world, "Ohne Rolle")
    f.measure(world, "Gestoppt", status="gestoppt")
    kinds = sorted(x.rule for x in _findings(world, rules.rule_measure_owner))
    assert kinds == ["agenda.ohne_rolle", "agenda.rolle_unbesetzt"]
    f.assign(world, world.alice, cdo)
    assert [x.rule for x in _findings(world, rules.rule_measure_owner)] == ["agenda.ohne_rolle"]


def test_a_person_over_the_limit_is_named_and_within_it_not(world: World) -> None:
    f.agenda(world)
    cdo = f.role(world, "cdo", "Chief Digital Officer", ["cdo"])
    f.assign(world, world.alice, cdo)
    for n in range(3):
        f.measure(world, f"Maßnahme {n}", accountable_role=cdo.pk)
    assert not _findings(world, rules.rule_accountable_limit)
    services.settings_update(kommune=world.kommune, actor=world.admin, data={"accountable_limit": 2})
    findings = _findings(world, rules.rule_accountable_limit)
    assert [x.title for x in findings] == ["Alice Amtsleiterin verantwortet 3 Maßnahmen (Grenze: 2)"]


def test_a_goal_without_kpi_is_found_until_it_gets_one(world: World) -> None:
    f.agenda(world)
    goal = services.goal_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"kind": "wirkungsziel", "title": "Leistungen online", "effect": "buerger_unternehmen"},
    )
    assert [x.title for x in _findings(world, rules.rule_goal_has_kpi)] == ["Ziel „Leistungen online“ ohne Kennzahl"]
    f.kpi(world, goal=goal.pk)
    assert not _findings(world, rules.rule_goal_has_kpi)


def test_a_kpi_without_owner_or_recent_value_is_found(world: World) -> None:
    f.agenda(world)
    cdo = f.role(world, "cdo", "CDO")
    kpi = f.kpi(world, period_days=30, baseline_on="2026-01-01", target_on="2027-01-01")
    kinds = sorted(x.rule for x in _findings(world, rules.rule_kpi_owner_and_values))
    assert kinds == ["agenda.kennzahl_ohne_verantwortung", "agenda.kennzahl_ohne_wert"]
    services.kpi_update(kommune=world.kommune, actor=world.admin, kpi=kpi, data={"owner_role": cdo.pk})
    services.kpi_value_record(kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on="2026-05-20", value="20")
    assert not _findings(world, rules.rule_kpi_owner_and_values)
    later = TODAY + datetime.timedelta(days=61 + 30)  # period 30 + tolerance 30 days since 20.05.
    assert [x.rule for x in _findings(world, rules.rule_kpi_owner_and_values, later)] == ["agenda.kennzahl_ohne_wert"]


def test_a_measure_in_umsetzung_without_a_recent_report_is_found(world: World) -> None:
    f.agenda(world)
    running = f.measure(world, "Läuft", status="in_umsetzung", starts_on="2026-01-01")
    f.measure(world, "Geplant", status="geplant", starts_on="2025-01-01")
    findings = _findings(world, rules.rule_status_report_due)
    assert [x.title for x in findings] == ["Maßnahme „Läuft“: Sachstandsbericht überfällig (noch kein Bericht)"]
    services.status_report_create(
        kommune=world.kommune,
        actor=world.admin,
        measure=running,
        data={"light": "gruen", "progress": 20, "reported_on": "2026-05-01"},
    )
    assert not _findings(world, rules.rule_status_report_due)
    services.measure_update(kommune=world.kommune, actor=world.admin, measure=running, data={"report_period_days": 14})
    assert len(_findings(world, rules.rule_status_report_due)) == 1


def test_the_rollen_check_shows_the_agenda_findings_through_its_registry(world: World) -> None:
    f.agenda(world)
    f.measure(world, "Ohne Rolle")
    findings = run_checks(role_check_data(world.kommune, TODAY))
    agenda_findings = [x for x in findings if x.rule.startswith("agenda.")]
    assert [x.rule for x in agenda_findings] == ["agenda.ohne_rolle"]
    assert agenda_findings[0].confidence == "abgeleitet"


def test_a_kommune_without_agenda_has_no_agenda_findings(world: World) -> None:
    findings = run_checks(role_check_data(world.kommune, TODAY))
    assert not [x for x in findings if x.rule.startswith("agenda.")]
