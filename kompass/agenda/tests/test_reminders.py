"""The reminder task: it runs through the task layer, mails the holder of the accountable role once
per due report (never twice, also not in a second run), and mails nobody for measures that are not
in Umsetzung or whose role nobody holds."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from kompass.agenda import reminders, services
from kompass.agenda.models import ReportReminder
from kompass.agenda.tests import factories_kpis as fk
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.org.models import Person
from kompass.tasks.runner import enqueue_once
from kompass.tasks.schedules import schedules

pytestmark = pytest.mark.django_db
DUE = datetime.date(2025, 4, 1)  # `inside` started on 01.01.2025; the report period is 90 days


def _with_email(world: World) -> None:
    Person.objects.for_kommune(world.kommune).filter(pk=world.alice.pk).update(email="alice@teststadt.example")


def test_the_reminder_is_a_daily_schedule_of_the_task_layer() -> None:
    schedule = schedules[reminders.SCHEDULE_KEY]
    assert schedule.interval == datetime.timedelta(days=1) and schedule.task is reminders.send_report_reminders


def test_the_task_mails_the_holder_once_per_due_report(world: World) -> None:
    s = fk.scene(world)
    _with_email(world)
    with time_machine.travel(DUE, tick=False):
        enqueue_once(reminders.send_report_reminders, None, "erinnerung-1")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@teststadt.example"]
    assert "Gewerbeanmeldung online" in message.subject and "Teststadt" in message.subject
    assert "Digitalisierungskoordination" in message.body and "01.04.2025" in message.body
    assert f"/k/teststadt/agenda/massnahmen/{s.inside.pk}/sachstand/neu/" in message.body
    assert ReportReminder.objects.for_kommune(world.kommune).get().due_on == DUE
    entry = AuditEntry.objects.for_kommune(world.kommune).get(object_type="reportreminder")
    assert entry.source == "task" and "alice" not in entry.object_label.lower()


def test_a_second_run_sends_nothing_for_the_same_due_report(world: World) -> None:
    fk.scene(world)
    _with_email(world)
    with time_machine.travel(DUE, tick=False):
        reminders.send_report_reminders.call(None, "lauf-1")
    with time_machine.travel(DUE + datetime.timedelta(days=3), tick=False):
        reminders.send_report_reminders.call(None, "lauf-2")
    assert len(mail.outbox) == 1
    assert ReportReminder.objects.for_kommune(world.kommune).count() == 1


def test_a_new_report_makes_a_new_due_date_and_one_more_reminder(world: World) -> None:
    s = fk.scene(world)
    _with_email(world)
    with time_machine.travel(DUE, tick=False):
        reminders.send_report_reminders.call(None, "lauf-1")
    services.status_report_create(
        kommune=world.kommune, actor=world.admin, measure=s.inside, data={"light": "gruen", "progress": 10}
    )
    report_day = datetime.date.today()
    with time_machine.travel(report_day + datetime.timedelta(days=30), tick=False):
        reminders.send_report_reminders.call(None, "lauf-2")  # not due yet
    assert len(mail.outbox) == 1
    with time_machine.travel(report_day + datetime.timedelta(days=90), tick=False):
        reminders.send_report_reminders.call(None, "lauf-3")
    assert len(mail.outbox) == 2
    assert ReportReminder.objects.for_kommune(world.kommune).count() == 2


def test_no_reminder_before_the_report_is_due(world: World) -> None:
    fk.scene(world)
    _with_email(world)
    with time_machine.travel(DUE - datetime.timedelta(days=1), tick=False):
        reminders.send_report_reminders.call(None, "zu-frueh")
    assert mail.outbox == []


@pytest.mark.parametrize("status", ["gestoppt", "abgeschlossen", "idee", "geplant"])
def test_no_reminder_for_measures_not_in_umsetzung(world: World, status: str) -> None:
    s = fk.scene(world)
    _with_email(world)
    services.measure_status_change(kommune=world.kommune, actor=world.admin, measure=s.inside, status=status)
    with time_machine.travel(DUE + datetime.timedelta(days=10), tick=False):
        reminders.send_report_reminders.call(None, f"status-{status}")
    assert mail.outbox == []
    assert not ReportReminder.objects.for_kommune(world.kommune).exists()


def test_no_reminder_when_nobody_holds_the_role(world: World) -> None:
    s = fk.scene(world)
    _with_email(world)
    # Alice's assignment ended: the role is held by nobody (a Rollen-Check finding instead).
    from kompass.roles.models import Assignment

    Assignment.objects.for_kommune(world.kommune).filter(role=s.role).update(valid_until=DUE - datetime.timedelta(1))
    with time_machine.travel(DUE, tick=False):
        reminders.send_report_reminders.call(None, "ohne-inhaberin")
    assert mail.outbox == []
    assert not ReportReminder.objects.for_kommune(world.kommune).exists()


def test_no_reminder_to_a_holder_without_address_and_none_recorded(world: World) -> None:
    fk.scene(world)
    Person.objects.for_kommune(world.kommune).filter(pk=world.alice.pk).update(email="")
    with time_machine.travel(DUE, tick=False):
        reminders.send_report_reminders.call(None, "ohne-adresse")
    assert mail.outbox == []
    assert not ReportReminder.objects.for_kommune(world.kommune).exists()


def test_a_refused_mail_leaves_no_record_and_is_tried_again(world: World, settings: object) -> None:
    fk.scene(world)
    _with_email(world)
    from unittest import mock

    with (
        time_machine.travel(DUE, tick=False),
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("Server weg")),
    ):
        reminders.send_report_reminders.call(None, "server-weg")
    assert not ReportReminder.objects.for_kommune(world.kommune).exists()
    with time_machine.travel(DUE + datetime.timedelta(days=1), tick=False):
        reminders.send_report_reminders.call(None, "server-wieder-da")
    assert len(mail.outbox) == 1
