"""Real concurrent OS processes against the test database (R4 in docs/security.md).

Threads in one process share Python's interpreter lock and, in Django's test set-up, often one
connection; they do not show what two gunicorn workers do. `Workers` starts processes with the
spawn method, each of which sets Django up on its own and connects to the same PostgreSQL test
database as the test (the name is read from the test's connection, so pytest-xdist's
`test_<name>_gw0` works too). A round hands each worker a call (a module-level function and its
keyword arguments), lets all of them start at the same moment and returns what each returned, or
the exception's text.

The test must commit its data outside a test transaction (`django_db(transaction=True)`), or the
workers see nothing. Each worker closes its connection after every call, so the flush between
tests is not held up.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

START_TIMEOUT = 120  # seconds for the workers to set Django up on a loaded machine
ROUND_TIMEOUT = 120


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: str = ""


def database_url() -> str:
    """The address of the database the test runs against (the test database while a test runs)."""
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{s['NAME']}"


def _serve(url: str, tasks: Any, ready: Any, results: Any, go: Any) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kompass.test_settings")
    import django

    django.setup()
    from django.db import connection as worker_connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's "testserver" host, the locmem mail outbox
    ready.put(os.getpid())
    while True:
        task = tasks.get()
        if task is None:
            return
        func, kwargs = task
        ready.put(os.getpid())
        go.wait()
        try:
            outcome = Outcome(value=func(**kwargs))
        except BaseException:  # reported to the test, which decides
            outcome = Outcome(error=traceback.format_exc())
        finally:
            worker_connection.close()
        results.put(outcome)


class Workers:
    """A fixed number of spawned worker processes, reused for several rounds."""

    def __init__(self, count: int) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.ready = self.context.Queue()
        self.results = self.context.Queue()
        self.go = self.context.Event()
        self.tasks = [self.context.Queue() for _ in range(count)]
        url = database_url()
        self.processes = [
            self.context.Process(target=_serve, args=(url, queue, self.ready, self.results, self.go), daemon=True)
            for queue in self.tasks
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.ready.get(timeout=START_TIMEOUT)

    def run(self, calls: Sequence[tuple[Callable[..., Any], dict[str, Any]]]) -> list[Outcome]:
        """Run the calls at once, one per worker; the outcomes in no particular order."""
        assert len(calls) <= len(self.tasks), "more calls than workers"
        self.go.clear()
        for queue, call in zip(self.tasks, calls, strict=False):
            queue.put(call)
        for _ in calls:
            self.ready.get(timeout=ROUND_TIMEOUT)
        self.go.set()
        return [self.results.get(timeout=ROUND_TIMEOUT) for _ in calls]

    def close(self) -> None:
        for queue in self.tasks:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent processes need a database server; SQLite serialises every writer on its file")


def workers(count: int) -> Iterator[Workers]:
    """Body of a module-scoped fixture: `count` workers for the module's tests, stopped at the end."""
    pool = Workers(count)
    try:
        yield pool
    finally:
        pool.close()
