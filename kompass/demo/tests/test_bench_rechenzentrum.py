"""The Rechenzentrum profile (`bench_rechenzentrum`) for two Kommunen, and the pieces of `make loadtest`
that run without a server: the manifest's paths resolve, the locustfiles import, the verdict."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse

from kompass.accounts.models import ApiToken
from kompass.agenda.models import KPI, Measure
from kompass.assessment.models import Answer, Campaign, CampaignResult, CampaignStatus, Participant, Response
from kompass.demo import bench_rechenzentrum as rz
from kompass.demo.loadtest import prepare, rechenzentrum
from kompass.demo.loadtest.run import ROOT
from kompass.org.models import OrgUnit, Person
from kompass.roles.models import Assignment
from kompass.tenancy.models import Kommune, Membership, Role


@pytest.fixture(scope="module")
def profile(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[rz.KommuneLoad]]:
    """Two Kommunen of the profile, generated once for this module's tests (10–20 s); rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield rz.generate(2)
        transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_kommune_has_what_the_profile_says(profile: list[rz.KommuneLoad]) -> None:
    assert [load.slug for load in profile] == ["rz-001", "rz-002"]
    for load in profile:
        kommune = Kommune.objects.get(slug=load.slug)
        assert OrgUnit.objects.for_kommune(kommune).count() == 60
        assert Person.objects.for_kommune(kommune).count() == 600
        assert Assignment.objects.for_kommune(kommune).count() == rz.ROLES.assignments
        assert Measure.objects.for_kommune(kommune).count() == 40
        assert KPI.objects.for_kommune(kommune).count() == 40
        closed = Campaign.objects.for_kommune(kommune).get(pk=load.campaign_id)
        assert closed.status == CampaignStatus.CLOSED
        assert CampaignResult.objects.for_kommune(kommune).filter(campaign=closed).exists()
        assert Response.objects.for_kommune(kommune).filter(campaign=closed).count() == 200
        answers = Answer.objects.for_kommune(kommune).filter(response__campaign=closed).count()
        assert answers == 200 * rz.ASSESSMENT.criteria
        assert Participant.objects.for_kommune(kommune).filter(campaign=closed).count() == rz.ASSESSMENT.invited
        roles = dict(Membership.objects.for_kommune(kommune).values_list("user__username", "role"))
        assert roles == {load.admin: Role.ADMIN, load.reader: Role.READER}
        assert ApiToken.objects.filter(kommune=kommune, scope="read").count() == 1
    # An open campaign with personal links in the first Kommune (and every tenth), not in the second.
    assert len(profile[0].survey_tokens) == rz.ASSESSMENT.open_participants
    assert profile[1].survey_tokens == []


@pytest.mark.slow
@pytest.mark.django_db
def test_the_accounts_log_in_with_the_shared_password_and_the_token_works(profile: list[rz.KommuneLoad]) -> None:
    login = Client().post(reverse("accounts:login"), {"username": profile[1].reader, "password": rz.PASSWORD})
    assert login.status_code == 302
    api = Client()
    answer = api.get(f"/api/v1/kommunen/{profile[1].slug}/massnahmen", HTTP_AUTHORIZATION=f"Bearer {profile[1].token}")
    assert answer.status_code == 200
    other = api.get(f"/api/v1/kommunen/{profile[0].slug}/massnahmen", HTTP_AUTHORIZATION=f"Bearer {profile[1].token}")
    assert other.status_code in {403, 404}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_manifest_paths_are_routes_of_the_app(profile: list[rz.KommuneLoad]) -> None:
    load = profile[0]
    for path in [*prepare._pages(load).values(), *prepare._api(load.slug).values()]:
        resolve(path.split("?", 1)[0])  # Resolver404 otherwise


@pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="locust comes with make load / make loadtest (load.txt)"
)
def test_the_locustfiles_import() -> None:
    """In a process of their own: locust patches the standard library (gevent) when imported."""
    code = (
        "import kompass.demo.loadtest.locust_rechenzentrum as m, kompass.demo.loadtest.locustfile as s; "
        "print(m.Member.weight, m.ApiScript.weight, m.Respondent.weight, s.Respondent.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["6", "2", "2", "Respondent"]


def _row(name: str, requests: int, failures: int = 0) -> dict[str, str]:
    return {"Name": name, "Request Count": str(requests), "Failure Count": str(failures), "50%": "10", "95%": "20",
            "Max Response Time": "30", "Requests/s": "5"}  # fmt: skip


def test_the_verdict_fails_on_any_error_and_on_a_page_never_requested() -> None:
    good = [_row("Rollen-Check", 3), _row("Aggregated", 3)]
    assert rechenzentrum.report(good, [], 60)
    assert not rechenzentrum.report([_row("Rollen-Check", 3, 1), _row("Aggregated", 3, 1)], [], 60)
    assert not rechenzentrum.report([_row("Rollen-Check", 0), *good], [], 60)
    assert not rechenzentrum.report([_row("Aggregated", 0)], [], 60)
