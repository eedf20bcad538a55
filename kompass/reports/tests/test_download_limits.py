"""Every report a member can have rendered is rate-limited (S7 in docs/security.md).

The PDFs (council report, assessment report, role matrix and role profile, the Art. 15 information)
and the other rendered downloads go through the limits `export.user` (a member within a Kommune)
and `export.kommune`. With a quota of nothing left, each route answers 429 with `Retry-After`
before anything is rendered or even looked up; and a Kommune that has used up its quota leaves
the members of another Kommune served.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from kompass.conftest import World

START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
MISSING = 999999  # the limit is counted before the object is looked up

REPORTS = [
    ("agenda:council_report_pdf", {}),
    ("agenda:council_report_docx", {}),
    ("agenda:agenda_xlsx", {}),
    ("assessment:results_pdf", {"pk": MISSING}),
    ("assessment:results_xlsx", {"pk": MISSING}),
    ("roles:matrix_pdf", {}),
    ("roles:matrix_xlsx", {}),
    ("roles:matrix_csv", {}),
    ("roles:role_pdf", {"pk": MISSING}),
    ("privacy:person_pdf", {"pk": MISSING}),
    ("privacy:member_pdf", {"pk": MISSING}),
]


def rates(**overrides: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {**settings.RATE_LIMITS, **{name.replace("__", "."): rate for name, rate in overrides.items()}}


def report_url(name: str, kwargs: dict[str, Any], slug: str = "teststadt") -> str:
    return reverse(name, kwargs={"kommune_slug": slug, **kwargs})


@pytest.mark.parametrize(("name", "kwargs"), REPORTS, ids=[name for name, _kwargs in REPORTS])
@override_settings(RATE_LIMITS=rates(export__user=(0, 600), export__kommune=(300, 600)))
def test_each_report_is_counted_per_member(world: World, name: str, kwargs: dict[str, Any]) -> None:
    with time_machine.travel(START, tick=False):
        response = world.client_for(world.admin).get(report_url(name, kwargs))
    assert response.status_code == 429 and response["Retry-After"] == "595"
    assert "Zu viele Anfragen" in response.content.decode()


@pytest.mark.parametrize(("name", "kwargs"), REPORTS, ids=[name for name, _kwargs in REPORTS])
@override_settings(RATE_LIMITS=rates(export__user=(100, 600), export__kommune=(0, 600)))
def test_each_report_is_counted_per_kommune(world: World, name: str, kwargs: dict[str, Any]) -> None:
    with time_machine.travel(START, tick=False):
        assert world.client_for(world.reader).get(report_url(name, kwargs)).status_code == 429


@override_settings(RATE_LIMITS=rates(export__user=(100, 600), export__kommune=(2, 600)))
def test_a_kommune_that_used_up_its_reports_leaves_another_kommune_served(world: World) -> None:
    role_pdf = ("roles:role_pdf", {"pk": MISSING})
    with time_machine.travel(START, tick=False):
        assert world.client_for(world.admin).get(report_url(*role_pdf)).status_code == 404
        assert world.client_for(world.reader).get(report_url(*role_pdf)).status_code == 404
        assert world.client_for(world.editor).get(report_url(*role_pdf)).status_code == 429
        outsider = world.client_for(world.outsider)
        assert [outsider.get(report_url(*role_pdf, slug="nachbarort")).status_code for _ in range(2)] == [404, 404]
