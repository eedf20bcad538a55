"""`manage.py bench`: the Großstadt profile's shape, and that it never measures the developer's database."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from kompass.conftest import World
from kompass.demo import bench_profile as profile
from kompass.demo.management.commands import bench


def test_the_profile_has_1500_units_in_five_levels_with_unique_codes() -> None:
    rows = profile.unit_rows()
    assert len(rows) == 1500
    assert Counter(r.level for r in rows) == dict(enumerate(profile.LEVEL_SIZES))
    assert len({r.code for r in rows}) == len(rows)
    codes = {r.code for r in rows}
    assert all(r.parent_code in codes for r in rows if r.parent_code)
    assert {r.unit_type for r in rows if r.level == 2} == {"amt"}


def test_the_profile_people_are_deterministic_and_have_unique_emails() -> None:
    rows = profile.unit_rows()
    first = profile.person_rows(rows, "x.example")
    assert first == profile.person_rows(rows, "x.example")
    assert len(first) == 20_000
    assert len({p.email for p in first}) == 20_000
    assert {p.unit_code for p in first} <= {r.code for r in rows}


def test_the_import_file_uses_the_documented_columns() -> None:
    people = profile.person_rows(profile.unit_rows(), "x.example")[:2]
    lines = profile.csv_for_import(people).decode("utf-8").splitlines()
    assert lines[0] == "email;vorname;nachname;funktion;organisationseinheit"
    assert lines[1].split(";")[0] == people[0].email


def test_sqlite_is_measured_in_a_separate_file() -> None:
    targets = bench.bench_targets("all", {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/db.sqlite3"}, "")
    assert [label for label, _url in targets] == ["SQLite"]
    assert targets[0][1].endswith("/var/bench.sqlite3")


@pytest.mark.parametrize(("name", "expected"), [("kompass", "kompass_bench"), ("kompass_bench", "kompass_bench")])
def test_postgresql_is_measured_in_a_bench_database(name: str, expected: str) -> None:
    default = {"ENGINE": "django.db.backends.postgresql", "NAME": name}
    targets = dict(bench.bench_targets("all", default, f"postgres://postgres@127.0.0.1:5432/{name}"))
    assert targets["PostgreSQL"] == f"postgres://postgres@127.0.0.1:5432/{expected}"


def test_the_measuring_child_refuses_a_database_that_is_not_a_bench_database() -> None:
    assert not bench._is_bench_database()


@pytest.mark.django_db
def test_a_page_measurement_reports_times_and_queries(world: World, admin_client: Client) -> None:
    ctx = bench.BenchContext(slug=world.kommune.slug, admin=world.admin, kommune=world.kommune,
                             amt=world.ordnungsamt, dezernat=world.dezernat, head=world.alice, api_token="")  # fmt: skip
    page = bench.Page("Baum", lambda c: reverse("org:tree", args=[c.slug]))
    result = bench.measure_page(admin_client, page, ctx, runs=3, warmups=1)
    assert result.verdict in {"OK", "ÜBER BUDGET"}
    assert int(result.queries) > 0
    assert float(result.p95) >= float(result.median) > 0
    missing = bench.measure_page(admin_client, bench.Page("Fehlt", lambda c: "/gibt-es-nicht/"), ctx, 3, 1)
    assert missing.verdict == "NICHT VORHANDEN"
