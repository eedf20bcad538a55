"""Liveness, readiness and a database outage (docs/security.md R7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kompass.conftest import World
from kompass.ops import health

READYZ = "/readyz"


@pytest.fixture(autouse=True)
def _fresh_migration_check() -> Iterator[None]:
    health._migrations_ok_until = 0.0
    yield
    health._migrations_ok_until = 0.0


def _database_gone() -> mock._patch:  # type: ignore[type-arg]
    return mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed the connection"))


@pytest.mark.django_db
def test_readyz_answers_ok_when_every_check_holds() -> None:
    response = Client().get(reverse("ops:readyz"))
    assert reverse("ops:readyz") == READYZ
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_503_with_the_failing_check_when_the_database_is_gone() -> None:
    with _database_gone():
        response = Client().get(READYZ)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["database"]}


@pytest.mark.django_db
def test_readyz_names_unapplied_migrations() -> None:
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[("migration", False)]):
        response = Client().get(READYZ)
    assert response.status_code == 503 and response.json()["failing"] == ["migrations"]


@pytest.mark.django_db
def test_readyz_names_a_cache_or_storage_that_takes_no_write() -> None:
    with mock.patch("kompass.ops.health.cache.get", return_value=None):
        assert Client().get(READYZ).json()["failing"] == ["cache"]
    with mock.patch("kompass.ops.health.default_storage.save", side_effect=OSError("read-only file system")):
        assert Client().get(READYZ).json()["failing"] == ["storage"]


@pytest.mark.django_db
def test_readyz_names_a_task_queue_nobody_works_off() -> None:
    from django_tasks_db.models import DBTaskResult

    from kompass.tasks.housekeeping import clear_expired_sessions

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        clear_expired_sessions.enqueue(None)
        assert Client().get(READYZ).status_code == 200  # just queued: a worker has time
        DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=16))
        response = Client().get(READYZ)
    assert response.status_code == 503 and response.json()["failing"] == ["tasks"]


@pytest.mark.django_db
def test_readyz_reveals_no_version_host_or_error_text() -> None:
    with _database_gone():
        body = Client().get(READYZ).content.decode()
    assert "server closed" not in body and "OperationalError" not in body and "postgres" not in body.lower()


def test_healthz_is_liveness_and_asks_no_database() -> None:
    with _database_gone():
        response = Client().get(reverse("ui:health"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_page_answers_the_german_503_page_while_the_database_is_gone(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.reader)
    with _database_gone():
        response = client.get(f"/k/{world.kommune.slug}/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Vorübergehend nicht erreichbar" in body and "Es wurde nichts gespeichert" in body
    assert response["Retry-After"] == "30"
    assert "server closed" not in body and "Traceback" not in body


def test_other_errors_stay_500(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.reader)
    with mock.patch("kompass.ui.views.render", side_effect=RuntimeError("kaputt")):
        response = client.get(f"/k/{world.kommune.slug}/")
    assert response.status_code == 500
