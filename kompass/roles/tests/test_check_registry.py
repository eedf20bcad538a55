"""The Rollen-Check's extension point: rules and data loaders registered by other apps."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from kompass.roles import rules, selectors
from kompass.roles.rules import CHECK_DATA_LOADERS, CHECK_RULES, CheckData, CheckDataLoader, CheckRule, Finding
from kompass.roles.tests.conftest import Model


def test_every_registered_rule_and_loader_is_valid() -> None:
    registered = CHECK_RULES.check()
    CHECK_DATA_LOADERS.check()
    assert [rule.key for rule in registered][:3] == ["raci_one_accountable", "core_roles_filled", "lotse_coverage"]
    assert len({rule.key for rule in registered}) == len(registered) >= 11


def test_a_rule_without_a_docstring_naming_its_source_is_refused() -> None:
    def nameless(data: CheckData) -> list[Finding]:
        return []

    with pytest.raises(ImproperlyConfigured, match="source"):
        CHECK_RULES.register(CheckRule(key="test.nameless", check=nameless))
    assert "test.nameless" not in CHECK_RULES


def test_a_rule_with_an_unknown_confidence_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="confidence"):
        CHECK_RULES.register(CheckRule(key="test.unsure", check=rules.rule_dsb_conflict, confidence="vermutet"))
    assert "test.unsure" not in CHECK_RULES


def test_a_rule_key_cannot_be_registered_twice() -> None:
    with pytest.raises(ImproperlyConfigured, match="twice"):
        CHECK_RULES.register(CheckRule(key="dsb_conflict", check=rules.rule_dsb_conflict))


def _agenda_rule(data: CheckData) -> list[Finding]:
    """Testregel einer höheren App (Quelle: dieser Test)."""
    open_measures = data.extra["test.agenda"]["ohne_verantwortung"]
    return [
        Finding("test.agenda", rules.WARNING, f"Maßnahme ohne Verantwortliche: {name}", "Erklärung", "Testquelle")
        for name in open_measures
    ]


@pytest.fixture
def agenda_extension() -> Iterator[list[tuple[Any, datetime.date]]]:
    """A higher app's rule with its own data loader, registered as an app would in `ready`."""
    calls: list[tuple[Any, datetime.date]] = []

    def load(kommune: Any, on: datetime.date) -> dict[str, list[str]]:
        calls.append((kommune, on))
        return {"ohne_verantwortung": ["Digitale Bauakte"]}

    CHECK_DATA_LOADERS.register(CheckDataLoader(key="test.agenda", load=load))
    CHECK_RULES.register(CheckRule(key="test.agenda", check=_agenda_rule))
    yield calls
    CHECK_RULES.unregister("test.agenda")
    CHECK_DATA_LOADERS.unregister("test.agenda")


def test_a_registered_rule_reads_its_loaders_data_and_its_findings_join_the_check(
    adopted: Model, agenda_extension: list[Any]
) -> None:
    kommune = adopted.world.kommune
    findings = rules.run_checks(selectors.check_data(kommune))
    assert agenda_extension == [(kommune, selectors.today())]
    assert "Maßnahme ohne Verantwortliche: Digitale Bauakte" in [f.title for f in findings]
    # The rule names no confidence: its findings show the default of `CheckRule`, "abgeleitet".
    assert {f.confidence for f in findings if f.rule == "test.agenda"} == {rules.ABGELEITET}


def test_the_check_page_shows_a_registered_rules_finding_and_forgets_it_when_unregistered(
    adopted: Model, admin_client: Client, agenda_extension: list[Any]
) -> None:
    page = reverse("roles:checks", args=[adopted.world.kommune.slug])
    assert "Maßnahme ohne Verantwortliche: Digitale Bauakte" in admin_client.get(page).content.decode()
    CHECK_RULES.unregister("test.agenda")
    assert "Maßnahme ohne Verantwortliche" not in admin_client.get(page).content.decode()
