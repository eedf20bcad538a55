"""The production path: tasks queued in the database and run by django_tasks_db's `db_worker`.

The worker runs in-process for one batch (`--batch`: run what is due, then exit), so it sees the
test database whichever engine the suite runs on."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kompass.audit.models import AuditEntry
from kompass.factories import KommuneFactory
from kompass.tasks.models import TaskRun
from kompass.tasks.runner import enqueue_once
from kompass.tasks.schedules import TICK, ensure_scheduler, scheduler_tick, slot_start
from kompass.tasks.tests import sample_tasks
from kompass.tasks.tests.sample_tasks import flaky, note_in_log

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_backend")]


@pytest.fixture(autouse=True)
def _keep_signal_handlers() -> Iterator[None]:
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _run_worker_batch() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0, stdout=StringIO())


def test_the_worker_runs_a_queued_kommune_task_once_per_key() -> None:
    kommune = KommuneFactory()
    enqueue_once(note_in_log, kommune, "note:1", label="Notiz")
    note_in_log.enqueue(kommune.pk, "note:1", label="Notiz")  # queued twice, past the reservation
    _run_worker_batch()
    results = DBTaskResult.objects.filter(task_path=note_in_log.module_path).order_by("enqueued_at")
    assert [r.status for r in results] == [TaskResultStatus.SUCCESSFUL] * 2
    assert results[0].return_value is not None and results[1].return_value is None
    [entry] = AuditEntry.objects.for_kommune(kommune).filter(object_label="Notiz")
    assert entry.source == "task" and entry.request_id == TaskRun.objects.get().request_id


def test_a_task_failing_in_the_worker_shows_up_in_the_queue_and_its_run() -> None:
    kommune = KommuneFactory()
    enqueue_once(flaky, kommune, "flaky:1", label="Wackelig")
    _run_worker_batch()
    result = DBTaskResult.objects.get(task_path=flaky.module_path)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "builtins.RuntimeError" and "Dienst nicht erreichbar" in result.traceback
    assert TaskRun.objects.get().error == "RuntimeError: Dienst nicht erreichbar"
    assert not AuditEntry.objects.for_kommune(kommune).filter(object_label="Wackelig").exists()


def test_the_worker_runs_the_scheduler_which_queues_its_next_tick_and_the_daily_jobs() -> None:
    assert ensure_scheduler() is True
    _run_worker_batch()
    ticks = DBTaskResult.objects.filter(task_path=scheduler_tick.module_path)
    assert sorted(t.status for t in ticks) == [TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL]
    done, waiting = ticks.get(status=TaskResultStatus.SUCCESSFUL), ticks.get(status=TaskResultStatus.READY)
    assert done.started_at is not None and waiting.run_after == slot_start(done.started_at, TICK) + TICK
    sessions_job = DBTaskResult.objects.get(task_path="kompass.tasks.housekeeping.clear_expired_sessions")
    assert sessions_job.status == TaskResultStatus.SUCCESSFUL
    assert TaskRun.objects.get(key__startswith="platform:schedule:clear-sessions:").state == "done"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite test database lives in this process's memory")
def test_the_real_worker_process_runs_one_batch_against_the_test_database() -> None:
    kommune = KommuneFactory()
    enqueue_once(note_in_log, kommune, "note:1", label="Notiz")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kompass.settings", "DATABASE_URL": url}
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0"]
    command.append("--skip-checks")  # the system checks have their own test; this one is about the worker
    done = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert AuditEntry.objects.for_kommune(kommune).get(object_label="Notiz").source == "task"


def test_an_operator_lists_a_failed_task_and_retries_it() -> None:
    kommune = KommuneFactory()
    enqueue_once(flaky, kommune, "flaky:1", label="Wackelig")
    _run_worker_batch()
    out = StringIO()
    call_command("failed_tasks", stdout=out)
    failed = DBTaskResult.objects.get()
    assert str(failed.id) in out.getvalue() and "RuntimeError: Dienst nicht erreichbar" in out.getvalue()

    sample_tasks.FLAKY["fail"] = False
    call_command("failed_tasks", retry=str(failed.id), stdout=out)
    assert "Erneut eingereiht" in out.getvalue()
    _run_worker_batch()
    assert TaskRun.objects.get().state == "done"
    assert AuditEntry.objects.for_kommune(kommune).filter(object_label="Wackelig").count() == 1
    with pytest.raises(CommandError, match="Kein fehlgeschlagener Eintrag"):
        call_command("failed_tasks", retry="keine-id", stdout=out)


def test_an_entry_lost_with_a_killed_worker_is_listed_after_an_hour() -> None:
    kommune = KommuneFactory()
    enqueue_once(note_in_log, kommune, "note:1", label="Notiz")
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    out = StringIO()
    call_command("failed_tasks", stdout=out)
    assert "Keine fehlgeschlagenen" in out.getvalue()
    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=61))
    call_command("failed_tasks", stdout=out)
    assert "Worker verloren" in out.getvalue()
