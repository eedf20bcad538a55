"""What a session keeps of the second factor (docs/security.md A3): with enforcement on, a member who
is neither Administration nor operator and has no device costs no query per request; what could make
the kept answer wrong (a promotion to the Administration, becoming an operator, a device set up in
another session) does not let a session reach a privileged page with one factor."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kompass.accounts import services as account_services
from kompass.accounts.models import User
from kompass.conftest import World
from kompass.sso import mfa
from kompass.sso.tests.test_mfa import ENROL, enrol, password_login
from kompass.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db
LOGIN = "/anmelden/"


@pytest.fixture
def enforced(settings: Any) -> None:
    settings.KOMPASS_MFA_REQUIRED = True


def _home(world: World) -> str:
    return f"/k/{world.kommune.slug}/"


def test_the_answer_for_a_member_without_device_costs_no_query(
    world: World, enforced: None, django_assert_num_queries: Any
) -> None:
    client = password_login(world.reader)
    request = client.get(_home(world)).wsgi_request  # its user and session are loaded
    assert request.user.is_authenticated
    with django_assert_num_queries(0):
        assert mfa.state(request) == mfa.OK


def test_a_page_costs_the_same_queries_with_enforcement_on_and_off(world: World, settings: Any) -> None:
    def queries_of_a_page() -> int:
        client = password_login(world.reader)
        client.get(_home(world))  # the first page after the login
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_home(world)).status_code == 200
        return len(captured)

    settings.KOMPASS_MFA_REQUIRED = False
    off = queries_of_a_page()
    settings.KOMPASS_MFA_REQUIRED = True
    assert queries_of_a_page() == off


def test_an_administration_member_without_device_is_sent_to_the_enrolment_from_the_kept_answer(
    world: World, enforced: None, django_assert_num_queries: Any
) -> None:
    client = password_login(world.admin)
    request = client.get(_home(world)).wsgi_request
    with django_assert_num_queries(0):
        assert mfa.state(request) == mfa.ENROL


def test_a_member_promoted_to_the_administration_must_log_in_again_and_enrol(world: World, enforced: None) -> None:
    client = password_login(world.reader)
    assert client.get(_home(world)).status_code == 200
    membership = Membership.objects.for_kommune(world.kommune).get(user=world.reader)
    account_services.membership_update(kommune=world.kommune, actor=world.admin, membership=membership, role=Role.ADMIN)
    answer = client.get(_home(world))
    assert answer.status_code == 302 and answer["Location"].startswith(LOGIN)
    again = password_login(world.reader)
    assert again.get(_home(world))["Location"].startswith(ENROL)


def test_an_administration_membership_in_another_kommune_ends_the_sessions_too(world: World, enforced: None) -> None:
    client = password_login(world.reader)
    assert client.get(_home(world)).status_code == 200
    account_services.membership_create(kommune=world.other, actor=None, user=world.reader, role=Role.ADMIN)
    assert client.get(_home(world))["Location"].startswith(LOGIN)


def test_a_change_below_the_administration_keeps_the_sessions(world: World, enforced: None) -> None:
    client = password_login(world.reader)
    membership = Membership.objects.for_kommune(world.kommune).get(user=world.reader)
    account_services.membership_update(
        kommune=world.kommune, actor=world.admin, membership=membership, role=Role.EDITOR
    )
    assert client.get(_home(world)).status_code == 200


def test_a_member_who_becomes_an_operator_must_enrol_at_the_next_request(world: World, enforced: None) -> None:
    client = password_login(world.reader)
    assert client.get(_home(world)).status_code == 200
    User.objects.filter(pk=world.reader.pk).update(is_superuser=True, is_staff=True)  # as the shell would
    assert client.get("/")["Location"].startswith(ENROL)


def test_setting_up_the_device_ends_the_other_sessions_of_the_account(world: World, enforced: None) -> None:
    other = password_login(world.reader)
    assert other.get(_home(world)).status_code == 200
    client = password_login(world.reader)
    enrol(client)
    assert client.get(_home(world)).status_code == 200  # the enrolling session goes on
    assert other.get(_home(world))["Location"].startswith(LOGIN)
    assert password_login(world.reader).get(_home(world))["Location"].startswith("/anmelden/bestaetigen/")


def test_without_enforcement_nobody_is_sent_to_the_enrolment(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    assert client.get(_home(world)).status_code == 200
