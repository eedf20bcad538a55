"""The ground floor's extension points, as the installed apps filled them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import NoReverseMatch, reverse

from kompass.core.extensions import (
    DASHBOARD_PANELS,
    NAV_ENTRIES,
    NAV_GROUPS,
    ONBOARDING_STEPS,
    PERSONAL_DATA,
    OnboardingStep,
    navigation,
)
from kompass.tenancy.capabilities import Capability

# Column names that carry personal data wherever they appear.
PERSONAL_NAMES = {"username", "first_name", "last_name", "actor_name", "operator_name", "user_agent", "session_data"}


def _personal_columns(model: type[models.Model]) -> list[str]:
    people = {apps.get_model(settings.AUTH_USER_MODEL), apps.get_model("org.Person")}
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.EmailField | models.GenericIPAddressField)
        or f.name in PERSONAL_NAMES
        or (f.is_relation and f.related_model in people)
    ]


def test_every_table_with_personal_data_is_in_the_register() -> None:
    missing = {
        model._meta.label: columns
        for model in apps.get_models()
        if (columns := _personal_columns(model)) and model._meta.label not in PERSONAL_DATA
    }
    assert not missing, f"Tabellen mit personenbezogenen Daten ohne Eintrag in PERSONAL_DATA: {missing}"


def test_every_personal_data_entry_is_valid_and_names_its_personal_columns() -> None:
    for entry in PERSONAL_DATA.check():
        assert set(_personal_columns(entry.model)) <= set(entry.fields), entry.key
        assert str(entry.purpose).endswith("."), entry.key


def test_every_navigation_entry_is_valid_reversible_and_in_a_known_group() -> None:
    NAV_GROUPS.check()
    for group, entries in navigation():
        for entry in NAV_ENTRIES.check():
            if entry.group != group.key:
                continue
            try:
                reverse(entry.url_name, args=["teststadt"])
            except NoReverseMatch as exc:  # pragma: no cover - the assertion message is the point
                raise AssertionError(f"{entry.key}: {exc}") from exc
            if entry.capability is not None:
                Capability(entry.capability)  # raises for an unknown capability
        assert entries, f"group {group.key} has no entries"


def test_the_main_navigation_keeps_its_order_by_module() -> None:
    labels = [str(entry.label) for _group, entries in navigation() for entry in entries]
    assert labels == [
        "Start",
        "Organigramm",
        "Personen",
        "Rollen",
        "Zuordnungen",
        "Lotsinnen und Lotsen",
        "Rollen-Check",
        "Orientierungsrahmen",
        "Umfragen",
        "Soll und Lücken",
        "Empfehlungen",
        "Kommunentyp",
        "Maßnahmenvorlagen",
        "Übersicht",
        "Maßnahmen",
        "Kennzahlen",
        "Sachstandsberichte",
        "Ratsbericht",
        "Import und Export",
        "Protokoll",
        "Mitglieder",
        "Stammdaten",
        "Identitätsanbieter",
        "Datenschutz",
        "Papierkorb",
    ]


def test_the_main_navigation_has_one_group_per_module_in_order() -> None:
    groups = [(group.key, str(group.label), len(entries)) for group, entries in navigation()]
    assert groups == [
        ("start", "Start", 1),
        ("organisation", "Organisation", 2),
        ("rollenmodell", "Rollenmodell", 4),
        ("selbstbewertung", "Selbstbewertung", 6),
        ("agenda", "Digitale Agenda", 5),
        ("verwaltung", "Verwaltung", 7),
    ]


def test_every_dashboard_panel_is_valid_and_its_template_exists() -> None:
    from django.template.loader import get_template

    for panel in DASHBOARD_PANELS.check():
        get_template(panel.template)
        if panel.capability is not None:
            Capability(panel.capability)
    assert [p.key for p in DASHBOARD_PANELS] == ["org.figures", "roles.check", "assessment.results", "agenda.state"]


def test_every_first_step_is_valid_with_a_known_capability_in_the_order_of_the_first_hour() -> None:
    steps = ONBOARDING_STEPS.check()
    for step in steps:
        if step.capability is not None:
            Capability(step.capability)  # raises for an unknown capability
        assert str(step.explanation).endswith("."), step.key
    assert [step.key for step in steps] == [
        "org.units",
        "org.people",
        "roles.catalogue",
        "roles.cdo",
        "roles.lotsen",
        "roles.check",
        "framework.adopt",
    ]


def test_a_first_step_without_a_done_function_is_refused() -> None:
    step = OnboardingStep(key="test.broken", title="Etwas tun", explanation="So.", url=str, done=None)  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured, match="done"):
        ONBOARDING_STEPS.register(step)
    assert "test.broken" not in ONBOARDING_STEPS
