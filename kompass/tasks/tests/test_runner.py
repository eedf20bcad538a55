"""Tasks in a Kommune: audit source "task", the Kommune, idempotency keys, failures and retries."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django_tasks import TaskResultStatus

from kompass.audit.models import AuditEntry
from kompass.factories import KommuneFactory
from kompass.tasks import services
from kompass.tasks.models import TaskRun, TaskRunState
from kompass.tasks.runner import enqueue_once
from kompass.tasks.tests import sample_tasks
from kompass.tasks.tests.sample_tasks import flaky, note_in_log, platform_job
from kompass.tenancy.models import Kommune

pytestmark = pytest.mark.django_db


def _entries(kommune: Kommune, label: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_kommune(kommune).filter(object_label=label))


def test_the_body_works_in_its_kommune_and_its_audit_entries_carry_source_task() -> None:
    kommune = KommuneFactory()
    result = enqueue_once(note_in_log, kommune, "note:1", label="Notiz")
    assert result is not None and result.status == TaskResultStatus.SUCCESSFUL
    [entry] = _entries(kommune, "Notiz")
    run = TaskRun.objects.get()
    assert entry.source == "task" and entry.actor_name == "System"
    assert entry.request_id == run.request_id != ""
    assert (run.key, run.kommune, run.state, run.attempts) == (f"k{kommune.pk}:note:1", kommune, "done", 1)
    assert run.task_name == "kompass.tasks.tests.sample_tasks.note_in_log"
    assert run.started_at is not None and run.finished_at is not None


def test_enqueuing_the_same_key_twice_does_the_work_once() -> None:
    kommune = KommuneFactory()
    assert enqueue_once(note_in_log, kommune, "note:1", label="Notiz") is not None
    assert enqueue_once(note_in_log, kommune, "note:1", label="Notiz") is None
    assert len(_entries(kommune, "Notiz")) == 1


def test_running_the_same_key_twice_does_the_work_once() -> None:
    kommune = KommuneFactory()
    first = note_in_log.enqueue(kommune.pk, "note:1", label="Notiz")  # without enqueue_once
    second = note_in_log.enqueue(kommune.pk, "note:1", label="Notiz")
    assert first.return_value is not None and second.return_value is None
    assert len(_entries(kommune, "Notiz")) == 1
    assert TaskRun.objects.get().attempts == 1


def test_the_same_key_in_two_kommunen_names_two_runs() -> None:
    teststadt, nachbarort = KommuneFactory(), KommuneFactory()
    enqueue_once(note_in_log, teststadt, "monatlich", label="Notiz")
    enqueue_once(note_in_log, nachbarort, "monatlich", label="Notiz")
    assert len(_entries(teststadt, "Notiz")) == len(_entries(nachbarort, "Notiz")) == 1


def test_a_platform_job_gets_no_kommune() -> None:
    enqueue_once(platform_job, None, "aufräumen")
    assert sample_tasks.PLATFORM_CALLS == ["platform"]
    run = TaskRun.objects.get()
    assert (run.key, run.kommune_id, run.state) == ("platform:aufräumen", None, "done")


def test_a_failing_task_records_its_error_keeps_nothing_and_can_be_retried() -> None:
    kommune = KommuneFactory()
    result = enqueue_once(flaky, kommune, "flaky:1", label="Wackelig")
    assert result is not None and result.status == TaskResultStatus.FAILED
    assert "RuntimeError" in result.errors[0].traceback
    run = TaskRun.objects.get()
    assert run.state == TaskRunState.FAILED and run.error == "RuntimeError: Dienst nicht erreichbar"
    assert _entries(kommune, "Wackelig") == []  # the body's writes were rolled back

    sample_tasks.FLAKY["fail"] = False
    retry = enqueue_once(flaky, kommune, "flaky:1", label="Wackelig")
    assert retry is not None and retry.return_value == "ok"
    run.refresh_from_db()
    assert (run.state, run.attempts, run.error) == ("done", 2, "")
    assert len(_entries(kommune, "Wackelig")) == 1
    assert enqueue_once(flaky, kommune, "flaky:1", label="Wackelig") is None  # done stays done


def test_a_run_in_progress_is_skipped_by_a_second_worker() -> None:
    kommune = KommuneFactory()
    claimed = services.task_run_claim(kommune_id=kommune.pk, key="note:1", task_name="x")
    assert claimed is not None
    assert note_in_log.enqueue(kommune.pk, "note:1", label="Notiz").return_value is None
    assert _entries(kommune, "Notiz") == []


def test_a_run_lost_with_its_worker_is_claimed_again_after_an_hour() -> None:
    kommune = KommuneFactory()
    start = datetime.datetime(2026, 12, 6, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert services.task_run_claim(kommune_id=kommune.pk, key="note:1", task_name="x") is not None
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        assert services.task_run_claim(kommune_id=kommune.pk, key="note:1", task_name="x") is None
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        run = services.task_run_claim(kommune_id=kommune.pk, key="note:1", task_name="x")
    assert run is not None and run.attempts == 2
    assert run.started_at == start + datetime.timedelta(minutes=61)


def test_the_database_backend_queues_the_task_and_reserves_its_key(database_backend: None) -> None:
    kommune = KommuneFactory()
    result = enqueue_once(note_in_log, kommune, "note:1", label="Notiz")
    assert result is not None and result.status == TaskResultStatus.READY
    assert enqueue_once(note_in_log, kommune, "note:1", label="Notiz") is None  # still waiting: not again
    assert TaskRun.objects.get().state == TaskRunState.PENDING
    assert _entries(kommune, "Notiz") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; PostgreSQL shows the race")
def test_two_workers_running_the_same_key_at_once_do_the_work_once() -> None:
    kommune = KommuneFactory()
    barrier = threading.Barrier(4)
    returns: list[object] = []

    def worker() -> None:
        try:
            barrier.wait()
            returns.append(note_in_log.call(kommune.pk, "note:1", label="Notiz"))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(_entries(kommune, "Notiz")) == 1
    assert sum(value is not None for value in returns) == 1
