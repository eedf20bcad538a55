"""pytest plugin of the app-role run (docs/security.md T4): `-p kompass.tenancy.tests.rls_serving`
with `KOMPASS_DB_APP_ROLE=<role>` on PostgreSQL.

The test database is created, migrated and filled by the owner, as in production (migrate, fixtures
standing in for the data already there); every request of the test client, and the tasks it runs,
acts as the app role (SET ROLE at request start, back at its end), so the pages and the API are
shown to work under row-level security, with no Kommune leaking between requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from kompass.tenancy import rls

    rls.serve_requests_as_app_role()


@pytest.fixture(scope="session", autouse=True)
def _app_role_grants(django_db_setup: Any, django_db_blocker: Any) -> None:
    from django.db import connection

    from kompass.tenancy import rls

    if connection.vendor != "postgresql" or not rls.app_role():
        pytest.exit("rls_serving braucht PostgreSQL und KOMPASS_DB_APP_ROLE.", returncode=2)
    with django_db_blocker.unblock():
        rls.setup_role(connection, rls.app_role())


@pytest.fixture(autouse=True)
def _owner_after_each_test() -> Iterator[None]:
    """A request that failed mid-transaction cannot switch back; the test's end does, before the
    next test (and the teardown of the test database) runs as the owner."""
    yield
    from django.db import connection

    from kompass.tenancy import rls

    if connection.connection is not None and not connection.needs_rollback:
        with contextlib.suppress(Exception):
            rls.set_role(None)
