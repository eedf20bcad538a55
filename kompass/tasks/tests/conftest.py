from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from kompass.tasks.tests import sample_tasks

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _reset_sample_tasks() -> Iterator[None]:
    sample_tasks.FLAKY["fail"] = True
    sample_tasks.PLATFORM_CALLS.clear()
    yield


@pytest.fixture
def database_backend() -> Iterator[None]:
    """Tasks go into the database queue instead of running at once (the production set-up)."""
    with override_settings(TASKS=DATABASE_TASKS):
        yield
