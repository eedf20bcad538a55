"""What answering a survey leaves behind: no audit entry, no log line with the token or the request
id, no session, no page a cache may keep (docs/security.md N3)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse

from kompass.assessment.models import Campaign
from kompass.assessment.tests.test_survey import answer_page, framework, invited, items, url
from kompass.assessment.views_survey import LOGGERS, TokenRedactingFilter
from kompass.audit.models import AuditEntry
from kompass.conftest import World

__all__ = ["framework", "invited"]  # fixtures, imported for the tests below


def _walk_through_a_survey_with_every_kind_of_refusal(campaign: Campaign, token: str) -> list[str]:
    """Everything a respondent (or someone poking at the link) can do; returns the request ids."""
    first = items(campaign)[0]
    responses = [
        Client().get(url("survey_start", token)),
        Client().post(url("survey_questions", token, seite=1), {f"q{first.pk}": "9", "aktion": "weiter"}),  # 400
        Client().put(url("survey_questions", token, seite=1)),  # 405
        Client(enforce_csrf_checks=True).post(url("survey_submit", token), {"aktion": "absenden"}),  # 403
        answer_page(Client(), token, campaign, 1),
        Client().post(url("survey_submit", token), {"aktion": "absenden"}),
        Client().post(url("survey_submit", token), {"aktion": "absenden"}),  # 410
        Client().get(url("survey_start", token)),  # 410
        Client().get(url("survey_start", token + "x")),  # 404
    ]
    assert [r.status_code for r in responses] == [200, 400, 405, 403, 302, 302, 410, 410, 404]
    return [r["X-Request-ID"] for r in responses]


def _leaks(records: list[logging.LogRecord], secrets: list[str]) -> list[str]:
    found = []
    for record in records:
        text = record.getMessage() + " " + repr(vars(record))
        found += [f"{record.name}: {record.getMessage()}" for secret in secrets if secret in text]
    return found


def test_no_log_line_of_a_survey_request_names_the_token_or_the_request_id(
    invited: tuple[Campaign, list[Any]], caplog: pytest.LogCaptureFixture
) -> None:
    campaign, links = invited
    token = links[0].token
    caplog.set_level(logging.DEBUG)
    request_ids = _walk_through_a_survey_with_every_kind_of_refusal(campaign, token)
    messages = [r.getMessage() for r in caplog.records]
    assert any("/umfrage/t/***/" in m for m in messages), "the refusals are logged, without the token"
    assert not _leaks(caplog.records, [token, *request_ids])


@pytest.fixture
def without_filter() -> Iterator[None]:
    """The loggers as Django leaves them, to show that the test above would see a token."""
    saved = {name: list(logging.getLogger(name).filters) for name in LOGGERS}
    for name in LOGGERS:
        for f in saved[name]:
            logging.getLogger(name).removeFilter(f)
    yield
    for name in LOGGERS:
        for f in saved[name]:
            logging.getLogger(name).addFilter(f)


def test_without_the_filter_django_would_log_the_token(
    invited: tuple[Campaign, list[Any]], caplog: pytest.LogCaptureFixture, without_filter: None
) -> None:
    campaign, links = invited
    caplog.set_level(logging.DEBUG)
    first = items(campaign)[0]
    Client().post(url("survey_questions", links[0].token, seite=1), {f"q{first.pk}": "9"})
    assert _leaks(caplog.records, [links[0].token]), "Django logs the path of a 400 answer"


def test_the_filter_blanks_the_token_in_a_server_line_and_drops_the_request_object() -> None:
    line = ("POST /p/a/umfrage/t/Ab-c_1/absenden/ HTTP/1.1", 302, 0)
    server = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', line, None)
    assert TokenRedactingFilter().filter(server) is True
    assert server.getMessage() == '"POST /p/a/umfrage/t/***/absenden/ HTTP/1.1" 302 0'
    path = "/p/a/umfrage/t/Ab-c_1/fragen/"
    gone = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Gone: %s", (path,), None)
    gone.request = RequestFactory().post(path, {"q1": "3"})
    TokenRedactingFilter().filter(gone)
    assert gone.getMessage() == "Gone: /p/a/umfrage/t/***/fragen/" and gone.request is None
    other = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/k/a/rollen/",), None)
    other.request = RequestFactory().get("/k/a/rollen/")
    TokenRedactingFilter().filter(other)
    assert other.getMessage() == "Not Found: /k/a/rollen/" and other.request is not None


def test_answering_writes_no_audit_entry_and_opens_no_session(
    world: World, invited: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = invited
    entries = AuditEntry.objects.unscoped().count()
    _walk_through_a_survey_with_every_kind_of_refusal(campaign, links[0].token)
    assert AuditEntry.objects.unscoped().count() == entries
    assert Session.objects.count() == 0


def test_no_survey_page_may_be_kept_by_a_cache_or_indexed(invited: tuple[Campaign, list[Any]]) -> None:
    token = invited[1][0].token
    pages = [
        url("survey_start", token),
        url("survey_questions", token, seite=2),
        url("survey_submit", token),
        reverse("public:survey_thanks", kwargs={"kommune_slug": "teststadt"}),
        url("survey_start", "unbekannt"),
    ]
    for address in pages:
        response = Client().get(address)
        assert response["Cache-Control"] == "private, no-store", address
        assert response["X-Robots-Tag"] == "noindex, nofollow", address
        assert response["Referrer-Policy"] == "strict-origin", address
        assert set(response.cookies) <= {"csrftoken"}, address
