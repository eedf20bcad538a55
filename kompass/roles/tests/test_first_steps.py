"""The steps of "Erste Schritte" (registered by org and roles): each one open in an empty Kommune and
done in a filled one, the links they give, and the start page once all are done."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.accounts import services as account_services
from kompass.conftest import World
from kompass.core.extensions import ONBOARDING_STEPS
from kompass.factories import KommuneFactory, UserFactory
from kompass.roles.models import Role
from kompass.roles.tests.conftest import Model
from kompass.tenancy.context import TenantContext, resolve_tenant
from kompass.tenancy.models import Kommune

pytestmark = pytest.mark.django_db

SLUG = "teststadt"


def ctx(world: World, kommune: Kommune | None = None) -> TenantContext:
    return TenantContext(kommune or world.kommune, world.admin, "admin")


def open_check(world: World) -> None:
    assert world.client_for(world.reader).get(reverse("roles:checks", args=[SLUG])).status_code == 200


def adopt_framework(world: World) -> None:
    import tempfile
    from pathlib import Path

    from kompass.framework.tests.catalogue_fixture import adopted_framework

    with tempfile.TemporaryDirectory() as folder:
        adopted_framework(world.kommune, Path(folder))


FILL: dict[str, Callable[[Model], Any]] = {
    "org.units": lambda m: None,  # the world has units …
    "org.people": lambda m: None,  # … and people
    "roles.catalogue": lambda m: None,  # `adopted` took the catalogue
    "roles.cdo": lambda m: m.assign(m.world.alice, "cdo", 50),
    "roles.lotsen": lambda m: m.assign(m.world.bruno, "lotse", 10),
    "roles.check": lambda m: open_check(m.world),
    "framework.adopt": lambda m: adopt_framework(m.world),
}


def test_every_step_has_a_test_of_its_own() -> None:
    assert set(FILL) == set(ONBOARDING_STEPS.keys())


@pytest.mark.parametrize("key", sorted(FILL))
def test_a_step_is_open_in_an_empty_kommune(key: str, world: World) -> None:
    empty = KommuneFactory(name="Leerdorf", slug="leerdorf", ags="05111002")
    assert ONBOARDING_STEPS[key].done(ctx(world, empty)) is False


@pytest.mark.parametrize("key", sorted(FILL))
def test_a_step_is_done_in_a_filled_kommune_and_only_there(key: str, adopted: Model) -> None:
    step = ONBOARDING_STEPS[key]
    was_done = step.done(ctx(adopted.world))
    FILL[key](adopted)
    assert step.done(ctx(adopted.world)) is True
    assert was_done is key.startswith("org.") or key == "roles.catalogue"
    empty = KommuneFactory(name="Leerdorf", slug="leerdorf", ags="05111002")
    assert step.done(ctx(adopted.world, empty)) is False  # what Teststadt did counts for Teststadt only


def test_a_deactivated_or_ended_cdo_does_not_count(adopted: Model) -> None:
    step = ONBOARDING_STEPS["roles.cdo"]
    adopted.assign(adopted.world.alice, "cdo", 50, valid_until=datetime.date(2025, 6, 30))
    assert not step.done(ctx(adopted.world))
    adopted.assign(adopted.world.bruno, "cdo", 50)
    assert step.done(ctx(adopted.world))
    Role.objects.for_kommune(adopted.world.kommune).filter(pk=adopted.roles["cdo"].pk).update(is_active=False)
    assert not step.done(ctx(adopted.world))


def test_the_naming_steps_open_the_assignment_form_with_the_role_chosen(adopted: Model) -> None:
    c = ctx(adopted.world)
    create = reverse("roles:assignment_create", args=[SLUG])
    assert ONBOARDING_STEPS["roles.cdo"].url(c) == f"{create}?rolle={adopted.roles['cdo'].pk}"
    assert ONBOARDING_STEPS["roles.lotsen"].url(c) == f"{create}?rolle={adopted.roles['lotse'].pk}"
    form = adopted.world.client_for(adopted.world.admin).get(ONBOARDING_STEPS["roles.cdo"].url(c))
    assert form.status_code == 200 and form.context["form"].initial["role"] == adopted.roles["cdo"].pk


def test_without_a_role_model_the_naming_steps_lead_to_the_role_model(world: World) -> None:
    assert ONBOARDING_STEPS["roles.cdo"].url(ctx(world)) == reverse("roles:role_list", args=[SLUG])


def test_a_platform_operator_looking_in_does_not_tick_the_rollen_check(world: World) -> None:
    operator = UserFactory(username="betrieb", is_superuser=True, is_staff=True)
    account_services.operator_access_grant(kommune=world.kommune, operator=operator, reason="Störung prüfen, Ticket 42")
    client = Client()
    client.force_login(operator)
    assert resolve_tenant(operator, SLUG).is_operator
    assert client.get(reverse("roles:checks", args=[SLUG])).status_code == 200
    assert not ONBOARDING_STEPS["roles.check"].done(ctx(world))


def test_when_every_step_is_done_the_checklist_collapses_to_one_line(adopted: Model) -> None:
    for fill in FILL.values():
        fill(adopted)
    response = adopted.world.client_for(adopted.world.admin).get(reverse("ui:dashboard", args=[SLUG]))
    assert response.context["first_steps"]["complete"]
    text = response.content.decode()
    assert 'id="erste-schritte"' not in text
    assert "Erste Schritte abgeschlossen: alle 7 Schritte sind erledigt." in text


def test_the_progress_says_how_many_steps_are_done(adopted: Model) -> None:
    adopted.assign(adopted.world.alice, "cdo", 50)
    text = adopted.world.client_for(adopted.world.admin).get(reverse("ui:dashboard", args=[SLUG])).content.decode()
    assert "4 von 7 Schritten erledigt" in text
    assert '<progress id="erste-schritte-fortschritt" max="7" value="4">' in text
