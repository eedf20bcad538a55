"""Periodic work without cron: a registry of schedules and a scheduler task that ticks.

An app registers a `Schedule` in its `AppConfig.ready`:

    schedules.register(Schedule(key="clear-sessions", interval=timedelta(days=1),
                                task=clear_expired_sessions, description="Abgelaufene Sitzungen löschen"))

Time is cut into slots of the schedule's interval, counted from 1970-01-01 00:00 UTC (a daily
schedule's slot starts at midnight UTC). Each tick of `scheduler_tick` claims the current slot of
every schedule with one conditional UPDATE (`services.schedule_slot_claim`) and enqueues the
schedule's task for the slots it won, with the key `schedule:<key>:<slot>`; so a slot is started
once however many workers tick, and even then the key makes the work run once. The tick then makes
sure the next tick is queued (`ensure_scheduler`), which `manage.py start_scheduler` also does.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task, task_backends
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from kompass.core.registry import Registry
from kompass.tasks.models import ScheduleSlot
from kompass.tasks.runner import enqueue_once, is_kommune_task
from kompass.tasks.services import schedule_slot_claim

logger = logging.getLogger(__name__)

TICK = datetime.timedelta(minutes=1)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
SCHEDULER_LOCK_KEY = "scheduler"  # the ScheduleSlot row that serialises `ensure_scheduler`
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}$")


@dataclass(frozen=True)
class Schedule:
    """A platform job that runs once per `interval` (a task made by `kommune_task`)."""

    key: str
    interval: datetime.timedelta
    task: Task
    description: str  # German, for operators: what the job does


def describe_interval(interval: datetime.timedelta) -> str:
    """The interval in words for operators: "täglich", "alle 6 Stunden", "alle 15 Minuten"."""
    minutes = int(interval / datetime.timedelta(minutes=1))
    for size, one, many in ((24 * 60, "täglich", "Tage"), (60, "stündlich", "Stunden"), (1, "minütlich", "Minuten")):
        if minutes % size == 0:
            count = minutes // size
            return one if count == 1 else f"alle {count} {many}"
    return str(interval)


def _validate(schedule: Schedule) -> None:
    if not _KEY_RE.match(schedule.key) or schedule.key == SCHEDULER_LOCK_KEY:
        raise ImproperlyConfigured(f"Zeitplan {schedule.key!r}: Schlüssel aus Kleinbuchstaben, Ziffern, Bindestrich.")
    if schedule.interval < TICK or schedule.interval % TICK:
        raise ImproperlyConfigured(f"Zeitplan {schedule.key!r}: Intervall muss ein Vielfaches von {TICK} sein.")
    if not is_kommune_task(schedule.task):
        raise ImproperlyConfigured(f"Zeitplan {schedule.key!r}: die Aufgabe muss mit @kommune_task entstanden sein.")
    if not schedule.description.strip():
        raise ImproperlyConfigured(f"Zeitplan {schedule.key!r}: Beschreibung fehlt.")


schedules: Registry[Schedule] = Registry("tasks.schedules", validate=_validate)


def slot_start(moment: datetime.datetime, interval: datetime.timedelta) -> datetime.datetime:
    """The start of the slot of length `interval` that contains `moment`."""
    return EPOCH + ((moment - EPOCH) // interval) * interval


def run_due_schedules(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every schedule whose current slot nobody has started yet; returns their keys."""
    now = now or timezone.now()
    started = []
    for schedule in schedules:
        slot = slot_start(now, schedule.interval)
        with transaction.atomic():  # the claim and the queue entry together, or neither
            if not schedule_slot_claim(schedule.key, slot):
                continue
            enqueue_once(schedule.task, None, f"schedule:{schedule.key}:{slot:%Y-%m-%dT%H:%MZ}")
        started.append(schedule.key)
    if started:
        logger.info("Scheduler: started %s", ", ".join(started))
    return started


def _queue_supports_scheduler() -> bool:
    return isinstance(task_backends[scheduler_tick.backend], DatabaseBackend)


def ensure_scheduler(run_after: datetime.datetime | None = None) -> bool:
    """Queue a scheduler tick unless one is already waiting; True when one was queued.

    The lock row serialises concurrent callers (two ticks, a tick and `start_scheduler`), so
    exactly one tick waits afterwards."""
    if not _queue_supports_scheduler():
        raise ImproperlyConfigured("Der Scheduler braucht das Datenbank-Backend für Hintergrundaufgaben (TASKS).")
    with transaction.atomic():
        ScheduleSlot.objects.get_or_create(key=SCHEDULER_LOCK_KEY)
        ScheduleSlot.objects.select_for_update().get(key=SCHEDULER_LOCK_KEY)
        waiting = DBTaskResult.objects.filter(
            task_path=scheduler_tick.module_path, backend_name=scheduler_tick.backend, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return False
        (scheduler_tick.using(run_after=run_after) if run_after else scheduler_tick).enqueue()
        return True


@task()
def scheduler_tick() -> list[str]:
    """Queue the next tick first (a failing schedule must not stop the clock), then start what is due."""
    now = timezone.now()
    if _queue_supports_scheduler():
        ensure_scheduler(run_after=slot_start(now, TICK) + TICK)
    return run_due_schedules(now)
