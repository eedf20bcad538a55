"""The retention job and the Verzeichnis von Verarbeitungstätigkeiten (docs/security.md D3)."""

from __future__ import annotations

import datetime
import io
import json
import uuid
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from kompass.accounts.models import Invitation
from kompass.conftest import World
from kompass.core.extensions import PERSONAL_DATA
from kompass.privacy import retention
from kompass.tasks.schedules import schedules

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _invitation(world: World, **extra: Any) -> Invitation:
    values = {"expires_at": timezone.now() + DAY, **extra}
    return Invitation.objects.create(
        kommune=world.kommune,
        email=f"{uuid.uuid4().hex[:8]}@example.org",
        role="reader",
        token_hash=uuid.uuid4().hex,
        **values,
    )


def test_the_job_deletes_what_the_registry_declares_expired_and_nothing_else(world: World) -> None:
    now = timezone.now()
    old = _invitation(world, expires_at=now - 31 * DAY)
    withdrawn = _invitation(world, revoked_at=now - 40 * DAY)
    recent = _invitation(world, expires_at=now - 5 * DAY)
    accepted = _invitation(world, expires_at=now - 400 * DAY, accepted_at=now - 401 * DAY)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        extra = {"failures_since_start": 1} if model is AccessAttempt else {}
        for age in (91, 10):
            row = model.objects.create(username=f"u{age}", ip_address="192.0.2.1", user_agent="x", **extra)
            model.objects.filter(pk=row.pk).update(attempt_time=now - age * DAY)
    Session.objects.create(session_key="alt" * 10, session_data="x", expire_date=now - DAY)
    Session.objects.create(session_key="neu" * 10, session_data="x", expire_date=now + DAY)

    counts = retention.delete_expired(now)

    remaining = set(Invitation.objects.for_kommune(world.kommune).values_list("pk", flat=True))
    assert {old.pk, withdrawn.pk}.isdisjoint(remaining)
    assert {recent.pk, accepted.pk} <= remaining
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["u10"]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["neu" * 10]
    assert counts["accounts.Invitation"] == 2 and counts["sessions.Session"] == 1


def test_only_declared_rules_run() -> None:
    declared = {entry.key for entry in retention.rules()}
    assert declared == {entry.key for entry in PERSONAL_DATA if entry.expired is not None}
    assert "org.Person" not in declared  # kept until the Kommune deletes: a decision, not a period


def test_the_job_is_a_daily_schedule(world: World) -> None:
    schedule = schedules["privacy-retention"]
    assert schedule.interval == DAY
    _invitation(world, expires_at=timezone.now() - 60 * DAY)
    from kompass.tasks.schedules import run_due_schedules

    assert "privacy-retention" in run_due_schedules()  # the immediate backend runs it now
    assert not Invitation.objects.for_kommune(world.kommune).exists()


def test_the_vvt_lists_every_registered_table_as_markdown_and_json(world: World) -> None:
    out = io.StringIO()
    call_command("export_vvt", "--kommune", "teststadt", stdout=out)
    text = out.getvalue()
    assert "Verantwortlich: Teststadt" in text
    for entry in PERSONAL_DATA:
        assert f"(`{entry.key}`)" in text
        assert str(entry.purpose) in text
    out = io.StringIO()
    call_command("export_vvt", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert {item["tabelle"] for item in data["taetigkeiten"]} == set(PERSONAL_DATA.keys())
    invitations = next(i for i in data["taetigkeiten"] if i["tabelle"] == "accounts.Invitation")
    assert invitations["loeschfrist_tage"] == 30 and invitations["rechtsgrundlage"]


def test_the_vvt_refuses_an_unknown_kommune(world: World) -> None:
    with pytest.raises(CommandError, match="Keine Kommune"):
        call_command("export_vvt", "--kommune", "gibtsnicht")


def test_export_person_writes_the_json_and_audits_it(world: World, tmp_path: Any) -> None:
    from kompass.audit.models import AuditEntry

    out = io.StringIO()
    call_command("export_person", "--kommune", "teststadt", "--person", str(world.alice.pk), stdout=out)
    data = json.loads(out.getvalue())
    assert data["person_id"] == world.alice.pk
    assert any(t["tabelle"] == "org.Person" for t in data["tabellen"])
    assert AuditEntry.objects.for_kommune(world.kommune).filter(action="access").exists()
    target = tmp_path / "auskunft.pdf"
    call_command("export_person", "--kommune", "teststadt", "--member", "reader", "--format", "pdf", "--output", target)
    assert target.read_bytes().startswith(b"%PDF")


def test_export_person_refuses_another_kommunes_person(world: World) -> None:
    with pytest.raises(CommandError, match="Keine Person"):
        call_command("export_person", "--kommune", "teststadt", "--person", str(world.other_person.pk))
    with pytest.raises(CommandError, match="Kein Mitglied"):
        call_command("export_person", "--kommune", "teststadt", "--member", "outsider")
