"""Imports and edits from concurrent processes on PostgreSQL (R3, R4 in docs/security.md).

Several OS processes import the same file into the same Kommune at the same moment: the org units,
the people, the role assignments and the KPI values. Each import is all or nothing and they are
serialised: every process finishes without a problem, the rows exist once, one import created
them (with one audit entry each, all carrying its import id) and the others found them unchanged.
Two processes saving the same org unit from the same version: one wins, the other is told of the
conflict.

To make the race certain rather than lucky, each process waits a moment after it has read what is
there (`pause_after`): without the lock every process would read the same empty Kommune.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from kompass.agenda.models import KPIValue
from kompass.agenda.tests import factories_kpis as fk
from kompass.audit.models import AuditAction, AuditEntry
from kompass.conftest import World
from kompass.core.tests.processes import Workers, postgres_only, workers
from kompass.org.models import OrgUnit, Person
from kompass.roles.models import Assignment, Role

PROCESSES = 3
PAUSE = 0.4
HOLD = 3.0  # how long the import below keeps its transaction open

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def pool(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Workers]:
    postgres_only()
    yield from workers(PROCESSES)


@pytest.fixture(autouse=True)
def _clear_counters() -> Iterator[None]:
    yield
    cache.clear()


# --- in the workers ------------------------------------------------------------------------------


def pause_after(table: str, seconds: float = PAUSE) -> Callable[..., Any]:
    """An execute wrapper that sleeps once after the first read of `table`."""
    done: list[bool] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if not done and sql.startswith("SELECT") and f'FROM "{table}"' in sql:
            done.append(True)
            time.sleep(seconds)
        return result

    return wrapper


def import_file(kind: str, slug: str, text: str, table: str, seconds: float = PAUSE) -> dict[str, Any]:
    from kompass.tabular.importing import run_import
    from kompass.tenancy.models import Kommune

    kommune = Kommune.objects.get(slug=slug)
    with connection.execute_wrapper(pause_after(table, seconds)):
        report = run_import(
            kind=kind, kommune=kommune, actor=None, filename="datei.csv", data=text.encode(), dry_run=False
        )
    return {**_summary(report), "finished": time.time()}


def submit_later(slug: str, token: str) -> float:
    """A respondent submits while the import holds its locks; returns when the submission was done."""
    from kompass.assessment.tests.test_concurrency_pg import submit_service

    time.sleep(HOLD / 4)
    assert submit_service(slug, token) == "ok"
    return time.time()


def import_kpi_values(slug: str, text: str) -> dict[str, Any]:
    from kompass.agenda.services.kpis import kpi_values_import
    from kompass.tenancy.models import Kommune

    kommune = Kommune.objects.get(slug=slug)
    with connection.execute_wrapper(pause_after("agenda_kpivalue")):
        report = kpi_values_import(kommune=kommune, actor=None, filename="werte.csv", data=text.encode(), dry_run=False)
    return _summary(report)


def _summary(report: Any) -> dict[str, Any]:
    return {
        "issues": [issue.message for issue in report.issues],
        "counts": (report.created, report.updated, report.unchanged),
        "import_id": report.import_id,
    }


def rename_unit(slug: str, pk: int, name: str, version: int) -> str:
    from kompass.audit.services import ConflictError
    from kompass.org import services
    from kompass.tenancy.models import Kommune

    kommune = Kommune.objects.get(slug=slug)
    unit = OrgUnit.objects.for_kommune(kommune).get(pk=pk)
    try:
        with connection.execute_wrapper(pause_after("org_orgunit")):
            services.orgunit_update(
                kommune=kommune, actor=None, unit=unit, data={"name": name}, expected_version=version
            )
    except ConflictError:
        return "conflict"
    return "saved"


# --- the checks ----------------------------------------------------------------------------------


def run_same_import(pool: Workers, call: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    """Run the same import in every worker; all succeed and exactly one changed something."""
    outcomes = pool.run([(call, kwargs)] * PROCESSES)
    assert [o.error for o in outcomes if o.error] == []
    reports = [o.value for o in outcomes]
    assert [r["issues"] for r in reports] == [[]] * PROCESSES
    [winner] = [r for r in reports if r["counts"][0]]
    rows = winner["counts"][0]
    assert sorted(r["counts"] for r in reports) == [(0, 0, rows)] * (PROCESSES - 1) + [(rows, 0, 0)]
    return winner


def created_entries(world: World, model: type[Any]) -> list[str]:
    return list(
        AuditEntry.objects.for_kommune(world.kommune)
        .filter(action=AuditAction.CREATE, object_type=model._meta.model_name, source="import")
        .values_list("request_id", flat=True)
    )


def test_the_same_org_unit_file_imported_by_three_processes_at_once_creates_each_unit_once(
    world: World, pool: Workers
) -> None:
    lines = [f"9{n};Amt {n};Amt;D1;" for n in range(10)]
    text = "kennung;name;typ;uebergeordnet;leitung_email\r\n" + "\r\n".join(lines) + "\r\n"

    winner = run_same_import(pool, import_file, kind="orgunits", slug="teststadt", text=text, table="org_orgunit")

    codes = list(OrgUnit.objects.for_kommune(world.kommune).filter(code__startswith="9").values_list("code", flat=True))
    assert sorted(codes) == sorted(f"9{n}" for n in range(10))
    assert created_entries(world, OrgUnit) == [winner["import_id"]] * 10


def test_the_same_people_file_imported_by_three_processes_at_once_creates_each_person_once(
    world: World, pool: Workers
) -> None:
    lines = [f"neu{n}@teststadt.example;Neu{n};Person;;10" for n in range(10)]
    text = "email;vorname;nachname;funktion;organisationseinheit\r\n" + "\r\n".join(lines) + "\r\n"

    winner = run_same_import(pool, import_file, kind="people", slug="teststadt", text=text, table="org_person")

    assert Person.objects.for_kommune(world.kommune).filter(email__startswith="neu").count() == 10
    assert created_entries(world, Person) == [winner["import_id"]] * 10


def test_the_same_assignment_file_imported_by_three_processes_at_once_assigns_once(world: World, pool: Workers) -> None:
    Role.objects.create(kommune=world.kommune, key="lotse", name="Lotse", markers=[], confidence="eigene")
    people = ("alice.amtsleiterin@teststadt.example", "bruno.ordner@teststadt.example")
    lines = [f"{email};lotse;{unit};10;01.01.2026;" for email in people for unit in ("10", "32")]
    text = "email;rolle;organisationseinheit;zeitanteil;von;bis\r\n" + "\r\n".join(lines) + "\r\n"

    winner = run_same_import(
        pool, import_file, kind="assignments", slug="teststadt", text=text, table="roles_assignment"
    )

    assert Assignment.objects.for_kommune(world.kommune).count() == 4
    assert created_entries(world, Assignment) == [winner["import_id"]] * 4


def test_the_same_kpi_values_imported_by_three_processes_at_once_are_stored_once(world: World, pool: Workers) -> None:
    scene = fk.scene(world)
    days = [f"0{month}.01.2026" for month in range(1, 7)]
    lines = [f"{kpi.pk};{day};{n}" for n, day in enumerate(days) for kpi in (scene.inside_kpi, scene.goal_kpi)]
    text = "kennzahl;datum;wert\r\n" + "\r\n".join(lines) + "\r\n"

    winner = run_same_import(pool, import_kpi_values, slug="teststadt", text=text)

    assert KPIValue.objects.for_kommune(world.kommune).count() == 12
    assert created_entries(world, KPIValue) == [winner["import_id"]] * 12


def test_two_processes_saving_the_same_version_of_a_unit_one_wins_the_other_is_told(
    world: World, pool: Workers
) -> None:
    unit = world.hauptamt
    calls = [
        (rename_unit, {"slug": "teststadt", "pk": unit.pk, "name": f"Hauptamt {n}", "version": unit.version})
        for n in range(2)
    ]

    outcomes = pool.run(calls)

    assert [o.error for o in outcomes if o.error] == []
    assert sorted(o.value for o in outcomes) == ["conflict", "saved"]
    unit.refresh_from_db()
    assert unit.version == calls[0][1]["version"] + 1
    assert unit.name in {"Hauptamt 0", "Hauptamt 1"}
    updates = AuditEntry.objects.for_kommune(world.kommune).filter(action=AuditAction.UPDATE, object_id=str(unit.pk))
    assert updates.count() == 1


def test_a_survey_submission_is_not_held_up_by_an_import_into_the_same_kommune(
    world: World, pool: Workers, tmp_path: Any
) -> None:
    """The import locks the Kommune and its units against other imports and edits (FOR NO KEY
    UPDATE), not against the inserts that merely point at them: the foreign-key check of a new
    response (FOR KEY SHARE on the Kommune and the unit) would wait for the whole import."""
    from kompass.assessment.tests.test_concurrency_pg import open_survey

    [link] = open_survey(world, tmp_path, respondents=1)
    text = "kennung;name;typ;uebergeordnet;leitung_email\r\n10;Hauptamt neu;Amt;D1;\r\n"
    calls = [
        (import_file, {"kind": "orgunits", "slug": "teststadt", "text": text, "table": "org_orgunit", "seconds": HOLD}),
        (submit_later, {"slug": "teststadt", "token": link.token}),
    ]

    outcomes = pool.run(calls)

    assert [o.error for o in outcomes if o.error] == []
    imported = next(o.value for o in outcomes if isinstance(o.value, dict))
    submitted = next(o.value for o in outcomes if isinstance(o.value, float))
    assert imported["issues"] == [] and imported["counts"] == (0, 1, 0)
    assert submitted < imported["finished"] - HOLD / 2
