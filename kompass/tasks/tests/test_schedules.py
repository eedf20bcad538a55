"""Periodic work: the registry of schedules, slots claimed once, the self-renewing scheduler tick."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from kompass.tasks.models import TaskRun
from kompass.tasks.schedules import (
    Schedule,
    describe_interval,
    ensure_scheduler,
    run_due_schedules,
    scheduler_tick,
    schedules,
    slot_start,
)
from kompass.tasks.services import schedule_slot_claim
from kompass.tasks.tests import sample_tasks
from kompass.tasks.tests.sample_tasks import platform_job

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)


@task()
def plain_task() -> None:
    """Not made by kommune_task: no idempotency key, so no schedule may name it."""


@pytest.fixture
def hourly_job() -> Iterator[Schedule]:
    schedule = schedules.register(
        Schedule(key="test-hourly", interval=datetime.timedelta(hours=1), task=platform_job, description="Test")
    )
    yield schedule
    schedules.unregister(schedule.key)


def _waiting_ticks() -> int:
    return DBTaskResult.objects.filter(task_path=scheduler_tick.module_path, status=TaskResultStatus.READY).count()


def test_every_registered_schedule_is_valid_and_the_housekeeping_jobs_are_there() -> None:
    registered = schedules.check()
    assert {"clear-sessions", "prune-task-results"} <= {schedule.key for schedule in registered}
    assert schedules["clear-sessions"].interval == DAY


@pytest.mark.parametrize(
    ("key", "interval", "made", "description"),
    [
        ("Mit Leerzeichen", DAY, platform_job, "Test"),
        ("scheduler", DAY, platform_job, "Test"),  # the scheduler's own lock row
        ("zu-oft", datetime.timedelta(seconds=30), platform_job, "Test"),
        ("schief", datetime.timedelta(seconds=90), platform_job, "Test"),
        ("ohne-schluessel", DAY, plain_task, "Test"),
        ("ohne-text", DAY, platform_job, " "),
    ],
)
def test_the_registry_refuses_invalid_schedules(key: str, interval: datetime.timedelta, made, description: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImproperlyConfigured):
        schedules.register(Schedule(key=key, interval=interval, task=made, description=description))
    assert key not in schedules


def test_a_daily_slot_starts_at_midnight_utc() -> None:
    moment = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert slot_start(moment, DAY) == datetime.datetime(2026, 12, 6, tzinfo=UTC)
    assert slot_start(moment, datetime.timedelta(minutes=15)) == moment


def test_a_slot_is_claimed_once_and_only_newer_slots_after_it() -> None:
    today = datetime.datetime(2026, 12, 6, tzinfo=UTC)
    assert schedule_slot_claim("test", today) is True
    assert schedule_slot_claim("test", today) is False  # the second worker
    assert schedule_slot_claim("test", today - DAY) is False
    assert schedule_slot_claim("test", today + DAY) is True


def test_a_schedule_runs_once_per_interval_even_when_the_scheduler_ticks_twice(hourly_job: Schedule) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 6, 10, 5, tzinfo=UTC), tick=False):
        assert "test-hourly" in run_due_schedules()
        assert run_due_schedules() == []
    with time_machine.travel(datetime.datetime(2026, 12, 6, 10, 59, tzinfo=UTC), tick=False):
        assert run_due_schedules() == []
    assert sample_tasks.PLATFORM_CALLS == ["platform"]
    with time_machine.travel(datetime.datetime(2026, 12, 6, 11, 0, tzinfo=UTC), tick=False):
        assert run_due_schedules() == ["test-hourly"]
        assert run_due_schedules() == []
    assert sample_tasks.PLATFORM_CALLS == ["platform", "platform"]
    keys = set(TaskRun.objects.filter(key__contains="test-hourly").values_list("key", flat=True))
    assert keys == {
        "platform:schedule:test-hourly:2026-12-06T10:00Z",
        "platform:schedule:test-hourly:2026-12-06T11:00Z",
    }


def test_the_daily_job_clears_expired_sessions() -> None:
    now = timezone.now()
    Session.objects.create(session_key="abgelaufen", session_data="", expire_date=now - datetime.timedelta(hours=1))
    Session.objects.create(session_key="gueltig", session_data="", expire_date=now + datetime.timedelta(hours=1))
    assert "clear-sessions" in run_due_schedules()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["gueltig"]
    assert TaskRun.objects.get(key__startswith="platform:schedule:clear-sessions:").state == "done"


def test_a_tick_queues_the_next_tick_and_the_due_jobs_once(database_backend: None) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 6, 10, 5, 30, tzinfo=UTC), tick=False):
        started = scheduler_tick.call()
        assert scheduler_tick.call() == []  # a second tick in the same minute starts nothing
    assert {"clear-sessions", "prune-task-results"} <= set(started)
    [next_tick] = DBTaskResult.objects.filter(task_path=scheduler_tick.module_path)
    assert next_tick.run_after == datetime.datetime(2026, 12, 6, 10, 6, tzinfo=UTC)
    jobs = DBTaskResult.objects.filter(task_path="kompass.tasks.housekeeping.clear_expired_sessions")
    assert [job.args_kwargs["args"] for job in jobs] == [[None, "schedule:clear-sessions:2026-12-06T00:00Z"]]


def test_start_scheduler_leaves_exactly_one_waiting_tick(database_backend: None) -> None:
    out = StringIO()
    call_command("start_scheduler", stdout=out)
    call_command("start_scheduler", stdout=out)
    assert _waiting_ticks() == 1
    assert "Scheduler eingereiht." in out.getvalue() and "Scheduler wartet bereits." in out.getvalue()
    assert "clear-sessions: täglich – Abgelaufene Anmeldesitzungen löschen" in out.getvalue()
    assert ensure_scheduler() is False


def test_start_scheduler_refuses_a_queue_without_a_database() -> None:
    with pytest.raises(CommandError, match="Datenbank-Backend"):
        call_command("start_scheduler", stdout=StringIO())


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (DAY, "täglich"),
        (7 * DAY, "alle 7 Tage"),
        (datetime.timedelta(hours=1), "stündlich"),
        (datetime.timedelta(hours=6), "alle 6 Stunden"),
        (datetime.timedelta(minutes=15), "alle 15 Minuten"),
    ],
)
def test_an_interval_reads_in_german(interval: datetime.timedelta, text: str) -> None:
    assert describe_interval(interval) == text
