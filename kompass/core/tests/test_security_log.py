"""Security events (docs/security.md, L3): one JSON object per line, with request id, Kommune id
and user id, and without passwords, tokens, e-mail addresses or names."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from kompass.audit import services as audit
from kompass.audit.models import AuditAction
from kompass.conftest import World
from kompass.core.security_log import REDACTED, JsonFormatter, security_event
from kompass.tabular.importing import run_import
from kompass.tabular.kinds import export_file

PASSWORD = "Geheim-Passwort-4711!"


@pytest.fixture
def events(caplog: pytest.LogCaptureFixture) -> Iterator[list[dict[str, Any]]]:
    """The security events of the test, each parsed from the JSON line the formatter writes."""
    logger = logging.getLogger("kompass.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="kompass.security")
    lines: list[dict[str, Any]] = []

    class Parsed(list):  # type: ignore[type-arg]
        def __iter__(self) -> Iterator[dict[str, Any]]:
            formatter = JsonFormatter()
            texts = [formatter.format(r) for r in caplog.records if r.name == "kompass.security"]
            for text in texts:
                assert "\n" not in text
                for secret in (PASSWORD, "@", "Alice", "Amtsleiterin", "csrf"):
                    assert secret not in text, text
            return iter([json.loads(text) for text in texts])

    try:
        yield Parsed(lines)
    finally:
        logger.removeHandler(caplog.handler)


def named(events: Any, event: str) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == event]


def test_an_event_is_one_json_line_without_secrets_or_personal_values(events: Any) -> None:
    security_event(
        "token_created",
        user_id=7,
        kommune_id=3,
        token="abc123",
        password=PASSWORD,
        email="alice@example.org",
        username="Alice",
        scope="read\r\nevent=forged",
    )
    [line] = list(events)
    assert set(line) >= {"time", "event", "outcome", "request_id", "kommune_id", "user_id"}
    assert (line["event"], line["user_id"], line["kommune_id"], line["outcome"]) == ("token_created", 7, 3, "success")
    assert line["token"] == line["password"] == line["email"] == line["username"] == REDACTED
    assert line["scope"] == "read  event=forged"  # a field cannot start a new line
    assert line["time"].endswith("+00:00")


def test_logins_succeeded_and_failed(world: World, events: Any) -> None:
    world.admin.set_password(PASSWORD)
    world.admin.save()
    client = world.client_for(None)
    client.post(reverse("accounts:login"), {"username": world.admin.username, "password": "falsch"})
    client.post(reverse("accounts:login"), {"username": world.admin.username, "password": PASSWORD})
    failures = [e for e in named(events, "login") if e["outcome"] == "failure"]
    assert failures and all(e["user_id"] is None for e in failures)
    assert world.admin.username not in json.dumps(failures)
    successes = [e for e in named(events, "login") if e["outcome"] == "success"]
    assert [e["user_id"] for e in successes] == [world.admin.pk]
    assert successes[0]["request_id"]  # the request id of the error pages and the audit log


def test_a_lockout_is_logged(events: Any) -> None:
    from axes.signals import user_locked_out

    user_locked_out.send("axes", request=None, username="Alice", ip_address="192.0.2.1")
    [line] = named(events, "lockout")
    assert line["outcome"] == "denied" and "192.0.2.1" not in json.dumps(line)


def test_another_kommunes_object_is_a_logged_cross_tenant_denial(world: World, events: Any) -> None:
    client = world.client_for(world.admin)
    response = client.get(reverse("org:person_detail", args=[world.kommune.slug, world.other_person.pk]))
    assert response.status_code == 404
    [line] = named(events, "cross_tenant_denied")
    assert (line["kommune_id"], line["user_id"], line["model"]) == (world.kommune.pk, world.admin.pk, "org.Person")
    assert str(world.other.pk) not in {str(v) for v in line.values()}
    # An id that exists nowhere is an ordinary 404, no attempt on another Kommune.
    assert client.get(reverse("org:person_detail", args=[world.kommune.slug, 999_999])).status_code == 404
    assert len(named(events, "cross_tenant_denied")) == 1


def test_imports_exports_and_settings_changes_are_logged(world: World, events: Any) -> None:
    data = "email;vorname;nachname;funktion;organisationseinheit\r\nclara@teststadt.example;Clara;C;;10\r\n"
    report = run_import(
        kind="people", kommune=world.kommune, actor=world.admin, filename="p.csv", data=data.encode(), dry_run=False
    )
    assert report.ok
    export_file(kind="people", kommune=world.kommune, fmt="csv")
    before = {"name": world.kommune.name}
    audit.audit_record(
        kommune_id=world.kommune.pk,
        actor=world.admin,
        action=AuditAction.UPDATE,
        obj=world.kommune,
        before=before,
        after={"name": "Neustadt"},
    )
    [imported] = named(events, "import")
    assert (imported["kommune_id"], imported["user_id"], imported["entries"]) == (world.kommune.pk, world.admin.pk, 1)
    [exported] = named(events, "export")
    assert (exported["kommune_id"], exported["kind"], exported["format"]) == (world.kommune.pk, "people", "csv")
    [changed] = named(events, "settings_changed")
    assert changed["fields"] == "name" and "Neustadt" not in json.dumps(changed)
